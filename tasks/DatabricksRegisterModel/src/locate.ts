/**
 * Finding the model to register the way MLflow's `_register_model` finds it
 * (`mlflow` `mlflow/tracking/_model_registry/fluent.py`), read-only:
 * - `runs:/<run>/<artifactPath>`: when the run has a directory at `artifactPath` (MLflow 2), the
 *   files under the run's artifacts, registered with `source` = the run's artifact URI + path;
 * - otherwise (MLflow 3) the run's logged model: the logged models of the run's experiment
 *   (searched without a filter, as MLflow does) whose `source_run_id` is the run and whose
 *   `name` is `artifactPath`, the one at the largest step of `run.outputs.model_outputs`;
 *   registered with `source = models:/<model_id>`, `model_id`, and `run_id` = the source run;
 * - `modelId` given: that logged model directly.
 * Files of a logged model are listed through its artifact routes and read through signed URLs
 * (credentials-for-download), or through the Files API when its artifact location is a UC volume.
 */
import type { Readable } from 'node:stream';
import { downloadFile } from '../../../shared/api/files';
import {
  credentialsForRead,
  getLoggedModel,
  listArtifactFiles,
  listArtifacts,
  listLoggedModelFiles,
  loggedModelCredentialsForDownload,
  modelOutputsOf,
  searchLoggedModels,
  type ArtifactCredentialInfo,
  type LoggedModel,
  type Run,
} from '../../../shared/api/mlflow';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { DatabricksApiError, isNotFound } from '../../../shared/client/errors';
import type { TaskLog } from '../../../shared/runtime/output';
import { explainStorageError, type StorageClient } from '../../../shared/client/storage';
import { message } from './messages';

export type ModelLayout = 'mlflow2' | 'mlflow3';

export interface ArtifactFile {
  /** Where the reader finds it: relative to the run's artifact root (MLflow 2) or the logged model's (MLflow 3). */
  path: string;
  /** Relative to the model directory, e.g. `data/model.pkl`. */
  relativePath: string;
  size: number;
}

/** Opens a model file for reading. */
export interface ArtifactReader {
  open(path: string): Promise<Readable>;
}

export interface ModelLocation {
  layout: ModelLayout;
  /** The `source` of the version: `<run artifact URI>/<path>` (MLflow 2) or `models:/<model_id>` (MLflow 3). */
  source: string;
  /** The run sent as `run_id` (MLflow 3: the logged model's source run). */
  runId?: string;
  /** MLflow 3 logged model id. */
  modelId?: string;
  /** Where the model was found, for the log, the plan and the summary. */
  where: string;
  files: ArtifactFile[];
  reader: ArtifactReader;
}

export interface LocateDeps {
  client: DatabricksClient;
  storage: StorageClient;
  log: TaskLog;
}

