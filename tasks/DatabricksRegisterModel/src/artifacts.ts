/**
 * The model's MLmodel file, read before anything is written: the checks MLflow makes before it
 * creates a version (a signature with outputs; a Feature Store-packaged model refused), and the
 * `model_version_dependencies` it sends (`mlflow`
 * `mlflow/store/_unity_catalog/registry/rest_store.py`, `get_feature_dependencies` and
 * `get_model_version_dependencies`).
 */
import { readSmallText } from '../../../shared/api/files';
import type { ModelVersionDependency } from '../../../shared/api/unityCatalogModels';
import { yaml } from '../../../shared/runtime/yaml';
import type { ModelLocation } from './locate';
import { message } from './messages';

export type { ArtifactFile, ArtifactReader } from './locate';

/** A located model whose MLmodel passed the checks: what registration needs. */
export interface InspectedModel extends ModelLocation {
  totalBytes: number;
  flavors: string[];
  dependencies: ModelVersionDependency[];
}

const MAX_MLMODEL_BYTES = 1024 * 1024;

export async function inspectModel(location: ModelLocation): Promise<InspectedModel> {
  const mlmodel = location.files.find((f) => f.relativePath === 'MLmodel');
  if (!mlmodel) {
    throw new Error(message('NoMlmodelFile', capitalize(location.where)));
  }
  const parsed = parseMlModel(await readSmallText(await location.reader.open(mlmodel.path), MAX_MLMODEL_BYTES, 'The MLmodel file'), `The MLmodel of ${location.where}`);
  refuseFeatureStoreModel(parsed, location.where);
  requireSignatureWithOutputs(parsed, location.where);
  return {
    ...location,
    totalBytes: location.files.reduce((sum, f) => sum + f.size, 0),
    flavors: parsed.flavors && typeof parsed.flavors === 'object' ? Object.keys(parsed.flavors) : [],
    dependencies: modelVersionDependencies(parsed),
  };
}

interface MlModelFile {
  signature?: { inputs?: unknown; outputs?: unknown } | null;
  flavors?: Record<string, unknown>;
  model_id?: unknown;
  resources?: unknown;
  auth_policy?: unknown;
}

export function parseMlModel(text: string, where: string): MlModelFile {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (e) {
    throw new Error(message('MlmodelNotYaml', where, (e as Error).message));
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(message('MlmodelNotMapping', where));
  return doc as MlModelFile;
}

/** Unity Catalog refuses models without a signature that has outputs (MLflow checks the same). */
export function requireSignatureWithOutputs(mlmodel: MlModelFile, where: string): void {
  const outputs = mlmodel.signature?.outputs;
  const empty = outputs === undefined || outputs === null || outputs === '' || outputs === '[]' || (Array.isArray(outputs) && outputs.length === 0);
  if (empty) {
    const what = mlmodel.signature ? 'has a signature without outputs' : 'has no signature';
    throw new Error(
      `The model (${where}) ${what}. Unity Catalog requires a model signature with outputs; ` +
        'log the model with a signature (mlflow.models.infer_signature(X, model.predict(X)) passed as signature=..., or input_example=...) and register that run.',
    );
  }
}

const FEATURE_STORE_LOADER = 'databricks.feature_store.mlflow_model';

/** MLflow's `get_feature_dependencies` raises for these outside a Databricks cluster; so does the task, before any write. */
export function refuseFeatureStoreModel(mlmodel: MlModelFile, where: string): void {
  const pyfunc = record(mlmodel.flavors)?.python_function;
  if (record(pyfunc)?.loader_module === FEATURE_STORE_LOADER) {
    throw new Error(message('FeatureStoreModel', where, FEATURE_STORE_LOADER));
  }
}

/** resources key → dependency type (MLflow's `_DATABRICKS_*` mapping in rest_store.py). */
const RESOURCE_TYPES: ReadonlyArray<[string, ModelVersionDependency['type']]> = [
  ['vector_search_index', 'DATABRICKS_VECTOR_INDEX'],
  ['serving_endpoint', 'DATABRICKS_MODEL_ENDPOINT'],
  ['function', 'DATABRICKS_UC_FUNCTION'],
  ['uc_connection', 'DATABRICKS_UC_CONNECTION'],
  ['table', 'DATABRICKS_TABLE'],
];

/** The langchain flavor's older `databricks_dependency` keys, used when MLmodel has no resources. */
const LANGCHAIN_KEYS: ReadonlyArray<[string, ModelVersionDependency['type']]> = [
  ['databricks_vector_search_index_name', 'DATABRICKS_VECTOR_INDEX'],
  ['databricks_embeddings_endpoint_name', 'DATABRICKS_MODEL_ENDPOINT'],
  ['databricks_llm_endpoint_name', 'DATABRICKS_MODEL_ENDPOINT'],
  ['databricks_chat_endpoint_name', 'DATABRICKS_MODEL_ENDPOINT'],
];

/**
 * `model_version_dependencies` as MLflow builds them: `auth_policy.system_auth_policy.resources`
 * when `auth_policy` is set, else `resources`; under `databricks`, the five lists above, skipping
 * entries marked `on_behalf_of_user: true`; without resources, the langchain flavor's keys.
 */
export function modelVersionDependencies(mlmodel: MlModelFile): ModelVersionDependency[] {
  const resources =
    mlmodel.auth_policy !== undefined && mlmodel.auth_policy !== null ? record(record(record(mlmodel.auth_policy)?.system_auth_policy)?.resources) : record(mlmodel.resources);
  const found: ModelVersionDependency[] = [];
  if (resources) {
    const databricks = record(resources.databricks);
    for (const [key, type] of RESOURCE_TYPES) {
      for (const entry of list(databricks?.[key])) {
        const e = record(entry);
        if (typeof e?.name !== 'string' || e.name === '' || e.on_behalf_of_user === true) continue;
        found.push({ type, name: e.name });
      }
    }
    return found;
  }
  const langchain = record(record(record(mlmodel.flavors)?.langchain)?.databricks_dependency);
  for (const [key, type] of LANGCHAIN_KEYS) {
    for (const name of list(langchain?.[key])) if (typeof name === 'string' && name !== '') found.push({ type, name });
  }
  return found;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
