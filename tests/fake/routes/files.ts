/**
 * Where files live in the fake: one object store shared by
 * - the Files API of the workspace (`/api/2.0/fs/files/...`: UC volumes, and model version files
 *   under `/Models/<catalog>/<schema>/<model>/<version>/...`), bearer-authenticated like every route;
 * - a fake cloud storage account (its own HTTPS server on 127.0.0.1, started on first use) that
 *   serves MLflow artifacts through signed URLs and takes model version files through the ADLS
 *   Gen2 DFS API (create / append / flush) with a SAS, or as one Put Blob on a presigned URL
 *   (`fs/create-upload-url`, default storage). It refuses requests that carry an Authorization
 *   header: a Databricks token must never be sent to storage.
 *
 * Storage faults as the storage services document them: a SAS lives `sasLifetimeMs` (task time) and then
 * answers 403 AuthenticationFailed ("Signature not valid in the specified time frame");
 * `expireSasAfterRequests` ends a SAS after that many requests (an expiry in the middle of a
 * copy, driven by the copy's own progress rather than the clock); `firewalledPrefix` answers
 * every request under it 403 AuthorizationFailure, as a storage account behind a firewall or private endpoint
 * answers a client outside its network.
 *
 * Nothing is buffered: uploads are hashed while they stream (bytes are kept only for small
 * files, so tests can read an MLmodel back), and objects may be "generated" (a seeded PRNG
 * stream of a given size) so a benchmark can move a gigabyte without storing it.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { testCertificates } from '../certs';
import { fail, json, raw, type RequestContext } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    objects: ObjectStore;
  }
}

/** Bytes kept in memory per uploaded object (larger ones keep only size and hash). */
const KEEP_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;

export interface StoredObject {
  size: number;
  sha256: string;
  /** The bytes, for seeded objects and small uploads. */
  data?: Buffer;
  /** A generated object: `size` bytes from a PRNG seeded with this value. */
  seed?: number;
}

export interface StorageRequest {
  method: string;
  path: string;
  status: number;
  /** Whether an Authorization header was sent (always refused). */
  authorization: boolean;
}

interface Grant {
  prefix: string;
  write: boolean;
  expiresAt: number;
  /** Only the exact key (a presigned URL), not a prefix. */
  exact?: boolean;
  /** Requests made with it (for expireSasAfterRequests). */
  used: number;
  /** A SAS of generate-temporary-credentials (the only grants expireSasAfterRequests ends). */
  sas?: boolean;
}

interface PendingFile {
  hash: Hash;
  size: number;
  kept: Buffer[];
}

/** A Files API multipart session (py-sdk `databricks/sdk/mixins/files.py`): parts hashed in order as they arrive, later ones held until their turn. */
interface MultipartSession {
  key: string;
  file: PendingFile;
  /** The next part number to hash. */
  next: number;
  etags: Map<number, string>;
  waiting: Map<number, Buffer>;
}

