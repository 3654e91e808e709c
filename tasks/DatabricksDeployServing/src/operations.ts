/**
 * DatabricksDeployServing operations: resolve the version, read the endpoint (waiting for an
 * update already in progress), plan the change, apply only the difference, wait until ready,
 * smoke-test, and roll back a failed rollout on an endpoint that served before.
 *
 * Writes happen in this order, each only when something differs: AI Gateway (disabling the
 * inference table first when it moves), tags, notifications, then the config — the config last
 * because the endpoint accepts no other update while it rolls out.
 */
import type { CreateServingEndpoint, EndpointTag, ServingEndpointDetailed } from '../../../shared/api/serving';
import {
  createServingEndpoint,
  findServingEndpoint,
  getServingEndpoint,
  patchServingEndpointNotifications,
  patchServingEndpointTags,
  putAiGateway,
  routeOptimizedUrl,
  updateServingEndpointConfig,
} from '../../../shared/api/serving';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, DatabricksApiError, isAlreadyExists } from '../../../shared/client/errors';
import { PollTimeoutError } from '../../../shared/client/poll';
import type { ChangeEntry, DeploymentReportData, ServedEntitySnapshot } from '../../../shared/runtime/reportTypes';
import type { TaskContext } from '../../../shared/runtime/task';
import { gatewayForCreate, planGateway, planNotifications, planTags, type GatewayPlan, type TagPatch } from './gateway';
import { resolveServedVersion } from './modelVersion';
import type { DeployServingParameters } from './parameters';
import { configChange, gatewayChange, hasChanges, notificationsChange, renderChanges, tagsChange } from './plan';
import { describeServing, EndpointUpdateFailed, explainFailure, waitUntilReady, waitUntilSettled, type EntityMessage, type WantedPair } from './readiness';
import {
  configToUpdate,
  defaultServedEntityName,
  inferenceTableName,
  sameConfig,
  servedConfig,
  targetConfig,
  type ServedEntity,
  type ServingConfig,
} from './servedConfig';
import { smokeRequestId, verifyInferenceLog } from './inferenceLog';
import { describeConfig, MAX_PARTS, MAX_TAG_VALUE, recordWrite, RECORD_TAG, usedHeaderTag, type RecordWrite } from './rollbackRecord';
import { runSmokeTest } from './smokeTest';
import { message } from './messages';

/** The one rollback attempt after a cancellation, and the read that describes what is left: inside the agent's grace (7.5 s). */
const CANCEL_PUT_MS = 1_500;
const CANCEL_READ_MS = 1_000;

/** How often a plan is redone when another update got in the way (conflict, concurrent create). */
const MAX_PLAN_ATTEMPTS = 3;

export interface DeployDeps {
  client: DatabricksClient;
  ctx: TaskContext;
}

export interface DeployOutputs {
  endpointUrl: string;
  endpointId?: string;
  servedEntityName: string;
  servedVersion: string;
  inferenceTableName?: string;
}

export interface DeployResult {
  result: 'Succeeded' | 'Failed';
  message: string;
  outputs: DeployOutputs;
  report: DeploymentReportData;
  dryRun: boolean;
  /** The plan as readable diff lines (also in the log). */
  planLines: string[];
  /** Notes for the summary (e.g. why the smoke test did not run). */
  notes: string[];
}

interface Plan {
  endpoint?: ServingEndpointDetailed;
  before?: ServingConfig;
  target: ServingConfig;
  configChanged: boolean;
  gateway: GatewayPlan;
  tags?: TagPatch;
  /** The rollback record written before the config PUT (rollbackRecord.ts). */
  record?: RecordWrite;
  notifications?: ReturnType<typeof planNotifications>;
  changes: ChangeEntry[];
  notes: string[];
}

