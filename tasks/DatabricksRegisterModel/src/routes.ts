/**
 * The storage route of a registration, decided before any write, as MLflow decides it
 * (`mlflow` `mlflow/store/_unity_catalog/registry/rest_store.py`): the flag
 * (shared/api/modelStorage.ts), and for the credentials route the storage mode, which plan mode
 * learns from the READ credentials of a version the model already has. Also the size each route
 * takes: the Files API any (multipart above 50 MiB), the ADLS route any (appended blocks),
 * presigned URLs one PUT of at most 5 GiB (MLflow's presigned repository does no multipart).
 */
import { credentialRoute, modelsArtifactRepositoryFlag, routeText, type FlagDecision, type ModelStorageRoute } from '../../../shared/api/modelStorage';
import { generateTemporaryCredentials, listModelVersions, type StorageMode } from '../../../shared/api/unityCatalogModels';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError } from '../../../shared/client/errors';
import type { ArtifactFile } from './artifacts';
import { formatBytes } from './copy';

import { SINGLE_PUT_LIMIT } from './limits';
import { message } from './messages';

export interface RoutePlan {
  flag: FlagDecision;
  /** The route, when known before the version exists. */
  route?: ModelStorageRoute;
  storageMode?: StorageMode;
  /** Why this route (or why it is known only later). */
  reason: string;
}

export async function planRoute(client: DatabricksClient, modelName: string, modelExists: boolean): Promise<RoutePlan> {
  const flag = await modelsArtifactRepositoryFlag(client);
  if (flag.enabled) return { flag, route: 'filesApi', reason: `${routeText('filesApi')}: ${flag.reason}` };
  const storageMode = modelExists ? await probeStorageMode(client, modelName) : undefined;
  if (storageMode) {
    const route = credentialRoute(storageMode);
    return { flag, route, storageMode, reason: message('RouteReasonWithStorageMode', routeText(route), flag.reason, String(storageMode)) };
  }
  return {
    flag,
    reason: `temporary credentials: ${flag.reason}; the storage mode (CUSTOMER_HOSTED → ADLS SAS, DEFAULT_STORAGE → presigned URLs) is known once the version exists`,
  };
}

/** The storage mode of the model's existing versions, from READ credentials of its newest one (a read). */
async function probeStorageMode(client: DatabricksClient, modelName: string): Promise<StorageMode | undefined> {
  try {
    for await (const v of listModelVersions(client, modelName)) {
      if (v.version === undefined || v.status !== 'READY') continue;
      return (await generateTemporaryCredentials(client, modelName, String(v.version), 'MODEL_VERSION_OPERATION_READ')).storage_mode;
    }
  } catch (error) {
    if (error instanceof CancelledError) throw error;
  }
  return undefined;
}

/** A file no route of this plan can take: the error, before the version is created. */
export function refuseUnfitFiles(plan: RoutePlan, files: readonly ArtifactFile[]): void {
  const big = files.find((f) => f.size > SINGLE_PUT_LIMIT);
  if (!big) return;
  const size = `${big.relativePath} (${formatBytes(big.size)})`;
  // The Files API takes any size (multipart); the ADLS route appends blocks.
  if (plan.route === 'presigned') {
    throw new Error(message('FileTooLargeForPresigned', size, formatBytes(SINGLE_PUT_LIMIT)));
  }
}
