/**
 * Copies a model's files into a new version's storage, streaming: each file flows from its
 * download straight into its upload (never a whole file in memory), `concurrency` files at once.
 * The route is the one MLflow takes (shared/api/modelStorage.ts), decided from the flag asked
 * before the version was created:
 * - Files API: `PUT /api/2.0/fs/files/Models/…?overwrite=true` per file;
 * - ADLS SAS (customer-hosted storage): the DFS API create → append… → flush with the SAS of
 *   generate-temporary-credentials, renewed before its expiration_time and once after a 401/403
 *   from storage (MLflow's `_retry_with_new_creds`);
 * - presigned (default storage): `fs/create-upload-url` per file, one PUT with the returned
 *   headers, and a new URL once when that PUT fails (MLflow's PresignedUrlArtifactRepository).
 * Beyond MLflow: when the flag says Files API but the route answers 404 ENDPOINT_NOT_FOUND, the
 * copy continues with temporary credentials instead of failing.
 */
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createUploadUrl, modelVersionFilePath, uploadFile } from '../../../shared/api/files';
import { credentialRoute, routeText, type FlagDecision, type ModelStorageRoute } from '../../../shared/api/modelStorage';
import { generateTemporaryCredentials, type RegistryModelVersion, type TemporaryModelVersionCredentials } from '../../../shared/api/unityCatalogModels';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { DatabricksApiError } from '../../../shared/client/errors';
import type { Clock } from '../../../shared/runtime/clock';
import type { TaskLog } from '../../../shared/runtime/output';
import { runPool } from '../../../shared/runtime/pool';
import type { ArtifactFile, ArtifactReader } from './artifacts';
import { MULTIPART_MIN_BYTES, uploadMultipart } from './multipart';
import { SINGLE_PUT_LIMIT } from './limits';
import { FileSlices } from '../../../shared/client/slices';
import { explainStorageError, type StorageClient } from '../../../shared/client/storage';
import { message } from './messages';

export type UploadRoute = ModelStorageRoute;

