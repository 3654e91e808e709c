/**
 * DatabricksRefreshMonitors: targets → refreshes → drift gate → outcome (summary, report,
 * outputs). The monitor API and the SQL runner are injected, so this runs in-process against
 * the fake workspace in tests.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CancelledError } from '../../../shared/client/errors';
import { createHash } from 'node:crypto';
import { notifyThroughJobRun, resolveDestinations, type NotificationDestination } from '../../../shared/api/notificationDestinations';
import { InputError, InputErrors } from '../../../shared/runtime/inputError';
import { resolveCustomMetric, unknownCustomMetric, type MetricCondition } from '../../../shared/monitoring/metricRules';
import type { ChangeEntry, DriftReportData, DriftTableResult } from '../../../shared/runtime/reportTypes';
import { printPlan } from '../../../shared/runtime/plan';
import type { Outcome, OutputValues, TaskContext, TaskDeps, TaskPhases } from '../../../shared/runtime/task';
import { runSelect, type SqlParameterType, type SqlParameters } from '../../../shared/api/sql';
import { monitorFinder } from './monitorFinder';
import { checkTable, GateSetupError, sliceProblem, type MonitorFacts, type RunStatement } from './gate/check';
import { finestGranularity } from '../../../shared/monitoring/granularity';
import { gateOutcome, resultFor } from './gate/verdict';
import type { RefreshMonitorsParameters } from './parameters';
import { runPool } from '../../../shared/runtime/pool';
import { isActive, refreshAll, type RefreshHandle, type RefreshOutcome } from './refresh';
import type { SummaryContext } from './summary';
import { resolveTargets } from './targets';
import { message } from './messages';

/** One monitored table as the task sees it, from whichever monitor API manages it. */
export interface FoundMonitor {
  api: 'dataQuality' | 'legacy';
  facts: MonitorFacts & { granularities?: string[] };
  refresh: RefreshHandle;
  /** Link for the summary (the monitor's dashboard, else the table). */
  link?: string;
}

/** Where the monitors and the metric rows come from: built from the client (tests pass their own). */
export interface RefreshSources {
  /** The monitor of a table; undefined when the table has none. */
  findMonitor(table: string): Promise<FoundMonitor | undefined>;
  /** Runs a gate statement on the warehouse (only called when thresholds are set). */
  runStatement: RunStatement;
}

/** plan() of a refresh: the monitored tables (and those skipped), the destinations, the sources. */
export interface RefreshPlan extends SummaryContext {
  params: RefreshMonitorsParameters;
  monitors: ReadonlyArray<{ table: string; monitor: FoundMonitor }>;
  destinations: NotificationDestination[];
  sources: RefreshSources;
}

export type RefreshOutcomeData = Outcome<DriftReportData>;

/** Tables whose metric tables are read at once on the warehouse. */
const GATE_CONCURRENCY = 4;

/** The task's sources on a workspace: the monitor APIs and the SQL warehouse. */
export function refreshSources(deps: TaskDeps, params: RefreshMonitorsParameters): RefreshSources {
  const { client, ctx } = deps;
  const warehouseId = params.warehouseId;
  return {
    findMonitor: monitorFinder(client, params.monitorApi, (m) => ctx.log.info(m)),
    runStatement: async (statement) => {
      if (warehouseId === undefined) throw new Error('warehouseId is required to read the metric tables.');
      const parameters: SqlParameters = Object.fromEntries(statement.parameters.map((p) => [p.name, { value: p.value ?? null, type: (p.type ?? 'STRING') as SqlParameterType }]));
      const result = await runSelect(client, warehouseId, statement.statement, parameters, { clock: ctx.clock, signal: ctx.signal });
      return result.rows;
    },
  };
}

export const refreshMonitorsPhases: TaskPhases<RefreshMonitorsParameters, RefreshPlan, DriftReportData> = {
  plan: (deps, params) => planRefresh(deps, params),
  // The refreshes planned are known once the running ones are listed (planned / apply print them).
  planned: plannedRefresh,
  apply: applyRefresh,
};

