/**
 * The logged model inside a run's artifacts: its files, and the MLmodel check Unity Catalog
 * needs (a signature with outputs). Artifacts are read through signed URLs
 * (credentials-for-read), or through the Files API when the run's artifact location is a UC
 * volume.
 */
import { readSmallText } from '../../../shared/api/files';
import type { Readable } from 'node:stream';
import { yaml } from '../../../shared/runtime/yaml';
import { downloadFile } from '../../../shared/api/files';
import { credentialsForRead, listArtifactFiles, type Run } from '../../../shared/api/mlflow';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import type { StorageClient } from './storage';

export interface ArtifactFile {
  /** Relative to the run's artifact root, e.g. `model/data/model.pkl`. */
  path: string;
  /** Relative to the model directory, e.g. `data/model.pkl`. */
  relativePath: string;
  size: number;
}

export interface LoggedModel {
  /** `<artifact_uri>/<artifactPath>`: the `source` of the version. */
  source: string;
  files: ArtifactFile[];
  totalBytes: number;
  /** MLflow 3 logged model id from MLmodel, if any. */
  modelId?: string;
  flavors: string[];
}

/** Opens a run artifact for reading. */
export interface ArtifactReader {
  open(path: string): Promise<Readable>;
}

const MAX_MLMODEL_BYTES = 1024 * 1024;

export function artifactReader(client: DatabricksClient, storage: StorageClient, run: Run): ArtifactReader {
  const runId = run.info?.run_id ?? '';
  const volumeRoot = volumePath(run.info?.artifact_uri ?? '');
  if (volumeRoot !== undefined) {
    return { open: (path) => downloadFile(client, `${volumeRoot}/${path}`) };
  }
  return {
    async open(path) {
      const credential = await credentialsForRead(client, runId, path);
      return storage.download(credential.signed_uri!, credential.headers);
    },
  };
}

/** `dbfs:/Volumes/c/s/v/...` or `/Volumes/...` → `/Volumes/...`; other locations → undefined. */
export function volumePath(artifactUri: string): string | undefined {
  const m = /^(?:dbfs:)?(\/Volumes\/.+?)\/*$/.exec(artifactUri);
  return m?.[1];
}

export async function inspectLoggedModel(client: DatabricksClient, reader: ArtifactReader, run: Run, artifactPath: string): Promise<LoggedModel> {
  const runId = run.info?.run_id ?? '';
  const files: ArtifactFile[] = [];
  for await (const f of listArtifactFiles(client, runId, artifactPath)) {
    files.push({ path: f.path!, relativePath: f.path!.slice(artifactPath.length + 1), size: f.file_size ?? 0 });
  }
  if (files.length === 0) {
    throw new Error(`Run ${runId} has no files under '${artifactPath}'. Set artifactPath to the path the model was logged under (mlflow.<flavor>.log_model(..., name/artifact_path=...)).`);
  }
  const mlmodel = files.find((f) => f.relativePath === 'MLmodel');
  if (!mlmodel) {
    throw new Error(`'${artifactPath}' of run ${runId} holds no MLmodel file: it is not an MLflow model. Set artifactPath to the logged model's directory.`);
  }
  const parsed = parseMlModel(await readSmallText(await reader.open(mlmodel.path), MAX_MLMODEL_BYTES, 'The MLmodel file'), `${artifactPath}/MLmodel`);
  requireSignatureWithOutputs(parsed, runId, artifactPath);
  return {
    source: `${(run.info?.artifact_uri ?? '').replace(/\/+$/, '')}/${artifactPath}`,
    files,
    totalBytes: files.reduce((sum, f) => sum + f.size, 0),
    modelId: typeof parsed.model_id === 'string' ? parsed.model_id : undefined,
    flavors: parsed.flavors && typeof parsed.flavors === 'object' ? Object.keys(parsed.flavors) : [],
  };
}

interface MlModelFile {
  signature?: { inputs?: unknown; outputs?: unknown } | null;
  flavors?: Record<string, unknown>;
  model_id?: unknown;
}

export function parseMlModel(text: string, where: string): MlModelFile {
  let doc: unknown;
  try {
    doc = yaml().parse(text);
  } catch (e) {
    throw new Error(`${where} is not valid YAML: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${where} is not an MLmodel document (expected a YAML mapping)`);
  return doc as MlModelFile;
}

/** Unity Catalog refuses models without a signature that has outputs (MLflow checks the same). */
export function requireSignatureWithOutputs(mlmodel: MlModelFile, runId: string, artifactPath: string): void {
  const outputs = mlmodel.signature?.outputs;
  const empty = outputs === undefined || outputs === null || outputs === '' || outputs === '[]' || (Array.isArray(outputs) && outputs.length === 0);
  if (empty) {
    const what = mlmodel.signature ? 'has a signature without outputs' : 'has no signature';
    throw new Error(
      `The model '${artifactPath}' of run ${runId} ${what}. Unity Catalog requires a model signature with outputs; ` +
        'log the model with a signature (mlflow.models.infer_signature(X, model.predict(X)) passed as signature=..., or input_example=...) and register that run.',
    );
  }
}
