/**
 * Threshold rules over metric-table rows, with the N-of-M window rule: a column drifts for a
 * rule when at least `violationWindows` of the last `evaluationWindows` windows break the rule
 * AND the latest window does. A rule breaks when its comparison holds (`psi >= 0.2`,
 * `ks_test.pvalue < 0.05`, `f1_score < 0.8`).
 *
 * "Insufficient data" is kept apart from "no drift": no windows at all, every value null (one
 * window of CONSECUTIVE drift, a metric that never applies), nothing in the latest window, or a
 * column whose latest window breaks the rule but which lacks the windows that could complete
 * the N of M. With fewer windows than M the answer is still given when it is already certain
 * (enough violations, or a latest window that does not break the rule): missing history never
 * hides drift nor invents it.
 */
import type { DriftColumnResult } from '../../../../shared/runtime/reportTypes';
import type { MetricCondition } from '../../../../shared/monitoring/metricRules';
import { TABLE_LEVEL } from './queries';

/** One metric-table row of the statement's result: values aligned with the statement's metrics. */
export interface MetricRow {
  column: string;
  /** 1 = the latest window. */
  rank: number;
  start: string;
  end: string;
  values: Array<number | null>;
}

export interface MetricRows {
  /** The metric column paths, in the order of MetricRow.values. */
  metrics: string[];
  rows: MetricRow[];
}

export interface WindowSettings {
  evaluationWindows: number;
  violationWindows: number;
  columns: readonly string[];
  excludeColumns: readonly string[];
}

export interface RuleEvaluation {
  rule: MetricCondition;
  /** Every column (or ':table' for model-quality rules) with at least one value. */
  columns: DriftColumnResult[];
  /** Why this rule could not be decided for the table; undefined when it was. */
  insufficient?: string;
}

/** Rows of a statement result (values as the Statement Execution API gives them: strings or null) → MetricRows. */
export function parseMetricRows(records: ReadonlyArray<Readonly<Record<string, unknown>>>, metrics: string[], alias: (i: number) => string): MetricRows {
  const rows = records.map((r): MetricRow => {
    const rank = toNumber(r.window_rank);
    if (rank === null || !Number.isInteger(rank) || rank < 1) throw new Error(`A metric row has no valid window rank (${String(r.window_rank)}).`);
    return {
      column: String(r.column_name ?? ''),
      rank,
      start: toText(r.window_start),
      end: toText(r.window_end),
      values: metrics.map((_, i) => toNumber(r[alias(i)])),
    };
  });
  return { metrics, rows };
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(String(v));
  return Number.isFinite(n) ? n : null;
}

function toText(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return v === null || v === undefined ? '' : String(v);
}

export function breaks(value: number, rule: Pick<MetricCondition, 'op' | 'value'>): boolean {
  switch (rule.op) {
    case '<':
      return value < rule.value;
    case '<=':
      return value <= rule.value;
    case '>':
      return value > rule.value;
    case '>=':
      return value >= rule.value;
  }
}

/** How far past the threshold a value is, relative to the threshold (negative: within it). */
export function severity(value: number | null, rule: Pick<MetricCondition, 'op' | 'value'>): number {
  if (value === null) return 0;
  const margin = rule.op === '>' || rule.op === '>=' ? value - rule.value : rule.value - value;
  return rule.value === 0 ? margin : margin / Math.abs(rule.value);
}

function columnCounts(column: string, rule: MetricCondition, settings: WindowSettings): boolean {
  if (rule.scope === 'model') return column === TABLE_LEVEL;
  if (column === TABLE_LEVEL) return false;
  if (settings.columns.length > 0 && !settings.columns.includes(column)) return false;
  return !settings.excludeColumns.includes(column);
}

/**
 * Evaluates one rule over one table's rows. `noRows` names why a table can have no rows for
 * it (e.g. "no BASELINE drift metrics"), for the insufficient-data reason.
 */
export function evaluateRule(table: string, rule: MetricCondition, data: MetricRows, settings: WindowSettings, noRows: string): RuleEvaluation {
  const index = data.metrics.indexOf(rule.column);
  if (index < 0) throw new Error(`The metric ${rule.column} was not selected.`);
  const windowCount = data.rows.reduce((max, r) => Math.max(max, r.rank), 0);
  if (windowCount === 0) return { rule, columns: [], insufficient: noRows };

  const windows = new Map<number, { start: string; end: string }>();
  for (const r of data.rows) if (!windows.has(r.rank)) windows.set(r.rank, { start: r.start, end: r.end });
  const ranks = [...windows.keys()].sort((a, b) => b - a); // oldest first

  // Value per column and window: the first non-null among duplicates (the '*' and NULL model rows).
  const byColumn = new Map<string, Map<number, number | null>>();
  for (const r of data.rows) {
    if (!columnCounts(r.column, rule, settings)) continue;
    const series = byColumn.get(r.column) ?? new Map<number, number | null>();
    byColumn.set(r.column, series);
    series.set(r.rank, series.get(r.rank) ?? r.values[index]);
  }
  const subject = rule.scope === 'model' ? 'the model-quality row' : 'the selected columns';
  if (byColumn.size === 0) return { rule, columns: [], insufficient: `${rule.column}: no rows for ${subject} in the last ${windowCount} window(s)` };

  const missing = settings.evaluationWindows - windowCount;
  const columns: DriftColumnResult[] = [];
  let undecided: string | undefined;
  let latestSeen = false;
  for (const [column, series] of byColumn) {
    const values = ranks.map((rank) => ({ rank, value: series.get(rank) ?? null }));
    if (values.every((v) => v.value === null)) continue;
    const points = values.map(({ rank, value }) => ({ ...windows.get(rank)!, value, violated: value !== null && breaks(value, rule) }));
    const latest = series.get(1) ?? null;
    if (latest !== null) latestSeen = true;
    const violations = points.filter((p) => p.violated).length;
    const latestViolated = latest !== null && breaks(latest, rule);
    const drifted = latestViolated && violations >= settings.violationWindows;
    if (latestViolated && !drifted && violations + missing >= settings.violationWindows) {
      undecided ??= `${rule.text}: ${column} breaks the rule in ${violations} of only ${windowCount} window(s); ${settings.violationWindows} of ${settings.evaluationWindows} are needed to decide`;
    }
    columns.push({
      table,
      column,
      rule: rule.text,
      metric: rule.column,
      threshold: rule.value,
      op: rule.op,
      latest,
      windows: points,
      violations,
      drifted,
      severity: severity(latest, rule),
      category: rule.category,
    });
  }
  if (columns.length === 0) {
    return {
      rule,
      columns,
      insufficient: `${rule.column} is null in all ${windowCount} window(s) for ${subject} (drift needs two windows, or a baseline; or the metric does not apply)`,
    };
  }
  if (!latestSeen) return { rule, columns, insufficient: `${rule.column} is null in the latest window for ${subject}` };
  if (undecided && !columns.some((c) => c.drifted)) return { rule, columns, insufficient: undecided };
  return { rule, columns };
}

/** Worst first: drifted, then by how far past the threshold the latest value is. */
export function worstFirst(a: DriftColumnResult, b: DriftColumnResult): number {
  if (a.drifted !== b.drifted) return a.drifted ? -1 : 1;
  if ((a.latest === null) !== (b.latest === null)) return a.latest === null ? 1 : -1;
  return b.severity - a.severity || b.violations - a.violations || a.column.localeCompare(b.column);
}