export async function deployServing(deps: DeployDeps, params: DeployServingParameters): Promise<DeployResult> {
  const { client, ctx } = deps;
  const timeoutMs = params.timeoutMinutes * 60_000;
  // One deadline for the whole rollout (waiting on another update, then on ours); a rollback
  // gets a full timeout of its own.
  const deadline = ctx.clock.now() + ctx.clock.scale(timeoutMs);
  const remainingMs = () => Math.max(1, (deadline - ctx.clock.now()) / ctx.clock.scale(1));
  const dryRun = client.readOnly;

  const resolved = await resolveServedVersion(client, params.modelName, params.model);
  const wanted = wantedEntity(params, resolved.version);
  ctx.log.info(message('ModelResolved', params.modelName ?? '', resolved.how, wanted.name));

  const outputs: DeployOutputs = {
    endpointUrl: client.link(`/serving-endpoints/${encodeURIComponent(params.endpointName)}/invocations`),
    servedEntityName: wanted.name,
    servedVersion: resolved.version,
    inferenceTableName: params.inferenceTable ? inferenceTableName(params.inferenceTable) : undefined,
  };
  const report: DeploymentReportData = {
    endpointName: params.endpointName,
    endpointUrl: outputs.endpointUrl,
    action: 'noop',
    trafficMode: params.traffic.mode,
    before: [],
    after: [],
    inferenceTableName: outputs.inferenceTableName,
  };
  const notes: string[] = [];

  // Plan, apply; redone when another update or a concurrent create got in the way.
  let plan: Plan | undefined;
  let appliedAt = 0;
  for (let attempt = 1; ; attempt++) {
    plan = await readAndPlan(deps, params, wanted, remainingMs(), dryRun);
    report.before = snapshots(plan.before, plan.endpoint);
    report.after = snapshots(plan.target);
    report.changes = plan.changes;
    report.action = !plan.endpoint ? 'create' : hasChanges(plan.changes) ? 'update' : 'noop';
    report.endpointId = plan.endpoint?.id;
    outputs.endpointId = plan.endpoint?.id;
    // promote may serve the version under the name an earlier canary gave it.
    outputs.servedEntityName = plan.target.entities.find((e) => e.entityVersion === wanted.entityVersion && e.entityName === wanted.entityName)?.name ?? wanted.name;
    for (const note of plan.notes) ctx.log.info(note);
    printPlan(ctx, plan.changes, dryRun);
    if (dryRun) {
      const count = plan.changes.filter((c) => c.action !== 'noop').length;
      const text = count ? message('PlanChanges', count, params.endpointName) : message('PlanUpToDate', params.endpointName);
      return { result: 'Succeeded', message: text, outputs, report, dryRun, planLines: renderChanges(plan.changes), notes: plan.notes };
    }
    try {
      appliedAt = ctx.clock.now();
      const created = await apply(deps, params, plan);
      if (created) {
        report.endpointId = outputs.endpointId = created.id;
      }
      break;
    } catch (e) {
      const retry = attempt < MAX_PLAN_ATTEMPTS && (await anotherUpdateGotInTheWay(deps, params.endpointName, e));
      if (!retry) {
        if (e instanceof DatabricksApiError) {
          report.failure = { stage: 'update', message: e.message };
          return failed(message('UpdateRefused', params.endpointName, e.errorCode ?? '', e.serviceMessage ?? ''));
        }
        throw e;
      }
      ctx.log.info(message('PlanningAgain', params.endpointName, attempt + 1, MAX_PLAN_ATTEMPTS));
    }
  }

  const changed = report.action !== 'noop';
  const wantedPairs = pairs(plan.target);
  const applied: Plan = plan;
  try {
    return await afterApply();
  } catch (e) {
    // Cancelled (SIGINT/SIGTERM/SIGBREAK) after the config was applied: one bounded rollback
    // attempt inside the agent's grace, then a report of exactly what is left.
    if (e instanceof CancelledError && applied.configChanged) return cancelledAfterApply(e);
    throw e;
  }

  async function afterApply(): Promise<DeployResult> {
    const plan = applied;
    if (!params.waitForReady) {
      notes.push(message('NotWaitingForReady'));
      return done(changed ? message('UpdateStarted', params.endpointName) : upToDateMessage());
    }

    // Wait until ready.
    let readyEndpoint: ServingEndpointDetailed | undefined;
    try {
      ctx.log.section(message('WaitingForReady', params.endpointName));
      const waited = await waitUntilReady(deps, params.endpointName, wantedPairs, remainingMs(), `The ${report.action === 'create' ? 'creation' : 'update'} of ${params.endpointName}`, !plan.configChanged, params.timeoutMinutes);
      readyEndpoint = waited.result;
      report.polls = waited.polls;
      report.after = snapshots(plan.target, waited.result);
      if (plan.configChanged) report.timeToReadySeconds = Math.round(taskTime(deps, ctx.clock.now() - appliedAt) / 1000);
      if (report.timeToReadySeconds !== undefined) ctx.log.info(message('EndpointReady', params.endpointName, formatDuration(report.timeToReadySeconds), waited.polls));
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      let entityMessages: EntityMessage[] | undefined;
      if (e instanceof EndpointUpdateFailed) entityMessages = await explainFailure(deps, e.endpoint);
      const message = e instanceof Error ? e.message : String(e);
      report.failure = { stage: 'wait', message, entityMessages };
      ctx.log.error(message);
      return rollbackAndFail(message, e instanceof PollTimeoutError);
    }

    // Smoke test: after a change only (an unchanged endpoint is not re-tested: a run that changes
    // nothing writes nothing, and each request lands in the inference table).
    if (params.smokeTestPayload && changed) {
      const clientRequestId = params.verifyInferenceLogMinutes > 0 ? smokeRequestId(ctx) : undefined;
      const outcome = await runSmokeTest(
        client,
        ctx.clock,
        { endpointName: params.endpointName, payload: params.smokeTestPayload, routeOptimizedUrl: readyEndpoint && routeOptimizedUrl(readyEndpoint), clientRequestId },
        ctx.signal,
      );
      if (outcome.kind === 'skipped') {
        ctx.log.warning(outcome.note);
        notes.push(outcome.note);
        if (clientRequestId) notes.push(message('NoSmokeNoLogCheck'));
        return done(successMessage());
      }
      const smoke = outcome.result;
      report.smokeTest = smoke;
      if (outcome.via !== client.workspaceUrl) ctx.log.info(message('SmokeViaOwnHost', outcome.via));
      if (smoke.ok) ctx.log.remote(message('SmokeTestPassed', smoke.summary));
      else {
        const text = message('SmokeTestFailed', params.endpointName, smoke.summary);
        ctx.log.error(text);
        report.failure = { stage: 'smoke-test', message: text };
        return rollbackAndFail(text, false);
      }
      if (clientRequestId && outputs.inferenceTableName) {
        report.inferenceLogCheck = await verifyInferenceLog(deps, { warehouseId: params.warehouseId!, table: outputs.inferenceTableName, clientRequestId, minutes: params.verifyInferenceLogMinutes });
      }
    } else if (params.smokeTestPayload) {
      notes.push(message('SmokeSkippedUnchanged'));
      if (params.verifyInferenceLogMinutes > 0) notes.push(message('LogCheckSkippedUnchanged'));
    }
    return done(changed ? successMessage() : upToDateMessage());
  }

  // ---------------------------------------------------------------------------------------------

  async function cancelledAfterApply(e: CancelledError): Promise<DeployResult> {
    const name = params.endpointName;
    const previous = plan!.before;
    const targetText = describeConfig(plan!.target);
    const why = e.message;
    report.failure = { stage: 'wait', message: why };
    ctx.log.error(why);
    // Short, own signals: the task's signal is aborted, and the agent kills the process soon.
    const nowServing = async () => describeServing(await getServingEndpoint(client, name, AbortSignal.timeout(CANCEL_READ_MS)).catch(() => undefined));
    if (!previous) {
      return failed(message('CancelledNewEndpoint', why, name, await nowServing()));
    }
    const restored = snapshots(previous);
    const restoredText = describeConfig(previous);
    const howToRestore = plan!.record?.complete
      ? message('HowToRestoreRecorded', restoredText, RECORD_TAG)
      : message('HowToRestoreUnrecorded', restoredText);
    if (!params.rollbackOnFailure) {
      report.rollback = { performed: false, restored, reason: why, succeeded: false };
      return failed(message('CancelledNoRollback', why, name, await nowServing(), howToRestore));
    }
    ctx.log.section(message('CancelledRollingBack', name, restoredText));
    try {
      await updateServingEndpointConfig(client, name, configToUpdate(previous), { signal: AbortSignal.timeout(CANCEL_PUT_MS), timeoutMs: CANCEL_PUT_MS });
    } catch (x) {
      const refusal = x instanceof DatabricksApiError ? `${x.statusCode} ${x.errorCode}: ${x.serviceMessage}` : (x as Error).message;
      const busy = x instanceof DatabricksApiError && (x.statusCode === 409 || x.statusCode === 400) ? ' (the endpoint accepts no config change while an update is in progress)' : '';
      report.rollback = { performed: false, restored, reason: why, succeeded: false };
      ctx.log.error(message('RollbackRefused', `${refusal}${busy}`));
      return failed(message('CancelledRollbackRefused', why, name, `${refusal}${busy}`, await nowServing(), targetText, howToRestore));
    }
    // Accepted: the restore rolls out on the service side; the agent does not wait for it.
    report.rollback = { performed: true, restored, reason: why, succeeded: false };
    ctx.log.info(message('RollbackAccepted', name, restoredText));
    return failed(
      message('CancelledRollbackAccepted', why, name, restoredText),
    );
  }

  function done(message: string): DeployResult {
    return { result: 'Succeeded', message, outputs, report, dryRun, planLines: renderChanges(plan?.changes ?? []), notes: [...(plan?.notes ?? []), ...notes] };
  }

  function failed(message: string): DeployResult {
    return { result: 'Failed', message, outputs, report, dryRun, planLines: renderChanges(plan?.changes ?? []), notes: [...(plan?.notes ?? []), ...notes] };
  }

  function successMessage(): string {
    const split = plan!.target.entities.map((e) => `${e.name} ${plan!.target.traffic[e.name] ?? 0}%`).join(', ');
    const ready = report.timeToReadySeconds !== undefined ? message('ReadyIn', formatDuration(report.timeToReadySeconds)) : '';
    return message(report.action === 'create' ? 'EndpointCreated' : 'EndpointUpdated', params.endpointName, split, params.modelName ?? '', resolved.version, ready);
  }

  function upToDateMessage(): string {
    return message('AlreadyServes', params.endpointName, outputs.servedEntityName ?? '', resolved.version);
  }

  async function rollbackAndFail(reason: string, stillRollingOut: boolean): Promise<DeployResult> {
    const previous = plan!.before;
    if (!plan!.configChanged) return failed(reason);
    if (!previous) {
      return failed(message('NewEndpointLeft', reason, params.endpointName));
    }
    if (!params.rollbackOnFailure) return failed(message('NoRollbackLeft', reason));
    const restored = snapshots(previous);
    const restoredText = previous.entities.map((e) => `${e.name} (v${e.entityVersion}) ${previous.traffic[e.name] ?? 0}%`).join(', ');
    ctx.log.section(message('RollingBack', params.endpointName, restoredText));
    // The rollback has timeouts of its own (timeoutMinutes each): waiting for our update to
    // settle (the endpoint accepts no change while it rolls out), then the restored config's readiness.
    const nowServing = async () => describeServing(await getServingEndpoint(client, params.endpointName, ctx.signal).catch((x: unknown) => (x instanceof CancelledError ? Promise.reject(x) : undefined)));
    let current = stillRollingOut ? undefined : await getServingEndpoint(client, params.endpointName, ctx.signal);
    if (stillRollingOut || current?.state?.config_update === 'IN_PROGRESS') {
      ctx.log.info(message('RollbackWaitsForSettle', params.endpointName, Math.round(timeoutMs / 60_000), restoredText));
      try {
        current = await waitUntilSettled(deps, params.endpointName, timeoutMs, `The update being rolled back`, 'our update, to be rolled back once it ends');
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        report.rollback = { performed: false, restored, reason, succeeded: false };
        return failed(message('RollbackCouldNotStart', reason, (e as Error).message, params.endpointName, await nowServing()));
      }
      ctx.log.info(message('UpdateEnded', current.state?.config_update ?? 'unknown', params.endpointName, describeServing(current)));
    }
    if (stillRollingOut && current && sameConfig(servedConfig(current), previous)) {
      // The update failed or was cancelled: the previous config kept serving, nothing to restore.
      report.rollback = { performed: false, restored, reason, succeeded: true };
      report.after = restored;
      ctx.log.info(message('NoRollbackNeeded', params.endpointName, restoredText));
      return failed(message('UpdateDidNotTakeOver', reason, params.endpointName, restoredText));
    }
    try {
      await updateServingEndpointConfig(client, params.endpointName, configToUpdate(previous));
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      const why = e instanceof DatabricksApiError ? `${e.errorCode}: ${e.serviceMessage}` : (e as Error).message;
      ctx.log.error(message('RollbackRefused', why));
      report.rollback = { performed: false, restored, reason, succeeded: false };
      return failed(message('RollbackToRefused', reason, restoredText, why, params.endpointName, await nowServing()));
    }
    try {
      await waitUntilReady(deps, params.endpointName, pairs(previous), timeoutMs, `The rollback of ${params.endpointName}`);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      report.rollback = { performed: true, restored, reason, succeeded: false };
      return failed(message('RollbackNotReady', reason, restoredText, (e as Error).message, params.endpointName, await nowServing()));
    }
    report.rollback = { performed: true, restored, reason, succeeded: true };
    report.after = restored;
    ctx.log.info(message('RolledBackLine', params.endpointName, restoredText));
    if (plan!.record?.complete) await markRecordUsed(deps, params.endpointName, plan!.record.header);
    return failed(message('RolledBack', reason, params.endpointName, restoredText));
  }
}