/** Reads only: the targets (a schema's tables or the list), custom metrics checked, destinations resolved. */
export async function planRefresh(deps: TaskDeps, params: RefreshMonitorsParameters, sources: RefreshSources = refreshSources(deps, params)): Promise<RefreshPlan> {
  const { ctx } = deps;
  const targets = await resolveTargets(deps.client, params, (table) => sources.findMonitor(table), ctx.signal);
  checkCustomMetrics(
    params.thresholds,
    targets.monitors.map((t) => t.monitor.facts),
  );
  if (params.thresholds.length > 0) checkModelIdSlice(params.modelId, targets.monitors);
  // Destinations are resolved before any refresh starts: an unknown name fails here.
  const destinations = [...(await resolveDestinations(deps.client, params.notifyDestinations, 'notifyDestinations')).values()];
  if (targets.skipped.length > 0) ctx.log.info(message('SkippedUnmonitored', targets.skipped.length, params.schemaName ?? '', targets.skipped.join(', ')));
  return {
    params,
    monitors: targets.monitors,
    skipped: targets.skipped,
    destinations,
    sources,
    granularities: new Map(targets.monitors.map((t) => [t.table, t.monitor.facts.granularity ?? finestGranularity(t.monitor.facts.granularities)])),
    links: new Map(targets.monitors.flatMap((t) => (t.monitor.link ? [[t.table, t.monitor.link] as const] : []))),
  };
}

/** dryRun: what would be refreshed (a running refresh would be waited on), then the gate on the metrics as they are. */
export async function plannedRefresh(deps: TaskDeps, plan: RefreshPlan): Promise<RefreshOutcomeData> {
  const refreshes = await planRefreshes(plan.monitors);
  if (plan.monitors.length > 0)
    printPlan(
      deps.ctx.log,
      refreshes.map((r) => message('TableLine', r.table, r.message ?? '')),
      true,
      message('PlanTitleRefreshes'),
    );
  return gateAndReport(deps, plan, refreshes, true);
}

/** Refreshes the monitors (waiting when asked), then the gate on the fresh metrics, then the notification. */
export async function applyRefresh(deps: TaskDeps, plan: RefreshPlan): Promise<RefreshOutcomeData> {
  const { ctx } = deps;
  const { params } = plan;
  if (plan.monitors.length > 0) ctx.log.section(message('RefreshingMonitors', plan.monitors.length, params.concurrency));
  const refreshes = await refreshAll(
    plan.monitors.map((t) => ({ table: t.table, refresh: t.monitor.refresh })),
    { concurrency: params.concurrency, waitForCompletion: params.waitForCompletion, timeoutMinutes: params.timeoutMinutes, clock: ctx.clock, signal: ctx.signal, log: ctx.log },
  );
  return gateAndReport(deps, plan, refreshes, false);
}

/** The drift gate on every table, the overall verdict, the report, the notification. */
async function gateAndReport(deps: TaskDeps, plan: RefreshPlan, refreshes: RefreshOutcome[], dryRun: boolean): Promise<RefreshOutcomeData> {
  const { ctx } = deps;
  const { log } = ctx;
  const { params, granularities, destinations } = plan;
  const targets = { monitors: plan.monitors };
  if (params.thresholds.length > 0)
    log.section(
      params.modelId !== undefined
        ? message('DriftGateSectionSlice', params.thresholds.map((r) => r.text).join('; '), params.modelId)
        : message('DriftGateSection', params.thresholds.map((r) => r.text).join('; ')),
    );
  const tables = await runPool(targets.monitors, GATE_CONCURRENCY, async ({ table, monitor }, i) => {
    const refresh = refreshes[i]!;
    const facts = { ...monitor.facts, granularity: granularities.get(table), modelId: params.modelId };
    const result = await tableResult(
      table,
      monitor,
      refresh,
      params.thresholds.length > 0 ? () => checkTable(table, facts, params.thresholds, params, plan.sources.runStatement) : undefined,
      ctx,
    );
    return { ...result, granularity: facts.granularity };
  });

  // No monitored table: nothing to decide on, the same outcome as too little data.
  const gate =
    targets.monitors.length === 0
      ? {
          result: resultFor('insufficient-data', params.onDrift, params.onInsufficientData),
          verdict: 'insufficient-data' as const,
          message: message('NoMonitoredTable', params.schemaName ?? '', params.onInsufficientData),
        }
      : gateOutcome(tables, params.onDrift, params.onInsufficientData);
  const driftedColumns = [...new Set(tables.flatMap((t) => t.columns.filter((c) => c.drifted).map((c) => `${t.table}.${c.column}`)))];
  const data: DriftReportData & { changes?: ChangeEntry[] } = {
    verdict: gate.verdict,
    driftType: params.driftType,
    evaluationWindows: params.evaluationWindows,
    violationWindows: params.violationWindows,
    onDrift: params.onDrift,
    onInsufficientData: params.onInsufficientData,
    rules: params.thresholds.map((r) => ({ rule: r.text, metric: r.column, op: r.op, threshold: r.value })),
    modelId: params.modelId,
    tables,
    driftedColumns,
    changes: dryRun ? refreshes.map((r) => change(r)) : undefined,
  };
  if (destinations.length > 0 && tables.some((t) => t.verdict === 'drift')) data.notification = await notifyDrift(deps, ctx, destinations, gate.message, dryRun);
  // The runtime writes the JSON report there too.
  mkdirSync(dirname(params.reportPath), { recursive: true });
  return { result: gate.result, message: gate.message, outputs: outputs(tables, params.reportPath, driftedColumns), report: data, notes: [], planLines: [] };
}

