/**
 * A rollout that did not end well: the messages of a deployment's outcome, the rollback after a
 * failed wait or smoke test (wait for our update to settle, PUT the previous config, wait until
 * it serves again), and the one bounded rollback attempt after a cancellation. Each is a
 * function of the Rollout (the plan applied, when, its notes) that a test can call directly.
 */
import { message } from './messages';
import { getServingEndpoint, updateServingEndpointConfig } from '../../../shared/api/serving';
import { CancelledError, DatabricksApiError } from '../../../shared/client/errors';
import type { DeployOutcome, DeployPlan, Rollout } from './operations';
import { renderChanges } from './plan';
import { describeServing, waitUntilReady, waitUntilSettled } from './readiness';
import { describeConfig, RECORD_TAG } from './rollbackRecord';
import { formatDuration, markRecordUsed, pairs, snapshots, type DeployDeps } from './served';
import { configToUpdate, sameConfig, servedConfig, type ServingConfig } from './servedConfig';

/** The one rollback attempt after a cancellation, and the read that describes what is left: inside the agent's grace (7.5 s). */
const CANCEL_PUT_MS = 1_500;
const CANCEL_READ_MS = 1_000;

/** The update (or create) was refused: nothing changed. */
export function refusedUpdateMessage(endpointName: string, e: Pick<DatabricksApiError, 'errorCode' | 'serviceMessage'>): string {
  return message('UpdateRefused', endpointName, e.errorCode, e.serviceMessage);
}

export function successMessage(plan: Pick<DeployPlan, 'endpoint' | 'report' | 'params' | 'version'>): string {
  const target = plan.endpoint.target;
  const split = target.entities.map((e) => `${e.name} ${target.traffic[e.name] ?? 0}%`).join(', ');
  const ready = plan.report.timeToReadySeconds !== undefined ? message('ReadyIn', formatDuration(plan.report.timeToReadySeconds)) : '';
  return message(plan.report.action === 'create' ? 'EndpointCreated' : 'EndpointUpdated', plan.params.endpointName, split, plan.params.modelName ?? '', plan.version, ready);
}

export function upToDateMessage(plan: Pick<DeployPlan, 'params' | 'outputs' | 'version'>): string {
  return message('AlreadyServes', plan.params.endpointName, plan.outputs.servedEntityName, plan.version);
}

/** "v7 100%"-style text of a config to restore. */
export function restoredText(previous: ServingConfig): string {
  return previous.entities.map((e) => `${e.name} (v${e.entityVersion}) ${previous.traffic[e.name] ?? 0}%`).join(', ');
}

/** After a failed rollout, the rollback PUT was refused: the failure, the refusal, and what serves now. */
export function refusedRollbackMessage(reason: string, endpointName: string, restored: string, refusal: string, nowServing: string): string {
  return message('RollbackToRefused', reason, restored, refusal, endpointName, nowServing);
}

/** Cancelled after the config was applied, and the one rollback attempt was refused. */
export function refusedCancelRollbackMessage(why: string, endpointName: string, refusal: string, busy: string, nowServing: string, target: string, howToRestore: string): string {
  return message('CancelledRollbackRefused', why, endpointName, `${refusal}${busy}`, nowServing, target, howToRestore);
}

/** How a cancelled rollout can be undone later: trafficMode rollback when the record is complete. */
export function howToRestoreMessage(restored: string, recordComplete: boolean): string {
  return recordComplete ? message('HowToRestoreRecorded', restored, RECORD_TAG) : message('HowToRestoreUnrecorded', restored);
}

export function outcomeOf(rollout: Rollout, result: 'Succeeded' | 'Failed', message: string): DeployOutcome {
  const { plan } = rollout;
  return { result, message, outputs: plan.outputs, report: plan.report, planLines: renderChanges(plan.endpoint.changes), notes: [...plan.endpoint.notes, ...rollout.notes] };
}

export function done(rollout: Rollout, message: string): DeployOutcome {
  return outcomeOf(rollout, 'Succeeded', message);
}

export function failed(rollout: Rollout, message: string): DeployOutcome {
  return outcomeOf(rollout, 'Failed', message);
}

// ---------------------------------------------------------------------------------------------
// Rolling back

