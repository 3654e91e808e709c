/**
 * DatabricksRegisterModel's logic. Everything is read and decided first (the plan: which
 * version, which tags, the champion/challenger comparison, which aliases move); only then, unless dryRun, the writes
 * happen: create the registered model if missing, register the version (run mode), set the
 * tags that differ, move the aliases that are not already on the version. A second run with
 * the same inputs therefore writes nothing.
 */
import { getRun, runPagePath, type Run } from '../../../shared/api/mlflow';
import {
  createRegisteredModel,
  findRegisteredModel,
  getModelVersionByAlias,
  modelVersionPagePath,
  setAlias,
  setModelVersionTag,
  type RegisteredModelInfo,
  type RegistryModelVersion,
  type RegistryTag,
} from '../../../shared/api/unityCatalogModels';
import { DatabricksApiError, isAlreadyExists, isNotFound } from '../../../shared/client/errors';
import type { ChangeEntry, RegistrationReportData } from '../../../shared/runtime/reportTypes';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { renderChanges } from '../../../shared/runtime/plan';
import type { Outcome, TaskDeps, TaskPhases } from '../../../shared/runtime/task';
import { inspectModel, type InspectedModel } from './artifacts';
import { metricOf, readSourceRun, resolveExistingVersion, resolveRun } from './candidate';
import { locateLoggedModel, locateRunModel, type ModelLocation } from './locate';
import { planRoute, refuseUnfitFiles, type RoutePlan } from './routes';
import { formatBytes, type CopyResult } from './copy';
import { decide, format, type PromotionDecision } from './promotion';
import type { RegisterModelParameters } from './parameters';
import { findSourceVersions, registerVersion, type RegistrationDeps } from './registration';
import { message } from './messages';

export type RegisterDeps = Omit<RegistrationDeps, 'reader'>;

/** What the candidate is, before any write. */
interface Candidate {
  run?: Run;
  orgId?: string;
  /** The READY version to use as is (existingVersion mode, or a run already registered). */
  version?: RegistryModelVersion;
  /** Run mode: where the model was found (MLflow 2 run directory or MLflow 3 logged model). */
  location?: ModelLocation;
  /** Run mode without a READY version of this source: what to register. */
  register?: { model: InspectedModel; known: Awaited<ReturnType<typeof findSourceVersions>>; route: RoutePlan };
}

export interface AliasMove {
  alias: string;
  from?: number;
  kind: 'candidate' | 'promote';
}

export interface ComparisonResult {
  decision: PromotionDecision;
  candidate: number;
  baseline?: number;
  baselineVersion?: number;
  baselineRunId?: string;
  /** The baseline run's page, when its run could be read. */
  baselineRunPath?: string;
}

export interface RegistrationPlan {
  modelName: string;
  modelExists: boolean;
  candidate: Candidate;
  tags: RegistryTag[];
  /** The champion/challenger comparison (compareMetric set); the report calls it `gate`. */
  comparison?: ComparisonResult;
  promoted: boolean;
  /** Aliases the candidate should hold, with where each points now. */
  aliases: AliasMove[];
}

/** What plan() hands to apply(): the decisions, and what the summary links to. */
export interface RegisterModelPlan {
  params: RegisterModelParameters;
  registration: RegistrationPlan;
  /** Warnings already printed (a storage-flag problem, a missing baseline metric): the task then succeeds with issues. */
  warnings: string[];
  /** The plan mode changes (apply computes what it did). */
  changes: ChangeEntry[];
  /** Baseline links for the summary. */
  links: { baselineRunUrl?: string; baselineVersionUrl?: string };
}

export type RegisterModelOutcome = Outcome<RegistrationReportData>;

/** The helpers of this task take the TaskDeps' parts they use. */
export function registerDeps(deps: TaskDeps): RegisterDeps {
  const { ctx } = deps;
  return { client: deps.client, storage: deps.storage(), log: ctx.log, clock: ctx.clock, signal: ctx.signal, setSecret: deps.setSecret };
}

export const registerModelPhases: TaskPhases<RegisterModelParameters, RegisterModelPlan, RegistrationReportData> = {
  plan: planRegistration,
  planLines: (plan) => renderChanges(plan.changes),
  planned: (deps, plan) => outcome(deps.client, plan, { dryRun: true, changes: plan.changes }),
  apply: applyRegistration,
};

