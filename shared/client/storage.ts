/**
 * Plain HTTP against cloud storage, outside the workspace (DatabricksRegisterModel's copy, and
 * CreateMonitor's read of a served version's MLmodel): reading through a signed URL, one PUT to
 * a presigned URL, and writing a model version's files to its `storage_location` with a user-delegation SAS
 * through the ADLS Gen2 DFS REST API (create → append… → flush). The requests go through a
 * pipeline WITHOUT the Databricks bearer token (the SAS in the URL is the credential), with the
 * same retries and error parsing as API calls.
 *
 * Azure Storage needs a Content-Length on every append, so a file is sent in appends of at most
 * BLOCK_BYTES, each streamed from the download with its exact length (FileSlices): no block is
 * held in memory.
 */
import type { Readable } from 'node:stream';
import { DatabricksApiError } from './errors';
import type { FileSlices } from './slices';
import { message } from '../runtime/messages';
import type { PipelineRequest, PipelineResponse, RequestBody, SendRequest } from './pipeline';

/**
 * 100 MiB appends (Azure allows up to 4000 MiB per append since version 2019-12-12:
 * https://learn.microsoft.com/rest/api/storageservices/datalakestoragegen2/path/update): streamed,
 * so the size costs no memory, while each append boundary costs a round trip during which the
 * download waits (a 1 GiB copy: 0.74 × a plain stream copy in 32 MiB appends, 1.00 in 100 MiB
 * ones; `npm run bench`, registerModel group, one run each).
 */
export const BLOCK_BYTES = 100 * 1024 * 1024;
const DFS_API_VERSION = '2023-11-03';
/** An empty body, so that fetch sends `Content-Length: 0` (Azure Storage refuses a PATCH without one). */
const EMPTY = new Uint8Array(0);

export interface StorageOptions {
  send: SendRequest;
  timeoutMs: number;
  signal?: AbortSignal;
}

export class StorageClient {
  constructor(private readonly options: StorageOptions) {}

  /** Opens a signed URL for reading; `headers` are the ones credentials-for-read asked for. */
  async download(url: string, headers: Array<{ name: string; value: string }> = []): Promise<Readable> {
    const response = await this.exchange('GET', new URL(url), { headers: Object.fromEntries(headers.map((h) => [h.name, h.value])), streamResponse: true });
    if (!response.bodyStream) throw new Error('The storage answered without a body');
    return response.bodyStream;
  }

  /**
   * Writes one file of `size` bytes under an `abfss://<container>@<host>/<path>` location with a
   * SAS token: create, appends streamed from `slices`, flush.
   */
  async uploadDfs(location: string, relativePath: string, sasToken: string, slices: FileSlices, size: number): Promise<void> {
    const url = dfsFileUrl(location, relativePath, sasToken);
    await this.exchange('PUT', withQuery(url, { resource: 'file' }), { body: EMPTY });
    for (let position = 0; position < size; position += BLOCK_BYTES) {
      const length = Math.min(BLOCK_BYTES, size - position);
      await this.exchange('PATCH', withQuery(url, { action: 'append', position: String(position) }), {
        body: slices.body(position, length),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
      });
    }
    await slices.requireEnd();
    await this.exchange('PATCH', withQuery(url, { action: 'flush', position: String(size) }), { body: EMPTY });
  }

  /**
   * One PUT of a whole file to a presigned URL (default storage), with the headers
   * create-upload-url returned and the length Azure Blob Storage requires.
   */
  async putBlob(url: string, headers: Array<{ name: string; value: string }>, body: () => Readable, size: number, timeoutMs: number): Promise<void> {
    await this.exchange('PUT', new URL(url), {
      headers: { ...Object.fromEntries(headers.map((h) => [h.name, h.value])), 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
      timeoutMs,
    });
  }

  /** One part of a multipart upload, streamed with its length (`part` re-opens for a retried attempt); returns the part's ETag. */
  async putPart(url: string, headers: Array<{ name: string; value: string }>, part: () => Readable, length: number, timeoutMs: number): Promise<string> {
    const response = await this.exchange('PUT', new URL(url), {
      headers: { 'content-type': 'application/octet-stream', ...Object.fromEntries(headers.map((h) => [h.name, h.value])), 'content-length': String(length) },
      body: part,
      timeoutMs,
    });
    const etag = response.headers.get('etag');
    if (!etag) throw new Error('The storage accepted an upload part without an ETag');
    return etag;
  }

  /** A DELETE of a signed URL (aborting a multipart upload). */
  async deleteSigned(url: string, headers: Array<{ name: string; value: string }>): Promise<void> {
    await this.exchange('DELETE', new URL(url), { headers: Object.fromEntries(headers.map((h) => [h.name, h.value])), body: EMPTY });
  }

  private async exchange(
    method: PipelineRequest['method'],
    url: URL,
    options: { headers?: Record<string, string>; body?: RequestBody; streamResponse?: boolean; timeoutMs?: number },
  ): Promise<PipelineResponse> {
    const response = await this.options.send({
      method,
      url,
      headers: new Headers({ 'x-ms-version': DFS_API_VERSION, ...options.headers }),
      body: options.body,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs,
      signal: this.options.signal,
      // Appends at an explicit position and the create/flush calls can be repeated safely.
      idempotent: true,
      streamResponse: options.streamResponse,
      operation: `storage ${method}`,
      attempt: 1,
    });
    if (!options.streamResponse) response.bodyStream?.resume();
    return response;
  }
}

/** `abfss://container@account.dfs.core.windows.net/a/b` + `data/model.pkl` → `https://account.dfs.core.windows.net/container/a/b/data/model.pkl?<sas>`. */
export function dfsFileUrl(location: string, relativePath: string, sasToken: string): URL {
  const match = /^abfss:\/\/([^@/]+)@([^/]+)(\/.*)?$/.exec(location);
  if (!match) throw new Error(`The version's storage location is not an abfss:// URI: ${location}`);
  const [, container, host, base] = match;
  const parts = [container!, ...(base ?? '').split('/'), ...relativePath.split('/')].filter((p) => p !== '');
  const url = new URL(`https://${host}/${parts.map(encodeURIComponent).join('/')}`);
  for (const [k, v] of new URLSearchParams(sasToken.replace(/^\?/, ''))) url.searchParams.append(k, v);
  return url;
}

function withQuery(url: URL, extra: Record<string, string>): URL {
  const copy = new URL(url);
  for (const [k, v] of Object.entries(extra)) copy.searchParams.set(k, v);
  return copy;
}

/** Azure Storage's answers to a client outside the account's network (firewall, private endpoints). */
const NETWORK_REFUSALS = ['AuthorizationFailure', 'AuthorizationPermissionMismatch'];

/**
 * A 403 from storage whose code says the account refuses this client's network becomes an error
 * that says so; any other error is returned as is.
 */
export function explainStorageError(error: unknown, route: string): unknown {
  if (!(error instanceof DatabricksApiError) || error.statusCode !== 403) return error;
  const header = error.response?.headers?.get('x-ms-error-code') ?? '';
  const code = NETWORK_REFUSALS.find((c) => c === header || c === error.errorCode || error.serviceMessage.includes(`<Code>${c}</Code>`));
  if (!code) return error;
  return new Error(message('StorageNetworkRefused', route, code));
}
