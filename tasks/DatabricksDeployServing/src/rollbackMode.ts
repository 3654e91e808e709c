/**
 * `trafficMode: rollback`: restore the served entities and traffic recorded on the endpoint
 * before this task's last rollout (rollbackRecord.ts; docs/INPUTS.md: no model inputs needed).
 *
 * Read the endpoint and its record (no record, an incomplete or unreadable one: a clear error
 * before any write) → wait for an update in progress to settle (the endpoint accepts no config
 * change until then; bounded by timeoutMinutes, with progress) → PUT the recorded config (only
 * when the endpoint does not serve it already) → wait until ready → mark the record used.
 */
import { findServingEndpoint, getServingEndpoint, updateServingEndpointConfig, type ServingEndpointDetailed } from '../../../shared/api/serving';
import { CancelledError, DatabricksApiError } from '../../../shared/client/errors';
import type { DeploymentReportData } from '../../../shared/runtime/reportTypes';
import { markRecordUsed, pairs, printPlan, snapshots, type DeployDeps, type DeployOutputs, type DeployResult } from './operations';
import type { RollbackServingParameters } from './parameters';
import { configChange, renderChanges } from './plan';
import { describeServing, waitUntilReady, waitUntilSettled } from './readiness';
import { describeConfig, readRecord, RECORD_TAG } from './rollbackRecord';
import { configToUpdate, inferenceTableName, sameConfig, servedConfig, type ServingConfig } from './servedConfig';

const MAX_ATTEMPTS = 3;

