/**
 * A large file through the Files API, as databricks-sdk-py's `FilesExt.upload` sends it
 * (py-sdk `databricks/sdk/mixins/files.py`): below `files_ext_multipart_upload_min_stream_size` (50 MiB) one PUT, above it
 * the multipart protocol (shared/api/filesMultipart.ts). Parts are sent one after the other, each
 * streamed from the download with its exact length (FileSlices), so no part is held in memory;
 * the next part's URL is asked for while the current part is sent.
 *
 * Part size: the SDK takes the smallest of its options giving at most 100 parts (20 MiB for
 * 1 GiB); this task takes 100 MiB parts whatever the file size. A part is streamed, never held,
 * so its size costs no memory, while every part boundary costs a round trip during which the
 * download waits: 100 MiB parts made a 1 GiB copy 0.85 × a plain stream copy instead of 0.73–0.79
 * (`npm run bench`, registerModel group, one run each); a re-sent part re-reads at most 100 MiB.
 * As the SDK does: an expired part URL (403 "Signature not valid in the specified time frame" / "Request has
 * expired") gets a new URL, at most 3 times per part; when the first part URL or the first part
 * fails, the session is aborted and the whole file is sent with one PUT (≤ 5 GiB) instead; any
 * later failure aborts the session (best effort) and fails the copy.
 * Unlike the SDK, which buffers each part to re-send it, a re-sent part is read again from the
 * download (re-opened and skipped to the part).
 */
import type { Readable } from 'node:stream';
import { completeUpload, createAbortUploadUrl, createUploadPartUrl, initiateUpload, type SignedRequest } from '../../../shared/api/filesMultipart';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { DatabricksApiError } from '../../../shared/client/errors';
import { FileSlices } from '../../../shared/client/slices';
import type { StorageClient } from '../../../shared/client/storage';
import type { Clock } from '../../../shared/runtime/clock';
import type { TaskLog } from '../../../shared/runtime/output';

const MiB = 1024 * 1024;
export const MULTIPART_MIN_BYTES = 50 * MiB;
export const PART_BYTES = 100 * MiB;
const MAX_URL_RETRIES = 3;

export interface MultipartDeps {
  client: DatabricksClient;
  storage: StorageClient;
  log: TaskLog;
  clock: Clock;
}

export interface MultipartFile {
  /** Files API path. */
  path: string;
  size: number;
  open(): Promise<Readable>;
  /** The single PUT the SDK falls back to. */
  singlePut(): Promise<void>;
  /** Per-part timeout. */
  partTimeoutMs(bytes: number): number;
}

/** Returns how the file went: 'multipart', or 'single' after the SDK's fallback. */
export async function uploadMultipart(deps: MultipartDeps, file: MultipartFile, singlePutLimit: number): Promise<'multipart' | 'single'> {
  const session = await initiateUpload(deps.client, file.path, true);
  if (session.kind !== 'multipart') {
    // GCP's resumable protocol: not an Azure Databricks answer.
    if (file.size > singlePutLimit)
      throw new Error(`The Files API answered with a resumable upload session for ${file.path}, which this task does not send; the file is too large for one PUT.`);
    await file.singlePut();
    return 'single';
  }
  const token = session.sessionToken;
  const partSize = PART_BYTES;
  const count = Math.ceil(file.size / partSize);
  const slices = new FileSlices(file.open, file.path, file.size);
  const etags: Array<{ part_number: number; etag: string }> = [];
  const urlOf = (n: number) => createUploadPartUrl(deps.client, file.path, token, n, deps.clock.now());
  try {
    let nextUrl = urlOf(1);
    for (let partNumber = 1; partNumber <= count; partNumber++) {
      const offset = (partNumber - 1) * partSize;
      const length = Math.min(partSize, file.size - offset);
      const url = nextUrl;
      // The next part's URL is asked for while this part is sent.
      if (partNumber < count) {
        nextUrl = urlOf(partNumber + 1);
        nextUrl.catch(() => undefined);
      }
      let etag: string;
      try {
        etag = await sendPart(deps, file, { partNumber, url: await url, again: () => urlOf(partNumber), body: slices.body(offset, length), length });
      } catch (error) {
        if (partNumber === 1 && file.size <= singlePutLimit && !(error instanceof Error && error.name === 'CancelledError')) {
          deps.log.debug(`Multipart upload of ${file.path}: the first part failed (${(error as Error).message}); sending the file with one PUT, as the SDK does.`);
          slices.close();
          await nextUrl.catch(() => undefined);
          await abort(deps, file.path, token);
          await file.singlePut();
          return 'single';
        }
        throw error;
      }
      etags.push({ part_number: partNumber, etag });
    }
    await slices.requireEnd();
    slices.close();
    await completeUpload(deps.client, file.path, token, etags);
    return 'multipart';
  } catch (error) {
    slices.close();
    await abort(deps, file.path, token);
    throw error;
  }
}

interface PartToSend {
  partNumber: number;
  url: SignedRequest;
  again: () => Promise<SignedRequest>;
  body: () => Readable;
  length: number;
}

async function sendPart(deps: MultipartDeps, file: MultipartFile, part: PartToSend): Promise<string> {
  let target = part.url;
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.storage.putPart(target.url, target.headers, part.body, part.length, file.partTimeoutMs(part.length));
    } catch (error) {
      if (attempt >= MAX_URL_RETRIES || !isExpiredUrl(error)) throw error;
      deps.log.debug(`Part ${part.partNumber} of ${file.path}: the part URL expired; asking for a new one.`);
      target = await part.again();
    }
  }
}

/** Azure's "Signature not valid in the specified time frame", AWS's "Request has expired". */
function isExpiredUrl(error: unknown): boolean {
  if (!(error instanceof DatabricksApiError) || error.statusCode !== 403) return false;
  return /Signature not valid in the specified time frame|Request has expired/.test(error.serviceMessage);
}

async function abort(deps: MultipartDeps, path: string, token: string): Promise<void> {
  try {
    const target = await createAbortUploadUrl(deps.client, path, token, deps.clock.now());
    await deps.storage.deleteSigned(target.url, target.headers);
  } catch (error) {
    deps.log.debug(`Aborting the multipart upload of ${path} failed (best effort): ${(error as Error).message}`);
  }
}
