/**
 * The SQL of the view that unpacks an AI Gateway payload table (one row per request, JSON
 * request/response) into one row per prediction (the pattern of the Databricks inference-table monitoring starter notebook): timestamp from request_time,
 * model id from the served entity, the feature columns of the model's signature, the prediction.
 * Successful requests only (status_code 200).
 *
 * Request formats: `dataframe_records`, `instances` and `inputs` as lists of records, and
 * `dataframe_split` (columns + data). The i-th record pairs with the i-th prediction.
 * Plain Databricks SQL: from_json with a DDL schema, LATERAL VIEW posexplode, element_at
 * (1-based); every name quoted with backticks.
 */
import { quoteName } from '../../../../shared/api/sql';
import type { Feature } from './signature';

export const REQUEST_FORMATS = ['dataframe_records', 'dataframe_split', 'instances', 'inputs'] as const;

export interface ViewSpec {
  viewName: string;
  payloadTable: string;
  features: Feature[];
  predictionType: string;
  timestampColumn: string;
  modelIdColumn: string;
  predictionColumn: string;
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** The SELECT the view is defined by (compared with the existing view's definition). */
export function viewQuery(spec: ViewSpec): string {
  const q = quoteIdentifier;
  const fields = spec.features.map((f) => `${q(f.name)}:${f.sqlType.toLowerCase()}`).join(',');
  const records = `array<struct<${fields}>>`;
  const requestSchema = `struct<dataframe_records:${records},instances:${records},inputs:${records},dataframe_split:struct<columns:array<string>,data:array<array<string>>>>`;
  const responseSchema = `struct<predictions:array<${spec.predictionType.toLowerCase()}>>`;
  const keep = 'request_time, served_entity_id, databricks_request_id, client_request_id, resp';
  const fromRecords = spec.features.map((f) => `rec.${q(f.name)} AS ${q(f.name)}`).join(', ');
  const fromSplit = spec.features
    .map((f) => {
      const position = `array_position(req.dataframe_split.columns, '${f.name.replace(/'/g, "''")}')`;
      return `CAST(CASE WHEN ${position} > 0 THEN element_at(vals, CAST(${position} AS INT)) END AS ${f.sqlType}) AS ${q(f.name)}`;
    })
    .join(', ');
  const featureList = spec.features.map((f) => q(f.name)).join(', ');
  return [
    'WITH parsed AS (',
    `  SELECT p.request_time, p.served_entity_id, p.databricks_request_id, p.client_request_id,`,
    `         from_json(p.request, '${requestSchema}') AS req,`,
    `         from_json(p.response, '${responseSchema}') AS resp`,
    `  FROM ${quoteName(spec.payloadTable)} p`,
    '  WHERE p.status_code = 200',
    '),',
    'predictions AS (',
    `  SELECT ${keep}, pos, ${fromRecords}`,
    '  FROM parsed LATERAL VIEW posexplode(coalesce(req.dataframe_records, req.instances, req.inputs)) r AS pos, rec',
    '  UNION ALL',
    `  SELECT ${keep}, pos, ${fromSplit}`,
    '  FROM parsed LATERAL VIEW posexplode(req.dataframe_split.data) s AS pos, vals',
    ')',
    `SELECT request_time AS ${q(spec.timestampColumn)}, served_entity_id AS ${q(spec.modelIdColumn)}, databricks_request_id, client_request_id, ${featureList},`,
    `       element_at(resp.predictions, CAST(pos + 1 AS INT)) AS ${q(spec.predictionColumn)}`,
    'FROM predictions',
  ].join('\n');
}

export function createViewStatement(spec: ViewSpec): string {
  return `CREATE OR REPLACE VIEW ${quoteName(spec.viewName)} AS\n${viewQuery(spec)}`;
}

/** The view's columns (for checking the monitor's column roles before the view exists). */
export function viewColumns(spec: ViewSpec): string[] {
  return [spec.timestampColumn, spec.modelIdColumn, 'databricks_request_id', 'client_request_id', ...spec.features.map((f) => f.name), spec.predictionColumn];
}
