/**
 * MLflow tracking (reference §2.3): experiments, runs and run artifacts. Searches and the
 * read-credentials call are POSTs that only read, so they are marked `readOnly` (allowed in
 * plan mode).
 */
import type { Experiment, FileInfo, GetExperimentByNameResponse, GetRunResponse, ListArtifactsResponse, Run, SearchRuns, SearchRunsResponse } from '@databricks/sdk-experimental/dist/apis/ml/model';
import type { DatabricksClient } from '../client/databricksClient';
import { isNotFound } from '../client/errors';
import { paginate } from '../client/paginate';
import { apiPath } from '../client/path';

export type { Experiment, FileInfo, Metric, Param, Run, RunInfo, RunTag } from '@databricks/sdk-experimental/dist/apis/ml/model';

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

/** The run's page in the workspace UI (`/ml/experiments/<exp>/runs/<run>`). */
export function runPagePath(experimentId: string, runId: string): string {
  return apiPath`/ml/experiments/${experimentId}/runs/${runId}`;
}
