/**
 * The drift gate for one monitored table: which rules apply to its monitor, one statement per
 * metric table needed, and the rule evaluations turned into the table's verdict. A statement
 * that fails throws (the caller reports the table as an error, never as "no drift").
 */
import { resolveCustomMetric, type CustomMetricInfo, type MetricCondition } from '../../../../shared/monitoring/metricRules';
import { METRICS } from '../../../../shared/monitoring/metrics';
import { evaluateRule, parseMetricRows, type WindowSettings } from './evaluate';
import { driftStatement, METRIC_ALIAS, profileStatement, type GateStatement, type MetricTablesInfo } from './queries';
import { tableGate, type TableGate } from './verdict';

/** What the gate needs to know about a monitor (from either monitor API). */
export interface MonitorFacts extends MetricTablesInfo {
  profileType?: 'inferenceLog' | 'timeSeries' | 'snapshot';
  problemType?: 'classification' | 'regression';
  baselineTableName?: string;
  /** The monitor's custom metrics (thresholds may name them). */
  customMetrics?: readonly CustomMetricInfo[];
}

export interface GateSettings extends WindowSettings {
  driftType: 'BASELINE' | 'CONSECUTIVE';
}

export type RunStatement = (statement: GateStatement) => Promise<ReadonlyArray<Readonly<Record<string, unknown>>>>;

/** Why a rule does not apply to this monitor; undefined when it does. */
export function notApplicable(rule: MetricCondition, facts: MonitorFacts): string | undefined {
  if (rule.scope !== 'model' || rule.category !== 'model-quality') return undefined;
  if (facts.profileType !== undefined && facts.profileType !== 'inferenceLog') {
    return `${rule.text} not applied: model quality needs an inference log monitor (this one profiles ${facts.profileType})`;
  }
  const kind = METRICS[rule.metric]?.problemType;
  if (kind !== undefined && facts.problemType !== undefined && kind !== facts.problemType) {
    return `${rule.text} not applied: a ${kind} metric on a ${facts.problemType} monitor`;
  }
  return undefined;
}

export async function checkTable(table: string, facts: MonitorFacts, rules: readonly MetricCondition[], settings: GateSettings, run: RunStatement): Promise<TableGate> {
  const notes: string[] = [];
  const resolved = rules.flatMap((r) => {
    const concrete = resolveCustomMetric(r, facts.customMetrics ?? []);
    if (!concrete) notes.push(`${r.text} not applied: this monitor has no custom metric ${r.metric}`);
    return concrete ? [concrete] : [];
  });
  const applicable = resolved.filter((r) => {
    const why = notApplicable(r, facts);
    if (why) notes.push(why);
    return why === undefined;
  });
  const windows = settings.evaluationWindows;
  const drift = applicable.filter((r) => r.table === 'drift');
  const profile = applicable.filter((r) => r.table === 'profile');
  const evaluations = [];
  if (drift.length > 0) {
    const statement = driftStatement(facts, drift, { driftType: settings.driftType, windows });
    const data = parseMetricRows(await run(statement), statement.metrics, METRIC_ALIAS);
    const noRows =
      settings.driftType === 'BASELINE' && !facts.baselineTableName
        ? 'no BASELINE drift metrics: the monitor has no baseline table (set one on the monitor, or use driftType CONSECUTIVE)'
        : `no ${settings.driftType} drift metrics for the whole table yet (the monitor has not produced a window${settings.driftType === 'CONSECUTIVE' ? ' to compare with the one before it' : ''})`;
    for (const rule of drift) evaluations.push(evaluateRule(table, rule, data, settings, noRows));
  }
  if (profile.length > 0) {
    const statement = profileStatement(facts, profile, { windows });
    const data = parseMetricRows(await run(statement), statement.metrics, METRIC_ALIAS);
    for (const rule of profile) evaluations.push(evaluateRule(table, rule, data, settings, 'no profile metrics for the whole table yet'));
  }
  return tableGate(evaluations, notes);
}
