/**
 * `trafficMode: rollback`: restore the served entities and traffic recorded on the endpoint
 * before this task's last rollout (rollbackRecord.ts; docs/INPUTS.md: no model inputs needed).
 *
 * Read the endpoint and its record (no record, an incomplete or unreadable one: a clear error
 * before any write) → wait for an update in progress to settle (the endpoint accepts no config
 * change until then; bounded by timeoutMinutes, with progress) → PUT the recorded config (only
 * when the endpoint does not serve it already) → wait until ready → mark the record used.
 */
import type { Deadline } from '../../../shared/runtime/clock';
import { findServingEndpoint, getServingEndpoint, updateServingEndpointConfig, type ServingEndpointDetailed } from '../../../shared/api/serving';
import { CancelledError, DatabricksApiError } from '../../../shared/client/errors';
import { printPlan } from '../../../shared/runtime/plan';
import type { DeploymentReportData } from '../../../shared/runtime/reportTypes';
import type { TaskDeps } from '../../../shared/runtime/task';
import type { DeployOutcome, DeployOutputs } from './operations';
import { endpointPage, markRecordUsed, pairs, snapshots, type DeployDeps } from './served';
import type { RollbackServingParameters } from './parameters';
import { configChange, renderChanges } from './plan';
import { describeServing, waitUntilReady, waitUntilSettled } from './readiness';
import { describeConfig, readRecord, RECORD_TAG, type ReadRecord } from './rollbackRecord';
import { configToUpdate, inferenceTableName, sameConfig, servedConfig, type ServingConfig } from './servedConfig';
import { message } from './messages';

const MAX_ATTEMPTS = 3;

type UsableRecord = Extract<ReadRecord, { kind: 'ok' }>;

/** plan() of trafficMode rollback: the endpoint, its record, and the config change that restores it. */
export interface RollbackPlan {
  mode: 'rollback';
  params: RollbackServingParameters;
  deadline: Deadline;
  outputs: DeployOutputs;
  report: DeploymentReportData;
  endpointPage: string;
  notes: string[];
  planLines: string[];
  /** The outcome when reading already decides it (no endpoint, no usable record, cancelled while reading): nothing is written. */
  decided?: { ok: boolean; message: string };
  endpoint?: ServingEndpointDetailed;
  record?: UsableRecord;
  recorded?: ServingConfig;
}

function outcomeOf(plan: RollbackPlan, ok: boolean, message: string): DeployOutcome {
  return { result: ok ? 'Succeeded' : 'Failed', message, outputs: plan.outputs, report: plan.report, planLines: plan.planLines, notes: plan.notes };
}

function remainingMs(deadline: Deadline): number {
  return Math.max(1, deadline.remaining());
}

/** Reads only: the endpoint and its record; refuses (before any write) without a usable record. */
export async function planRollback(deps: TaskDeps, params: RollbackServingParameters): Promise<RollbackPlan> {
  const { client, ctx } = deps;
  const name = params.endpointName;
  const deadline = ctx.clock.deadline(params.timeoutMinutes * 60_000);
  const outputs: DeployOutputs = { endpointUrl: client.link(`/serving-endpoints/${encodeURIComponent(name)}/invocations`), servedEntityName: '', servedVersion: '' };
  const report: DeploymentReportData = { endpointName: name, endpointUrl: outputs.endpointUrl, action: 'noop', trafficMode: 'rollback', before: [], after: [] };
  const plan: RollbackPlan = { mode: 'rollback', params, deadline, outputs, report, endpointPage: endpointPage(client, name), notes: [], planLines: [] };
  const decide = (message: string): RollbackPlan => ({ ...plan, decided: { ok: false, message } });
  try {
    const endpoint = await findServingEndpoint(client, name, ctx.signal);
    if (!endpoint) return decide(message('RollbackNoEndpoint', name));
    report.endpointId = outputs.endpointId = endpoint.id;
    const record = readRecord(endpoint.tags);
    switch (record.kind) {
      case 'none':
        return decide(message('RollbackNoRecord', name, RECORD_TAG, name));
      case 'incomplete':
        return decide(message('RollbackRecordIncomplete', name, record.header.at));
      case 'corrupt':
        return decide(message('RollbackRecordUnusable', name, record.reason));
    }
    const recorded = record.config;
    report.rollback = { performed: false, restored: snapshots(recorded), reason: `trafficMode rollback (record of ${record.header.at})`, succeeded: false };
    const recordedText = describeConfig(recorded);
    ctx.log.info(
      record.header.configVersion !== undefined
        ? message('RecordFoundConfig', name, record.header.at, record.header.configVersion, record.header.state, recordedText)
        : message('RecordFound', name, record.header.at, record.header.state, recordedText),
    );
    if (endpoint.state?.config_update === 'IN_PROGRESS' && deps.dryRun) plan.notes.push(message('RollbackPlanDuringUpdate', name, params.timeoutMinutes));
    const planned: RollbackPlan = { ...plan, endpoint, record, recorded };
    comparePlan(planned, endpoint);
    return planned;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    return { ...plan, decided: { ok: false, message: await cancelledMessage(deps, plan, e, false) } };
  }
}

