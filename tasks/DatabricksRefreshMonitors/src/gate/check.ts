/**
 * The drift gate for one monitored table: which rules apply to its monitor, one statement per
 * metric table needed, and the rule evaluations turned into the table's verdict. A statement
 * that fails throws (the caller reports the table as an error, never as "no drift").
 */
import { resolveCustomMetric, type CustomMetricInfo, type MetricCondition } from '../../../../shared/monitoring/metricRules';
import { METRICS } from '../../../../shared/monitoring/metrics';
import { evaluateRule, parseMetricRows, type WindowSettings } from './evaluate';
import { driftStatement, METRIC_ALIAS, modelIdsStatement, profileStatement, type GateStatement, type MetricTablesInfo } from './queries';
import { tableGate, type TableGate } from './verdict';
import { message } from '../messages';

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

/** A gate that cannot be judged as asked on this monitor (reported as the table's error, never as "no drift"). */
export class GateSetupError extends Error {
  override readonly name = 'GateSetupError';
}

/** Why the `modelId` slice cannot be read from this monitor's metric tables; undefined when it can. */
export function sliceProblem(facts: MonitorFacts): string | undefined {
  if (facts.modelId === undefined || facts.modelIdColumn !== undefined) return undefined;
  const profile = facts.profileType && facts.profileType !== 'inferenceLog' ? message('SliceProfiles', facts.profileType) : message('SliceNoModelIdColumn');
  return message('SliceUnavailable', profile);
}

/** Why a rule does not apply to this monitor; undefined when it does. */
export function notApplicable(rule: MetricCondition, facts: MonitorFacts): string | undefined {
  if (rule.scope !== 'model' || rule.category !== 'model-quality') return undefined;
  if (facts.profileType !== undefined && facts.profileType !== 'inferenceLog') {
    return message('RuleNeedsInferenceLog', rule.text, facts.profileType);
  }
  const kind = METRICS[rule.metric]?.problemType;
  if (kind !== undefined && facts.problemType !== undefined && kind !== facts.problemType) {
    return message('RuleProblemTypeMismatch', rule.text, kind, facts.problemType);
  }
  return undefined;
}

export async function checkTable(table: string, facts: MonitorFacts, rules: readonly MetricCondition[], settings: GateSettings, run: RunStatement): Promise<TableGate> {
  const problem = sliceProblem(facts);
  if (problem) throw new GateSetupError(message('SliceProblemOfModelId', facts.modelId ?? '', problem));
  const notes: string[] = [];
  const resolved = rules.flatMap((r) => {
    const concrete = resolveCustomMetric(r, facts.customMetrics ?? []);
    if (!concrete) notes.push(message('RuleNoCustomMetric', r.text, r.metric));
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
        : facts.modelId !== undefined && data.rows.length === 0
          ? await noSliceRows(`no ${settings.driftType} drift metrics`, facts, facts.driftMetricsTable!, run)
          : `no ${settings.driftType} drift metrics for the whole table yet (the monitor has not produced a window${settings.driftType === 'CONSECUTIVE' ? ' to compare with the one before it' : ''})`;
    for (const rule of drift) evaluations.push(evaluateRule(table, rule, data, settings, noRows));
  }
  if (profile.length > 0) {
    const statement = profileStatement(facts, profile, { windows });
    const data = parseMetricRows(await run(statement), statement.metrics, METRIC_ALIAS);
    const noRows =
      facts.modelId !== undefined && data.rows.length === 0
        ? await noSliceRows('no profile metrics', facts, facts.profileMetricsTable!, run)
        : 'no profile metrics for the whole table yet';
    for (const rule of profile) evaluations.push(evaluateRule(table, rule, data, settings, noRows));
  }
  return tableGate(evaluations, notes);
}

/**
 * The insufficient-data reason when the model id slice has no rows: the slice is named, and so
 * are the model ids the metric table does hold (a misspelt id, or a canary that has not served
 * a request the monitor has profiled yet, look different).
 */
async function noSliceRows(what: string, facts: MonitorFacts, table: string, run: RunStatement): Promise<string> {
  const ids = (await run(modelIdsStatement(table, facts.modelIdColumn!))).map((r) => String(r.model_id ?? '')).filter((id) => id !== '');
  const held = ids.length > 0 ? `the metric table holds model ids ${ids.join(', ')}` : 'the metric table holds no per-model rows yet';
  return `${what} for model id ${facts.modelId} yet: ${held} (a model id gets rows once requests it served are in a window the monitor has refreshed)`;
}