export class ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  /** Requests the storage account received (not the workspace's). */
  readonly storageRequests: StorageRequest[] = [];
  /** Lifetime of a SAS from generate-temporary-credentials, in task time (scaled). */
  sasLifetimeMs = 60 * 60_000;
  /** End every SAS after this many storage requests made with it. */
  expireSasAfterRequests?: number;
  /** Storage requests for keys under this prefix ('' = all) answer 403 AuthorizationFailure (a firewalled account). */
  firewalledPrefix?: string;
  /** The next this many multipart part URLs are issued already expired. */
  expireNextPartUrls = 0;
  /** The next this many presigned upload URLs (fs/create-upload-url) are issued already expired. */
  expireNextPresignedUrls = 0;
  /** Each storage connection moves at most this many bytes per second, each way (one storage connection's limit in practice). */
  bytesPerSecondPerConnection?: number;
  /** Multipart sessions by token; `completedMultipart` counts finished ones. */
  readonly multipart = new Map<string, MultipartSession>();
  completedMultipart = 0;
  abortedMultipart = 0;
  private readonly grants = new Map<string, Grant>();
  private readonly pending = new Map<string, PendingFile>();
  private server?: Server;
  private starting?: Promise<string>;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly now: () => number,
    private readonly scaled: (ms: number) => number = (ms) => ms,
  ) {}

  put(key: string, data: Buffer): StoredObject {
    const object = { size: data.length, sha256: sha256(data), data };
    this.objects.set(key, object);
    return object;
  }

  /** A `size`-byte object whose bytes are generated on every read (never stored). */
  putGenerated(key: string, size: number, seed: number): StoredObject {
    const object: StoredObject = { size, sha256: '', seed };
    this.objects.set(key, object);
    return object;
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Keys under a prefix (a directory), sorted. */
  list(prefix: string): string[] {
    const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return [...this.objects.keys()].filter((k) => k.startsWith(p)).sort();
  }

  read(object: StoredObject): Readable {
    if (object.data) return Readable.from([object.data]);
    return generatedStream(object.size, object.seed ?? 0);
  }

  /** Streams a request body into `key`, hashing as it goes. */
  async receive(key: string, body: AsyncIterable<Buffer>): Promise<StoredObject> {
    const file: PendingFile = { hash: createHash('sha256'), size: 0, kept: [] };
    for await (const chunk of body) appendTo(file, chunk);
    return this.commit(key, file);
  }

  /** `host:port` of the storage account if it runs. */
  startedHost(): string | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? `127.0.0.1:${(address as AddressInfo).port}` : undefined;
  }

  /** `host:port` of the storage account, starting it on first use. */
  host(): Promise<string> {
    this.starting ??= this.start();
    return this.starting;
  }

  /** A signed URL that reads one object for 15 minutes. */
  async signedUrl(key: string): Promise<string> {
    const url = new URL(`https://${await this.host()}${encodeKey(key)}`);
    url.search = this.grant(key, false);
    return url.toString();
  }

  /** A SAS token (query string without `?`) that reads and writes everything under `prefix`. */
  sas(prefix: string): string {
    return this.sasGrant(prefix, true).token;
  }

  /** A SAS for generate-temporary-credentials: `sasLifetimeMs` long, its expiry reported as the service does. */
  sasGrant(prefix: string, write: boolean): { token: string; expiresAt: number } {
    const expiresAt = this.now() + this.scaled(this.sasLifetimeMs);
    return { token: this.grant(prefix, write, { expiresAt, sas: true }), expiresAt };
  }

  /** Starts a multipart session for `key`; the token. */
  startMultipart(key: string): string {
    const token = randomBytes(18).toString('base64url');
    this.multipart.set(token, { key, file: { hash: createHash('sha256'), size: 0, kept: [] }, next: 1, etags: new Map(), waiting: new Map() });
    return token;
  }

  /** A URL that takes one part (or, with `abort`, deletes the session) of a multipart upload. */
  async multipartUrl(token: string, partNumber: number | 'abort'): Promise<string> {
    const session = this.multipart.get(token) ?? fail(400, 'INVALID_PARAMETER_VALUE', 'Unknown or finished upload session.');
    const url = new URL(`https://${await this.host()}${encodeKey(session.key)}`);
    const expired = partNumber !== 'abort' && this.expireNextPartUrls > 0;
    if (expired) this.expireNextPartUrls--;
    url.search = this.grant(session.key, true, { exact: true, expiresAt: expired ? this.now() - 1 : undefined });
    url.searchParams.set('comp', partNumber === 'abort' ? 'abort' : 'block');
    if (partNumber !== 'abort') url.searchParams.set('blockid', Buffer.from(String(partNumber).padStart(6, '0')).toString('base64'));
    url.searchParams.set('session', token);
    return url.toString();
  }

  /** Completes a session: parts 1..n, each with its ETag, all received. */
  completeMultipart(token: string, parts: Array<{ part_number?: number; etag?: string }>): void {
    const session = this.multipart.get(token) ?? fail(400, 'INVALID_PARAMETER_VALUE', 'Unknown or finished upload session.');
    parts.forEach((p, i) => {
      if (p.part_number !== i + 1) fail(400, 'INVALID_PARAMETER_VALUE', `Parts must be numbered 1..n in order; got ${String(p.part_number)} at position ${i + 1}.`);
      if (session.etags.get(i + 1) !== p.etag) fail(400, 'INVALID_PARAMETER_VALUE', `Part ${i + 1}: ETag ${String(p.etag)} does not match the uploaded part.`);
    });
    if (parts.length === 0 || session.next !== parts.length + 1 || session.waiting.size > 0)
      fail(400, 'INVALID_PARAMETER_VALUE', 'Not every uploaded part is listed, or a listed part was not uploaded.');
    this.multipart.delete(token);
    this.completedMultipart++;
    this.commit(session.key, session.file);
  }

  /** A presigned URL that writes exactly `key` with one Put Blob, for 15 minutes. */
  async presignedUploadUrl(key: string): Promise<string> {
    const url = new URL(`https://${await this.host()}${encodeKey(key)}`);
    const expired = this.expireNextPresignedUrls > 0;
    if (expired) this.expireNextPresignedUrls--;
    url.search = this.grant(key, true, { exact: true, expiresAt: expired ? this.now() - 1 : undefined });
    return url.toString();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private grant(prefix: string, write: boolean, options: { expiresAt?: number; exact?: boolean; sas?: boolean } = {}): string {
    const sig = randomBytes(24).toString('base64url');
    const expiresAt = options.expiresAt ?? this.now() + 15 * 60_000;
    this.grants.set(sig, { prefix, write, expiresAt, exact: options.exact, sas: options.sas, used: 0 });
    return new URLSearchParams({ sv: '2023-11-03', sr: write ? 'd' : 'b', sp: write ? 'racwl' : 'r', se: new Date(expiresAt).toISOString(), sig }).toString();
  }

  private async start(): Promise<string> {
    const tls = testCertificates();
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => void this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      // The account lives as long as the process needs it: it never keeps a test run alive.
      socket.unref();
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    this.server = server;
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://storage.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: StorageRequest = { method, path: url.pathname, status: 0, authorization: req.headers.authorization !== undefined };
    this.storageRequests.push(record);
    const reply = (status: number, code?: string, message?: string) => {
      record.status = status;
      res.statusCode = status;
      if (code) res.setHeader('x-ms-error-code', code);
      res.setHeader('content-type', 'application/json');
      res.end(code ? JSON.stringify({ error: { code, message } }) : '');
    };
    try {
      const key = decodeKey(url.pathname);
      if (record.authorization)
        return reply(400, 'InvalidAuthenticationInfo', 'Authentication information is not given in the correct format: a SAS and an Authorization header were both sent.');
      if (this.firewalledPrefix !== undefined && key.startsWith(this.firewalledPrefix)) {
        req.resume();
        return reply(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.');
      }
      const grant = this.grants.get(url.searchParams.get('sig') ?? '');
      if (!grant || !(grant.exact ? key === grant.prefix : key.startsWith(grant.prefix))) {
        req.resume();
        return reply(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of the signature is formed correctly.');
      }
      grant.used++;
      const usedUp = grant.sas === true && this.expireSasAfterRequests !== undefined && grant.used > this.expireSasAfterRequests;
      if (grant.expiresAt < this.now() || usedUp) {
        req.resume();
        return reply(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Signature not valid in the specified time frame.');
      }
      const body = this.throttled(req);
      if (method === 'GET') {
        const object = this.objects.get(key);
        if (!object) return reply(404, 'BlobNotFound', 'The specified blob does not exist.');
        record.status = 200;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(object.size) });
        await pipeline(this.read(object), this.throttleStream(req.socket), res);
        return;
      }
      const comp = url.searchParams.get('comp');
      if (comp === 'block' || comp === 'abort') {
        const session = this.multipart.get(url.searchParams.get('session') ?? '');
        if (!session || session.key !== key) {
          req.resume();
          return reply(404, 'NoSuchUpload', 'The specified upload session does not exist.');
        }
        if (method === 'DELETE' && comp === 'abort') {
          req.resume();
          this.multipart.delete(url.searchParams.get('session')!);
          this.abortedMultipart++;
          return reply(204);
        }
        if (method !== 'PUT') {
          req.resume();
          return reply(400, 'UnsupportedHttpVerb', `${method} is not supported on an upload part URL.`);
        }
        const partNumber = Number(Buffer.from(url.searchParams.get('blockid') ?? '', 'base64').toString('utf8'));
        // An opaque ETag, as Azure's (not a digest of the part: the fake spends no CPU on it).
        const etag = `"0x8DD${randomBytes(6).toString('hex').toUpperCase()}"`;
        if (partNumber === session.next) {
          // The part in turn is hashed as it streams, like a single upload (nothing buffered); a part
          // cut off half-way leaves the file as it was before it.
          const before = { hash: session.file.hash.copy(), size: session.file.size, kept: [...session.file.kept] };
          try {
            for await (const chunk of body) appendTo(session.file, chunk);
          } catch (error) {
            session.file = before;
            throw error;
          }
          session.next++;
        } else {
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk);
          if (partNumber > session.next) session.waiting.set(partNumber, Buffer.concat(chunks));
        }
        while (session.waiting.has(session.next)) {
          appendTo(session.file, session.waiting.get(session.next)!);
          session.waiting.delete(session.next);
          session.next++;
        }
        session.etags.set(partNumber, etag);
        record.status = 201;
        res.writeHead(201, { etag });
        res.end();
        return;
      }
      if (!grant.write) return reply(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.');
      const action = url.searchParams.get('action');
      if (method === 'PUT' && url.searchParams.get('resource') === 'file') {
        req.resume();
        this.pending.set(key, { hash: createHash('sha256'), size: 0, kept: [] });
        return reply(201);
      }
      if (method === 'PUT' && url.searchParams.get('resource') === null && url.searchParams.get('comp') === null) {
        // Put Blob (a presigned upload): the whole body at once, with its length and blob type.
        if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
          req.resume();
          return reply(400, 'MissingRequiredHeader', 'An HTTP header that is mandatory for this request is not specified: x-ms-blob-type.');
        }
        if (req.headers['content-length'] === undefined) {
          req.resume();
          return reply(411, 'MissingContentLengthHeader', 'Content-Length is required.');
        }
        const blob: PendingFile = { hash: createHash('sha256'), size: 0, kept: [] };
        for await (const chunk of body) appendTo(blob, chunk);
        this.commit(key, blob);
        return reply(201);
      }
      const file = this.pending.get(key);
      if (method === 'PATCH' && (action === 'append' || action === 'flush')) {
        if (!file) return reply(404, 'PathNotFound', 'The specified path does not exist.');
        const position = Number(url.searchParams.get('position'));
        if (position !== file.size) return reply(400, 'InvalidFlushPosition', `The position ${position} is not the end of the uploaded data (${file.size}).`);
        if (action === 'append') {
          if (req.headers['content-length'] === undefined) return reply(411, 'MissingContentLengthHeader', 'Content-Length is required.');
          for await (const chunk of body) appendTo(file, chunk);
          return reply(202);
        }
        req.resume();
        this.pending.delete(key);
        this.commit(key, file);
        return reply(200);
      }
      req.resume();
      return reply(400, 'UnsupportedRestVersion', `Unsupported ${method} on ${url.pathname}`);
    } catch {
      res.destroy();
    }
  }

  /** The request body, at most bytesPerSecondPerConnection on this connection. */
  private throttled(req: IncomingMessage): AsyncIterable<Buffer> {
    if (this.bytesPerSecondPerConnection === undefined) return req as AsyncIterable<Buffer>;
    return req.pipe(this.throttleStream(req.socket));
  }

  /** A pass-through that holds a connection to bytesPerSecondPerConnection (shared by both directions of the socket). */
  private throttleStream(socket: Socket): Transform {
    const rate = this.bytesPerSecondPerConnection;
    const state = (this.connectionBudget.get(socket) ?? { start: Date.now(), bytes: 0 }) as { start: number; bytes: number };
    this.connectionBudget.set(socket, state);
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (rate === undefined) return callback(null, chunk);
        // An idle connection does not save up budget for a burst.
        if (state.start + (state.bytes / rate) * 1000 < Date.now() - 100) {
          state.start = Date.now();
          state.bytes = 0;
        }
        state.bytes += chunk.length;
        const due = state.start + (state.bytes / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 1) setTimeout(() => callback(null, chunk), wait);
        else callback(null, chunk);
      },
    });
  }

  private readonly connectionBudget = new WeakMap<Socket, { start: number; bytes: number }>();

  private commit(key: string, file: PendingFile): StoredObject {
    const object: StoredObject = { size: file.size, sha256: file.hash.digest('hex') };
    if (file.size <= KEEP_BYTES) object.data = Buffer.concat(file.kept);
    this.objects.set(key, object);
    return object;
  }
}

