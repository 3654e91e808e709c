/**
 * Monitoring seeds: the metric tables of a data profiling monitor (https://learn.microsoft.com/azure/databricks/lakehouse-monitoring/monitor-output, created in the
 * workspace's SQL engine) and a generator of realistic metric rows, used by the monitors fake on
 * every successful refresh and by tests that seed metric tables directly.
 *
 * Rows: per window (oldest first), per model id (`*` = all models, plus each model), per slice
 * (NULL/NULL = whole table, plus the given slices):
 * - profile table: `log_type = INPUT` rows per column plus a `:table` row (model quality when a
 *   problem type is given), and `BASELINE` rows when a baseline is configured;
 * - drift table: `CONSECUTIVE` rows comparing each window with the previous one (the first
 *   window has no previous one: its metrics are NULL, as with a single window), and `BASELINE`
 *   rows comparing with the baseline table when one is configured.
 * Metric values are derived from a drift severity per (column, window, drift type): 0.03 by
 * default, i.e. no drift; `severity` scripts drift (e.g. PSI 0.35 on `age` in the last window),
 * `stats` scripts column statistics of the INPUT rows (e.g. `max` 150 on `age`: a range breach).
 * Custom metrics have a column of their own (the custom metric types of the monitor APIs): aggregate and
 * derived ones in the profile table, drift ones in the drift table, filled on the rows of their
 * input columns (`:table` → the table-level row) with `customValue`.
 */
import type { SqlStore } from '../routes/sql';
import type { SeedValue } from '../sql/engine';

export type ColumnKind = 'numeric' | 'categorical';

export interface MetricColumn {
  name: string;
  kind: ColumnKind;
}

export interface MetricTables {
  profile: string;
  drift: string;
  /** The model id column's name (inference-log monitors); absent for time series / snapshot. */
  modelIdColumn?: string;
  /** The monitor's custom metrics: each is a DOUBLE column of the profile (AGGREGATE, DERIVED) or drift (DRIFT) table. */
  customMetrics?: ReadonlyArray<{ name: string; type: string; input_columns: readonly string[] }>;
}

export interface StatsContext {
  column: string;
  /** 0 = oldest window. */
  window: number;
  windows: number;
  /** The model id of the row ('*' = all models, also for monitors without model ids). */
  model?: string;
}

export interface SeverityContext {
  column: string;
  /** 0 = oldest window. */
  window: number;
  windows: number;
  driftType: 'CONSECUTIVE' | 'BASELINE';
  model: string;
  slice?: { key: string; value: string };
}

export interface MetricRowsOptions extends MetricTables {
  columns: MetricColumn[];
  /** Number of windows, ending at `end` (default now, rounded down to the granularity). */
  windows: number;
  granularity?: '1 hour' | '1 day' | '1 week';
  end?: Date;
  baseline?: boolean;
  /** Per-model rows besides `*`. */
  models?: string[];
  slices?: Array<{ key: string; value: string }>;
  problemType?: 'classification' | 'regression';
  /** The drift severity (PSI) of a cell; default 0.03. */
  severity?: (c: SeverityContext) => number;
  /** Column statistics overriding the generated ones in INPUT rows, e.g. `{ max: 150 }`. */
  stats?: (c: StatsContext) => Partial<Record<string, number>> | undefined;
  /** The value of a custom metric on a row (`column` ':table' for table-level ones); default 1 + window / 10. */
  customValue?: (c: StatsContext & { metric: string }) => number;
  monitorVersion?: number;
}

/** The AI Gateway payload table (https://learn.microsoft.com/azure/databricks/ai-gateway/inference-tables), as column definitions for CREATE TABLE. */
export const PAYLOAD_COLUMNS_DDL = [
  'databricks_request_id STRING',
  'request_date DATE',
  'client_request_id STRING',
  'request_time TIMESTAMP',
  'status_code INT',
  'sampling_fraction DOUBLE',
  'execution_duration_ms BIGINT',
  'request STRING',
  'response STRING',
  'logging_error_codes ARRAY<STRING>',
  'served_entity_id STRING',
  'requester STRING',
].join(', ');