/** The change from what the endpoint serves to the recorded config (again after a wait). */
function comparePlan(plan: RollbackPlan, endpoint: ServingEndpointDetailed): void {
  const current = servedConfig(endpoint);
  plan.endpoint = endpoint;
  plan.report.before = snapshots(current, endpoint);
  plan.report.after = snapshots(plan.recorded!);
  const change = configChange(plan.params.endpointName, current, plan.recorded!);
  plan.report.changes = [change];
  plan.planLines = renderChanges([change]);
}

/** The record was used by an earlier rollback and the endpoint changed since without a new one. */
export function usedRecordMessage(name: string, at: string, serving: string): string {
  return message('RollbackRecordUsed', name, at, serving);
}

/** dryRun: what the rollback would do. */
export function plannedRollback(plan: RollbackPlan): DeployOutcome {
  if (plan.decided) return outcomeOf(plan, plan.decided.ok, plan.decided.message);
  const name = plan.params.endpointName;
  const recordedText = describeConfig(plan.recorded!);
  if (sameConfig(servedConfig(plan.endpoint!), plan.recorded!)) {
    setOutputs(plan, plan.recorded!, plan.endpoint!);
    return outcomeOf(plan, true, message('RollbackPlanNothing', name, recordedText));
  }
  if (plan.record!.header.state === 'used') return outcomeOf(plan, false, usedRecordMessage(name, plan.record!.header.at, describeServing(plan.endpoint!)));
  return outcomeOf(plan, true, message('RollbackPlan', name, recordedText));
}

