/**
 * The SQL of the view that unpacks an AI Gateway payload table (one row per request, JSON
 * request/response) into one row per prediction (the pattern of the Databricks inference-table monitoring starter notebook): timestamp from request_time,
 * model id from the served entity, the feature columns of the model's signature, the prediction.
 * Successful requests only (status_code 200).
 *
 * Model id: the payload table names the served entity only by `served_entity_id`, which joins
 * to `system.serving.served_entities` (the payload table's served_entity_id column and the Databricks inference-table monitoring starter notebook's pattern). Where that system
 * table can be read, the model id is `<entity_name>/<entity_version>` (e.g.
 * `main.ml.churn_model/8`: one monitor slice per served model version, a value a pipeline can
 * name); otherwise, and for a request whose entity the system table does not list (yet), the
 * opaque served entity id. The system table is reduced to one row per served_entity_id first,
 * so a history of rows per entity cannot multiply predictions.
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
  /** Where the model id comes from: served_entities (`<model>/<version>`) or the bare served_entity_id. */
  modelIdSource: ModelIdSource;
}

export type ModelIdSource = 'servedEntities' | 'servedEntityId';

/** The system table that maps a served_entity_id to its model and version (Databricks system tables: system.serving). */
export const SERVED_ENTITIES_TABLE = 'system.serving.served_entities';

/** The statement that tells whether the served entities system table can be read here (reads no row). */
export const SERVED_ENTITIES_PROBE = `SELECT served_entity_id, entity_name, entity_version FROM ${SERVED_ENTITIES_TABLE} LIMIT 0`;

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
  const keep = 'request_time, entity_model_id, databricks_request_id, client_request_id, resp';
  const joined = spec.modelIdSource === 'servedEntities';
  const modelId = joined
    ? "CASE WHEN e.entity_name IS NOT NULL AND e.entity_version IS NOT NULL THEN concat(e.entity_name, '/', e.entity_version) ELSE p.served_entity_id END"
    : 'p.served_entity_id';
  const fromRecords = spec.features.map((f) => `rec.${q(f.name)} AS ${q(f.name)}`).join(', ');
  const fromSplit = spec.features
    .map((f) => {
      const position = `array_position(req.dataframe_split.columns, '${f.name.replace(/'/g, "''")}')`;
      return `CAST(CASE WHEN ${position} > 0 THEN element_at(vals, CAST(${position} AS INT)) END AS ${f.sqlType}) AS ${q(f.name)}`;
    })
    .join(', ');
  const featureList = spec.features.map((f) => q(f.name)).join(', ');
  return [
    'WITH',
    ...(joined
      ? [
          'entities AS (',
          '  SELECT served_entity_id, min(entity_name) AS entity_name, min(entity_version) AS entity_version',
          `  FROM ${quoteName(SERVED_ENTITIES_TABLE)}`,
          '  GROUP BY served_entity_id',
          '),',
        ]
      : []),
    'parsed AS (',
    `  SELECT p.request_time, ${modelId} AS entity_model_id, p.databricks_request_id, p.client_request_id,`,
    `         from_json(p.request, '${requestSchema}') AS req,`,
    `         from_json(p.response, '${responseSchema}') AS resp`,
    `  FROM ${quoteName(spec.payloadTable)} p`,
    ...(joined ? ['  LEFT JOIN entities e ON e.served_entity_id = p.served_entity_id'] : []),
    '  WHERE p.status_code = 200',
    '),',
    'predictions AS (',
    `  SELECT ${keep}, pos, ${fromRecords}`,
    '  FROM parsed LATERAL VIEW posexplode(coalesce(req.dataframe_records, req.instances, req.inputs)) r AS pos, rec',
    '  UNION ALL',
    `  SELECT ${keep}, pos, ${fromSplit}`,
    '  FROM parsed LATERAL VIEW posexplode(req.dataframe_split.data) s AS pos, vals',
    ')',
    `SELECT request_time AS ${q(spec.timestampColumn)}, entity_model_id AS ${q(spec.modelIdColumn)}, databricks_request_id, client_request_id, ${featureList},`,
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
