/**
 * DatabricksDeployServing operations: resolve the version, read the endpoint (waiting for an
 * update already in progress), plan the change, apply only the difference, wait until ready,
 * smoke-test, and roll back a failed rollout on an endpoint that served before.
 *
 * Writes happen in this order, each only when something differs: AI Gateway (disabling the
 * inference table first when it moves), tags, notifications, then the config — the config last
 * because the endpoint accepts no other update while it rolls out.
 */
import type { Deadline } from '../../../shared/runtime/clock';
import type { CreateServingEndpoint, EndpointTag, ServingEndpointDetailed } from '../../../shared/api/serving';
import {
  createServingEndpoint,
  findServingEndpoint,
  patchServingEndpointNotifications,
  patchServingEndpointTags,
  putAiGateway,
  routeOptimizedUrl,
  updateServingEndpointConfig,
} from '../../../shared/api/serving';
import { CancelledError, DatabricksApiError, isAlreadyExists } from '../../../shared/client/errors';
import { PollTimeoutError } from '../../../shared/client/poll';
import type { ChangeEntry, DeploymentReportData } from '../../../shared/runtime/reportTypes';
import { printPlan } from '../../../shared/runtime/plan';
import type { Outcome, TaskDeps } from '../../../shared/runtime/task';
import { gatewayForCreate, planGateway, planNotifications, planTags, type GatewayPlan, type TagPatch } from './gateway';
import { resolveServedVersion } from './modelVersion';
import type { DeployServingParameters } from './parameters';
import { configChange, gatewayChange, hasChanges, notificationsChange, renderChanges, tagsChange } from './plan';
import { EndpointUpdateFailed, explainFailure, waitUntilReady, waitUntilSettled, type EntityMessage } from './readiness';
import { configToUpdate, defaultServedEntityName, inferenceTableName, sameConfig, servedConfig, targetConfig, type ServedEntity, type ServingConfig } from './servedConfig';
import { smokeRequestId, verifyInferenceLog } from './inferenceLog';
import { cancelledAfterApply, done, failed, refusedUpdateMessage, rollbackAndFail, successMessage, upToDateMessage } from './failedRollout';
import { endpointPage, snapshots, formatDuration, pairs, type DeployDeps } from './served';
import { describeConfig, MAX_PARTS, MAX_TAG_VALUE, recordWrite, RECORD_TAG, type RecordWrite } from './rollbackRecord';
import { runSmokeTest } from './smokeTest';
import { message } from './messages';

/** How often a plan is redone when another update got in the way (conflict, concurrent create). */
const MAX_PLAN_ATTEMPTS = 3;

export type DeployOutputs = {
  endpointUrl: string;
  endpointId?: string;
  servedEntityName: string;
  servedVersion: string;
  inferenceTableName?: string;
};

export type DeployOutcome = Outcome<DeploymentReportData> & { outputs: DeployOutputs };

