/**
 * Unity Catalog registered models, versions and aliases (`/api/2.1/unity-catalog`, typed with @databricks/sdk-experimental's `catalog` types)
 * and the MLflow UC registry service that creates versions (`/api/2.0/mlflow/unity-catalog`,
 * whose messages are not in the SDK types: declared here from MLflow's
 * databricks_uc_registry_messages.proto). Versions are numbers in the first API and strings in
 * the second.
 */
import type {
  CreateRegisteredModelRequest,
  ListModelVersionsResponse,
  ModelVersionInfo,
  RegisteredModelAlias,
  RegisteredModelInfo,
} from '@databricks/sdk-experimental/dist/apis/catalog/model';
import type { DatabricksClient } from '../client/databricksClient';
import { isNotFound } from '../client/errors';
import { paginate } from '../client/paginate';
import { apiPath } from '../client/path';

export type { ModelVersionInfo, RegisteredModelAlias, RegisteredModelInfo } from '@databricks/sdk-experimental/dist/apis/catalog/model';

const UC = '/api/2.1/unity-catalog';
const REGISTRY = '/api/2.0/mlflow/unity-catalog';

// ---------------------------------------------------------------------------------------------
// Unity Catalog API (2.1)

export function getModelVersion(client: DatabricksClient, fullName: string, version: number | string): Promise<ModelVersionInfo> {
  return client.get<ModelVersionInfo>(apiPath`/api/2.1/unity-catalog/models/${fullName}/versions/${String(version)}`, { include_aliases: true });
}

/** The version an alias points to (404 RESOURCE_DOES_NOT_EXIST when the alias is not set). */
export function getModelVersionByAlias(client: DatabricksClient, fullName: string, alias: string): Promise<ModelVersionInfo> {
  return client.get<ModelVersionInfo>(apiPath`/api/2.1/unity-catalog/models/${fullName}/aliases/${alias}`, { include_aliases: true });
}

