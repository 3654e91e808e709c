/**
 * Copies a logged model's files into a new version's storage, streaming: each file flows from
 * its download straight into its upload (never a whole file in memory). The Files API is used
 * where the workspace offers it for models; otherwise (feature flag off, or the route answers
 * 404 ENDPOINT_NOT_FOUND) the version's storage_location is written with a temporary
 * user-delegation SAS through the ADLS Gen2 DFS API.
 */
import { runPool } from '../../../shared/runtime/pool';
import type { Clock } from '../../../shared/runtime/clock';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { modelVersionFilePath, uploadFile } from '../../../shared/api/files';
import { generateWriteCredentials, isFilesApiUploadEnabled, type RegistryModelVersion } from '../../../shared/api/unityCatalogModels';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { DatabricksApiError } from '../../../shared/client/errors';
import type { TaskLog } from '../../../shared/runtime/output';
import type { ArtifactFile, ArtifactReader } from './artifacts';
import type { StorageClient } from './storage';

export type UploadRoute = 'filesApi' | 'sas';

export interface CopyResult {
  route: UploadRoute;
  files: number;
  bytes: number;
}

export interface CopyDeps {
  client: DatabricksClient;
  storage: StorageClient;
  reader: ArtifactReader;
  log: TaskLog;
  clock: Clock;
  /** Masks a credential the task receives (the SAS token) in the pipeline log. */
  setSecret?: (value: string) => void;
}

/** The slowest throughput an upload attempt is allowed before it times out (bytes per second). */
const MIN_UPLOAD_RATE = 256 * 1024;

export async function copyModelFiles(deps: CopyDeps, modelName: string, version: RegistryModelVersion, files: readonly ArtifactFile[], concurrency: number): Promise<CopyResult> {
  const versionId = version.version!;
  let route: UploadRoute = (await isFilesApiUploadEnabled(deps.client, modelName)) ? 'filesApi' : 'sas';
  let sas: Promise<string> | undefined;
  const sasToken = () =>
    (sas ??= writeSas(deps.client, modelName, version).then((token) => {
      deps.setSecret?.(token);
      return token;
    }));
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  let doneBytes = 0;
  let doneFiles = 0;
  deps.log.info(`Copying ${files.length} file(s), ${formatBytes(totalBytes)}, into version ${versionId} (${route === 'filesApi' ? 'Files API' : 'storage location with a temporary SAS'}).`);

  const copyOne = async (file: ArtifactFile): Promise<void> => {
    if (route === 'filesApi') {
      try {
        await uploadThroughFilesApi(deps, modelName, versionId, file);
      } catch (error) {
        if (!(error instanceof DatabricksApiError && error.errorCode === 'ENDPOINT_NOT_FOUND')) throw error;
        if (route === 'filesApi') deps.log.info('The Files API does not take model files in this workspace: writing to the storage location with a temporary SAS instead.');
        route = 'sas';
        await deps.storage.uploadDfs(requireLocation(version), file.relativePath, await sasToken(), await deps.reader.open(file.path));
      }
    } else {
      await deps.storage.uploadDfs(requireLocation(version), file.relativePath, await sasToken(), await deps.reader.open(file.path));
    }
    doneBytes += file.size;
    doneFiles++;
    deps.log.progress(totalBytes > 0 ? (doneBytes / totalBytes) * 100 : (doneFiles / files.length) * 100, `Copied ${doneFiles}/${files.length} files`);
  };

  // After a failure no further file is started (the version will not be finalized anyway).
  await runPool(files, concurrency, copyOne);
  return { route, files: files.length, bytes: totalBytes };
}

async function uploadThroughFilesApi(deps: CopyDeps, modelName: string, version: string, file: ArtifactFile): Promise<void> {
  // A factory, so that an attempt the client retries (429, 503, reset) re-opens the download.
  const body = (): Readable => {
    const out = new PassThrough();
    deps.reader
      .open(file.path)
      .then((source) => pipeline(source, new ByteCounter(file), out))
      .catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
    return out;
  };
  // The answer comes after the whole body: a fixed allowance in task time (compressed in tests,
  // with a floor for real sockets) plus the time the bytes take at the slowest acceptable rate.
  const timeoutMs = Math.max(5_000, deps.clock.scale(60_000)) + Math.ceil((file.size / MIN_UPLOAD_RATE) * 1000);
  await uploadFile(deps.client, modelVersionFilePath(modelName, version, file.relativePath), body, { overwrite: true, timeoutMs });
}

/** Fails the upload when the source delivers another number of bytes than the listing said. */
class ByteCounter extends Transform {
  private seen = 0;
  constructor(private readonly file: ArtifactFile) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    // A listing without sizes (0) cannot be checked.
    const matches = this.file.size === 0 || this.seen === this.file.size;
    callback(matches ? null : new Error(`Artifact ${this.file.path}: read ${this.seen} bytes, the listing says ${this.file.size}`));
  }
}

async function writeSas(client: DatabricksClient, modelName: string, version: RegistryModelVersion): Promise<string> {
  const credentials = await generateWriteCredentials(client, modelName, version.version!);
  if (credentials.storage_mode === 'DEFAULT_STORAGE') {
    throw new Error(`Version ${version.version} of ${modelName} lives in default storage, which only the Files API can write, and the Files API refused model files. Ask the workspace admin to enable the Files API for models.`);
  }
  const token = credentials.azure_user_delegation_sas?.sas_token;
  if (!token) throw new Error(`generate-temporary-credentials gave no Azure SAS for version ${version.version} of ${modelName}`);
  return token;
}

function requireLocation(version: RegistryModelVersion): string {
  if (!version.storage_location) throw new Error(`Version ${version.version} has no storage_location to upload to`);
  return version.storage_location;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
