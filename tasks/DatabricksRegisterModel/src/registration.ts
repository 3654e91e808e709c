/**
 * The Unity Catalog registration protocol over REST, as MLflow runs it
 * (`mlflow` `mlflow/store/_unity_catalog/registry/rest_store.py`): create the version
 * (PENDING_REGISTRATION, with a fresh storage_location), copy the model files into it,
 * finalize, and wait for READY.
 *
 * A create whose answer is lost must not leave two versions. The client retries a create that
 * failed with 503/504 or a network error, and the first attempt may have been processed; so
 * after the create the versions of this run are listed again, and versions of the same run
 * and source that appeared during our create besides the one we keep are deleted. A PENDING
 * version of the same run found before creating (an earlier run that lost its answer or died
 * half-way) is continued instead of creating another.
 */
import { getLoggedModel, setLoggedModelTags } from '../../../shared/api/mlflow';
import {
  createRegistryModelVersion,
  deleteModelVersion,
  finalizeModelVersion,
  getRegistryModelVersion,
  listModelVersions,
  type ModelVersionInfo,
  type RegistryModelVersion,
  type RegistryTag,
} from '../../../shared/api/unityCatalogModels';
import { credentialRoute, type FlagDecision } from '../../../shared/api/modelStorage';
import { CancelledError } from '../../../shared/client/errors';
import { poll } from '../../../shared/client/poll';
import type { InspectedModel } from './artifacts';
import { copyModelFiles, formatBytes, writeCredentials, type CopyDeps, type CopyResult } from './copy';
import { SINGLE_PUT_LIMIT } from './limits';
import { message } from './messages';

export interface RegistrationDeps extends CopyDeps {
  signal?: AbortSignal;
}

export interface RegistrationRequest {
  modelName: string;
  /** X-Databricks-Org-Id of runs/get. */
  orgId?: string;
  /** Where the model is (its source, run_id, model_id, files). */
  model: InspectedModel;
  description?: string;
  tags: RegistryTag[];
  timeoutMinutes: number;
  copyConcurrency: number;
  /** The flag, asked before the version is created. */
  flag: FlagDecision;
}

export interface RegistrationResult {
  version: RegistryModelVersion;
  copy: CopyResult;
  /** A PENDING version left by an earlier attempt was completed instead of creating one. */
  continued: boolean;
  /** Duplicates of our own create (lost answer, retried) that were removed. */
  removedDuplicates: number[];
}

export class RegistrationFailedError extends Error {
  override readonly name = 'RegistrationFailedError';
}

/**
 * The versions of the model made from this source (a run path, or `models:/<model_id>`) and run
 * that did not fail, oldest first.
 */
export async function findSourceVersions(deps: Pick<CopyDeps, 'client'>, modelName: string, source: string, runId: string | undefined): Promise<ModelVersionInfo[]> {
  const found: ModelVersionInfo[] = [];
  for await (const v of listModelVersions(deps.client, modelName)) {
    if ((v.run_id ?? undefined) === runId && sameSource(v.source, source) && v.status !== 'FAILED_REGISTRATION') found.push(v);
  }
  return found.sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
}

