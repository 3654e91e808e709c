/**
 * The HTTP vocabulary of the fake workspace: the context a route handler receives, the replies
 * it returns, path patterns with named parameters, query strings with repeated keys, JSON
 * bodies, and the Azure Databricks error shape. Handlers describe a reply; the server renders
 * it, so every error carries a RequestInfo detail whose request_id equals the response's
 * x-request-id header, as the real service does.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FakeWorkspace } from './workspace';

// ---------------------------------------------------------------------------------------------
// Replies

/** One entry of the `details` array (google.rpc style, keyed by `@type`). */
export interface ErrorDetail {
  '@type': string;
  [key: string]: unknown;
}

export type HeaderMap = Record<string, string>;

export type Reply =
  | { kind: 'json'; status: number; value: unknown; headers?: HeaderMap }
  | { kind: 'error'; status: number; errorCode: string; message: string; details: ErrorDetail[]; headers?: HeaderMap }
  | { kind: 'raw'; status: number; body: string | Buffer | Readable; headers?: HeaderMap };

export type ErrorReply = Extract<Reply, { kind: 'error' }>;

export function json(status: number, value: unknown, headers?: HeaderMap): Reply {
  return { kind: 'json', status, value, headers };
}

/**
 * A Databricks error: `{"error_code", "message", "details": [...details, RequestInfo]}`.
 * The RequestInfo detail is appended when the reply is sent (it needs the request id).
 */
export function error(status: number, errorCode: string, message: string, details: ErrorDetail[] = [], headers?: HeaderMap): ErrorReply {
  return { kind: 'error', status, errorCode, message, details, headers };
}

/** A body sent as is (text, bytes or a stream); set content-type in `headers`. */
export function raw(status: number, body: string | Buffer | Readable, headers?: HeaderMap): Reply {
  return { kind: 'raw', status, body, headers };
}

/** Thrown by handlers and helpers to answer with a Databricks error from deep inside a call. */
export class ApiFailure extends Error {
  constructor(readonly reply: ErrorReply) {
    super(`${reply.errorCode}: ${reply.message}`);
    this.name = 'ApiFailure';
  }
}

export function fail(status: number, errorCode: string, message: string, details?: ErrorDetail[]): never {
  throw new ApiFailure(error(status, errorCode, message, details));
}

/**
 * The error page a Jetty front end (or a gateway in front of it) answers with, e.g. for a
 * token whose audience is wrong: HTML whose <title> and <pre> hold the reason.
 */