/** The endpoint's part of the plan: what it serves, what it should serve, the writes that differ. */
export interface EndpointPlan {
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

/** plan() of a deployment: the version to serve and the endpoint's plan; apply() writes it, waits, smoke-tests, rolls back. */
export interface DeployPlan {
  mode: 'deploy';
  params: DeployServingParameters;
  version: string;
  wanted: ServedEntity;
  /** One deadline for the whole rollout (waiting on another update, then on ours), in clock time. */
  deadline: Deadline;
  endpoint: EndpointPlan;
  outputs: DeployOutputs;
  report: DeploymentReportData;
  /** The endpoint's page in the workspace (the summary links it). */
  endpointPage: string;
}

/** The rollout as apply() goes: the plan applied, when, and what the summary will note. */
export interface Rollout {
  plan: DeployPlan;
  appliedAt: number;
  notes: string[];
}

function remainingMs(deadline: Deadline): number {
  return Math.max(1, deadline.remaining());
}

/** Reads only: the version to serve, the endpoint as it is (after an update in progress settles), the changes. */
export async function planDeploy(deps: TaskDeps, params: DeployServingParameters): Promise<DeployPlan> {
  const { client, ctx } = deps;
  const deadline = ctx.clock.deadline(params.timeoutMinutes * 60_000);
  const resolved = await resolveServedVersion(client, params.modelName, params.model);
  const wanted = wantedEntity(params, resolved.version);
  ctx.log.info(message('ModelResolved', params.modelName, resolved.how, wanted.name));
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
  const plan: DeployPlan = {
    mode: 'deploy',
    params,
    version: resolved.version,
    wanted,
    deadline,
    endpoint: await readAndPlan(deps, params, wanted, remainingMs(deadline), deps.dryRun),
    outputs,
    report,
    endpointPage: endpointPage(client, params.endpointName),
  };
  adoptEndpointPlan(deps, plan, plan.endpoint);
  return plan;
}

/** The report and outputs follow the endpoint's plan (again when apply re-plans). */
function adoptEndpointPlan(deps: DeployDeps, plan: DeployPlan, endpoint: EndpointPlan): void {
  const { report, outputs, wanted } = plan;
  plan.endpoint = endpoint;
  report.before = snapshots(endpoint.before, endpoint.endpoint);
  report.after = snapshots(endpoint.target);
  report.changes = endpoint.changes;
  report.action = !endpoint.endpoint ? 'create' : hasChanges(endpoint.changes) ? 'update' : 'noop';
  report.endpointId = outputs.endpointId = endpoint.endpoint?.id;
  // promote may serve the version under the name an earlier canary gave it.
  outputs.servedEntityName = endpoint.target.entities.find((e) => e.entityVersion === wanted.entityVersion && e.entityName === wanted.entityName)?.name ?? wanted.name;
  for (const note of endpoint.notes) deps.ctx.log.info(note);
}

/** dryRun: the plan's outcome. */
export function plannedDeploy(plan: DeployPlan): DeployOutcome {
  const count = plan.endpoint.changes.filter((c) => c.action !== 'noop').length;
  const name = plan.params.endpointName;
  const text = count ? message('PlanChanges', count, name) : message('PlanUpToDate', name);
  return { result: 'Succeeded', message: text, outputs: plan.outputs, report: plan.report, notes: plan.endpoint.notes, planLines: renderChanges(plan.endpoint.changes) };
}

/** Writes the plan (re-planned when another update got in the way), then waits, smoke-tests, and rolls back a failed rollout. */
export async function applyDeploy(deps: TaskDeps, plan: DeployPlan): Promise<DeployOutcome> {
  const { ctx } = deps;
  const { params, report, outputs } = plan;
  const rollout: Rollout = { plan, appliedAt: 0, notes: [] };
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      adoptEndpointPlan(deps, plan, await readAndPlan(deps, params, plan.wanted, remainingMs(plan.deadline), false));
      printPlan(ctx.log, renderChanges(plan.endpoint.changes), false);
    }
    try {
      rollout.appliedAt = ctx.clock.now();
      const created = await apply(deps, params, plan.endpoint);
      if (created) report.endpointId = outputs.endpointId = created.id;
      break;
    } catch (e) {
      const retry = attempt < MAX_PLAN_ATTEMPTS && (await anotherUpdateGotInTheWay(deps, params.endpointName, e));
      if (!retry) {
        if (e instanceof DatabricksApiError) {
          report.failure = { stage: 'update', message: e.message };
          return failed(rollout, refusedUpdateMessage(params.endpointName, e));
        }
        throw e;
      }
      ctx.log.info(message('PlanningAgain', params.endpointName, attempt + 1, MAX_PLAN_ATTEMPTS));
    }
  }
  try {
    return await afterApply(deps, rollout);
  } catch (e) {
    // Cancelled (SIGINT/SIGTERM/SIGBREAK) after the config was applied: one bounded rollback
    // attempt inside the agent's grace, then a report of exactly what is left.
    if (e instanceof CancelledError && plan.endpoint.configChanged) return cancelledAfterApply(deps, rollout, e);
    throw e;
  }
}

