/**
 * A rollout that did not end well: the messages of a deployment's outcome, the rollback after a
 * failed wait or smoke test (wait for our update to settle, PUT the previous config, wait until
 * it serves again), and the one bounded rollback attempt after a cancellation. Each is a
 * function of the Rollout (the plan applied, when, its notes) that a test can call directly.
 */
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
  return `The update of serving endpoint ${endpointName} was refused: ${e.errorCode}: ${e.serviceMessage} The served config was not changed.`;
}

export function successMessage(plan: Pick<DeployPlan, 'endpoint' | 'report' | 'params' | 'version'>): string {
  const target = plan.endpoint.target;
  const split = target.entities.map((e) => `${e.name} ${target.traffic[e.name] ?? 0}%`).join(', ');
  const verb = plan.report.action === 'create' ? 'Created' : 'Updated';
  const ready = plan.report.timeToReadySeconds !== undefined ? `; ready in ${formatDuration(plan.report.timeToReadySeconds)}` : '';
  return `${verb} serving endpoint ${plan.params.endpointName}: ${split} (${plan.params.modelName} version ${plan.version})${ready}.`;
}

export function upToDateMessage(plan: Pick<DeployPlan, 'params' | 'outputs' | 'version'>): string {
  return `Serving endpoint ${plan.params.endpointName} already serves ${plan.outputs.servedEntityName} (version ${plan.version}) as requested; nothing changed.`;
}

/** "v7 100%"-style text of a config to restore. */
export function restoredText(previous: ServingConfig): string {
  return previous.entities.map((e) => `${e.name} (v${e.entityVersion}) ${previous.traffic[e.name] ?? 0}%`).join(', ');
}

/** After a failed rollout, the rollback PUT was refused: the failure, the refusal, and what serves now. */
export function refusedRollbackMessage(reason: string, endpointName: string, restored: string, refusal: string, nowServing: string): string {
  return `${reason} The rollback to ${restored} was refused (${refusal}). ${endpointName} serves ${nowServing}.`;
}

/** Cancelled after the config was applied, and the one rollback attempt was refused. */
export function refusedCancelRollbackMessage(why: string, endpointName: string, refusal: string, busy: string, nowServing: string, target: string, howToRestore: string): string {
  return `${why} The rollback of ${endpointName} was refused: ${refusal}${busy}. State left: ${nowServing} (this task's update, ${target}, may still be rolling out). ${howToRestore}`;
}

/** How a cancelled rollout can be undone later: trafficMode rollback when the record is complete. */
export function howToRestoreMessage(restored: string, recordComplete: boolean): string {
  return recordComplete
    ? `The config served before (${restored}) is recorded on the endpoint (tags ${RECORD_TAG}*): to restore it, run DatabricksDeployServing with trafficMode: rollback (it waits for an update in progress to end first).`
    : `The config served before (${restored}) could not be recorded on the endpoint completely, so trafficMode: rollback cannot restore it: deploy those versions again with trafficMode replace or canary.`;
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
    return failed(rollout, `${why} The new endpoint ${name} was created and left as it is (${await nowServing()}); it had served nothing before, so there is nothing to restore: delete it or run the task again.`);
  }
  const restored = snapshots(previous);
  const previousText = describeConfig(previous);
  const howToRestore = howToRestoreMessage(previousText, plan.record?.complete === true);
  if (!params.rollbackOnFailure) {
    report.rollback = { performed: false, restored, reason: why, succeeded: false };
    return failed(rollout, `${why} rollbackOnFailure is false: ${name} was left as it is: ${await nowServing()}. ${howToRestore}`);
  }
  ctx.log.section(`Cancelled: rolling back ${name} to ${previousText}`);
  try {
    await updateServingEndpointConfig(client, name, configToUpdate(previous), { signal: AbortSignal.timeout(CANCEL_PUT_MS), timeoutMs: CANCEL_PUT_MS });
  } catch (x) {
    const refusal = x instanceof DatabricksApiError ? `${x.statusCode} ${x.errorCode}: ${x.serviceMessage}` : (x as Error).message;
    const busy = x instanceof DatabricksApiError && (x.statusCode === 409 || x.statusCode === 400) ? ' (the endpoint accepts no config change while an update is in progress)' : '';
    report.rollback = { performed: false, restored, reason: why, succeeded: false };
    ctx.log.error(`Rollback refused: ${refusal}${busy}`);
    return failed(rollout, refusedCancelRollbackMessage(why, name, refusal, busy, await nowServing(), targetText, howToRestore));
  }
  // Accepted: the restore rolls out on the service side; the agent does not wait for it.
  report.rollback = { performed: true, restored, reason: why, succeeded: false };
  ctx.log.info(`Rollback accepted: ${name} is rolling back to ${previousText}.`);
  return failed(
    rollout,
    `${why} The rollback of ${name} to ${previousText} was accepted and is rolling out (the task did not wait for it). Run DatabricksDeployServing with trafficMode: rollback to wait until it serves again (the record stays on the endpoint until then).`,
  );
}