export async function cancelledAfterApply(deps: DeployDeps, rollout: Rollout, e: CancelledError): Promise<DeployOutcome> {
  const { client, ctx } = deps;
  const { params, report, endpoint: plan } = rollout.plan;
  const name = params.endpointName;
  const previous = plan.before;
  const targetText = describeConfig(plan.target);
  const why = e.message;
  report.failure = { stage: 'wait', message: why };
  ctx.log.error(why);
  // Short, own signals: the task's signal is aborted, and the agent kills the process soon.
  const nowServing = async () => describeServing(await getServingEndpoint(client, name, AbortSignal.timeout(CANCEL_READ_MS)).catch(() => undefined));
  if (!previous) {
    return failed(rollout, message('CancelledNewEndpoint', why, name, await nowServing()));
  }
  const restored = snapshots(previous);
  const previousText = describeConfig(previous);
  const howToRestore = howToRestoreMessage(previousText, plan.record?.complete === true);
  if (!params.rollbackOnFailure) {
    report.rollback = { performed: false, restored, reason: why, succeeded: false };
    return failed(rollout, message('CancelledNoRollback', why, name, await nowServing(), howToRestore));
  }
  ctx.log.section(message('CancelledRollingBack', name, previousText));
  try {
    await updateServingEndpointConfig(client, name, configToUpdate(previous), { signal: AbortSignal.timeout(CANCEL_PUT_MS), timeoutMs: CANCEL_PUT_MS });
  } catch (x) {
    const refusal = x instanceof DatabricksApiError ? `${x.statusCode} ${x.errorCode}: ${x.serviceMessage}` : (x as Error).message;
    const busy = x instanceof DatabricksApiError && (x.statusCode === 409 || x.statusCode === 400) ? ' (the endpoint accepts no config change while an update is in progress)' : '';
    report.rollback = { performed: false, restored, reason: why, succeeded: false };
    ctx.log.error(message('RollbackRefused', `${refusal}${busy}`));
    return failed(rollout, refusedCancelRollbackMessage(why, name, refusal, busy, await nowServing(), targetText, howToRestore));
  }
  // Accepted: the restore rolls out on the service side; the agent does not wait for it.
  report.rollback = { performed: true, restored, reason: why, succeeded: false };
  ctx.log.info(message('RollbackAccepted', name, previousText));
  return failed(rollout, message('CancelledRollbackAccepted', why, name, previousText));
}

export async function rollbackAndFail(deps: DeployDeps, rollout: Rollout, reason: string, stillRollingOut: boolean): Promise<DeployOutcome> {
  const { client, ctx } = deps;
  const { params, report, endpoint: plan } = rollout.plan;
  const timeoutMs = params.timeoutMinutes * 60_000;
  const previous = plan.before;
  if (!plan.configChanged) return failed(rollout, reason);
  if (!previous) {
    return failed(rollout, message('NewEndpointLeft', reason, params.endpointName));
  }
  if (!params.rollbackOnFailure) return failed(rollout, message('NoRollbackLeft', reason));
  const restored = snapshots(previous);
  const previousText = restoredText(previous);
  ctx.log.section(message('RollingBack', params.endpointName, previousText));
  // The rollback has timeouts of its own (timeoutMinutes each): waiting for our update to
  // settle (the endpoint accepts no change while it rolls out), then the restored config's readiness.
  const nowServing = async () =>
    describeServing(await getServingEndpoint(client, params.endpointName, ctx.signal).catch((x: unknown) => (x instanceof CancelledError ? Promise.reject(x) : undefined)));
  let current = stillRollingOut ? undefined : await getServingEndpoint(client, params.endpointName, ctx.signal);
  if (stillRollingOut || current?.state?.config_update === 'IN_PROGRESS') {
    ctx.log.info(message('RollbackWaitsForSettle', params.endpointName, Math.round(timeoutMs / 60_000), previousText));
    try {
      current = await waitUntilSettled(deps, params.endpointName, timeoutMs, message('WaitWhatUpdateBeingRolledBack'), message('WaitWhoseOurs'));
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      report.rollback = { performed: false, restored, reason, succeeded: false };
      return failed(rollout, message('RollbackCouldNotStart', reason, (e as Error).message, params.endpointName, await nowServing()));
    }
    ctx.log.info(message('UpdateEnded', current.state?.config_update ?? 'unknown', params.endpointName, describeServing(current)));
  }
  if (stillRollingOut && current && sameConfig(servedConfig(current), previous)) {
    // The update failed or was cancelled: the previous config kept serving, nothing to restore.
    report.rollback = { performed: false, restored, reason, succeeded: true };
    report.after = restored;
    ctx.log.info(message('NoRollbackNeeded', params.endpointName, previousText));
    return failed(rollout, message('UpdateDidNotTakeOver', reason, params.endpointName, previousText));
  }
  try {
    await updateServingEndpointConfig(client, params.endpointName, configToUpdate(previous));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    const why = e instanceof DatabricksApiError ? `${e.errorCode}: ${e.serviceMessage}` : (e as Error).message;
    ctx.log.error(message('RollbackRefused', why));
    report.rollback = { performed: false, restored, reason, succeeded: false };
    return failed(rollout, refusedRollbackMessage(reason, params.endpointName, previousText, why, await nowServing()));
  }
  try {
    await waitUntilReady(deps, params.endpointName, pairs(previous), timeoutMs, message('WaitWhatRollback', params.endpointName));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    report.rollback = { performed: true, restored, reason, succeeded: false };
    return failed(rollout, message('RollbackNotReady', reason, previousText, (e as Error).message, params.endpointName, await nowServing()));
  }
  report.rollback = { performed: true, restored, reason, succeeded: true };
  report.after = restored;
  ctx.log.info(message('RolledBackLine', params.endpointName, previousText));
  if (plan.record?.complete) await markRecordUsed(deps, params.endpointName, plan.record.header);
  return failed(rollout, message('RolledBack', reason, params.endpointName, previousText));
}