/** Readiness, smoke test (after a change only), the inference-log check; a failure rolls back. */
async function afterApply(deps: DeployDeps, rollout: Rollout): Promise<DeployOutcome> {
  const { client, ctx } = deps;
  const { plan, notes } = rollout;
  const { params, report, outputs } = plan;
  const changed = report.action !== 'noop';
  if (!params.waitForReady) {
    notes.push(message('NotWaitingForReady'));
    return done(rollout, changed ? message('UpdateStarted', params.endpointName) : upToDateMessage(plan));
  }

  let readyEndpoint: ServingEndpointDetailed | undefined;
  try {
    ctx.log.section(message('WaitingForReady', params.endpointName));
    const waited = await waitUntilReady(
      deps,
      params.endpointName,
      pairs(plan.endpoint.target),
      remainingMs(plan.deadline),
      message(report.action === 'create' ? 'WaitWhatCreation' : 'WaitWhatUpdate', params.endpointName),
      !plan.endpoint.configChanged,
      params.timeoutMinutes,
    );
    readyEndpoint = waited.result;
    report.polls = waited.polls;
    report.after = snapshots(plan.endpoint.target, waited.result);
    if (plan.endpoint.configChanged) report.timeToReadySeconds = Math.round(ctx.clock.since(rollout.appliedAt) / 1000);
    if (report.timeToReadySeconds !== undefined) ctx.log.info(message('EndpointReady', params.endpointName, formatDuration(report.timeToReadySeconds), waited.polls));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    let entityMessages: EntityMessage[] | undefined;
    if (e instanceof EndpointUpdateFailed) entityMessages = await explainFailure(deps, e.endpoint);
    const message = e instanceof Error ? e.message : String(e);
    report.failure = { stage: 'wait', message, entityMessages };
    ctx.log.error(message);
    return rollbackAndFail(deps, rollout, message, e instanceof PollTimeoutError);
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
      return done(rollout, successMessage(plan));
    }
    const smoke = outcome.result;
    report.smokeTest = smoke;
    if (outcome.via !== client.workspaceUrl) ctx.log.info(message('SmokeViaOwnHost', outcome.via));
    if (smoke.ok) ctx.log.remote(message('SmokeTestPassed', smoke.summary));
    else {
      const text = message('SmokeTestFailed', params.endpointName, smoke.summary);
      ctx.log.error(text);
      report.failure = { stage: 'smoke-test', message: text };
      return rollbackAndFail(deps, rollout, text, false);
    }
    if (clientRequestId && outputs.inferenceTableName) {
      report.inferenceLogCheck = await verifyInferenceLog(deps, {
        warehouseId: params.warehouseId!,
        table: outputs.inferenceTableName,
        clientRequestId,
        minutes: params.verifyInferenceLogMinutes,
      });
    }
  } else if (params.smokeTestPayload) {
    notes.push(message('SmokeSkippedUnchanged'));
    if (params.verifyInferenceLogMinutes > 0) notes.push(message('LogCheckSkippedUnchanged'));
  }
  return done(rollout, changed ? successMessage(plan) : upToDateMessage(plan));
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

async function readAndPlan(deps: DeployDeps, params: DeployServingParameters, wanted: ServedEntity, timeoutMs: number, dryRun: boolean): Promise<EndpointPlan> {
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
  const gatewayWish = { inferenceTable: params.inferenceTable, rateLimitPerMinute: params.rateLimitPerMinute, usageTracking: params.usageTracking };
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

/** Applies the plan; returns the endpoint when it was created. */
async function apply(deps: DeployDeps, params: DeployServingParameters, plan: EndpointPlan): Promise<ServingEndpointDetailed | undefined> {
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
        const where = params.inferenceTable ? inferenceTableName(params.inferenceTable) : message('InferenceTableNewLocation');
        throw new Error(message('InferenceTableMoveRefused', name, where, e.errorCode, e.serviceMessage));
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

export { formatDuration, type DeployDeps };
