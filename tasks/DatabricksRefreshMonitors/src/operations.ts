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
import { resolveCustomMetric, unknownCustomMetric, type MetricCondition } from '../../../shared/runtime/metricRules';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import type { ChangeEntry, DriftReportData, DriftTableResult } from '../../../shared/runtime/reportTypes';
import type { TaskContext, TaskOutcome } from '../../../shared/runtime/task';
import { checkTable, GateSetupError, sliceProblem, type MonitorFacts, type RunStatement } from './gate/check';
import { finestGranularity } from '../../../shared/api/monitors';
import { gateOutcome, resultFor } from './gate/verdict';
import type { RefreshMonitorsParameters } from './parameters';
import { runPool } from '../../../shared/runtime/pool';
import { isActive, refreshAll, type RefreshHandle, type RefreshOutcome } from './refresh';
import { renderSummary } from './summary';
import { resolveTargets } from './targets';
import { message } from './messages';

/** One monitored table as the task sees it, from whichever monitor API manages it. */
export interface MonitorView {
  api: 'dataQuality' | 'legacy';
  facts: MonitorFacts & { granularities?: string[] };
  refresh: RefreshHandle;
  /** Link for the summary (the monitor's dashboard, else the table). */
  link?: string;
}

export interface RefreshMonitorsDeps {
  client: DatabricksClient;
  workspaceUrl: string;
  /** The monitor of a table; undefined when the table has none. */
  findMonitor(table: string): Promise<MonitorView | undefined>;
  /** Runs a gate statement on the warehouse (only called when thresholds are set). */
  runStatement: RunStatement;
}

/** Tables whose metric tables are read at once on the warehouse. */
const GATE_CONCURRENCY = 4;