function wantedEntity(params: DeployServingParameters, version: string): ServedEntity {
  return {
    name: params.servedEntityName ?? defaultServedEntityName(params.modelName, version),
    entityName: params.modelName.toLowerCase(),
    entityVersion: version,
    workloadSize: params.workloadSize,
    workloadType: params.workloadType,
    scaleToZero: params.scaleToZero,
    environmentVars: Object.fromEntries(params.environmentVars.map((kv) => [kv.key, kv.value])),
    carried: {},
  };
}

async function readAndPlan(deps: DeployDeps, params: DeployServingParameters, wanted: ServedEntity, timeoutMs: number, dryRun: boolean): Promise<Plan> {
  const { client, ctx } = deps;
  let endpoint = await findServingEndpoint(client, params.endpointName, ctx.signal);
  const notes: string[] = [];
  if (endpoint?.state?.config_update === 'IN_PROGRESS') {
    if (dryRun) notes.push(message('PlanDuringUpdate', params.endpointName));
    else {
      ctx.log.info(message('WaitingBeforePlanning', params.endpointName));
      endpoint = await waitUntilSettled(deps, params.endpointName, timeoutMs);
    }
  }
  const gatewayWish = { inferenceTable: params.inferenceTable, rateLimitPerMinute: params.rateLimitPerMinute };
  if (!endpoint) {
    const target = targetConfig(undefined, wanted, params.traffic, params.servedEntityName !== undefined);
    const gateway = gatewayForCreate(gatewayWish);
    const tags = planTags(undefined, params.tags);
    const notifications = planNotifications(undefined, params.notifyOnFailure);
    return {
      target: target.config,
      configChanged: true,
      gateway: { target: gateway },
      tags,
      notifications,
      changes: [
        configChange(params.endpointName, undefined, target.config),
        gatewayChange(params.endpointName, undefined, gateway, false),
        tagsChange(params.endpointName, undefined, tags),
        notificationsChange(params.endpointName, undefined, notifications),
      ].filter((c) => c.action !== 'noop'),
      notes: [...notes, ...target.notes],
    };
  }
  const before = servedConfig(endpoint);
  const target = targetConfig(before, wanted, params.traffic, params.servedEntityName !== undefined);
  const gateway = planGateway(endpoint.ai_gateway, gatewayWish);
  const tags = planTags(endpoint.tags, params.tags);
  const notifications = planNotifications(endpoint.email_notifications, params.notifyOnFailure);
  const configChanged = !sameConfig(before, target.config);
  // An endpoint that serves something: what it serves is recorded on it before the config changes.
  const record = configChanged && before ? recordWrite(before, endpoint.tags, new Date(), endpoint.config?.config_version) : undefined;
  return {
    endpoint,
    before,
    target: target.config,
    configChanged,
    gateway,
    tags,
    record,
    notifications,
    changes: [
      configChange(params.endpointName, before, target.config),
      gatewayChange(params.endpointName, endpoint.ai_gateway, gateway.target, gateway.disableFirst !== undefined),
      tagsChange(params.endpointName, endpoint.tags, tags),
      recordChange(params.endpointName, endpoint.tags, record, before),
      notificationsChange(params.endpointName, endpoint.email_notifications, notifications),
    ],
    notes: [...notes, ...target.notes],
  };
}