export function jettyErrorPage(status: number, reason: string, path: string): Reply {
  const html = [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    `<title>Error ${status} ${escapeHtml(reason)}</title>`,
    '</head>',
    `<body><h2>HTTP ERROR ${status}</h2>`,
    `<p>Problem accessing ${escapeHtml(path)}. Reason:`,
    `<pre>    ${escapeHtml(reason)}</pre></p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return raw(status, html, { 'content-type': 'text/html;charset=utf-8' });
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Writes a reply. Resolves when the body has been handed to the socket. */
export async function sendReply(res: ServerResponse, reply: Reply, requestId: string): Promise<void> {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.kind === 'raw' && reply.body instanceof Readable) {
    await pipeline(reply.body, res);
    return;
  }
  const body = replyBody(reply, requestId);
  if (!res.hasHeader('content-type')) res.setHeader('content-type', reply.kind === 'raw' ? 'application/octet-stream' : 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** The bytes of a reply whose body is not a stream. */
function replyBody(reply: Reply, requestId: string): string | Buffer {
  switch (reply.kind) {
    case 'json':
      return reply.value === undefined ? '{}' : JSON.stringify(reply.value);
    case 'error':
      return JSON.stringify({
        error_code: reply.errorCode,
        message: reply.message,
        details: [...reply.details, { '@type': 'type.googleapis.com/google.rpc.RequestInfo', request_id: requestId, serving_data: '' }],
      });
    case 'raw':
      return reply.body as string | Buffer;
  }
}

/** Releases what an unsent reply holds (a stream body) when a fault replaces it. */
export function discardReply(reply: Reply): void {
  if (reply.kind === 'raw' && reply.body instanceof Readable) reply.body.destroy();
}

// ---------------------------------------------------------------------------------------------
// Request context

export interface RequestContext {
  /** Upper-case method. */
  method: string;
  /** The path as sent (still percent-encoded). */
  path: string;
  /** Named path parameters, percent-decoded. */
  params: Record<string, string>;
  query: Query;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when there was none, it was not JSON, or the route streams. */
  body: unknown;
  /** The bytes of the body (empty for streaming routes). */
  rawBody: Buffer;
  /** The request itself: streaming routes read the upload from it. */
  req: IncomingMessage;
  /** The authenticated principal (the token's subject, i.e. the application id). */
  subject: string;
  requestId: string;
  workspace: FakeWorkspace;
  now(): number;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface RouteOptions {
  /** Hand the request stream to the handler instead of buffering the body. */
  stream?: boolean;
}

/** Query string access with Databricks-style validation errors. */
export class Query {
  constructor(private readonly params: URLSearchParams) {}

  get(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  getAll(name: string): string[] {
    return this.params.getAll(name);
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  /** An integer parameter; a value that is not one answers 400 INVALID_PARAMETER_VALUE. */
  int(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v.trim())) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid value '${v}' for parameter '${name}': expected an integer.`);
    return Number(v);
  }

  /** A boolean parameter (`true`/`false`, any case). */
  bool(name: string): boolean | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if (lower !== 'true' && lower !== 'false') fail(400, 'INVALID_PARAMETER_VALUE', `Invalid value '${v}' for parameter '${name}': expected true or false.`);
    return lower === 'true';
  }

  /** Single keys as strings, repeated keys as arrays (for recording). */
  toRecord(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const key of new Set(this.params.keys())) {
      const all = this.params.getAll(key);
      out[key] = all.length === 1 ? all[0]! : all;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Bodies

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON request body the way the Databricks front end does: an empty body is no body,
 * a body declared as something other than JSON is left to the handler (rawBody), and JSON that
 * does not parse, or is not an object, is a 400 MALFORMED_REQUEST.
 */
export function parseJsonBody(rawBody: Buffer, contentType: string | undefined): { ok: true; value: unknown } | { ok: false; reply: ErrorReply } {
  if (rawBody.length === 0) return { ok: true, value: undefined };
  if (contentType && !/\bjson\b/i.test(contentType)) return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch (e) {
    return { ok: false, reply: error(400, 'MALFORMED_REQUEST', `Could not parse request object: ${(e as Error).message}`) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reply: error(400, 'MALFORMED_REQUEST', 'Invalid JSON given in the body of the request - expected a map') };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Paths and routing

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'rest'; name: string };

export interface PathPattern {
  source: string;
  segments: Segment[];
}

/**
 * `/api/2.1/unity-catalog/tables/:full_name` has one named parameter matching one non-empty
 * path segment; `/api/2.0/fs/files/*path` ends with a tail parameter matching one or more
 * segments (joined with `/`). Parameters are percent-decoded segment by segment, so an encoded
 * `/` inside a name stays part of that name.
 */
export function compilePattern(source: string): PathPattern {
  if (!source.startsWith('/')) throw new Error(`Route pattern must start with '/': ${source}`);
  const parts = source.slice(1).split('/');
  const names = new Set<string>();
  const segments = parts.map((part, i): Segment => {
    const prefix = part[0];
    if (prefix !== ':' && prefix !== '*') return { kind: 'literal', value: part };
    const name = part.slice(1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Bad parameter name in route pattern ${source}`);
    if (names.has(name)) throw new Error(`Parameter '${name}' appears twice in route pattern ${source}`);
    names.add(name);
    if (prefix === '*' && i !== parts.length - 1) throw new Error(`A tail parameter must be last in route pattern ${source}`);
    return { kind: prefix === ':' ? 'param' : 'rest', name };
  });
  return { source, segments };
}

/** The decoded parameters when `path` (as sent, percent-encoded) matches, else undefined. */
export function matchPath(pattern: PathPattern, path: string): Record<string, string> | undefined {
  const parts = path.slice(1).split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.segments.length; i++) {
    const seg = pattern.segments[i]!;
    if (seg.kind === 'rest') {
      const tail = parts.slice(i);
      const decoded = tail.map(decodeSegment);
      if (decoded.some((d) => d === undefined) || tail.join('') === '') return undefined;
      params[seg.name] = decoded.join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.kind === 'literal') {
      if (part !== seg.value) return undefined;
      continue;
    }
    const decoded = decodeSegment(part);
    if (decoded === undefined || decoded === '') return undefined;
    params[seg.name] = decoded;
  }
  return parts.length === pattern.segments.length ? params : undefined;
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Literal segments outrank parameters, which outrank a tail: `/x/list` wins over `/x/:name`. */
function compareSpecificity(a: PathPattern, b: PathPattern): number {
  const rank = (s: Segment | undefined) => (s === undefined ? -1 : s.kind === 'literal' ? 2 : s.kind === 'param' ? 1 : 0);
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const d = rank(b.segments[i]) - rank(a.segments[i]);
    if (d !== 0) return d;
  }
  return 0;
}

export interface Route {
  method: string;
  pattern: PathPattern;
  handler: Handler;
  options: RouteOptions;
}

export type RouteMatch = { route: Route; params: Record<string, string> };

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): void {
    const m = method.toUpperCase();
    if (this.routes.some((r) => r.method === m && r.pattern.source === pattern)) throw new Error(`Route ${m} ${pattern} is registered twice`);
    this.routes.push({ method: m, pattern: compilePattern(pattern), handler, options });
  }

  /** The most specific route for the method and path. A known path with another method is no match either. */
  find(method: string, path: string): RouteMatch | undefined {
    let best: RouteMatch | undefined;
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchPath(route.pattern, path);
      if (params && (!best || compareSpecificity(route.pattern, best.route.pattern) < 0)) best = { route, params };
    }
    return best;
  }
}

/**
 * Databricks' answer for an unknown route, or a known path with the wrong method (the service
 * does not distinguish the two): 404 ENDPOINT_NOT_FOUND naming the path without its
 * `/api/<version>` prefix, e.g. "No API found for 'POST /sql/statements/execute'".
 */
export function endpointNotFound(method: string, path: string): ErrorReply {
  const shown = path.replace(/^\/api\/\d+\.\d+(?=\/)/, '');
  return error(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} ${shown}'`);
}