/** The registered model with its aliases, or undefined when it does not exist. */
export async function findRegisteredModel(client: DatabricksClient, fullName: string): Promise<RegisteredModelInfo | undefined> {
  try {
    return await client.get<RegisteredModelInfo>(apiPath`/api/2.1/unity-catalog/models/${fullName}`, { include_aliases: true });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function createRegisteredModel(
  client: DatabricksClient,
  request: Pick<CreateRegisteredModelRequest, 'catalog_name' | 'schema_name' | 'name' | 'comment'>,
): Promise<RegisteredModelInfo> {
  return client.post<RegisteredModelInfo>(`${UC}/models`, request);
}

/** Every version of a model (newest first, as the service orders them). */
export function listModelVersions(client: DatabricksClient, fullName: string): AsyncGenerator<ModelVersionInfo> {
  return paginate(
    (pageToken) => client.get<ListModelVersionsResponse>(apiPath`/api/2.1/unity-catalog/models/${fullName}/versions`, { max_results: 1000, page_token: pageToken }),
    (page) => page.model_versions,
  );
}

export async function deleteModelVersion(client: DatabricksClient, fullName: string, version: number): Promise<void> {
  await client.delete(apiPath`/api/2.1/unity-catalog/models/${fullName}/versions/${String(version)}`);
}

/** Moves (or sets) an alias atomically. Needs ownership of the registered model. */
export function setAlias(client: DatabricksClient, fullName: string, alias: string, version: number): Promise<RegisteredModelAlias> {
  return client.put<RegisteredModelAlias>(apiPath`/api/2.1/unity-catalog/models/${fullName}/aliases/${alias}`, { version_num: version });
}

// ---------------------------------------------------------------------------------------------
// MLflow UC registry service (2.0)

export type RegistryVersionStatus = 'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION' | 'MODEL_VERSION_STATUS_UNKNOWN';

export interface RegistryTag {
  key: string;
  value: string;
}

/** MLflow's ModelVersion message in the UC registry (version is a string here). */
export interface RegistryModelVersion {
  name?: string;
  version?: string;
  status?: RegistryVersionStatus;
  status_message?: string;
  source?: string;
  run_id?: string;
  model_id?: string;
  description?: string;
  storage_location?: string;
  tags?: RegistryTag[];
  creation_timestamp?: number;
  aliases?: string[];
}

export interface CreateRegistryModelVersion {
  name: string;
  source: string;
  run_id?: string;
  /** The workspace id of the run's tracking server (X-Databricks-Org-Id of runs/get). */
  run_tracking_server_id?: string;
  description?: string;
  tags?: RegistryTag[];
  /** MLflow 3 logged model id (`m-…`): the version is made from that logged model (source `models:/<id>`). */
  model_id?: string;
  /** Always "" outside Databricks, as MLflow sends it (Feature Store models are refused before). */
  feature_deps?: string;
  model_version_dependencies?: ModelVersionDependency[];
}

/** A resource the model uses at serving (MLmodel `resources`), for automatic authentication passthrough. */
export interface ModelVersionDependency {
  type: 'DATABRICKS_VECTOR_INDEX' | 'DATABRICKS_MODEL_ENDPOINT' | 'DATABRICKS_UC_FUNCTION' | 'DATABRICKS_UC_CONNECTION' | 'DATABRICKS_TABLE';
  name: string;
}

interface ModelVersionAnswer {
  model_version?: RegistryModelVersion;
}

function versionOf(answer: ModelVersionAnswer, what: string): RegistryModelVersion {
  if (!answer.model_version?.version) throw new Error(`${what} answered without a model_version`);
  return answer.model_version;
}

export async function createRegistryModelVersion(client: DatabricksClient, request: CreateRegistryModelVersion): Promise<RegistryModelVersion> {
  return versionOf(await client.post<ModelVersionAnswer>(`${REGISTRY}/model-versions/create`, request), 'model-versions/create');
}

export async function finalizeModelVersion(client: DatabricksClient, name: string, version: string): Promise<RegistryModelVersion> {
  return versionOf(await client.post<ModelVersionAnswer>(`${REGISTRY}/model-versions/finalize`, { name, version }), 'model-versions/finalize');
}

/** A version with its tags and status_message (the 2.1 API has neither). */
export async function getRegistryModelVersion(client: DatabricksClient, name: string, version: string): Promise<RegistryModelVersion> {
  return versionOf(await client.get<ModelVersionAnswer>(`${REGISTRY}/model-versions/get`, { name, version }), 'model-versions/get');
}

export async function setModelVersionTag(client: DatabricksClient, name: string, version: string, tag: RegistryTag): Promise<void> {
  await client.post(`${REGISTRY}/model-versions/tags`, { name, version, key: tag.key, value: tag.value });
}

/**
 * The "is the Databricks SDK models artifact repository enabled" RPC: whether model version files
 * go through the Files API (`/Models/...`). Its request message has no fields, so nothing is sent
 * (`mlflow` `mlflow/store/_unity_catalog/registry/rest_store.py`). Throws on any error; see modelStorage.ts for how MLflow treats that.
 */
export async function isModelsArtifactRepositoryEnabled(client: DatabricksClient): Promise<boolean> {
  const answer = await client.get<{ is_databricks_sdk_models_artifact_repository_enabled?: boolean }>(
    `${REGISTRY}/registered-models:is-databricks-sdk-models-artifact-repository-enabled`,
  );
  return answer.is_databricks_sdk_models_artifact_repository_enabled === true;
}

export type StorageMode = 'CUSTOMER_HOSTED' | 'DEFAULT_STORAGE';

export interface TemporaryModelVersionCredentials {
  azure_user_delegation_sas?: { sas_token?: string };
  /** Epoch milliseconds. */
  expiration_time?: number;
  storage_mode?: StorageMode;
}

export type CredentialOperation = 'MODEL_VERSION_OPERATION_READ_WRITE' | 'MODEL_VERSION_OPERATION_READ';

/** Temporary credentials for a version's storage_location (READ_WRITE while it is PENDING_REGISTRATION; READ, which only reads, is allowed in plan mode). */
export async function generateTemporaryCredentials(
  client: DatabricksClient,
  name: string,
  version: string,
  operation: CredentialOperation,
): Promise<TemporaryModelVersionCredentials> {
  const answer = await client.post<{ credentials?: TemporaryModelVersionCredentials }>(
    `${REGISTRY}/model-versions/generate-temporary-credentials`,
    { name, version, operation },
    { readOnly: operation === 'MODEL_VERSION_OPERATION_READ' },
  );
  return answer.credentials ?? {};
}

/** The version's page in Catalog Explorer. */
export function modelVersionPagePath(fullName: string, version: number | string): string {
  const [catalog, schema, model] = fullName.split('.');
  return apiPath`/explore/data/models/${catalog ?? ''}/${schema ?? ''}/${model ?? ''}/version/${String(version)}`;
}
