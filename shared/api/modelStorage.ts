/**
 * Which route a Unity Catalog model version's files take, chosen as MLflow chooses it
 * (`mlflow` `mlflow/utils/_unity_catalog_utils.py`
 * `is_databricks_sdk_models_artifact_repository_enabled`, and
 * `mlflow/store/_unity_catalog/registry/rest_store.py` `_get_artifact_repo`):
 * - the flag RPC answers true → the Files API (`/api/2.0/fs/files/Models/<c>/<s>/<m>/<v>/…`);
 * - false → temporary credentials: `CUSTOMER_HOSTED` storage → the version's ADLS Gen2
 *   storage_location with the user-delegation SAS; `DEFAULT_STORAGE` → presigned URLs
 *   (`fs/create-upload-url` / `fs/create-download-url`).
 * The flag is asked with no parameters, before a version is created; any error other than a
 * cancellation means false, with a warning, as MLflow and its R client treat it. The MLflow
 * environment variable overrides the RPC, as in MLflow (a pipeline variable of that name
 * reaches the task as an environment variable).
 */
import type { Readable } from 'node:stream';
import type { DatabricksClient } from '../client/databricksClient';
import { CancelledError, DatabricksApiError } from '../client/errors';
import { dfsFileUrl, type StorageClient } from '../client/storage';
import { createDownloadUrl, downloadFile, modelVersionFilePath } from './files';
import { message } from '../runtime/messages';
import { generateTemporaryCredentials, getModelVersion, isModelsArtifactRepositoryEnabled, type StorageMode } from './unityCatalogModels';

export const FLAG_OVERRIDE_VARIABLE = 'MLFLOW_USE_DATABRICKS_SDK_MODEL_ARTIFACTS_REPO_FOR_UC';

export type ModelStorageRoute = 'filesApi' | 'adlsSas' | 'presigned';

export interface FlagDecision {
  enabled: boolean;
  /** How the value was obtained. */
  source: 'service' | 'override' | 'error';
  /** One sentence for the log, the plan and the summary. */
  reason: string;
  /** Set when the RPC failed (source 'error'): the warning to print. */
  warning?: string;
}

export async function modelsArtifactRepositoryFlag(client: DatabricksClient, env: NodeJS.ProcessEnv = process.env): Promise<FlagDecision> {
  const override = parseOverride(env[FLAG_OVERRIDE_VARIABLE]);
  if (override !== undefined) {
    return { enabled: override, source: 'override', reason: message('FlagOverridden', `${FLAG_OVERRIDE_VARIABLE}=${String(override)}`) };
  }
  try {
    const enabled = await isModelsArtifactRepositoryEnabled(client);
    return { enabled, source: 'service', reason: message('FlagFromWorkspace', String(enabled)) };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const what = error instanceof DatabricksApiError ? `${error.errorCode} (HTTP ${error.statusCode})` : (error as Error).message;
    return {
      enabled: false,
      source: 'error',
      reason: message('FlagRpcFailed', what),
      warning: message('FlagRpcFailedWarning', what),
    };
  }
}

/** MLflow's boolean environment variables: true/false/1/0, any case. */
function parseOverride(raw: string | undefined): boolean | undefined {
  const v = raw?.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** The route for credentials of this storage mode (flag false). */
export function credentialRoute(mode: StorageMode | undefined): ModelStorageRoute {
  return mode === 'DEFAULT_STORAGE' ? 'presigned' : 'adlsSas';
}

/** How a route is named in the log and the summary (a localizable message, looked up at use). */
export function routeText(route: ModelStorageRoute): string {
  return message(route === 'filesApi' ? 'RouteFilesApi' : route === 'adlsSas' ? 'RouteAdlsSas' : 'RoutePresigned');
}

export interface ModelFileReadDeps {
  client: DatabricksClient;
  storage: StorageClient;
  /** Where the flag RPC's failure is reported (a warning, never a failure). */
  warn: (line: string) => void;
  /** Masks the SAS of READ credentials. */
  setSecret?: (value: string) => void;
}

/**
 * Opens one file of a registered model version through the route MLflow reads it with
 * (`mlflow` `mlflow/store/artifact/unity_catalog_models_artifact_repo.py`): the Files API when the
 * flag is true; else READ credentials: a SAS GET on the version's storage_location (customer
 * storage) or `fs/create-download-url` (DEFAULT_STORAGE). A 401/403 from storage gets new
 * credentials once. Every call here only reads (allowed in plan mode).
 */
export async function openModelVersionFile(
  deps: ModelFileReadDeps,
  fullName: string,
  version: string,
  relativePath: string,
): Promise<{ stream: Readable; route: ModelStorageRoute }> {
  const flag = await modelsArtifactRepositoryFlag(deps.client);
  if (flag.warning) deps.warn(flag.warning);
  const path = modelVersionFilePath(fullName, version, relativePath);
  if (flag.enabled) return { stream: await downloadFile(deps.client, path), route: 'filesApi' };
  const once = async (): Promise<{ stream: Readable; route: ModelStorageRoute }> => {
    const credentials = await generateTemporaryCredentials(deps.client, fullName, version, 'MODEL_VERSION_OPERATION_READ');
    if (credentialRoute(credentials.storage_mode) === 'presigned') {
      const target = await createDownloadUrl(deps.client, path);
      return { stream: await deps.storage.download(target.url, target.headers), route: 'presigned' };
    }
    const sas = credentials.azure_user_delegation_sas?.sas_token;
    if (!sas) throw new Error(`generate-temporary-credentials gave no Azure SAS for version ${version} of ${fullName}`);
    deps.setSecret?.(sas);
    const location = (await getModelVersion(deps.client, fullName, version)).storage_location;
    if (!location) throw new Error(`Version ${version} of ${fullName} has no storage_location`);
    return { stream: await deps.storage.download(dfsFileUrl(location, relativePath, sas).toString()), route: 'adlsSas' };
  };
  try {
    return await once();
  } catch (error) {
    if (!(error instanceof DatabricksApiError && (error.statusCode === 401 || error.statusCode === 403) && isStorageUrl(error))) throw error;
    return once();
  }
}

/** An error from storage, not from the workspace (whose 403 is a permission, not an expired credential). */
function isStorageUrl(error: DatabricksApiError): boolean {
  return error.request?.operation?.startsWith('storage ') === true;
}