export function printPlan(ctx: TaskContext, changes: ChangeEntry[], dryRun: boolean): void {
  ctx.log.section(dryRun ? message('PlanSectionDryRun') : message('PlanSection'));
  const lines = renderChanges(changes);
  // The lines quote names and settings read from the workspace: remote text.
  ctx.log.remote(lines.length ? lines.join('\n') : '(no changes)');
}

/** Applies the plan; returns the endpoint when it was created. */
async function apply(deps: DeployDeps, params: DeployServingParameters, plan: Plan): Promise<ServingEndpointDetailed | undefined> {
  const { client, ctx } = deps;
  const name = params.endpointName;
  if (!plan.endpoint) {
    const body: CreateServingEndpoint = {
      name,
      config: { name, ...configToUpdate(plan.target) },
      ai_gateway: plan.gateway.target,
      tags: plan.tags?.add_tags,
      email_notifications: plan.notifications,
    };
    const created = await createServingEndpoint(client, body);
    ctx.log.info(created.id ? message('EndpointCreatedId', name, created.id) : message('EndpointCreatedLine', name));
    return created;
  }
  if (plan.gateway.disableFirst) {
    // The service refuses to move an enabled inference table: disable it where it is first.
    ctx.log.info(message('InferenceTableMoves'));
    await putAiGateway(client, name, plan.gateway.disableFirst);
  }
  if (plan.gateway.target) {
    try {
      await putAiGateway(client, name, plan.gateway.target);
    } catch (e) {
      if (plan.gateway.disableFirst && e instanceof DatabricksApiError) {
        throw new Error(
          `The inference table of ${name} was disabled to move it, but enabling it at ${params.inferenceTable ? inferenceTableName(params.inferenceTable) : 'the new location'} was refused: ${e.errorCode}: ${e.serviceMessage} Payload logging is off until this is fixed (check USE CATALOG, USE SCHEMA and CREATE TABLE on the target schema), then run again.`,
        );
      }
      throw e;
    }
    ctx.log.info(message('GatewayUpdated', name));
  }
  if (plan.tags) {
    await patchServingEndpointTags(client, name, plan.tags);
    ctx.log.info(message('TagsSetOn', plan.tags.add_tags.map((t) => t.key).join(', '), name));
  }
  if (plan.notifications) {
    await patchServingEndpointNotifications(client, name, plan.notifications);
    ctx.log.info(message('NotificationsUpdated', name));
  }
  if (plan.configChanged && plan.record) {
    const record = plan.record;
    await patchServingEndpointTags(client, name, { add_tags: record.addTags, ...(record.deleteTags.length ? { delete_tags: record.deleteTags } : {}) });
    if (record.complete) ctx.log.info(message('ConfigRecorded', name, RECORD_TAG, record.addTags.length));
    else ctx.log.warning(message('RecordTooLarge', name, record.encodedLength, MAX_PARTS, MAX_TAG_VALUE));
  }
  if (plan.configChanged) {
    await updateServingEndpointConfig(client, name, configToUpdate(plan.target));
    ctx.log.info(message('ConfigUpdateStarted', name));
  }
  return undefined;
}

