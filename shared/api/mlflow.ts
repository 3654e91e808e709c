/**
 * MLflow tracking (py-sdk `databricks/sdk/service/ml.py`): experiments, runs, run artifacts and MLflow 3 logged models
 * (get, search, artifact listing and download credentials; the last two are not in the SDK
 * types and are declared here from MLflow's databricks_artifacts.proto). Searches and the
 * credentials calls are POSTs that only read, so they are marked `readOnly` (allowed in plan
 * mode).
 */
import type {
  Experiment,
  FileInfo,
  GetExperimentByNameResponse,
  GetLoggedModelResponse,
  GetRunResponse,
  ListArtifactsResponse,
  LoggedModel,
  ModelOutput,
  Run,
  SearchLoggedModelsResponse,
  SearchRuns,
  SearchRunsResponse,
} from '@databricks/sdk-experimental/dist/apis/ml/model';
import type { DatabricksClient } from '../client/databricksClient';
import { isNotFound } from '../client/errors';
import { paginate } from '../client/paginate';
import { apiPath } from '../client/path';

export type { Experiment, FileInfo, LoggedModel, LoggedModelInfo, Metric, Param, Run, RunInfo, RunTag } from '@databricks/sdk-experimental/dist/apis/ml/model';

/** runs/get's `outputs.model_outputs` (MLflow 3), which the SDK types do not declare yet. */
export function modelOutputsOf(run: Run): ModelOutput[] {
  return (run as Run & { outputs?: { model_outputs?: ModelOutput[] } }).outputs?.model_outputs ?? [];
}

const BASE = '/api/2.0/mlflow';