export async function refreshMonitors(ctx: TaskContext, params: RefreshMonitorsParameters, deps: RefreshMonitorsDeps): Promise<TaskOutcome> {
  const { log } = ctx;
  const dryRun = params.common.dryRun;
  const targets = await resolveTargets(deps.client, params, (table) => deps.findMonitor(table), ctx.signal);
  checkCustomMetrics(params.thresholds, targets.monitors.map((t) => t.monitor.facts));
  if (params.thresholds.length > 0) checkModelIdSlice(params.modelId, targets.monitors);
  // Destinations are resolved before any refresh starts: an unknown name fails here.
  const destinations = [...(await resolveDestinations(deps.client, params.notifyDestinations, 'notifyDestinations')).values()];
  if (targets.skipped.length > 0) log.info(message('SkippedUnmonitored', targets.skipped.length, params.schemaName ?? '', targets.skipped.join(', ')));
  const granularities = new Map(targets.monitors.map((t) => [t.table, t.monitor.facts.granularity ?? finestGranularity(t.monitor.facts.granularities)]));

  if (targets.monitors.length > 0) log.section(dryRun ? 'Plan: monitor refreshes' : `Refreshing ${targets.monitors.length} monitor(s), at most ${params.concurrency} at once`);
  const refreshes = dryRun
    ? await plan(targets.monitors, ctx)
    : await refreshAll(
        targets.monitors.map((t) => ({ table: t.table, refresh: t.monitor.refresh })),
        { concurrency: params.concurrency, waitForCompletion: params.waitForCompletion, timeoutMinutes: params.timeoutMinutes, clock: ctx.clock, signal: ctx.signal, log },
      );

  if (params.thresholds.length > 0) log.section(params.modelId !== undefined ? message('DriftGateSectionSlice', params.thresholds.map((r) => r.text).join('; '), params.modelId) : message('DriftGateSection', params.thresholds.map((r) => r.text).join('; ')));
  const tables = await runPool(targets.monitors, GATE_CONCURRENCY, async ({ table, monitor }, i) => {
    const refresh = refreshes[i]!;
    const facts = { ...monitor.facts, granularity: granularities.get(table), modelId: params.modelId };
    const result = await tableResult(table, monitor, refresh, params.thresholds.length > 0 ? () => checkTable(table, facts, params.thresholds, params, deps.runStatement) : undefined, ctx);
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
  const summaryMarkdown = renderSummary(data, {
    result: gate.result,
    message: gate.message,
    dryRun,
    links: new Map(targets.monitors.flatMap((t) => (t.monitor.link ? [[t.table, t.monitor.link] as const] : []))),
    skipped: targets.skipped,
    granularities,
  });
  mkdirSync(dirname(params.reportPath), { recursive: true });
  return {
    result: gate.result,
    message: gate.message,
    outputs: outputs(tables, params.reportPath, driftedColumns),
    summaryMarkdown,
    report: { kind: 'drift', workspaceUrl: deps.workspaceUrl, dryRun, data },
    reportPath: params.reportPath,
  };
}

/**
 * Tells the notification destinations that a rule broke (drift or a data-quality rule), through
 * a one-time job run (shared/api/notificationDestinations.ts): the message is the run's name. A
 * delivery that fails is a warning; the gate's outcome stands either way.
 */
async function notifyDrift(deps: RefreshMonitorsDeps, ctx: TaskContext, destinations: readonly NotificationDestination[], gateMessage: string, dryRun: boolean): Promise<NonNullable<DriftReportData['notification']>> {
  const names = destinations.map((d) => d.display_name);
  const build = [ctx.variable('System.CollectionUri'), ctx.variable('System.TeamProject'), ctx.variable('Build.BuildId')];
  const link = build.every((v) => v) ? ` ${build[0]!.replace(/\/+$/, '')}/${encodeURIComponent(build[1]!)}/_build/results?buildId=${build[2]}` : '';
  const text = `[mlops] ${gateMessage}${link}`;
  if (dryRun) {
    ctx.log.info(message('NotifyPlanned', names.join(', '), text));
    return { destinations: names, message: text, planned: true };
  }
  const token = `ado-drift-${createHash('sha256').update([ctx.variable('System.CollectionId'), build[2], ctx.variable('System.JobId'), ctx.variable('System.JobAttempt'), names.join(',')].join('|')).digest('hex').slice(0, 48)}`;
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
function checkCustomMetrics(rules: readonly MetricCondition[], facts: readonly MonitorView['facts'][]): void {
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
function checkModelIdSlice(modelId: string | undefined, monitors: ReadonlyArray<{ table: string; monitor: MonitorView }>): void {
  const errors = monitors.flatMap(({ table, monitor }) => {
    const problem = sliceProblem({ ...monitor.facts, modelId });
    return problem ? [new InputError({ input: 'modelId', rule: `${table}: ${problem}`, value: modelId, fromTask: true })] : [];
  });
  if (errors.length > 0) throw new InputErrors(errors);
}

/** dryRun: what would be refreshed (a running refresh would be waited on), no write call. */
async function plan(monitors: ReadonlyArray<{ table: string; monitor: MonitorView }>, ctx: TaskContext): Promise<RefreshOutcome[]> {
  return runPool(monitors, 8, async ({ table, monitor }) => {
    const base = { table, startedByTask: false, timedOut: false, cancelledByTask: false };
    try {
      const running = (await monitor.refresh.listRefreshes()).find((r) => isActive(r.state));
      const planned = running ? message('PlanWouldWait', running.refreshId, running.state) : message('PlanWouldStart');
      ctx.log.info(message('TableLine', table, planned));
      return { ...base, state: 'NOT_STARTED' as const, refreshId: running?.refreshId, message: planned };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return { ...base, state: 'UNKNOWN' as const, message: reason, error: reason };
    }
  });
}

function change(r: RefreshOutcome): ChangeEntry {
  const waits = r.refreshId !== undefined;
  return { action: waits ? 'noop' : 'create', resource: `refresh of the monitor of ${r.table}`, fields: waits ? [{ path: 'refresh_id', before: r.refreshId, after: r.refreshId }] : undefined };
}

/** Why a refresh outcome keeps the gate from running on this table; undefined when it may run. */
function refreshProblem(r: RefreshOutcome): string | undefined {
  if (r.error) return message(r.timedOut ? 'RefreshTimedOutError' : 'RefreshCouldNotRun', r.error);
  if (r.timedOut) return r.message ?? message('RefreshDidNotFinish');
  if (r.state === 'FAILED' || r.state === 'CANCELED' || r.state === 'UNKNOWN') return r.message ? message('RefreshEndedProblemWith', r.refreshId ?? '', r.state, r.message) : message('RefreshEndedProblem', r.refreshId ?? '', r.state);
  return undefined;
}

async function tableResult(
  table: string,
  monitor: MonitorView,
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
    ctx.log.info(`${table}: ${gate.verdict}${gate.columns.some((c) => c.drifted) ? ` (${[...new Set(gate.columns.filter((c) => c.drifted).map((c) => c.column))].join(', ')})` : ''}.`);
    for (const reason of gate.reasons) ctx.log.info(`  ${reason}`);
    return { ...base, verdict: gate.verdict, reason: reasons.length > 0 ? reasons.join('\n') : undefined, columns: gate.columns };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const reason = error instanceof GateSetupError ? error.message : message('MetricTablesFailed', error instanceof Error ? error.message : String(error));
    ctx.log.error(`${table}: ${reason}`);
    return { ...base, verdict: 'error', reason, columns: [] };
  }
}

function outputs(tables: readonly DriftTableResult[], reportPath: string, driftedColumns: readonly string[] = []): TaskOutcome['outputs'] {
  return {
    driftDetected: tables.some((t) => t.verdict === 'drift'),
    driftedColumns: driftedColumns.join(','),
    refreshStates: JSON.stringify(Object.fromEntries(tables.map((t) => [t.table, t.refresh.state]))),
    reportPath,
  };
}