const STEP_MS: Record<NonNullable<MetricRowsOptions['granularity']>, number> = { '1 hour': 3_600_000, '1 day': 86_400_000, '1 week': 7 * 86_400_000 };

/** Column definitions shared by both tables, then each table's own (Databricks DDL). */
function groupingColumns(modelIdColumn?: string): string[] {
  return [
    '`window` STRUCT<start: TIMESTAMP, `end`: TIMESTAMP>',
    '`granularity` STRING',
    ...(modelIdColumn ? [`\`${modelIdColumn}\` STRING`] : []),
    '`slice_key` STRING',
    '`slice_value` STRING',
    '`column_name` STRING',
    '`data_type` STRING',
    '`monitor_version` BIGINT',
  ];
}

const AVERAGED = 'STRUCT<one_vs_all: MAP<STRING, DOUBLE>, macro: DOUBLE, weighted: DOUBLE>';

const PROFILE_COLUMNS = [
  '`log_type` STRING',
  '`logging_table_commit_version` INT',
  '`count` BIGINT',
  '`num_nulls` BIGINT',
  '`avg` DOUBLE',
  '`min` DOUBLE',
  '`max` DOUBLE',
  '`stddev` DOUBLE',
  '`median` DOUBLE',
  '`quantiles` ARRAY<DOUBLE>',
  '`distinct_count` BIGINT',
  '`num_zeros` BIGINT',
  '`num_nan` BIGINT',
  '`min_length` INT',
  '`max_length` INT',
  '`avg_length` DOUBLE',
  '`frequent_items` ARRAY<STRUCT<item: STRING, count: BIGINT>>',
  '`non_null_columns` ARRAY<STRING>',
  '`percent_null` DOUBLE',
  '`percent_zeros` DOUBLE',
  '`percent_distinct` DOUBLE',
  '`percent_nan` DOUBLE',
  '`accuracy_score` DOUBLE',
  `\`precision\` ${AVERAGED}`,
  `\`recall\` ${AVERAGED}`,
  `\`f1_score\` ${AVERAGED}`,
  '`roc_auc_score` DOUBLE',
  '`mean_squared_error` DOUBLE',
  '`root_mean_squared_error` DOUBLE',
  '`mean_average_error` DOUBLE',
  '`mean_absolute_percentage_error` DOUBLE',
  '`r2_score` DOUBLE',
];

const TEST_STRUCT = 'STRUCT<statistic: DOUBLE, pvalue: DOUBLE>';

const DRIFT_COLUMNS = [
  '`window_cmp` STRUCT<start: TIMESTAMP, `end`: TIMESTAMP>',
  '`drift_type` STRING',
  '`count_delta` DOUBLE',
  '`avg_delta` DOUBLE',
  '`percent_null_delta` DOUBLE',
  '`percent_zeros_delta` DOUBLE',
  '`percent_distinct_delta` DOUBLE',
  '`non_null_columns_delta` STRUCT<added: INT, missing: INT>',
  `\`ks_test\` ${TEST_STRUCT}`,
  '`wasserstein_distance` DOUBLE',
  `\`chi_squared_test\` ${TEST_STRUCT}`,
  '`tv_distance` DOUBLE',
  '`l_infinity_distance` DOUBLE',
  '`js_distance` DOUBLE',
  '`population_stability_index` DOUBLE',
];

/** Creates both metric tables (if missing) in the SQL engine; they are registered in Unity Catalog. */
export async function createMetricTables(sql: SqlStore, tables: MetricTables): Promise<void> {
  const grouping = groupingColumns(tables.modelIdColumn);
  const custom = (drift: boolean) => (tables.customMetrics ?? []).filter((c) => (c.type === 'DRIFT') === drift).map((c) => `\`${c.name}\` DOUBLE`);
  await sql.exec(`CREATE TABLE IF NOT EXISTS ${tables.profile} (${[...grouping, ...PROFILE_COLUMNS, ...custom(false)].join(', ')})`);
  await sql.exec(`CREATE TABLE IF NOT EXISTS ${tables.drift} (${[...grouping, ...DRIFT_COLUMNS, ...custom(true)].join(', ')})`);
}