/**
 * Tells the notification destinations that a rule broke (drift or a data-quality rule), through
 * a one-time job run (shared/api/notificationDestinations.ts): the message is the run's name. A
 * delivery that fails is a warning; the gate's outcome stands either way.
 */
async function notifyDrift(
  deps: TaskDeps,
  ctx: TaskContext,
  destinations: readonly NotificationDestination[],
  gateMessage: string,
  dryRun: boolean,
): Promise<NonNullable<DriftReportData['notification']>> {
  const names = destinations.map((d) => d.display_name);
  const build = [ctx.variable('System.CollectionUri'), ctx.variable('System.TeamProject'), ctx.variable('Build.BuildId')];
  const link = build.every((v) => v) ? ` ${build[0]!.replace(/\/+$/, '')}/${encodeURIComponent(build[1]!)}/_build/results?buildId=${build[2]}` : '';
  const text = `[mlops] ${gateMessage}${link}`;
  if (dryRun) {
    ctx.log.info(message('NotifyPlanned', names.join(', '), text));
    return { destinations: names, message: text, planned: true };
  }
  const token = `ado-drift-${createHash('sha256')
    .update([ctx.variable('System.CollectionId'), build[2], ctx.variable('System.JobId'), ctx.variable('System.JobAttempt'), names.join(',')].join('|'))
    .digest('hex')
    .slice(0, 48)}`;
  try {
    const { runId } = await notifyThroughJobRun(deps.client, destinations, text, token);
    ctx.log.info(message('Notified', names.join(', '), runId, text));
    return { destinations: names, message: text, runId };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    ctx.log.warning(message('NotifyFailed', names.join(', '), reason));
    return { destinations: names, message: text, error: reason };
  }
}

/**
 * A threshold naming a custom metric that none of the monitors has is an input mistake (a typo,
 * or the wrong monitor), reported with a suggestion before any refresh starts.
 */
function checkCustomMetrics(rules: readonly MetricCondition[], facts: readonly FoundMonitor['facts'][]): void {
  const all = facts.flatMap((f) => f.customMetrics ?? []);
  const names = [...new Set(all.map((c) => c.name))];
  const errors = rules
    .filter((r) => r.category === 'custom' && facts.length > 0 && !facts.some((f) => resolveCustomMetric(r, f.customMetrics ?? [])))
    .map((r) => new InputError({ input: 'thresholds', rule: unknownCustomMetric(r, names), value: r.text, fromTask: true }));
  if (errors.length > 0) throw new InputErrors(errors);
}

/**
 * A model id slice only exists on inference log monitors with a model id column: asking for one
 * on another monitor is an input mistake, reported before any refresh starts.
 */
function checkModelIdSlice(modelId: string | undefined, monitors: ReadonlyArray<{ table: string; monitor: FoundMonitor }>): void {
  const errors = monitors.flatMap(({ table, monitor }) => {
    const problem = sliceProblem({ ...monitor.facts, modelId });
    return problem ? [new InputError({ input: 'modelId', rule: message('SliceProblemOfTable', table, problem), value: modelId, fromTask: true })] : [];
  });
  if (errors.length > 0) throw new InputErrors(errors);
}

