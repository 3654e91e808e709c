/**
 * The Files API (`/api/2.0/fs/files/...`): streamed uploads and downloads of UC volume files and
 * of model version files (`/Models/<catalog>/<schema>/<model>/<version>/...`). Bodies are never
 * held in memory: uploads take a factory that opens a fresh stream per attempt (so a retried
 * attempt re-reads the source), downloads hand back the response stream.
 */
import type { Readable } from 'node:stream';
import type { DatabricksClient } from '../client/databricksClient';
import { apiPath, segments } from '../client/path';

/** Uploads one file; `path` is absolute in the Files API namespace (e.g. `/Models/main/ml/churn/8/MLmodel`). */
export async function uploadFile(client: DatabricksClient, path: string, body: () => Readable, options: { overwrite?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const response = await client.stream('PUT', apiPath`/api/2.0/fs/files/${segments(path)}`, {
    query: { overwrite: options.overwrite ?? false },
    headers: { 'content-type': 'application/octet-stream' },
    body,
    timeoutMs: options.timeoutMs,
  });
  // 204 has no body; anything else would be drained here so the connection can be reused.
  response.bodyStream?.resume();
}

/** Opens a file for reading: the response body as a stream. */
export async function downloadFile(client: DatabricksClient, path: string, options: { timeoutMs?: number } = {}): Promise<Readable> {
  const response = await client.stream('GET', apiPath`/api/2.0/fs/files/${segments(path)}`, { streamResponse: true, timeoutMs: options.timeoutMs });
  if (!response.bodyStream) throw new Error(`The Files API answered without a body for ${path}`);
  return response.bodyStream;
}

export interface PresignedUrl {
  url: string;
  headers: Array<{ name: string; value: string }>;
}

function presigned(answer: { url?: string; headers?: Array<{ name: string; value: string }> }, what: string): PresignedUrl {
  if (!answer.url) throw new Error(`${what} answered without a url`);
  return { url: answer.url, headers: answer.headers ?? [] };
}

/** A presigned URL that takes one PUT of the whole file (`POST /api/2.0/fs/create-upload-url {"path"}`, as MLflow's PresignedUrlArtifactRepository asks). */
export async function createUploadUrl(client: DatabricksClient, path: string): Promise<PresignedUrl> {
  return presigned(await client.post<{ url?: string; headers?: Array<{ name: string; value: string }> }>('/api/2.0/fs/create-upload-url', { path }), 'fs/create-upload-url');
}

/** A presigned URL that reads one file (`POST /api/2.0/fs/create-download-url {"path"}`); it only reads, so plan mode may ask. */
export async function createDownloadUrl(client: DatabricksClient, path: string): Promise<PresignedUrl> {
  return presigned(
    await client.post<{ url?: string; headers?: Array<{ name: string; value: string }> }>('/api/2.0/fs/create-download-url', { path }, { readOnly: true }),
    'fs/create-download-url',
  );
}

/** The Files API path of a model version's file. */
export function modelVersionFilePath(fullName: string, version: string, relativePath: string): string {
  return `/Models/${fullName.split('.').join('/')}/${version}/${relativePath}`;
}

/** Reads a small text file (an MLmodel) from a stream, refusing one larger than `limit` bytes. */
export async function readSmallText(stream: Readable, limit: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