/** Replaces the rows of both metric tables with generated ones (a refresh recomputes every window). */
export async function writeMetricRows(sql: SqlStore, options: MetricRowsOptions): Promise<{ profileRows: number; driftRows: number }> {
  await createMetricTables(sql, options);
  await sql.exec(`DELETE FROM ${options.profile}`);
  await sql.exec(`DELETE FROM ${options.drift}`);
  const rows = metricRows(options);
  await insertRows(sql, options.profile, rows.profile);
  await insertRows(sql, options.drift, rows.drift);
  return { profileRows: rows.profile.length, driftRows: rows.drift.length };
}

/** A row: column name → SQL expression with named parameters, plus the parameters. */
interface GeneratedRow {
  values: Record<string, SeedValue | { sql: string; params: Record<string, SeedValue> }>;
}

export function metricRows(o: MetricRowsOptions): { profile: GeneratedRow[]; drift: GeneratedRow[] } {
  const granularity = o.granularity ?? '1 day';
  const step = STEP_MS[granularity];
  const endMs = Math.floor((o.end ?? new Date()).getTime() / step) * step;
  const windows = Array.from({ length: o.windows }, (_, i) => ({ start: new Date(endMs - (o.windows - i) * step), end: new Date(endMs - (o.windows - i - 1) * step) }));
  const models = o.modelIdColumn ? ['*', ...(o.models ?? [])] : [undefined];
  const slices: Array<{ key: string; value: string } | undefined> = [undefined, ...(o.slices ?? [])];
  const severity = o.severity ?? (() => 0.03);
  const profile: GeneratedRow[] = [];
  const drift: GeneratedRow[] = [];

  windows.forEach((w, wi) => {
    for (const model of models) {
      for (const slice of slices) {
        const group = (column: string, dataType: string): GeneratedRow['values'] => ({
          window: struct(w.start, w.end),
          granularity,
          ...(o.modelIdColumn ? { [o.modelIdColumn]: model ?? null } : {}),
          slice_key: slice?.key ?? null,
          slice_value: slice?.value ?? null,
          column_name: column,
          data_type: dataType,
          monitor_version: o.monitorVersion ?? 1,
        });
        const logTypes = o.baseline ? ['INPUT', 'BASELINE'] : ['INPUT'];
        const at = (column: string): StatsContext => ({ column, window: wi, windows: o.windows, model: model ?? '*' });
        const customs = (column: string, drift: boolean): GeneratedRow['values'] =>
          Object.fromEntries(
            (o.customMetrics ?? [])
              .filter((m) => (m.type === 'DRIFT') === drift && m.input_columns.includes(column))
              .map((m) => [m.name, (o.customValue ?? (({ window }) => 1 + window / 10))({ ...at(column), metric: m.name })]),
          );
        for (const logType of logTypes) {
          for (const c of o.columns) {
            const scripted = Object.fromEntries(
              Object.entries((logType === 'INPUT' ? o.stats?.(at(c.name)) : undefined) ?? {}).filter((e): e is [string, number] => e[1] !== undefined),
            );
            profile.push({
              values: {
                ...group(c.name, c.kind === 'numeric' ? 'double' : 'string'),
                ...profileStats(c, wi, logType),
                ...scripted,
                ...(logType === 'INPUT' ? customs(c.name, false) : {}),
              },
            });
          }
          profile.push({
            values: {
              ...group(':table', ':table'),
              log_type: logType,
              count: 1000 + wi * 10,
              ...(o.problemType && logType === 'INPUT' ? quality(o.problemType, wi) : {}),
              ...(logType === 'INPUT' ? customs(':table', false) : {}),
            },
          });
        }
        const types: Array<'CONSECUTIVE' | 'BASELINE'> = o.baseline ? ['CONSECUTIVE', 'BASELINE'] : ['CONSECUTIVE'];
        for (const driftType of types) {
          const previous = wi > 0 ? windows[wi - 1]! : undefined;
          for (const c of o.columns) {
            const hasComparison = driftType === 'BASELINE' || previous !== undefined;
            const s = severity({ column: c.name, window: wi, windows: o.windows, driftType, model: model ?? '*', slice });
            drift.push({
              values: {
                ...group(c.name, c.kind === 'numeric' ? 'double' : 'string'),
                window_cmp: driftType === 'CONSECUTIVE' && previous ? struct(previous.start, previous.end) : null,
                drift_type: driftType,
                ...(hasComparison ? { ...driftStats(c, s), ...customs(c.name, true) } : {}),
              },
            });
          }
        }
      }
    }
  });
  return { profile, drift };
}