/** `dbfs:/Volumes/c/s/v/...` or `/Volumes/...` → `/Volumes/...`; other locations → undefined. */
export function volumePath(artifactUri: string): string | undefined {
  const m = /^(?:dbfs:)?(\/Volumes\/.+?)\/*$/.exec(artifactUri);
  return m?.[1];
}

/** `runs:/<run>/<artifactPath>`: the run's directory (MLflow 2), else its logged model (MLflow 3). */
export async function locateRunModel(deps: LocateDeps, run: Run, artifactPath: string): Promise<ModelLocation> {
  const runId = run.info?.run_id ?? '';
  const mlflow2 = await runDirectoryFiles(deps.client, runId, artifactPath);
  if (mlflow2) {
    return {
      layout: 'mlflow2',
      source: `${(run.info?.artifact_uri ?? '').replace(/\/+$/, '')}/${artifactPath}`,
      runId,
      where: `run ${runId}, artifacts '${artifactPath}' (MLflow 2 layout)`,
      files: mlflow2.map((f) => ({ path: f.path!, relativePath: f.path!.slice(artifactPath.length + 1), size: f.file_size ?? 0 })),
      reader: runArtifactReader(deps, run),
    };
  }
  const experimentId = run.info?.experiment_id ?? '';
  const candidates: LoggedModel[] = [];
  try {
    for await (const m of searchLoggedModels(deps.client, [experimentId])) {
      if (m.info?.source_run_id === runId && m.info?.name === artifactPath) candidates.push(m);
    }
  } catch (error) {
    // A workspace without MLflow 3 logged models: only the MLflow 2 layout exists there.
    if (!isNotFound(error)) throw error;
    deps.log.debug(`logged-models/search answered 404 (${(error as Error).message}): no MLflow 3 logged models here.`);
  }
  if (candidates.length === 0) {
    throw new Error(
      `Run ${runId} has no model at '${artifactPath}': its artifacts have no directory '${artifactPath}' (MLflow 2 layout), and experiment ${experimentId} has no logged model ` +
        `named '${artifactPath}' with source run ${runId} (MLflow 3 layout). Set artifactPath to the name the model was logged under ` +
        "(mlflow.<flavor>.log_model(..., name=...) in MLflow 3, artifact_path=... in MLflow 2), or set modelId to the logged model's id (m-…).",
    );
  }
  // The largest step of the run's model outputs, as MLflow picks it; the search answers newest first, so a tie keeps the newest.
  const steps = new Map(modelOutputsOf(run).map((o) => [o.model_id, o.step]));
  const stepOf = (m: LoggedModel) => steps.get(m.info!.model_id!) ?? 0;
  const chosen = candidates.reduce((best, m) => (stepOf(m) > stepOf(best) ? m : best));
  const modelId = chosen.info!.model_id!;
  deps.log.info(
    `Run ${runId} has no artifacts at '${artifactPath}': registering its logged model ${modelId} (MLflow 3 layout${candidates.length > 1 ? `, step ${stepOf(chosen)}, the largest of ${candidates.length} logged models named '${artifactPath}'` : ''}).`,
  );
  return loggedModelLocation(
    deps,
    chosen,
    `logged model ${modelId} ('${artifactPath}' of run ${runId}${candidates.length > 1 ? `, step ${stepOf(chosen)}` : ''}, MLflow 3 layout)`,
  );
}

/** `modelId` given: that logged model. */
export async function locateLoggedModel(deps: LocateDeps, modelId: string): Promise<ModelLocation> {
  let model: LoggedModel;
  try {
    model = await getLoggedModel(deps.client, modelId);
  } catch (error) {
    if (isNotFound(error)) throw new Error(message('LoggedModelMissing', modelId));
    throw error;
  }
  const info = model.info!;
  return loggedModelLocation(
    deps,
    model,
    `logged model ${modelId}${info.name ? ` ('${info.name}'${info.source_run_id ? ` of run ${info.source_run_id}` : ''})` : ''} (MLflow 3 layout)`,
  );
}

async function loggedModelLocation(deps: LocateDeps, model: LoggedModel, where: string): Promise<ModelLocation> {
  const info = model.info!;
  const modelId = info.model_id!;
  if (info.status !== undefined && info.status !== 'LOGGED_MODEL_READY') {
    const why = info.status === 'LOGGED_MODEL_UPLOAD_FAILED' ? 'its upload failed, so its files are incomplete' : 'its files are still being uploaded';
    throw new Error(message('LoggedModelNotReady', modelId, info.status ?? '', `${why}${info.status_message ? ` (${info.status_message})` : ''}`));
  }
  const files: ArtifactFile[] = [];
  for await (const f of listLoggedModelFiles(deps.client, modelId)) files.push({ path: f.path!, relativePath: f.path!, size: f.file_size ?? 0 });
  if (files.length === 0) throw new Error(message('LoggedModelNoFiles', modelId, info.artifact_uri ?? 'unknown'));
  return { layout: 'mlflow3', source: `models:/${modelId}`, runId: info.source_run_id, modelId, where, files, reader: loggedModelReader(deps, model) };
}

/** The files under a run's directory `artifactPath`, or undefined when it is not a directory there. */
async function runDirectoryFiles(client: DatabricksClient, runId: string, artifactPath: string) {
  const entries = [];
  for await (const e of listArtifacts(client, runId, artifactPath)) entries.push(e);
  // A path that is a file lists itself: not a directory (MLflow treats it so).
  if (entries.length === 0 || (entries.length === 1 && entries[0]!.path === artifactPath && !entries[0]!.is_dir)) return undefined;
  const files = [];
  for await (const f of listArtifactFiles(client, runId, artifactPath)) files.push(f);
  return files;
}

function runArtifactReader(deps: LocateDeps, run: Run): ArtifactReader {
  const runId = run.info?.run_id ?? '';
  const volumeRoot = volumePath(run.info?.artifact_uri ?? '');
  if (volumeRoot !== undefined) return { open: (path) => downloadFile(deps.client, `${volumeRoot}/${path}`) };
  return signedUrlReader(deps, (path) => credentialsForRead(deps.client, runId, path));
}

function loggedModelReader(deps: LocateDeps, model: LoggedModel): ArtifactReader {
  const volumeRoot = volumePath(model.info?.artifact_uri ?? '');
  if (volumeRoot !== undefined) return { open: (path) => downloadFile(deps.client, `${volumeRoot}/${path}`) };
  return signedUrlReader(deps, (path) => loggedModelCredentialsForDownload(deps.client, model.info!.model_id!, path));
}

/**
 * Reads through a signed URL; a 401/403 from storage (an expired URL) gets new credentials for
 * that path and one more try, as MLflow's `_retry_with_new_creds` does.
 */
function signedUrlReader(deps: LocateDeps, credentials: (path: string) => Promise<ArtifactCredentialInfo>): ArtifactReader {
  return {
    async open(path) {
      const first = await credentials(path);
      try {
        return await deps.storage.download(first.signed_uri!, first.headers);
      } catch (error) {
        if (!(error instanceof DatabricksApiError && (error.statusCode === 401 || error.statusCode === 403))) throw error;
        if (explainStorageError(error, 'signed URLs') !== error) throw explainStorageError(error, 'signed URLs (reading the model)');
        deps.log.debug(`Reading '${path}': storage answered ${error.statusCode}; asking for new credentials once.`);
        const again = await credentials(path);
        try {
          return await deps.storage.download(again.signed_uri!, again.headers);
        } catch (retryError) {
          throw explainStorageError(retryError, 'signed URLs (reading the model)');
        }
      }
    },
  };
}