/** Reads only: the candidate, the route of its files, the champion/challenger comparison, the aliases to move. */
export async function planRegistration(deps: TaskDeps, params: RegisterModelParameters): Promise<RegisterModelPlan> {
  const { client } = deps;
  const registration = await makePlan(registerDeps(deps), params);
  const warnings: string[] = [];
  const flagWarning = registration.candidate.register?.route.flag.warning;
  if (flagWarning) warnings.push(flagWarning);
  if (registration.comparison?.decision.outcome === 'baseline-metric-missing') warnings.push(registration.comparison.decision.reason);
  for (const w of warnings) deps.ctx.log.warning(w);
  const comparison = registration.comparison;
  return {
    params,
    registration,
    warnings,
    changes: planChanges(registration, undefined, []),
    links: {
      baselineRunUrl: comparison?.baselineRunPath ? client.link(comparison.baselineRunPath) : undefined,
      baselineVersionUrl: comparison?.baselineVersion === undefined ? undefined : client.link(modelVersionPagePath(params.modelName, comparison.baselineVersion)),
    },
  };
}

/** The writes: the registered model if missing, the version (run mode), the tags and aliases that differ. */
export async function applyRegistration(taskDeps: TaskDeps, planned: RegisterModelPlan): Promise<RegisterModelOutcome> {
  const deps = registerDeps(taskDeps);
  const { params, registration: plan } = planned;
  if (!plan.modelExists) await ensureRegisteredModel(deps, params.modelName, params.description);
  let version = plan.candidate.version;
  let copy: CopyResult | undefined;
  let reused = version !== undefined && params.source.kind === 'run';
  if (!version) {
    const register = plan.candidate.register!;
    const result = await registerVersion(
      { ...deps, reader: register.model.reader },
      {
        modelName: params.modelName,
        orgId: plan.candidate.orgId,
        model: register.model,
        description: params.description,
        tags: plan.tags,
        timeoutMinutes: params.timeoutMinutes,
        copyConcurrency: params.copyConcurrency,
        flag: register.route.flag,
      },
      register.known,
    );
    version = result.version;
    copy = result.copy;
    reused = false;
  }
  const versionNumber = Number(version.version);
  const tagChanges = await applyTags(deps, params.modelName, version, plan.tags);
  const aliasChanges = await applyAliases(deps, params.modelName, versionNumber, plan.aliases);
  const changes = planChanges(plan, version, [...tagChanges, ...aliasChanges], copy);
  if (changes.every((c) => c.action === 'noop')) deps.log.info(message('NothingToChange'));
  return outcome(taskDeps.client, planned, { dryRun: false, version, copy, reused, changes });
}

// ---------------------------------------------------------------------------------------------
// The plan (reads only)

export async function makePlan(deps: RegisterDeps, params: RegisterModelParameters): Promise<RegistrationPlan> {
  const { client } = deps;
  const model = await findRegisteredModel(client, params.modelName);
  if (!model && params.source.kind === 'existingVersion') throw new Error(message('RegisteredModelMissing', params.modelName));

  const candidate: Candidate = {};
  if (params.source.kind === 'run') {
    let location: ModelLocation;
    if (params.source.modelId !== undefined) {
      location = await locateLoggedModel(deps, params.source.modelId);
      // As MLflow's create_model_version: run_id = the logged model's source run, read for lineage.
      const source = location.runId ? await readSourceRun(client, location.runId) : undefined;
      candidate.run = source?.run;
      candidate.orgId = source?.orgId;
    } else {
      const { run, orgId } = await resolveRun(client, params.source);
      candidate.run = run;
      candidate.orgId = orgId;
      deps.log.info(run.info?.run_name ? message('CandidateRunNamed', run.info.run_id!, run.info.run_name) : message('CandidateRun', run.info!.run_id!));
      location = await locateRunModel(deps, run, params.source.artifactPath);
    }
    candidate.location = location;
    const known = model ? await findSourceVersions(deps, params.modelName, location.source, location.runId) : [];
    const ready = known.filter((v) => v.status === 'READY').pop();
    if (ready) {
      deps.log.info(message('AlreadyRegistered', location.where, ready.version ?? '', params.modelName));
      candidate.version = await resolveExistingVersion(client, params.modelName, ready.version!);
    } else {
      const inspected = await inspectModel(location);
      deps.log.info(message('ModelInspected', location.where, inspected.files.length, formatBytes(inspected.totalBytes), inspected.flavors.join(', ') || message('NoFlavors')));
      if (inspected.dependencies.length > 0) deps.log.info(message('Dependencies', inspected.dependencies.map((d) => `${d.type} ${d.name}`).join(', ')));
      // The flag is asked before the version is created (MLflow does the same), so a failure cannot leave a PENDING version.
      const route = await planRoute(client, params.modelName, model !== undefined);
      deps.log.info(message('StorageRoute', route.reason));
      refuseUnfitFiles(route, inspected.files);
      candidate.register = { model: inspected, known, route };
    }
  } else {
    candidate.version = await resolveExistingVersion(client, params.modelName, params.source.version);
    deps.log.info(message('CandidateVersion', candidate.version.version ?? '', params.modelName));
    const runId = candidate.version.run_id;
    if (runId) candidate.run = await readRunIfAny(deps, runId, params.comparison !== undefined);
  }

  const tags = desiredTags(params);
  const comparison = params.comparison ? await compareWithBaseline(deps, params, model, candidate) : undefined;
  const promoted = comparison ? comparison.decision.wins : true;
  const aliases = aliasPlan(model, params, promoted);
  return { modelName: params.modelName, modelExists: model !== undefined, candidate, tags, comparison, promoted, aliases };
}