function struct(start: Date, end: Date): { sql: string; params: Record<string, SeedValue> } {
  return { sql: "named_struct('start', :start, 'end', :end)", params: { start, end } };
}

function profileStats(c: MetricColumn, window: number, logType: string): GeneratedRow['values'] {
  const base = {
    log_type: logType,
    count: 1000 + window * 10,
    num_nulls: 5,
    percent_null: 0.5,
    distinct_count: c.kind === 'numeric' ? 800 : 4,
    percent_distinct: c.kind === 'numeric' ? 80 : 0.4,
  };
  if (c.kind === 'categorical') return base;
  const avg = 40 + window;
  return { ...base, avg, min: 18, max: 90, stddev: 12.5, median: avg - 1, num_zeros: 0, percent_zeros: 0, num_nan: 0, percent_nan: 0 };
}

function quality(problemType: 'classification' | 'regression', window: number): GeneratedRow['values'] {
  if (problemType === 'regression')
    return {
      mean_squared_error: 4 + window / 10,
      root_mean_squared_error: 2 + window / 40,
      mean_average_error: 1.6,
      mean_absolute_percentage_error: 0.08,
      r2_score: 0.82 - window / 100,
    };
  const f1 = 0.86 - window / 100;
  const averaged = (v: number) => ({ sql: "named_struct('one_vs_all', NULL, 'macro', :macro, 'weighted', :weighted)", params: { macro: v, weighted: v + 0.01 } });
  return { accuracy_score: f1 + 0.02, precision: averaged(f1 + 0.01), recall: averaged(f1 - 0.01), f1_score: averaged(f1), roc_auc_score: 0.91 };
}

function driftStats(c: MetricColumn, s: number): GeneratedRow['values'] {
  const pvalue = Math.max(0.0001, Math.min(0.99, 1 - s * 4));
  const test = { sql: "named_struct('statistic', :statistic, 'pvalue', :pvalue)", params: { statistic: s, pvalue } };
  const common = { count_delta: 10, percent_null_delta: 0, percent_distinct_delta: s, population_stability_index: s, js_distance: s / 2 };
  if (c.kind === 'numeric') return { ...common, avg_delta: s * 10, percent_zeros_delta: 0, ks_test: test, wasserstein_distance: s * 2 };
  return { ...common, chi_squared_test: test, tv_distance: s / 2, l_infinity_distance: s / 1.5 };
}

/** INSERTs in batches; every value a named parameter. */
async function insertRows(sql: SqlStore, table: string, rows: GeneratedRow[]): Promise<void> {
  const BATCH = 200;
  for (let b = 0; b < rows.length; b += BATCH) {
    const params: Record<string, SeedValue> = {};
    let n = 0;
    const tuples: string[] = [];
    const columns = new Set<string>();
    for (const row of rows.slice(b, b + BATCH)) for (const k of Object.keys(row.values)) columns.add(k);
    const names = [...columns];
    for (const row of rows.slice(b, b + BATCH)) {
      const exprs = names.map((name) => {
        const v = row.values[name];
        if (v === undefined || v === null) return 'NULL';
        if (typeof v === 'object' && !(v instanceof Date)) {
          let expr = v.sql;
          for (const [k, pv] of Object.entries(v.params)) {
            const p = `p${n++}`;
            params[p] = pv;
            expr = expr.replace(`:${k}`, `:${p}`);
          }
          return expr;
        }
        const p = `p${n++}`;
        params[p] = v;
        return `:${p}`;
      });
      tuples.push(`(${exprs.join(', ')})`);
    }
    await sql.exec(`INSERT INTO ${table} (${names.map((c) => `\`${c}\``).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}