export async function rollbackServing(deps: DeployDeps, params: RollbackServingParameters): Promise<DeployResult> {
  const { client, ctx } = deps;
  const name = params.endpointName;
  const dryRun = client.readOnly;
  const deadline = ctx.clock.deadline(params.timeoutMinutes * 60_000);
  const remainingMs = () => Math.max(1, deadline.remaining());
  const outputs: DeployOutputs = { endpointUrl: client.link(`/serving-endpoints/${encodeURIComponent(name)}/invocations`), servedEntityName: '', servedVersion: '' };
  const report: DeploymentReportData = { endpointName: name, endpointUrl: outputs.endpointUrl, action: 'noop', trafficMode: 'rollback', before: [], after: [] };
  const notes: string[] = [];
  let planLines: string[] = [];
  const result = (ok: boolean, message: string): DeployResult => ({ result: ok ? 'Succeeded' : 'Failed', message, outputs, report, dryRun, planLines, notes });
  // What a cancellation leaves: whether the restore was sent (the record stays until a rollback sees it served).
  let restoreSent = false;
  let restoring = '';
  try {

    let endpoint = await findServingEndpoint(client, name, ctx.signal);
    if (!endpoint) return result(false, `trafficMode rollback: serving endpoint ${name} does not exist, so there is nothing to restore. Nothing was changed.`);
    report.endpointId = outputs.endpointId = endpoint.id;
    const record = readRecord(endpoint.tags);
    switch (record.kind) {
      case 'none':
        return result(
          false,
          `trafficMode rollback: serving endpoint ${name} has no rollback record (tags ${RECORD_TAG}*). DatabricksDeployServing records the served config before each rollout that changes an endpoint which already serves something; ${name} has had none since (e.g. it was created by the last rollout). Nothing was changed: deploy the version you want with trafficMode replace.`,
        );
      case 'incomplete':
        return result(
          false,
          `trafficMode rollback: the config ${name} served before the rollout of ${record.header.at} was too large to record on the endpoint, so it cannot be restored from the record. Nothing was changed: deploy the previous version again with trafficMode replace or canary.`,
        );
      case 'corrupt':
        return result(false, `trafficMode rollback: the rollback record on ${name} cannot be used: ${record.reason}. Nothing was changed.`);
    }
    const recorded = record.config;
    const recordedText = describeConfig(recorded);
    restoring = recordedText;
    report.rollback = { performed: false, restored: snapshots(recorded), reason: `trafficMode rollback (record of ${record.header.at})`, succeeded: false };
    ctx.log.info(`Rollback record of ${name} (taken ${record.header.at}${record.header.configVersion !== undefined ? ` from config ${record.header.configVersion}` : ''}, ${record.header.state}): ${recordedText}.`);

    for (let attempt = 1; ; attempt++) {
      if (endpoint.state?.config_update === 'IN_PROGRESS') {
        if (dryRun) notes.push(`An update of ${name} is in progress: a real run waits for it to end (up to ${params.timeoutMinutes} min) before restoring.`);
        else {
          ctx.log.section(`Waiting for the update in progress on ${name} to end`);
          ctx.log.info(`${name} is rolling out an update and accepts no config change until it ends: waiting (up to ${params.timeoutMinutes} min), then restoring ${recordedText}.`);
          endpoint = await waitUntilSettled(deps, name, remainingMs(), 'The update in progress', 'an update, to be rolled back once it ends');
          ctx.log.info(`The update ended (${endpoint.state?.config_update ?? 'unknown'}); ${name} serves ${describeServing(endpoint)}.`);
        }
      }
      const current = servedConfig(endpoint);
      report.before = snapshots(current, endpoint);
      report.after = snapshots(recorded);
      const change = configChange(name, current, recorded);
      report.changes = [change];
      planLines = renderChanges([change]);
      printPlan(ctx, [change], dryRun);
      if (sameConfig(current, recorded)) return alreadyServed(endpoint);
      if (record.header.state === 'used') {
        return result(
          false,
          `trafficMode rollback: the rollback record on ${name} (taken ${record.header.at}) was already used, and the endpoint has changed since without a new record: it serves ${describeServing(endpoint)}. Nothing was changed: deploy the version you want with DatabricksDeployServing.`,
        );
      }
      if (dryRun) return result(true, `Plan mode (dryRun): would restore ${name} to ${recordedText}; nothing was written.`);
      try {
        await updateServingEndpointConfig(client, name, configToUpdate(recorded));
        restoreSent = true;
        break;
      } catch (e) {
        if (e instanceof CancelledError || !(e instanceof DatabricksApiError)) throw e;
        // Another update started between the read and the PUT: wait for it, then try again.
        const now = e.statusCode === 409 || e.statusCode === 400 ? await getServingEndpoint(client, name, ctx.signal) : undefined;
        if (attempt >= MAX_ATTEMPTS || now?.state?.config_update !== 'IN_PROGRESS') {
          return result(false, `The rollback of ${name} to ${recordedText} was refused: ${e.errorCode}: ${e.serviceMessage} ${name} serves ${describeServing(now ?? endpoint)}.`);
        }
        ctx.log.info(`Another update of ${name} got in the way; waiting for it (attempt ${attempt + 1} of ${MAX_ATTEMPTS}).`);
        endpoint = now;
      }
    }
    report.action = 'update';
    report.rollback.performed = true;
    ctx.log.info(`Started restoring ${name} to ${recordedText}.`);
    if (!params.waitForReady) {
      notes.push('waitForReady is false: the restore was started, not awaited; the record stays until a rollback sees it served.');
      setOutputs(recorded, endpoint);
      return result(true, `Serving endpoint ${name}: the restore of ${recordedText} was started (not waiting for it).`);
    }
    try {
      ctx.log.section(`Waiting for ${name} to be ready`);
      const waited = await waitUntilReady(deps, name, pairs(recorded), remainingMs(), `The rollback of ${name}`, false, params.timeoutMinutes);
      report.polls = waited.polls;
      report.after = snapshots(recorded, waited.result);
      endpoint = waited.result;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      const now = await getServingEndpoint(client, name, ctx.signal).catch((x: unknown) => (x instanceof CancelledError ? Promise.reject(x) : undefined));
      report.failure = { stage: 'wait', message: (e as Error).message };
      return result(false, `${(e as Error).message} ${name} serves ${describeServing(now)}.`);
    }
    report.rollback.succeeded = true;
    await markRecordUsed(deps, name, record.header);
    setOutputs(recorded, endpoint);
    return result(true, `Rolled back serving endpoint ${name}: it serves ${recordedText} again (the config recorded before the rollout of ${record.header.at}).`);

    async function alreadyServed(ep: ServingEndpointDetailed): Promise<DeployResult> {
      setOutputs(recorded, ep);
      if (dryRun) return result(true, `Plan mode (dryRun): ${name} already serves the recorded config (${recordedText}); nothing to restore.`);
      if (params.waitForReady) {
        const waited = await waitUntilReady(deps, name, pairs(recorded), remainingMs(), `The restored config of ${name}`, true, params.timeoutMinutes);
        report.after = snapshots(recorded, waited.result);
      }
      report.rollback!.succeeded = true;
      if (record.kind === 'ok' && record.header.state === 'ready') await markRecordUsed(deps, name, record.header);
      return result(true, `Serving endpoint ${name} already serves the recorded config (${recordedText}); nothing was restored.`);
    }

    function setOutputs(config: ServingConfig, ep: ServingEndpointDetailed): void {
      const main = config.entities.reduce((best, e) => ((config.traffic[e.name] ?? 0) > (config.traffic[best.name] ?? 0) ? e : best));
      outputs.servedEntityName = main.name;
      outputs.servedVersion = main.entityVersion;
      const t = ep.ai_gateway?.inference_table_config;
      if (t?.enabled && t.catalog_name && t.schema_name && t.table_name_prefix) {
        outputs.inferenceTableName = report.inferenceTableName = inferenceTableName({ catalog: t.catalog_name, schema: t.schema_name, tablePrefix: t.table_name_prefix });
      }
    }
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    report.failure = { stage: 'wait', message: e.message };
    const left = await getServingEndpoint(client, name, AbortSignal.timeout(1_000)).catch(() => undefined);
    return result(
      false,
      restoreSent
        ? `${e.message} The restore of ${name} to ${restoring} was sent and is rolling out (${describeServing(left)}); run trafficMode rollback again to wait until it serves (the record stays until then).`
        : `${e.message} Nothing was changed on ${name} (${describeServing(left)}); run trafficMode rollback again.`,
    );
  }
}