export async function rollbackAndFail(deps: DeployDeps, rollout: Rollout, reason: string, stillRollingOut: boolean): Promise<DeployOutcome> {
  const { client, ctx } = deps;
  const { params, report, endpoint: plan } = rollout.plan;
  const timeoutMs = params.timeoutMinutes * 60_000;
  const previous = plan.before;
  if (!plan.configChanged) return failed(rollout, reason);
  if (!previous) {
    return failed(rollout, `${reason} The new endpoint ${params.endpointName} was left in place for diagnosis (not deleted): see its events and logs in the workspace, then delete it or run again.`);
  }
  if (!params.rollbackOnFailure) return failed(rollout, `${reason} rollbackOnFailure is false: the endpoint was left as it is.`);
  const restored = snapshots(previous);
  const previousText = restoredText(previous);
  ctx.log.section(`Rolling back ${params.endpointName} to ${previousText}`);
  // The rollback has timeouts of its own (timeoutMinutes each): waiting for our update to
  // settle (the endpoint accepts no change while it rolls out), then the restored config's readiness.
  const nowServing = async () => describeServing(await getServingEndpoint(client, params.endpointName, ctx.signal).catch((x: unknown) => (x instanceof CancelledError ? Promise.reject(x) : undefined)));
  let current = stillRollingOut ? undefined : await getServingEndpoint(client, params.endpointName, ctx.signal);
  if (stillRollingOut || current?.state?.config_update === 'IN_PROGRESS') {
    ctx.log.info(`The update of ${params.endpointName} is still rolling out and the endpoint accepts no change until it ends: waiting for it to settle (up to ${Math.round(timeoutMs / 60_000)} min), then restoring ${previousText}.`);
    try {
      current = await waitUntilSettled(deps, params.endpointName, timeoutMs, `The update being rolled back`, 'our update, to be rolled back once it ends');
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      report.rollback = { performed: false, restored, reason, succeeded: false };
      return failed(rollout, `${reason} The rollback could not start: ${(e as Error).message} ${params.endpointName} serves ${await nowServing()}; run the task with trafficMode rollback, or the previous version, once the update ends.`);
    }
    ctx.log.info(`The update ended (${current.state?.config_update ?? 'unknown'}); ${params.endpointName} serves ${describeServing(current)}.`);
  }
  if (stillRollingOut && current && sameConfig(servedConfig(current), previous)) {
    // The update failed or was cancelled: the previous config kept serving, nothing to restore.
    report.rollback = { performed: false, restored, reason, succeeded: true };
    report.after = restored;
    ctx.log.info(`No rollback needed: ${params.endpointName} still serves ${previousText}.`);
    return failed(rollout, `${reason} The update did not take over: ${params.endpointName} still serves ${previousText}.`);
  }
  try {
    await updateServingEndpointConfig(client, params.endpointName, configToUpdate(previous));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    const why = e instanceof DatabricksApiError ? `${e.errorCode}: ${e.serviceMessage}` : (e as Error).message;
    ctx.log.error(`Rollback refused: ${why}`);
    report.rollback = { performed: false, restored, reason, succeeded: false };
    return failed(rollout, refusedRollbackMessage(reason, params.endpointName, previousText, why, await nowServing()));
  }
  try {
    await waitUntilReady(deps, params.endpointName, pairs(previous), timeoutMs, `The rollback of ${params.endpointName}`);
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    report.rollback = { performed: true, restored, reason, succeeded: false };
    return failed(rollout, `${reason} The rollback to ${previousText} did not become ready either: ${(e as Error).message} ${params.endpointName} serves ${await nowServing()}.`);
  }
  report.rollback = { performed: true, restored, reason, succeeded: true };
  report.after = restored;
  ctx.log.info(`Rolled back: ${params.endpointName} serves ${previousText} again.`);
  if (plan.record?.complete) await markRecordUsed(deps, params.endpointName, plan.record.header);
  return failed(rollout, `${reason} Rolled back: ${params.endpointName} serves ${previousText} again.`);
}