/**
 * Whether a refused write was caused by someone else: the endpoint appeared meanwhile
 * (RESOURCE_ALREADY_EXISTS on create) or is rolling out another update (409, or 400 — the
 * status the service uses for this is not documented — with the endpoint IN_PROGRESS when read
 * back). Then the plan is redone against the endpoint as it is after that update.
 */
async function anotherUpdateGotInTheWay(deps: DeployDeps, name: string, e: unknown): Promise<boolean> {
  if (!(e instanceof DatabricksApiError)) return false;
  if (isAlreadyExists(e)) return true;
  if (e.statusCode !== 409 && e.statusCode !== 400) return false;
  // A refused create leaves no endpoint to read back: then the refusal is the answer.
  const now = await findServingEndpoint(deps.client, name, deps.ctx.signal);
  if (!now) return false;
  return now.state?.config_update === 'IN_PROGRESS' || e.errorCode === 'RESOURCE_CONFLICT';
}

/** The rollback record in the plan: what it restores, or why it cannot be complete. */
function recordChange(endpointName: string, current: EndpointTag[] | undefined, record: RecordWrite | undefined, before: ServingConfig | undefined): ChangeEntry {
  const resource = `serving endpoint ${endpointName}: rollback record`;
  if (!record || !before) return { action: 'noop', resource, fields: [] };
  const was = current?.find((t) => t.key === RECORD_TAG)?.value;
  const after = record.complete
    ? `restores ${describeConfig(before)} (${record.addTags.length} tag(s), ${record.encodedLength} characters encoded)`
    : `incomplete: ${record.encodedLength} characters encoded is more than ${MAX_PARTS} tags of ${MAX_TAG_VALUE}; trafficMode rollback will not be possible`;
  return { action: was ? 'update' : 'create', resource, fields: [{ path: `tags.${RECORD_TAG}`, before: was, after }] };
}