function appendTo(file: PendingFile, chunk: Buffer): void {
  file.hash.update(chunk);
  if (file.size + chunk.length <= KEEP_BYTES) file.kept.push(chunk);
  else file.kept = [];
  file.size += chunk.length;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Object keys are paths (`/a/b/c`); each segment is URL-encoded in a URL. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function decodeKey(path: string): string {
  return path.split('/').map(decodeURIComponent).join('/');
}

/**
 * `size` bytes of a xorshift32 stream: cheap enough to feed a gigabyte through the fake, and
 * the same for every read of the same seed (so a copy can be verified by hash).
 */
export function generatedStream(size: number, seed: number): Readable {
  let state = seed >>> 0 || 0x9e3779b9;
  let left = size;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      const words = new Uint32Array(Math.ceil(n / 4));
      for (let i = 0; i < words.length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        words[i] = state;
      }
      left -= n;
      this.push(Buffer.from(words.buffer, 0, n));
    },
  });
}

/** The sha256 of a generated object, computed by streaming it once. */
export async function generatedSha256(size: number, seed: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedStream(size, seed)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Files API routes

const FILES = '/api/2.0/fs/files';

async function putFile(ctx: RequestContext) {
  const path = `/${ctx.params.path!}`;
  const store = ctx.workspace.state.objects;
  const key = ctx.workspace.state.ucModels.fileKeyForUpload(path) ?? (path.startsWith('/Volumes/') ? path : undefined);
  if (key === undefined) {
    ctx.req.resume();
    fail(400, 'INVALID_PARAMETER_VALUE', `Path ${path} is not under /Volumes or /Models.`);
  }
  const overwrite = ctx.query.bool('overwrite') ?? false;
  if (!overwrite && store.get(key)) {
    ctx.req.resume();
    fail(409, 'ALREADY_EXISTS', `The file being created already exists: ${path}`);
  }
  await store.receive(key, ctx.req as AsyncIterable<Buffer>);
  return raw(204, '');
}

/**
 * Where a read of `path` goes: a model version file (`/Models/<c>/<s>/<m>/<v>/<file>`) is stored
 * under the version's storage key, anything else under its own path.
 * (Fix by the CreateMonitor engineer: reads of /Models paths answered 404 for every READY version.)
 */
function readKey(ctx: RequestContext, path: string): string {
  const m = /^\/Models\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  if (!m) return path;
  const models = ctx.workspace.state.ucModels;
  return `${models.requireVersion(models.requireModel(`${m[1]}.${m[2]}.${m[3]}`), m[4]).storageKey}/${m[5]}`;
}

function getFile(ctx: RequestContext) {
  const path = `/${ctx.params.path!}`;
  const store = ctx.workspace.state.objects;
  const object = store.get(readKey(ctx, path)) ?? fail(404, 'NOT_FOUND', `The file ${path} does not exist.`);
  return raw(200, store.read(object), { 'content-type': 'application/octet-stream', 'content-length': String(object.size) });
}

function headFile(ctx: RequestContext) {
  const path = `/${ctx.params.path!}`;
  const object = ctx.workspace.state.objects.get(readKey(ctx, path)) ?? fail(404, 'NOT_FOUND', `The file ${path} does not exist.`);
  return json(200, {}, { 'x-file-size': String(object.size) });
}

/**
 * Presigned URLs (`mlflow` `presigned_url_artifact_repo.py`, py-sdk `mixins/files.py`): `create-upload-url` for a model version's file
 * (MLflow's PresignedUrlArtifactRepository sends `{"path"}`), `create-download-url` (the SDK sends
 * `path` and `expire_time` as query parameters, MLflow a JSON body: both are taken) →
 * `{"url","headers":[{name,value}]}`.
 */
async function createUploadUrl(ctx: RequestContext) {
  const body = (ctx.body ?? {}) as { path?: string };
  if (!body.path) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'path'.");
  const key = ctx.workspace.state.ucModels.pendingVersionFileKey(body.path);
  const url = await ctx.workspace.state.objects.presignedUploadUrl(key);
  return json(200, { url, headers: [{ name: 'x-ms-blob-type', value: 'BlockBlob' }] });
}

async function createDownloadUrl(ctx: RequestContext) {
  const path = ctx.query.get('path') ?? ((ctx.body ?? {}) as { path?: string }).path;
  if (!path) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'path'.");
  const key = readKey(ctx, path);
  if (!ctx.workspace.state.objects.get(key)) fail(404, 'NOT_FOUND', `The file ${path} does not exist.`);
  return json(200, { url: await ctx.workspace.state.objects.signedUrl(key), headers: [] });
}

/** `POST /api/2.0/fs/files{path}?action=initiate-upload|complete-upload` (the SDK's multipart protocol). */
function postFile(ctx: RequestContext) {
  const path = `/${ctx.params.path!}`;
  const store = ctx.workspace.state.objects;
  const action = ctx.query.get('action');
  if (action === 'initiate-upload') {
    const key =
      ctx.workspace.state.ucModels.fileKeyForUpload(path) ??
      (path.startsWith('/Volumes/') ? path : fail(400, 'INVALID_PARAMETER_VALUE', `Path ${path} is not under /Volumes or /Models.`));
    if (!(ctx.query.bool('overwrite') ?? false) && store.get(key)) fail(409, 'ALREADY_EXISTS', `The file being created already exists: ${path}`);
    return json(200, { multipart_upload: { session_token: store.startMultipart(key) } });
  }
  if (action === 'complete-upload') {
    if (ctx.query.get('upload_type') !== 'multipart') fail(400, 'INVALID_PARAMETER_VALUE', `Unsupported upload_type '${ctx.query.get('upload_type') ?? ''}'.`);
    const token = ctx.query.get('session_token') ?? fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'session_token'.");
    const body = (ctx.body ?? {}) as { parts?: Array<{ part_number?: number; etag?: string }> };
    store.completeMultipart(token, body.parts ?? []);
    return json(200, {});
  }
  return fail(400, 'INVALID_PARAMETER_VALUE', `Unsupported action '${action ?? ''}' on POST ${path}.`);
}

function requireExpireTime(body: { expire_time?: string }): void {
  if (!body.expire_time || Number.isNaN(Date.parse(body.expire_time)) || !/Z$/.test(body.expire_time))
    fail(400, 'INVALID_PARAMETER_VALUE', "expire_time must be an RFC 3339 time in UTC ('Z').");
}

async function createUploadPartUrls(ctx: RequestContext) {
  const body = (ctx.body ?? {}) as { path?: string; session_token?: string; start_part_number?: number; count?: number; expire_time?: string };
  requireExpireTime(body);
  const start = body.start_part_number ?? 0;
  const count = body.count ?? 0;
  if (!Number.isInteger(start) || start < 1 || !Number.isInteger(count) || count < 1 || count > 100)
    fail(400, 'INVALID_PARAMETER_VALUE', 'start_part_number ≥ 1 and count 1–100 are required.');
  const store = ctx.workspace.state.objects;
  const session = store.multipart.get(body.session_token ?? '');
  if (!session) fail(400, 'INVALID_PARAMETER_VALUE', 'Unknown or finished upload session.');
  const upload_part_urls = [];
  for (let n = start; n < start + count; n++) upload_part_urls.push({ part_number: n, url: await store.multipartUrl(body.session_token!, n), headers: [] });
  return json(200, { upload_part_urls });
}

async function createAbortUploadUrl(ctx: RequestContext) {
  const body = (ctx.body ?? {}) as { path?: string; session_token?: string; expire_time?: string };
  requireExpireTime(body);
  return json(200, { abort_upload_url: { url: await ctx.workspace.state.objects.multipartUrl(body.session_token ?? '', 'abort'), headers: [] } });
}

export const filesRoutes: RouteModule = {
  name: 'files',
  install(workspace: FakeWorkspace): void {
    workspace.defineState(
      'objects',
      () =>
        new ObjectStore(
          () => workspace.now(),
          (ms) => workspace.scaled(ms),
        ),
    );
    workspace.route('PUT', `${FILES}/*path`, putFile, { stream: true });
    workspace.route('GET', `${FILES}/*path`, getFile);
    workspace.route('HEAD', `${FILES}/*path`, headFile);
    workspace.route('POST', `${FILES}/*path`, postFile);
    workspace.route('POST', '/api/2.0/fs/create-upload-url', createUploadUrl);
    workspace.route('POST', '/api/2.0/fs/create-upload-part-urls', createUploadPartUrls);
    workspace.route('POST', '/api/2.0/fs/create-abort-upload-url', createAbortUploadUrl);
    workspace.route('POST', '/api/2.0/fs/create-download-url', createDownloadUrl);
  },
};