export interface CopyResult {
  route: UploadRoute;
  files: number;
  bytes: number;
  /** How often temporary credentials were fetched (ADLS SAS route). */
  credentialRequests?: number;
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
/** A SAS this close to its expiration_time (task time) is renewed before use. */
const SAS_RENEW_MARGIN_MS = 5 * 60_000;

/** Fetches the version's temporary credentials once, for the route decision and the SAS route. */
export async function writeCredentials(deps: Pick<CopyDeps, 'client'>, modelName: string, version: string): Promise<TemporaryModelVersionCredentials> {
  return generateTemporaryCredentials(deps.client, modelName, version, 'MODEL_VERSION_OPERATION_READ_WRITE');
}

export async function copyModelFiles(
  deps: CopyDeps,
  modelName: string,
  version: RegistryModelVersion,
  files: readonly ArtifactFile[],
  options: { concurrency: number; flag: FlagDecision; credentials?: TemporaryModelVersionCredentials },
): Promise<CopyResult> {
  const versionId = version.version!;
  let sas: SasSource | undefined;
  const credentialSource = () => (sas ??= new SasSource(deps, () => writeCredentials(deps, modelName, versionId), modelName, versionId, options.credentials));
  let route: UploadRoute = options.flag.enabled ? 'filesApi' : credentialRoute((await credentialSource().credentials()).storage_mode);
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  let doneBytes = 0;
  let doneFiles = 0;
  deps.log.info(message('Copying', files.length, formatBytes(totalBytes), versionId, routeText(route), options.flag.reason));

  const viaCredentials = async (file: ArtifactFile): Promise<void> => {
    if (route === 'presigned') await uploadPresigned(deps, modelName, versionId, file);
    else await uploadWithSas(deps, credentialSource(), requireLocation(version), file);
  };
  const copyOne = async (file: ArtifactFile): Promise<void> => {
    try {
      if (route === 'filesApi') {
        try {
          await uploadThroughFilesApi(deps, modelName, versionId, file);
        } catch (error) {
          if (!(error instanceof DatabricksApiError && error.errorCode === 'ENDPOINT_NOT_FOUND')) throw error;
          if (route === 'filesApi') {
            route = credentialRoute((await credentialSource().credentials()).storage_mode);
            deps.log.info(message('FilesApiRefused', routeText(route)));
          }
          await viaCredentials(file);
        }
      } else {
        await viaCredentials(file);
      }
    } catch (error) {
      throw explainStorageError(error, routeText(route));
    }
    doneBytes += file.size;
    doneFiles++;
    deps.log.progress(totalBytes > 0 ? (doneBytes / totalBytes) * 100 : (doneFiles / files.length) * 100, message('CopyProgress', doneFiles, files.length));
  };

  // After a failure no further file is started (the version will not be finalized anyway).
  await runPool(files, options.concurrency, copyOne);
  return { route, files: files.length, bytes: totalBytes, credentialRequests: sas?.requests };
}

/**
 * The body of one upload attempt: a factory, so that an attempt the client retries (429, 503,
 * reset) re-opens the download. Checks the byte count against the listing.
 */
function bodyOf(deps: CopyDeps, file: ArtifactFile): () => Readable {
  return () => {
    const out = new PassThrough();
    deps.reader
      .open(file.path)
      .then((source) => pipeline(source, new ByteCounter(file), out))
      .catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
    return out;
  };
}

/** The answer comes after the whole body: a fixed allowance in task time (compressed in tests, with a floor for real sockets) plus the time the bytes take at the slowest acceptable rate. */
function uploadTimeoutMs(deps: CopyDeps, size: number): number {
  return Math.max(5_000, deps.clock.scale(60_000)) + Math.ceil((size / MIN_UPLOAD_RATE) * 1000);
}

/** One PUT below the SDK's multipart threshold (50 MiB), the multipart protocol above it. */
async function uploadThroughFilesApi(deps: CopyDeps, modelName: string, version: string, file: ArtifactFile): Promise<void> {
  const path = modelVersionFilePath(modelName, version, file.relativePath);
  const singlePut = () => uploadFile(deps.client, path, bodyOf(deps, file), { overwrite: true, timeoutMs: uploadTimeoutMs(deps, file.size) });
  if (file.size < MULTIPART_MIN_BYTES) return singlePut();
  const how = await uploadMultipart(
    deps,
    { path, size: file.size, open: () => deps.reader.open(file.path), singlePut, partTimeoutMs: (bytes) => uploadTimeoutMs(deps, bytes) },
    SINGLE_PUT_LIMIT,
  );
  deps.log.debug(`${file.relativePath}: ${how === 'multipart' ? 'multipart upload' : 'one PUT (multipart fallback)'}.`);
}

/** Default storage: a presigned URL per file and one PUT; a failed PUT gets a new URL once. */
async function uploadPresigned(deps: CopyDeps, modelName: string, version: string, file: ArtifactFile): Promise<void> {
  const path = modelVersionFilePath(modelName, version, file.relativePath);
  const attempt = async () => {
    const target = await createUploadUrl(deps.client, path);
    await deps.storage.putBlob(target.url, target.headers, bodyOf(deps, file), file.size, uploadTimeoutMs(deps, file.size));
  };
  try {
    await attempt();
  } catch (error) {
    if (!(error instanceof DatabricksApiError) || isStorageFirewall(error)) throw error;
    deps.log.debug(`Uploading ${file.relativePath}: storage answered ${error.statusCode}; asking for a new presigned URL once.`);
    await attempt();
  }
}

async function uploadWithSas(deps: CopyDeps, sas: SasSource, location: string, file: ArtifactFile): Promise<void> {
  const token = await sas.token();
  const send = async (sasToken: string) => {
    const slices = new FileSlices(() => deps.reader.open(file.path), file.path, file.size);
    try {
      await deps.storage.uploadDfs(location, file.relativePath, sasToken, slices, file.size);
    } finally {
      slices.close();
    }
  };
  try {
    await send(token);
  } catch (error) {
    if (!(error instanceof DatabricksApiError && (error.statusCode === 401 || error.statusCode === 403)) || isStorageFirewall(error)) throw error;
    deps.log.debug(`Uploading ${file.relativePath}: storage answered ${error.statusCode} (${error.errorCode}); renewing the SAS once.`);
    await send(await sas.renewAfter(token));
  }
}

function isStorageFirewall(error: DatabricksApiError): boolean {
  return explainStorageError(error, '') !== error;
}

/**
 * The version's SAS: fetched once, renewed when within SAS_RENEW_MARGIN_MS of its
 * expiration_time, and after a 401/403 (once per token, however many uploads saw it fail).
 */
class SasSource {
  private state: Promise<TemporaryModelVersionCredentials>;
  requests = 0;

  constructor(
    private readonly deps: CopyDeps,
    private readonly fetch: () => Promise<TemporaryModelVersionCredentials>,
    private readonly modelName: string,
    private readonly version: string,
    initial?: TemporaryModelVersionCredentials,
  ) {
    this.state = initial ? Promise.resolve(this.mask(initial)) : this.load();
  }

  credentials(): Promise<TemporaryModelVersionCredentials> {
    return this.state;
  }

  async token(): Promise<string> {
    const current = this.state;
    const credentials = await current;
    const expires = credentials.expiration_time;
    if (expires !== undefined && expires - this.deps.clock.now() < this.deps.clock.scale(SAS_RENEW_MARGIN_MS) && this.state === current) {
      this.deps.log.debug(`The SAS of version ${this.version} expires at ${new Date(expires).toISOString()}: renewing it before use.`);
      this.state = this.load();
    }
    return this.tokenOf(await this.state);
  }

  async renewAfter(failed: string): Promise<string> {
    const current = this.state;
    if (this.tokenOf(await current) === failed && this.state === current) this.state = this.load();
    return this.tokenOf(await this.state);
  }

  private async load(): Promise<TemporaryModelVersionCredentials> {
    this.requests++;
    return this.mask(await this.fetch());
  }

  private mask(credentials: TemporaryModelVersionCredentials): TemporaryModelVersionCredentials {
    const token = credentials.azure_user_delegation_sas?.sas_token;
    if (token) this.deps.setSecret?.(token);
    return credentials;
  }

  private tokenOf(credentials: TemporaryModelVersionCredentials): string {
    const token = credentials.azure_user_delegation_sas?.sas_token;
    if (!token)
      throw new Error(`generate-temporary-credentials gave no Azure SAS for version ${this.version} of ${this.modelName} (storage_mode ${credentials.storage_mode ?? 'unknown'})`);
    return token;
  }
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