/** Waits for an update in progress, PUTs the recorded config (unless served already), waits until ready, marks the record used. */
export async function applyRollback(deps: TaskDeps, plan: RollbackPlan): Promise<DeployOutcome> {
  if (plan.decided) return outcomeOf(plan, plan.decided.ok, plan.decided.message);
  const { client, ctx } = deps;
  const { params, report, notes } = plan;
  const name = params.endpointName;
  const record = plan.record!;
  const recorded = plan.recorded!;
  const recordedText = describeConfig(recorded);
  const result = (ok: boolean, message: string) => outcomeOf(plan, ok, message);
  // What a cancellation leaves: whether the restore was sent (the record stays until a rollback sees it served).
  let restoreSent = false;
  let endpoint = plan.endpoint!;
  try {
    for (let attempt = 1; ; attempt++) {
      if (endpoint.state?.config_update === 'IN_PROGRESS') {
        ctx.log.section(message('WaitingForUpdateToEnd', name));
        ctx.log.info(message('RollbackWaitsForUpdate', name, params.timeoutMinutes, recordedText));
        endpoint = await waitUntilSettled(deps, name, remainingMs(plan.deadline), message('WaitWhatUpdateInProgress'), message('WaitWhoseToRollBack'));
        ctx.log.info(message('UpdateEnded', endpoint.state?.config_update ?? 'unknown', name, describeServing(endpoint)));
      }
      if (endpoint !== plan.endpoint) {
        // Planned again against the endpoint as it is now (the first plan was printed before apply).
        comparePlan(plan, endpoint);
        printPlan(ctx.log, plan.planLines, false);
      }
      if (sameConfig(servedConfig(endpoint), recorded)) return await alreadyServed(endpoint);
      if (record.header.state === 'used') return result(false, usedRecordMessage(name, record.header.at, describeServing(endpoint)));
      try {
        await updateServingEndpointConfig(client, name, configToUpdate(recorded));
        restoreSent = true;
        break;
      } catch (e) {
        if (e instanceof CancelledError || !(e instanceof DatabricksApiError)) throw e;
        // Another update started between the read and the PUT: wait for it, then try again.
        const now = e.statusCode === 409 || e.statusCode === 400 ? await getServingEndpoint(client, name, ctx.signal) : undefined;
        if (attempt >= MAX_ATTEMPTS || now?.state?.config_update !== 'IN_PROGRESS') {
          return result(false, message('RollbackModeRefused', name, recordedText, e.errorCode ?? '', e.serviceMessage ?? '', name, describeServing(now ?? endpoint)));
        }
        ctx.log.info(message('AnotherUpdateWaiting', name, attempt + 1, MAX_ATTEMPTS));
        endpoint = now;
      }
    }
    report.action = 'update';
    report.rollback!.performed = true;
    ctx.log.info(message('RestoreStarted', name, recordedText));
    if (!params.waitForReady) {
      notes.push('waitForReady is false: the restore was started, not awaited; the record stays until a rollback sees it served.');
      setOutputs(plan, recorded, endpoint);
      return result(true, message('RestoreNotAwaited', name, recordedText));
    }
    try {
      ctx.log.section(message('WaitingForReady', name));
      const waited = await waitUntilReady(deps, name, pairs(recorded), remainingMs(plan.deadline), message('WaitWhatRollback', name), false, params.timeoutMinutes);
      report.polls = waited.polls;
      report.after = snapshots(recorded, waited.result);
      endpoint = waited.result;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      const now = await getServingEndpoint(client, name, ctx.signal).catch((x: unknown) => (x instanceof CancelledError ? Promise.reject(x) : undefined));
      report.failure = { stage: 'wait', message: (e as Error).message };
      return result(false, `${(e as Error).message} ${name} serves ${describeServing(now)}.`);
    }
    report.rollback!.succeeded = true;
    await markRecordUsed(deps, name, record.header);
    setOutputs(plan, recorded, endpoint);
    return result(true, message('RolledBackMode', name, recordedText, record.header.at));
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    return result(false, await cancelledMessage(deps, plan, e, restoreSent));
  }

  async function alreadyServed(ep: ServingEndpointDetailed): Promise<DeployOutcome> {
    setOutputs(plan, recorded, ep);
    if (params.waitForReady) {
      const waited = await waitUntilReady(deps, name, pairs(recorded), remainingMs(plan.deadline), message('WaitWhatRestoredConfig', name), true, params.timeoutMinutes);
      report.after = snapshots(recorded, waited.result);
    }
    report.rollback!.succeeded = true;
    if (record.header.state === 'ready') await markRecordUsed(deps, name, record.header);
    return result(true, message('RollbackNothing', name, recordedText));
  }
}

/** Cancelled: what is left (the endpoint read with a short signal of its own: the task's is aborted). */
async function cancelledMessage(deps: DeployDeps, plan: RollbackPlan, e: CancelledError, restoreSent: boolean): Promise<string> {
  const name = plan.params.endpointName;
  plan.report.failure = { stage: 'wait', message: e.message };
  const left = await getServingEndpoint(deps.client, name, AbortSignal.timeout(1_000)).catch(() => undefined);
  return restoreSent
    ? message('RollbackCancelledSent', e.message, name, describeConfig(plan.recorded!), describeServing(left))
    : message('RollbackCancelledNothing', e.message, name, describeServing(left));
}

function setOutputs(plan: RollbackPlan, config: ServingConfig, ep: ServingEndpointDetailed): void {
  const { outputs, report } = plan;
  const main = config.entities.reduce((best, e) => ((config.traffic[e.name] ?? 0) > (config.traffic[best.name] ?? 0) ? e : best));
  outputs.servedEntityName = main.name;
  outputs.servedVersion = main.entityVersion;
  const t = ep.ai_gateway?.inference_table_config;
  if (t?.enabled && t.catalog_name && t.schema_name && t.table_name_prefix) {
    outputs.inferenceTableName = report.inferenceTableName = inferenceTableName({ catalog: t.catalog_name, schema: t.schema_name, tablePrefix: t.table_name_prefix });
  }
}