/** dryRun: what would be refreshed (a running refresh would be waited on), no write call. */
async function planRefreshes(monitors: ReadonlyArray<{ table: string; monitor: FoundMonitor }>): Promise<RefreshOutcome[]> {
  return runPool(monitors, 8, async ({ table, monitor }) => {
    const base = { table, startedByTask: false, timedOut: false, cancelledByTask: false };
    try {
      const running = (await monitor.refresh.listRefreshes()).find((r) => isActive(r.state));
      const text = running ? message('PlanWouldWait', running.refreshId, running.state) : message('PlanWouldStart');
      return { ...base, state: 'NOT_STARTED' as const, refreshId: running?.refreshId, message: text };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return { ...base, state: 'UNKNOWN' as const, message: reason, error: reason };
    }
  });
}

function change(r: RefreshOutcome): ChangeEntry {
  const waits = r.refreshId !== undefined;
  return {
    action: waits ? 'noop' : 'create',
    resource: message('PlanRefreshOf', r.table),
    fields: waits ? [{ path: 'refresh_id', before: r.refreshId, after: r.refreshId }] : undefined,
  };
}

/** Why a refresh outcome keeps the gate from running on this table; undefined when it may run. */
function refreshProblem(r: RefreshOutcome): string | undefined {
  if (r.error) return message(r.timedOut ? 'RefreshTimedOutError' : 'RefreshCouldNotRun', r.error);
  if (r.timedOut) return r.message ?? message('RefreshDidNotFinish');
  if (r.state === 'FAILED' || r.state === 'CANCELED' || r.state === 'UNKNOWN')
    return r.message ? message('RefreshEndedProblemWith', r.refreshId ?? '', r.state, r.message) : message('RefreshEndedProblem', r.refreshId ?? '', r.state);
  return undefined;
}

async function tableResult(
  table: string,
  monitor: FoundMonitor,
  refresh: RefreshOutcome,
  check: (() => ReturnType<typeof checkTable>) | undefined,
  ctx: TaskContext,
): Promise<DriftTableResult> {
  const base = {
    table,
    monitorApi: monitor.api,
    refresh: { state: refresh.state, refreshId: refresh.refreshId, durationSeconds: refresh.durationSeconds, startedByTask: refresh.startedByTask, message: refresh.message },
    driftMetricsTable: monitor.facts.driftMetricsTable,
    profileMetricsTable: monitor.facts.profileMetricsTable,
  };
  const problem = refreshProblem(refresh);
  if (problem) {
    ctx.log.error(`${table}: ${problem}`);
    return { ...base, verdict: 'error', reason: problem, columns: [] };
  }
  if (!check) return { ...base, verdict: 'not-evaluated', columns: [] };
  const stale = refresh.state === 'PENDING' || refresh.state === 'RUNNING' ? [message('EvaluatedOnEarlierRefresh', refresh.refreshId ?? '', refresh.state)] : [];
  try {
    const gate = await check();
    const reasons = [...gate.reasons, ...stale];
    ctx.log.info(
      `${table}: ${gate.verdict}${gate.columns.some((c) => c.drifted) ? ` (${[...new Set(gate.columns.filter((c) => c.drifted).map((c) => c.column))].join(', ')})` : ''}.`,
    );
    for (const reason of gate.reasons) ctx.log.info(`  ${reason}`);
    return { ...base, verdict: gate.verdict, reason: reasons.length > 0 ? reasons.join('\n') : undefined, columns: gate.columns };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const reason = error instanceof GateSetupError ? error.message : message('MetricTablesFailed', error instanceof Error ? error.message : String(error));
    ctx.log.error(`${table}: ${reason}`);
    return { ...base, verdict: 'error', reason, columns: [] };
  }
}

function outputs(tables: readonly DriftTableResult[], reportPath: string, driftedColumns: readonly string[] = []): OutputValues {
  return {
    driftDetected: tables.some((t) => t.verdict === 'drift'),
    driftedColumns: driftedColumns.join(','),
    refreshStates: JSON.stringify(Object.fromEntries(tables.map((t) => [t.table, t.refresh.state]))),
    reportPath,
  };
}
