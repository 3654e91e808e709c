/**
 * `trafficMode: rollback`: restore the served entities and traffic recorded on the endpoint
 * before this task's last rollout (rollbackRecord.ts; INTERFACE.md: no model inputs needed).
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
import { message } from './messages';

const MAX_ATTEMPTS = 3;

export async function rollbackServing(deps: DeployDeps, params: RollbackServingParameters): Promise<DeployResult> {
  const { client, ctx } = deps;
  const name = params.endpointName;
  const dryRun = client.readOnly;
  const deadline = ctx.clock.now() + ctx.clock.scale(params.timeoutMinutes * 60_000);
  const remainingMs = () => Math.max(1, (deadline - ctx.clock.now()) / ctx.clock.scale(1));
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
    if (!endpoint) return result(false, message('RollbackNoEndpoint', name));
    report.endpointId = outputs.endpointId = endpoint.id;
    const record = readRecord(endpoint.tags);
    switch (record.kind) {
      case 'none':
        return result(
          false,
          message('RollbackNoRecord', name, RECORD_TAG, name),
        );
      case 'incomplete':
        return result(
          false,
          message('RollbackRecordIncomplete', name, record.header.at),
        );
      case 'corrupt':
        return result(false, message('RollbackRecordUnusable', name, record.reason));
    }
    const recorded = record.config;
    const recordedText = describeConfig(recorded);
    restoring = recordedText;
    report.rollback = { performed: false, restored: snapshots(recorded), reason: `trafficMode rollback (record of ${record.header.at})`, succeeded: false };
    ctx.log.info(record.header.configVersion !== undefined ? message('RecordFoundConfig', name, record.header.at, record.header.configVersion, record.header.state, recordedText) : message('RecordFound', name, record.header.at, record.header.state, recordedText));

    for (let attempt = 1; ; attempt++) {
      if (endpoint.state?.config_update === 'IN_PROGRESS') {
        if (dryRun) notes.push(message('RollbackPlanDuringUpdate', name, params.timeoutMinutes));
        else {
          ctx.log.section(message('WaitingForUpdateToEnd', name));
          ctx.log.info(message('RollbackWaitsForUpdate', name, params.timeoutMinutes, recordedText));
          endpoint = await waitUntilSettled(deps, name, remainingMs(), 'The update in progress', 'an update, to be rolled back once it ends');
          ctx.log.info(message('UpdateEnded', endpoint.state?.config_update ?? 'unknown', name, describeServing(endpoint)));
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
          message('RollbackRecordUsed', name, record.header.at, describeServing(endpoint)),
        );
      }
      if (dryRun) return result(true, message('RollbackPlan', name, recordedText));
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
    report.rollback.performed = true;
    ctx.log.info(message('RestoreStarted', name, recordedText));
    if (!params.waitForReady) {
      notes.push('waitForReady is false: the restore was started, not awaited; the record stays until a rollback sees it served.');
      setOutputs(recorded, endpoint);
      return result(true, message('RestoreNotAwaited', name, recordedText));
    }
    try {
      ctx.log.section(message('WaitingForReady', name));
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
    return result(true, message('RolledBackMode', name, recordedText, record.header.at));

    async function alreadyServed(ep: ServingEndpointDetailed): Promise<DeployResult> {
      setOutputs(recorded, ep);
      if (dryRun) return result(true, message('RollbackPlanNothing', name, recordedText));
      if (params.waitForReady) {
        const waited = await waitUntilReady(deps, name, pairs(recorded), remainingMs(), `The restored config of ${name}`, true, params.timeoutMinutes);
        report.after = snapshots(recorded, waited.result);
      }
      report.rollback!.succeeded = true;
      if (record.kind === 'ok' && record.header.state === 'ready') await markRecordUsed(deps, name, record.header);
      return result(true, message('RollbackNothing', name, recordedText));
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
        ? message('RollbackCancelledSent', e.message, name, restoring, describeServing(left))
        : message('RollbackCancelledNothing', e.message, name, describeServing(left)),
    );
  }
}