/** Lineage tags first, then the `tags` input (which wins on a repeated key). */
function desiredTags(params: RegisterModelParameters): RegistryTag[] {
  const merged = new Map<string, string>();
  for (const t of [...params.lineageTags, ...params.tags]) merged.set(t.key, t.value);
  return [...merged].map(([key, value]) => ({ key, value }));
}

async function readRunIfAny(deps: RegisterDeps, runId: string, required: boolean): Promise<Run | undefined> {
  try {
    return (await getRun(deps.client, runId)).run;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (required) throw new Error(message('SourceRunGone', runId));
    return undefined;
  }
}

async function compareWithBaseline(deps: RegisterDeps, params: RegisterModelParameters, model: RegisteredModelInfo | undefined, candidate: Candidate): Promise<ComparisonResult> {
  const rule = params.comparison!;
  const candidateRunId = candidate.run?.info?.run_id;
  if (!candidate.run || !candidateRunId) {
    throw new Error(message('NoSourceRun', candidate.version?.version ?? '', params.modelName, rule.metric));
  }
  const candidateValue = metricOf(candidate.run, rule.metric);
  if (candidateValue === undefined) {
    throw new Error(message('CandidateMetricMissing', candidateRunId, rule.metric, rule.metric));
  }
  const baselineVersion = model ? await versionByAlias(deps, params.modelName, rule.baselineAlias) : undefined;
  const candidateVersion = candidate.version ? Number(candidate.version.version) : undefined;
  let baselineValue: number | undefined;
  let baselineRunId: string | undefined;
  let baselineRunPath: string | undefined;
  if (baselineVersion && baselineVersion.version !== candidateVersion) {
    baselineRunId = baselineVersion.run_id;
    const baselineRun = baselineRunId ? await readRunIfAny(deps, baselineRunId, false) : undefined;
    baselineValue = metricOf(baselineRun, rule.metric);
    const experimentId = baselineRun?.info?.experiment_id;
    if (baselineRunId && experimentId) baselineRunPath = runPagePath(experimentId, baselineRunId);
  }
  const decision = decide(rule, {
    candidate: candidateValue,
    baseline: baselineValue,
    baselineExists: baselineVersion !== undefined,
    baselineIsCandidate: baselineVersion !== undefined && baselineVersion.version === candidateVersion,
  });
  deps.log.info(message('ComparisonOn', rule.metric, decision.reason));
  return { decision, candidate: candidateValue, baseline: baselineValue, baselineVersion: baselineVersion?.version, baselineRunId, baselineRunPath };
}