function sameSource(a: string | undefined, b: string): boolean {
  return (a ?? '').replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

export async function registerVersion(deps: RegistrationDeps, request: RegistrationRequest, known: readonly ModelVersionInfo[]): Promise<RegistrationResult> {
  const pending = known.find((v) => v.status === 'PENDING_REGISTRATION');
  let version: RegistryModelVersion;
  let removedDuplicates: number[] = [];
  if (pending) {
    deps.log.info(message('CompletingPending', pending.version ?? '', request.modelName));
    version = await getRegistryModelVersion(deps.client, request.modelName, String(pending.version));
  } else {
    ({ version, removedDuplicates } = await createGuarded(deps, request, known));
    deps.log.info(message('CreatedVersion', version.version ?? '', request.modelName));
  }
  let copy: CopyResult;
  try {
    // Flag false: the credentials tell the storage mode, hence the route; a route that cannot take a file of this size is refused before a byte moves.
    const credentials = request.flag.enabled ? undefined : await writeCredentials(deps, request.modelName, version.version!);
    if (credentials && credentialRoute(credentials.storage_mode) === 'presigned') await refuseTooLargeForPresigned(deps, request, version, pending !== undefined);
    copy = await copyModelFiles(deps, request.modelName, version, request.model.files, { concurrency: request.copyConcurrency, flag: request.flag, credentials });
  } catch (error) {
    if (error instanceof CancelledError || error instanceof VersionRemovedError) throw error;
    throw new Error(
      `${(error as Error).message}\nVersion ${version.version} of ${request.modelName} is left PENDING_REGISTRATION (not finalized, so nothing can load it): ` +
        'the next run with the same inputs continues it, or delete it in Catalog Explorer.',
      { cause: error },
    );
  }
  deps.log.info(message('CopiedFinalizing', copy.files, version.version ?? ''));
  const finalized = await finalizeModelVersion(deps.client, request.modelName, version.version!);
  const ready = await waitForReady(deps, request, finalized);
  deps.log.info(message('VersionReady', ready.version ?? '', request.modelName));
  if (request.model.modelId) await recordVersionOnLoggedModel(deps, request.model.modelId, request.modelName, ready.version!);
  return { version: ready, copy, continued: pending !== undefined, removedDuplicates };
}

async function createGuarded(
  deps: RegistrationDeps,
  request: RegistrationRequest,
  known: readonly ModelVersionInfo[],
): Promise<{ version: RegistryModelVersion; removedDuplicates: number[] }> {
  const { runId, source } = request.model;
  const before = new Set(known.map((v) => v.version));
  let created: RegistryModelVersion | undefined;
  let failure: unknown;
  try {
    created = await createRegistryModelVersion(deps.client, {
      name: request.modelName,
      source,
      run_id: runId,
      run_tracking_server_id: request.orgId,
      description: request.description,
      tags: request.tags,
      model_id: request.model.modelId,
      feature_deps: '',
      model_version_dependencies: request.model.dependencies,
    });
  } catch (error) {
    failure = error;
  }
  const appeared = (await findSourceVersions(deps, request.modelName, source, runId)).filter((v) => !before.has(v.version) && v.status === 'PENDING_REGISTRATION');
  const keep = created ? Number(created.version) : appeared[0]?.version;
  if (keep === undefined) throw failure;
  const removed: number[] = [];
  for (const extra of appeared.filter((v) => v.version !== keep)) {
    await deleteModelVersion(deps.client, request.modelName, extra.version!);
    removed.push(extra.version!);
  }
  if (removed.length > 0) deps.log.warning(message('RemovedDuplicates', removed.join(', '), request.modelName));
  if (!created) {
    deps.log.warning(message('CreateAnswerLost', keep));
    created = await getRegistryModelVersion(deps.client, request.modelName, String(keep));
  }
  return { version: created, removedDuplicates: removed };
}

class VersionRemovedError extends Error {}

/**
 * Default storage takes each file in one presigned PUT (MLflow's presigned repository does no
 * multipart), so a file above the single-PUT limit cannot go. The storage mode is only known once
 * the version exists: the version this run created is deleted again, so nothing is left behind.
 */
async function refuseTooLargeForPresigned(deps: RegistrationDeps, request: RegistrationRequest, version: RegistryModelVersion, continued: boolean): Promise<void> {
  const big = request.model.files.find((f) => f.size > SINGLE_PUT_LIMIT);
  if (!big) return;
  const why =
    `${big.relativePath} (${formatBytes(big.size)}) is larger than the ${formatBytes(SINGLE_PUT_LIMIT)} one presigned PUT can take, and this model's storage is DEFAULT_STORAGE, ` +
    'which takes files only through presigned URLs while the Files API route for models is disabled. Ask the workspace admin to enable the Files API for models (it takes any size), or make the file smaller.';
  if (continued) throw new VersionRemovedError(message('VersionStaysPending', why, version.version ?? ''));
  await deleteModelVersion(deps.client, request.modelName, Number(version.version));
  throw new VersionRemovedError(message('VersionDeletedAgain', why, version.version ?? ''));
}

/**
 * MLflow appends `{name, version}` to the logged model's `mlflow.modelVersions` tag after
 * registering it (`_register_model`), which the MLflow UI shows on the logged model. A failure
 * here does not undo the registration: it is a warning.
 */
async function recordVersionOnLoggedModel(deps: RegistrationDeps, modelId: string, name: string, version: string): Promise<void> {
  const KEY = 'mlflow.modelVersions';
  try {
    const model = await getLoggedModel(deps.client, modelId);
    const current = model.info?.tags?.find((t) => t.key === KEY)?.value;
    let list: Array<{ name?: string; version?: unknown }> = [];
    try {
      const parsed: unknown = current ? JSON.parse(current) : [];
      if (Array.isArray(parsed)) list = parsed as typeof list;
    } catch {
      list = [];
    }
    if (list.some((e) => e.name === name && String(e.version) === version)) return;
    list.push({ name, version: Number(version) });
    await setLoggedModelTags(deps.client, modelId, [{ key: KEY, value: JSON.stringify(list) }]);
  } catch (error) {
    deps.log.warning(message('LoggedModelTagFailed', version, modelId, KEY, (error as Error).message));
  }
}

async function waitForReady(deps: RegistrationDeps, request: RegistrationRequest, finalized: RegistryModelVersion): Promise<RegistryModelVersion> {
  const versionId = finalized.version!;
  const settle = (v: RegistryModelVersion) => {
    if (v.status === 'READY') return { done: true as const, result: v };
    if (v.status === 'FAILED_REGISTRATION') {
      const why = v.status_message ? `: ${v.status_message}` : ' (no status message)';
      throw new RegistrationFailedError(message('RegistrationFailed', versionId, request.modelName, why));
    }
    return { done: false as const, status: v.status ?? 'MODEL_VERSION_STATUS_UNKNOWN' };
  };
  const first = settle(finalized);
  if (first.done) return first.result;
  const { result } = await deps.log.group(message('WaitingForVersion', versionId, request.modelName, request.timeoutMinutes), () =>
    poll({
      read: () => getRegistryModelVersion(deps.client, request.modelName, versionId),
      evaluate: settle,
      clock: deps.clock,
      timeoutMs: request.timeoutMinutes * 60_000,
      initialIntervalMs: 3_000,
      maxIntervalMs: 15_000,
      signal: deps.signal,
      onStatus: (status) => deps.log.info(message('VersionStatus', versionId, status)),
      onProgress: (percent, status) => deps.log.progress(percent, message('VersionWaitProgress', versionId, status)),
      describeTimeout: (last) => message('VersionNotReadyWithin', versionId, request.modelName, request.timeoutMinutes, last?.status ?? 'unknown'),
    }),
  );
  return result;
}