/** After a successful rollback: the record is marked used (rollbackRecord.ts), best effort. */
export async function markRecordUsed(deps: DeployDeps, endpointName: string, header: RecordWrite['header']): Promise<void> {
  try {
    await patchServingEndpointTags(deps.client, endpointName, { add_tags: [usedHeaderTag(header)] });
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    deps.ctx.log.warning(message('RecordNotMarked', endpointName, (e as Error).message));
  }
}

export function pairs(config: ServingConfig): WantedPair[] {
  return config.entities.map((e) => ({ name: e.name, entityName: e.entityName, entityVersion: e.entityVersion }));
}

export function snapshots(config: ServingConfig | undefined, endpoint?: ServingEndpointDetailed): ServedEntitySnapshot[] {
  if (!config) return [];
  const states = new Map((endpoint?.config?.served_entities ?? []).map((e) => [e.name, e.state?.deployment]));
  return config.entities.map((e) => ({
    name: e.name,
    entityName: e.entityName,
    entityVersion: e.entityVersion,
    trafficPercent: config.traffic[e.name] ?? 0,
    state: states.get(e.name),
    workloadSize: e.workloadSize,
    scaleToZero: e.scaleToZero,
  }));
}

/** Real elapsed milliseconds → task milliseconds (the same at time scale 1). */
function taskTime(deps: DeployDeps, realMs: number): number {
  return realMs / deps.ctx.clock.scale(1);
}

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m} min ${s} s` : `${s} s`;
}
