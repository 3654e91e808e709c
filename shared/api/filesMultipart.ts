/**
 * The Files API multipart upload protocol as databricks-sdk-py's `FilesExt` sends it
 * (py-sdk `databricks/sdk/mixins/files.py`): initiate → one part URL per part
 * (`create-upload-part-urls`) → PUT each part to cloud storage → complete with the parts' ETags;
 * abort through `create-abort-upload-url` on failure. The part PUTs go to storage, not the
 * workspace (see StorageClient.putPart).
 */
import type { DatabricksClient } from '../client/databricksClient';
import { apiPath, segments } from '../client/path';

export interface SignedRequest {
  url: string;
  headers: Array<{ name: string; value: string }>;
}

/** URL lifetime asked for (`files_ext_multipart_upload_url_expiration_duration` = 1 h). */
const URL_LIFETIME_MS = 60 * 60_000;

function expireTime(now: number): string {
  // RFC 3339 with Z and no milliseconds, as the SDK formats it.
  return new Date(now + URL_LIFETIME_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Starts a session; Azure and AWS answer `multipart_upload`, GCP `resumable_upload` (not sent by this client). */
export async function initiateUpload(client: DatabricksClient, path: string, overwrite: boolean): Promise<{ sessionToken: string; kind: 'multipart' | 'resumable' }> {
  const answer = await client.request<{ multipart_upload?: { session_token?: string }; resumable_upload?: { session_token?: string } }>(
    'POST',
    apiPath`/api/2.0/fs/files/${segments(path)}`,
    {
      query: { action: 'initiate-upload', overwrite },
    },
  );
  if (answer.multipart_upload?.session_token) return { sessionToken: answer.multipart_upload.session_token, kind: 'multipart' };
  if (answer.resumable_upload?.session_token) return { sessionToken: answer.resumable_upload.session_token, kind: 'resumable' };
  throw new Error(`initiate-upload answered without a session token for ${path}`);
}

export async function createUploadPartUrl(client: DatabricksClient, path: string, sessionToken: string, partNumber: number, now: number): Promise<SignedRequest> {
  const answer = await client.post<{ upload_part_urls?: Array<{ part_number?: number; url?: string; headers?: Array<{ name: string; value: string }> }> }>(
    '/api/2.0/fs/create-upload-part-urls',
    { path, session_token: sessionToken, start_part_number: partNumber, count: 1, expire_time: expireTime(now) },
  );
  const part = answer.upload_part_urls?.find((p) => p.part_number === partNumber) ?? answer.upload_part_urls?.[0];
  if (!part?.url) throw new Error(`create-upload-part-urls gave no URL for part ${partNumber} of ${path}`);
  return { url: part.url, headers: part.headers ?? [] };
}

export async function completeUpload(client: DatabricksClient, path: string, sessionToken: string, parts: Array<{ part_number: number; etag: string }>): Promise<void> {
  await client.request('POST', apiPath`/api/2.0/fs/files/${segments(path)}`, {
    query: { action: 'complete-upload', upload_type: 'multipart', session_token: sessionToken },
    body: { parts: [...parts].sort((a, b) => a.part_number - b.part_number) },
  });
}

export async function createAbortUploadUrl(client: DatabricksClient, path: string, sessionToken: string, now: number): Promise<SignedRequest> {
  const answer = await client.post<{ abort_upload_url?: { url?: string; headers?: Array<{ name: string; value: string }> } }>('/api/2.0/fs/create-abort-upload-url', {
    path,
    session_token: sessionToken,
    expire_time: expireTime(now),
  });
  if (!answer.abort_upload_url?.url) throw new Error(`create-abort-upload-url gave no URL for ${path}`);
  return { url: answer.abort_upload_url.url, headers: answer.abort_upload_url.headers ?? [] };
}
