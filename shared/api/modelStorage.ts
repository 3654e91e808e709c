/**
 * Which route a Unity Catalog model version's files take, chosen as MLflow chooses it
 * (reference §2.2; `mlflow` `mlflow/utils/_unity_catalog_utils.py`
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
import type { DatabricksClient } from '../client/databricksClient';
import { CancelledError, DatabricksApiError } from '../client/errors';
import { isModelsArtifactRepositoryEnabled, type StorageMode } from './unityCatalogModels';

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
    return { enabled: override, source: 'override', reason: `${FLAG_OVERRIDE_VARIABLE}=${String(override)} overrides the workspace's flag` };
  }
  try {
    const enabled = await isModelsArtifactRepositoryEnabled(client);
    return { enabled, source: 'service', reason: `the workspace's models artifact repository flag is ${String(enabled)}` };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const what = error instanceof DatabricksApiError ? `${error.errorCode} (HTTP ${error.statusCode})` : (error as Error).message;
    return {
      enabled: false,
      source: 'error',
      reason: `the flag RPC failed with ${what}, which MLflow treats as false`,
      warning: `Failed to confirm whether the Files API takes model files in this workspace (${what}); falling back to temporary credentials, as MLflow does.`,
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

export const ROUTE_TEXT: Record<ModelStorageRoute, string> = {
  filesApi: 'the Files API',
  adlsSas: 'the storage location with a temporary SAS (customer-hosted ADLS Gen2)',
  presigned: 'presigned URLs (default storage)',
};