/** The experiment with this name (workspace path), or undefined when there is none. */
export async function getExperimentByName(client: DatabricksClient, name: string): Promise<Experiment | undefined> {
  try {
    const answer = await client.get<GetExperimentByNameResponse>(`${BASE}/experiments/get-by-name`, { experiment_name: name });
    return answer.experiment;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export interface RunWithOrigin {
  run: Run;
  /** The workspace (org) id the tracking server answered from: `run_tracking_server_id` of a UC version. */
  orgId?: string;
}

/** A run, and the X-Databricks-Org-Id header of the answer (MLflow sends it as run_tracking_server_id). */
export async function getRun(client: DatabricksClient, runId: string): Promise<RunWithOrigin> {
  const response = await client.stream('GET', `${BASE}/runs/get`, { query: { run_id: runId }, headers: { accept: 'application/json' } });
  const body = (response.bodyJson ?? {}) as GetRunResponse;
  if (!body.run) throw new Error(`runs/get answered without a run for ${runId}`);
  return { run: body.run, orgId: response.headers.get('x-databricks-org-id') ?? undefined };
}

/** Runs matching a search, page by page (the service's filter grammar; a syntax error is its 400). */
export function searchRuns(client: DatabricksClient, request: Omit<SearchRuns, 'page_token'>): AsyncGenerator<Run> {
  return paginate(
    (pageToken) => client.post<SearchRunsResponse>(`${BASE}/runs/search`, { ...request, page_token: pageToken }, { readOnly: true }),
    (page) => page.runs,
  );
}

/** The entries directly under `path` of a run's artifacts (paths are relative to the artifact root). */
export function listArtifacts(client: DatabricksClient, runId: string, path: string): AsyncGenerator<FileInfo> {
  return paginate(
    (pageToken) => client.get<ListArtifactsResponse>(`${BASE}/artifacts/list`, { run_id: runId, path, page_token: pageToken }),
    (page) => page.files,
  );
}

/** Every file under `path`, depth first (directories are walked, not returned). */
export async function* listArtifactFiles(client: DatabricksClient, runId: string, path: string): AsyncGenerator<FileInfo> {
  for await (const entry of listArtifacts(client, runId, path)) {
    if (!entry.path) continue;
    if (entry.is_dir) yield* listArtifactFiles(client, runId, entry.path);
    else yield entry;
  }
}

/**
 * A short-lived signed URL for reading one artifact (`POST /mlflow/artifacts/credentials-for-read`,
 * MLflow's databricks_artifacts.proto; not in the SDK types).
 */
export interface ArtifactCredentialInfo {
  run_id?: string;
  path?: string;
  signed_uri?: string;
  headers?: Array<{ name: string; value: string }>;
  type?: 'AZURE_SAS_URI' | 'AZURE_ADLS_GEN2_SAS_URI' | 'AWS_PRESIGNED_URL' | 'GCP_SIGNED_URL';
}

interface CredentialsForReadResponse {
  credential_infos?: ArtifactCredentialInfo[];
  next_page_token?: string;
}

export async function credentialsForRead(client: DatabricksClient, runId: string, path: string): Promise<ArtifactCredentialInfo> {
  const answer = await client.post<CredentialsForReadResponse>(`${BASE}/artifacts/credentials-for-read`, { run_id: runId, path: [path] }, { readOnly: true });
  const info = answer.credential_infos?.find((c) => c.path === path) ?? answer.credential_infos?.[0];
  if (!info?.signed_uri) throw new Error(`credentials-for-read gave no signed URL for artifact '${path}' of run ${runId}`);
  return info;
}

// ---------------------------------------------------------------------------------------------
// MLflow 3 logged models

export async function getLoggedModel(client: DatabricksClient, modelId: string): Promise<LoggedModel> {
  const answer = await client.get<GetLoggedModelResponse>(apiPath`/api/2.0/mlflow/logged-models/${modelId}`);
  if (!answer.model?.info?.model_id) throw new Error(`logged-models/get answered without a model for ${modelId}`);
  return answer.model;
}

/** Every logged model of the experiments, page by page (50 per page, the service's limit), without a filter as MLflow's _register_model searches. */
export function searchLoggedModels(client: DatabricksClient, experimentIds: string[]): AsyncGenerator<LoggedModel> {
  return paginate(
    (pageToken) =>
      client.post<SearchLoggedModelsResponse>(`${BASE}/logged-models/search`, { experiment_ids: experimentIds, max_results: 50, page_token: pageToken }, { readOnly: true }),
    (page) => page.models,
  );
}

interface ListLoggedModelArtifactsResponse {
  root_uri?: string;
  files?: FileInfo[];
  next_page_token?: string;
}

/** Every file of a logged model under `dir` (relative to its artifact root; '' = the root), depth first. */
export async function* listLoggedModelFiles(client: DatabricksClient, modelId: string, dir = ''): AsyncGenerator<FileInfo> {
  const entries = paginate(
    (pageToken) =>
      client.get<ListLoggedModelArtifactsResponse>(apiPath`/api/2.0/mlflow/logged-models/${modelId}/artifacts/directories`, {
        artifact_directory_path: dir === '' ? undefined : dir,
        page_token: pageToken,
      }),
    (page) => page.files,
  );
  for await (const entry of entries) {
    if (!entry.path) continue;
    if (entry.is_dir) yield* listLoggedModelFiles(client, modelId, entry.path);
    else yield entry;
  }
}

interface LoggedModelCredentialsResponse {
  credentials?: Array<{ model_id?: string; credential_info?: ArtifactCredentialInfo }>;
  next_page_token?: string;
}

/** A signed URL for reading one file of a logged model (`credentials-for-download`, paths relative to its artifact root). */
export async function loggedModelCredentialsForDownload(client: DatabricksClient, modelId: string, path: string): Promise<ArtifactCredentialInfo> {
  const answer = await client.post<LoggedModelCredentialsResponse>(
    apiPath`/api/2.0/mlflow/logged-models/${modelId}/artifacts/credentials-for-download`,
    { paths: [path] },
    { readOnly: true },
  );
  const infos = (answer.credentials ?? []).map((c) => c.credential_info).filter((c): c is ArtifactCredentialInfo => c !== undefined);
  const info = infos.find((c) => c.path === path) ?? infos[0];
  if (!info?.signed_uri) throw new Error(`credentials-for-download gave no signed URL for file '${path}' of logged model ${modelId}`);
  return info;
}

/** Sets tags on a logged model (MLflow records the versions made from it in `mlflow.modelVersions`). */
export async function setLoggedModelTags(client: DatabricksClient, modelId: string, tags: Array<{ key: string; value: string }>): Promise<void> {
  await client.patch(apiPath`/api/2.0/mlflow/logged-models/${modelId}/tags`, { tags });
}

/** The run's page in the workspace UI (`/ml/experiments/<exp>/runs/<run>`). */
export function runPagePath(experimentId: string, runId: string): string {
  return apiPath`/ml/experiments/${experimentId}/runs/${runId}`;
}
