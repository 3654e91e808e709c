/**
 * The SQL the drift gate runs on a SQL warehouse: one statement per metric table, reading the
 * whole-table rows (slice_key IS NULL, all models) of the last N windows.
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

export function driftStatement(
  tables: MetricTablesInfo,
  rules: readonly MetricCondition[],
  options: { driftType: 'BASELINE' | 'CONSECUTIVE'; windows: number },
): GateStatement {
  if (!tables.driftMetricsTable) throw new Error('The monitor reports no drift metrics table.');
  return rankedStatement(tables.driftMetricsTable, metricColumns(rules), tables, options.windows, [
    ['drift_type = :drift_type', { name: 'drift_type', value: options.driftType }],
    ['column_name <> :table_level', { name: 'table_level', value: TABLE_LEVEL }],
  ]);
}

/** Model-quality rows (':table') and per-column profile rows of the monitored data (log_type INPUT). */
export function profileStatement(tables: MetricTablesInfo, rules: readonly MetricCondition[], options: { windows: number }): GateStatement {
  if (!tables.profileMetricsTable) throw new Error('The monitor reports no profile metrics table.');
  return rankedStatement(tables.profileMetricsTable, metricColumns(rules), tables, options.windows, [
    ['log_type = :log_type', { name: 'log_type', value: 'INPUT' }],
  ]);
}

type Condition = [sql: string, parameter?: StatementParameterListItem];

function rankedStatement(table: string, metrics: string[], info: MetricTablesInfo, windows: number, specific: Condition[]): GateStatement {
  if (metrics.length === 0) throw new Error('A gate statement needs at least one metric.');
  const conditions: Condition[] = [...specific, ['slice_key IS NULL']];
  if (info.granularity !== undefined) conditions.push(['granularity = :granularity', { name: 'granularity', value: info.granularity }]);
  if (info.modelIdColumn !== undefined) {
    const model = quotePart(info.modelIdColumn, 'model id column');
    conditions.push([`(${model} IS NULL OR ${model} = :all_models)`, { name: 'all_models', value: ALL_MODELS }]);
  }
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
