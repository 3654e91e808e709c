/**
 * The SQL the drift gate runs on a SQL warehouse: one statement per metric table, reading the
 * whole-table rows (slice_key IS NULL) of the last N windows, either of all models together
 * (the model id column `'*'`, as the filter `model_id != "*"` of databricks/mlops-stacks' monitoring/metric_violation_check_query.py reads them) or of one model id slice (`modelId`: e.g. the
 * canary's `catalog.schema.model/8`, compared case-insensitively as Unity Catalog names are).
 *
 * Every value (drift type, window count, granularity, the ':table' marker, the all-models
 * marker) is a named parameter; the SQL text is built only from fixed fragments and from
 * identifiers that are checked and backtick-quoted (identifiers.ts). The windows are ranked
 * with DENSE_RANK rather than `LIMIT :n` so the same text is valid wherever named parameters
 * are, and so the rank comes back with each row (no timestamp parsing on our side).
 */
import type { StatementParameterListItem } from '@databricks/sdk-experimental/dist/apis/sql/model';
import type { MetricCondition } from '../../../../shared/monitoring/metricRules';
import { quoteColumnPath, quotePart, quoteTableName } from './identifiers';

/** What the gate needs to know about one monitor's metric tables. */
export interface MetricTablesInfo {
  driftMetricsTable?: string;
  profileMetricsTable?: string;
  /** The granularity whose windows are evaluated, as the metric tables spell it ("1 day"); none for snapshot profiles. */
  granularity?: string;
  /** The inference log's model id column: the metric tables have a column of that name ('*' = all models). */
  modelIdColumn?: string;
  /** The model id slice to read instead of the all-models rows (needs `modelIdColumn`). */
  modelId?: string;
}

export interface GateStatement {
  statement: string;
  parameters: StatementParameterListItem[];
  /** The metric column paths selected as m0, m1, … in this order. */
  metrics: string[];
}

/** `column_name` of the rows that hold table-level and model-quality metrics. */
export const TABLE_LEVEL = ':table';
/** The model id value of rows aggregated over every model. */
export const ALL_MODELS = '*';

export const METRIC_ALIAS = (index: number): string => `m${index}`;

/** Distinct metric column paths of the rules, in first-seen order. */
export function metricColumns(rules: readonly MetricCondition[]): string[] {
  return [...new Set(rules.map((r) => r.column))];
}

export function driftStatement(tables: MetricTablesInfo, rules: readonly MetricCondition[], options: { driftType: 'BASELINE' | 'CONSECUTIVE'; windows: number }): GateStatement {
  if (!tables.driftMetricsTable) throw new Error('The monitor reports no drift metrics table.');
  return rankedStatement(tables.driftMetricsTable, metricColumns(rules), tables, options.windows, [
    ['drift_type = :drift_type', { name: 'drift_type', value: options.driftType }],
    ['column_name <> :table_level', { name: 'table_level', value: TABLE_LEVEL }],
  ]);
}

/** Model-quality rows (':table') and per-column profile rows of the monitored data (log_type INPUT). */
export function profileStatement(tables: MetricTablesInfo, rules: readonly MetricCondition[], options: { windows: number }): GateStatement {
  if (!tables.profileMetricsTable) throw new Error('The monitor reports no profile metrics table.');
  return rankedStatement(tables.profileMetricsTable, metricColumns(rules), tables, options.windows, [['log_type = :log_type', { name: 'log_type', value: 'INPUT' }]]);
}

type Condition = [sql: string, parameter?: StatementParameterListItem];

/** The rows of one model id slice, or of all models (the '*' rows; NULL where a table has none). */
function modelCondition(info: MetricTablesInfo): Condition[] {
  if (info.modelIdColumn === undefined) {
    if (info.modelId !== undefined) throw new Error("A model id slice needs the monitor's model id column.");
    return [];
  }
  const model = quotePart(info.modelIdColumn, 'model id column');
  if (info.modelId !== undefined) return [[`lower(${model}) = lower(:model_id)`, { name: 'model_id', value: info.modelId }]];
  return [[`(${model} IS NULL OR ${model} = :all_models)`, { name: 'all_models', value: ALL_MODELS }]];
}

/**
 * The model ids that have rows in a metric table (the '*' rows left out), for the message when
 * the slice asked for has none: at most `limit`, in order.
 */
export function modelIdsStatement(table: string, modelIdColumn: string, limit = 10): GateStatement {
  const model = quotePart(modelIdColumn, 'model id column');
  return {
    statement: [
      `SELECT DISTINCT ${model} AS model_id`,
      `FROM ${quoteTableName(table)}`,
      `WHERE ${model} IS NOT NULL AND ${model} <> :all_models AND slice_key IS NULL`,
      'ORDER BY model_id',
      // A literal, not a parameter: LIMIT takes no named parameter everywhere (see above).
      `LIMIT ${Math.max(1, Math.trunc(limit))}`,
    ].join('\n'),
    parameters: [{ name: 'all_models', value: ALL_MODELS }],
    metrics: [],
  };
}

function rankedStatement(table: string, metrics: string[], info: MetricTablesInfo, windows: number, specific: Condition[]): GateStatement {
  if (metrics.length === 0) throw new Error('A gate statement needs at least one metric.');
  const conditions: Condition[] = [...specific, ['slice_key IS NULL']];
  if (info.granularity !== undefined) conditions.push(['granularity = :granularity', { name: 'granularity', value: info.granularity }]);
  conditions.push(...modelCondition(info));
  const selected = metrics.map((path, i) => `CAST(${quoteColumnPath(path)} AS DOUBLE) AS ${METRIC_ALIAS(i)}`);
  const statement = [
    `SELECT column_name, window_start, window_end, window_rank, ${metrics.map((_, i) => METRIC_ALIAS(i)).join(', ')}`,
    'FROM (',
    '  SELECT column_name,',
    '    `window`.`start` AS window_start,',
    '    `window`.`end` AS window_end,',
    ...selected.map((s) => `    ${s},`),
    '    DENSE_RANK() OVER (ORDER BY `window`.`start` DESC) AS window_rank',
    `  FROM ${quoteTableName(table)}`,
    `  WHERE ${conditions.map(([sql]) => sql).join('\n    AND ')}`,
    ') ranked',
    'WHERE window_rank <= :windows',
    'ORDER BY window_rank, column_name',
  ].join('\n');
  const parameters = conditions.flatMap(([, p]) => (p ? [p] : []));
  parameters.push({ name: 'windows', value: String(windows), type: 'INT' });
  return { statement, parameters, metrics };
}