async function versionByAlias(deps: RegisterDeps, modelName: string, alias: string) {
  try {
    return await getModelVersionByAlias(deps.client, modelName, alias);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function aliasPlan(model: RegisteredModelInfo | undefined, params: RegisterModelParameters, promoted: boolean): AliasMove[] {
  const current = new Map((model?.aliases ?? []).map((a) => [a.alias_name, a.version_num]));
  const wanted: AliasMove[] = params.candidateAliases.map((alias) => ({ alias, kind: 'candidate' as const, from: current.get(alias) }));
  if (promoted) wanted.push(...params.promoteAliases.map((alias) => ({ alias, kind: 'promote' as const, from: current.get(alias) })));
  return wanted;
}

// ---------------------------------------------------------------------------------------------
// Writes

async function ensureRegisteredModel(deps: RegisterDeps, modelName: string, description: string | undefined): Promise<void> {
  const [catalog_name, schema_name, name] = modelName.split('.');
  try {
    await createRegisteredModel(deps.client, { catalog_name, schema_name, name, comment: description });
    deps.log.info(message('CreatedRegisteredModel', modelName));
  } catch (error) {
    // Another pipeline created it meanwhile: that is what we wanted.
    if (!isAlreadyExists(error)) throw error;
  }
}

async function applyTags(deps: RegisterDeps, modelName: string, version: RegistryModelVersion, tags: RegistryTag[]): Promise<ChangeEntry[]> {
  const current = new Map((version.tags ?? []).map((t) => [t.key, t.value]));
  const changes: ChangeEntry[] = [];
  for (const tag of tags) {
    if (current.get(tag.key) === tag.value) continue;
    await setModelVersionTag(deps.client, modelName, version.version!, tag);
    changes.push({
      action: current.has(tag.key) ? 'update' : 'create',
      resource: message('PlanTag', tag.key),
      fields: [{ path: tag.key, before: current.get(tag.key), after: tag.value }],
    });
  }
  if (changes.length > 0) deps.log.info(message('TagsSet', changes.length, version.version ?? ''));
  return changes;
}

async function applyAliases(deps: RegisterDeps, modelName: string, version: number, moves: AliasMove[]): Promise<ChangeEntry[]> {
  const changes: ChangeEntry[] = [];
  for (const move of moves) {
    if (move.from === version) continue;
    try {
      await setAlias(deps.client, modelName, move.alias, version);
    } catch (error) {
      if (error instanceof DatabricksApiError && (error.errorCode === 'PERMISSION_DENIED' || error.statusCode === 403)) {
        throw new Error(message('AliasRefused', move.alias, modelName, version, error.errorCode, error.serviceMessage, modelName));
      }
      throw error;
    }
    deps.log.info(move.from === undefined ? message('AliasSet', move.alias, version) : message('AliasMoved', move.alias, move.from, version));
    changes.push(aliasChange(move, version));
  }
  return changes;
}

function aliasChange(move: AliasMove, version: number | string): ChangeEntry {
  return { action: move.from === undefined ? 'create' : 'update', resource: message('PlanAlias', move.alias), fields: [{ path: 'version', before: move.from, after: version }] };
}

// ---------------------------------------------------------------------------------------------
// Changes, outcome

function planChanges(plan: RegistrationPlan, done: RegistryModelVersion | undefined, applied: ChangeEntry[], copy?: CopyResult): ChangeEntry[] {
  const changes: ChangeEntry[] = [];
  if (!plan.modelExists) changes.push({ action: 'create', resource: message('PlanRegisteredModel', plan.modelName) });
  const { candidate } = plan;
  if (candidate.register) {
    const { model } = candidate.register;
    changes.push({
      action: 'create',
      resource: message('PlanModelVersion', `${plan.modelName}/${done?.version ?? message('PlanNewVersion')}`),
      fields: [
        { path: 'source', after: model.source },
        { path: 'run_id', after: model.runId },
        ...(model.modelId ? [{ path: 'model_id', after: model.modelId }] : []),
        { path: 'files', after: copy ? `${copy.files} (${copy.route})` : `${model.files.length} (${formatBytes(model.totalBytes)})` },
        { path: 'storage route', after: copy?.route ?? candidate.register.route.route ?? message('PlanRouteUnknownYet') },
      ],
    });
  } else {
    changes.push({ action: 'noop', resource: message('PlanModelVersion', `${plan.modelName}/${candidate.version?.version}`) });
  }
  if (done) return [...changes, ...applied];
  // Plan mode: tags of a new version are part of its create; an existing one gets the differing ones.
  if (candidate.version) {
    const current = new Map((candidate.version.tags ?? []).map((t) => [t.key, t.value]));
    for (const tag of plan.tags) {
      if (current.get(tag.key) === tag.value) continue;
      changes.push({
        action: current.has(tag.key) ? 'update' : 'create',
        resource: message('PlanTag', tag.key),
        fields: [{ path: tag.key, before: current.get(tag.key), after: tag.value }],
      });
    }
  }
  const target = candidate.version ? Number(candidate.version.version) : undefined;
  for (const move of plan.aliases) {
    if (target !== undefined && move.from === target) continue;
    changes.push(aliasChange(move, target ?? '(new)'));
  }
  return changes;
}

export interface OutcomeInput {
  dryRun: boolean;
  version?: RegistryModelVersion;
  copy?: CopyResult;
  reused?: boolean;
  changes: ChangeEntry[];
}

function modelReport(candidate: Candidate): RegistrationReportData['model'] {
  const location = candidate.location;
  if (!location) return undefined;
  const files = candidate.register?.model.files ?? location.files;
  return {
    layout: location.layout,
    source: location.source,
    modelId: location.modelId,
    where: location.where,
    files: files.length,
    bytes: files.reduce((s, f) => s + f.size, 0),
  };
}

function storageReport(candidate: Candidate, copy: CopyResult | undefined): RegistrationReportData['storage'] {
  const route = candidate.register?.route;
  if (!route) return undefined;
  return { route: copy?.route ?? route.route, flag: route.flag.enabled, flagSource: route.flag.source, storageMode: route.storageMode, reason: route.reason };
}

/**
 * The outcome of a plan, applied or not: the report, the message (promoted or not, and why a
 * lost comparison fails the step), the result and the outputs. Pure: a test gives it a plan.
 */
export function outcome(
  client: Pick<DatabricksClient, 'link'>,
  planned: Pick<RegisterModelPlan, 'params' | 'registration' | 'warnings'>,
  input: OutcomeInput,
): RegisterModelOutcome {
  const { params, registration: plan } = planned;
  const version = input.version ?? plan.candidate.version;
  const versionText = version?.version;
  const run = plan.candidate.run;
  const runId = run?.info?.run_id ?? version?.run_id;
  const experimentId = run?.info?.experiment_id;
  const runUrl = runId && experimentId ? client.link(runPagePath(experimentId, runId)) : undefined;
  const versionUrl = versionText ? client.link(modelVersionPagePath(params.modelName, versionText)) : undefined;
  const comparison = plan.comparison;
  const modelUri = versionText ? `models:/${params.modelName}/${versionText}` : undefined;
  const target = versionText ?? '(new)';

  const report: RegistrationReportData = {
    modelName: params.modelName,
    version: target,
    modelUri: modelUri ?? '',
    mode: params.source.kind === 'run' ? 'run' : 'existingVersion',
    runId,
    runUrl,
    versionUrl,
    reused: input.reused,
    filesCopied: input.copy?.files,
    bytesCopied: input.copy?.bytes,
    model: modelReport(plan.candidate),
    storage: storageReport(plan.candidate, input.copy),
    // The report's public name of the comparison (the results tab reads it).
    gate:
      comparison && params.comparison
        ? {
            metric: params.comparison.metric,
            goal: params.comparison.goal,
            minImprovement: params.comparison.minImprovement,
            candidate: comparison.candidate,
            baseline: comparison.baseline,
            baselineVersion: comparison.baselineVersion === undefined ? undefined : String(comparison.baselineVersion),
            baselineAlias: params.comparison.baselineAlias,
            improvement: comparison.decision.improvement,
            outcome: comparison.decision.outcome,
          }
        : undefined,
    promoted: plan.promoted,
    aliasesSet: input.dryRun
      ? []
      : plan.aliases
          .filter((m) => m.from === undefined || String(m.from) !== target)
          .map((m) => ({ alias: m.alias, version: target, previousVersion: m.from === undefined ? undefined : String(m.from) })),
    tags: Object.fromEntries(plan.tags.map((t) => [t.key, t.value])),
    changes: input.changes,
  };

  const lost = comparison !== undefined && !comparison.decision.wins;
  const failed = lost && params.comparison?.failIfNotImproved === true;
  const what = input.dryRun ? message('PlanFor', params.modelName) : message('ModelVersion', params.modelName, target);
  const promotedText = plan.promoted ? (params.promoteAliases.length > 0 ? message('PromotedTo', params.promoteAliases.join(', ')) : message('Wins')) : message('NotPromoted');
  const text = failed
    ? message('NotPromotedFail', params.modelName, target, comparison.decision.reason)
    : input.dryRun
      ? message('OutcomeDryRun', what, promotedText)
      : message('Outcome', what, promotedText);
  const result = failed ? 'Failed' : planned.warnings.length > 0 ? 'SucceededWithIssues' : 'Succeeded';

  return {
    result,
    message: text,
    outputs: {
      modelVersion: versionText,
      modelUri,
      promoted: plan.promoted,
      candidateMetric: comparison === undefined ? undefined : format(comparison.candidate),
      baselineMetric: comparison?.baseline === undefined ? undefined : format(comparison.baseline),
      baselineVersion: comparison?.baselineVersion,
      runId,
    },
    report,
    notes: [],
    planLines: renderChanges(input.changes),
  };
}
