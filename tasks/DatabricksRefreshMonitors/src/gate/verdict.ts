/**
 * From rule evaluations to a verdict per table, and from table verdicts to the task result.
 * The three outcomes stay apart: drift (onDrift), insufficient data (onInsufficientData), and
 * error (a refresh or a query that failed, a permission denied) which always fails the task.
 */
import type { TaskResultName } from '../../../../shared/runtime/task';
import type { DriftColumnResult, DriftReportData, DriftTableResult } from '../../../../shared/runtime/reportTypes';
import { worstFirst, type RuleEvaluation } from './evaluate';
import { message } from '../messages';

export type Verdict = DriftReportData['verdict'];
export type OnDrift = DriftReportData['onDrift'];
export type OnInsufficientData = DriftReportData['onInsufficientData'];

export interface TableGate {
  verdict: Extract<Verdict, 'drift' | 'no-drift' | 'insufficient-data' | 'not-evaluated'>;
  /** Insufficient-data reasons (each rule that could not be decided) and notes. */
  reasons: string[];
  columns: DriftColumnResult[];
}

/** A table's verdict from its rule evaluations (rules that do not apply are left out by the caller). */
export function tableGate(evaluations: readonly RuleEvaluation[], notes: readonly string[] = []): TableGate {
  const columns = evaluations.flatMap((e) => e.columns).sort(worstFirst);
  const insufficient = evaluations.flatMap((e) => (e.insufficient ? [e.insufficient] : []));
  if (evaluations.length === 0) return { verdict: 'not-evaluated', reasons: [...notes], columns };
  if (columns.some((c) => c.drifted)) return { verdict: 'drift', reasons: [...insufficient, ...notes], columns };
  if (insufficient.length > 0) return { verdict: 'insufficient-data', reasons: [...insufficient, ...notes], columns };
  return { verdict: 'no-drift', reasons: [...notes], columns };
}

const ORDER: readonly Verdict[] = ['error', 'drift', 'insufficient-data', 'no-drift', 'not-evaluated'];

/** The verdict the report leads with: the most serious among the tables. */
export function overallVerdict(tables: ReadonlyArray<Pick<DriftTableResult, 'verdict'>>): Verdict {
  let best: Verdict = 'not-evaluated';
  for (const t of tables) if (ORDER.indexOf(t.verdict) < ORDER.indexOf(best)) best = t.verdict;
  return best;
}

const RANK: Readonly<Record<TaskResultName, number>> = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2 };

function worse(a: TaskResultName, b: TaskResultName): TaskResultName {
  return RANK[a] >= RANK[b] ? a : b;
}

export function resultFor(verdict: Verdict, onDrift: OnDrift, onInsufficientData: OnInsufficientData): TaskResultName {
  switch (verdict) {
    case 'error':
      return 'Failed';
    case 'drift':
      return onDrift === 'fail' ? 'Failed' : onDrift === 'warn' ? 'SucceededWithIssues' : 'Succeeded';
    case 'insufficient-data':
      return onInsufficientData === 'fail' ? 'Failed' : onInsufficientData === 'warn' ? 'SucceededWithIssues' : 'Succeeded';
    case 'no-drift':
    case 'not-evaluated':
      return 'Succeeded';
  }
}

export interface GateOutcome {
  result: TaskResultName;
  verdict: Verdict;
  message: string;
}

/**
 * The task result: the worst of each table's outcome under the settings (drift ignored on one
 * table cannot hide insufficient data set to fail on another), and one message naming each
 * kind of outcome that was found.
 */
export function gateOutcome(tables: readonly DriftTableResult[], onDrift: OnDrift, onInsufficientData: OnInsufficientData): GateOutcome {
  let result: TaskResultName = 'Succeeded';
  for (const t of tables) result = worse(result, resultFor(t.verdict, onDrift, onInsufficientData));
  const named = (verdict: Verdict) => tables.filter((t) => t.verdict === verdict).map((t) => t.table);
  const parts: string[] = [];
  const errors = named('error');
  if (errors.length > 0) parts.push(message('GateCouldNotCheck', list(errors), tables.find((t) => t.verdict === 'error')?.reason ?? message('GateSeeSummary')));
  // A broken rule is the gate's one "rule broken" outcome (onDrift), but data-quality breaches
  // (column statistics such as max or num_nulls) are named apart from drift.
  const broken = (t: DriftTableResult, quality: boolean) => new Set(t.columns.filter((c) => c.drifted && isDataQuality(c) === quality).map((c) => c.column));
  const drifted = tables.filter((t) => t.verdict === 'drift' && broken(t, false).size > 0);
  if (drifted.length > 0) {
    const columns = drifted.reduce((n, t) => n + broken(t, false).size, 0);
    parts.push(message('GateDriftDetected', columns, list(drifted.map((t) => t.table)), onDrift));
  }
  const dataQuality = tables.filter((t) => t.verdict === 'drift' && broken(t, true).size > 0);
  if (dataQuality.length > 0) {
    const rules = [...new Set(dataQuality.flatMap((t) => t.columns.filter((c) => c.drifted && isDataQuality(c)).map((c) => `${c.rule} on ${c.column}`)))];
    parts.push(message('GateDataQualityBroken', list(dataQuality.map((t) => t.table)), list(rules), onDrift));
  }
  const insufficient = named('insufficient-data');
  if (insufficient.length > 0) parts.push(message('GateInsufficientData', list(insufficient), onInsufficientData));
  const clean = named('no-drift');
  if (parts.length === 0) {
    parts.push(clean.length > 0 ? message('GateNoDrift', list(clean)) : message('GateNotEvaluated'));
  }
  return { result, verdict: overallVerdict(tables), message: `${parts.join('. ')}.` };
}

/** A column statistic rule (range, nulls…), shown apart from drift. */
export function isDataQuality(c: Pick<DriftColumnResult, 'category'>): boolean {
  return c.category === 'data-quality';
}

function list(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : message('ListAndMore', names.slice(0, 3).join(', '), names.length - 3);
}
