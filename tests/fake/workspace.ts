/**
 * A fake Azure Databricks workspace: an HTTPS server on 127.0.0.1 that authenticates bearer
 * tokens issued by the fake Entra ID, answers with the service's status codes and error shape,
 * records every request (never header values), and fails on demand (see faults.ts).
 *
 * The core knows no API: each API area is a route module (routes/*.ts) that registers its
 * routes with `route()` and its part of the in-memory store with `defineState()`, extending the
 * `WorkspaceState` interface by declaration merging:
 *
 *   declare module '../workspace' { interface WorkspaceState { serving: ServingStore } }
 *   workspace.defineState('serving', () => new ServingStore(workspace));
 */
import { notifyRequest } from './observer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { authenticate, WorkspaceUsers } from './auth';
import { controlReply } from './control';
import type { FaultKind } from './faults';
import { FaultInjector } from './faults';
import type { Handler, Reply, RequestContext, RouteOptions } from './http';
import { ApiFailure, discardReply, endpointNotFound, error, parseJsonBody, Query, readBody, Router, sendReply } from './http';
import { routeModules } from './routes';
import type { FakeTokenAuthority } from './tokens';

/** The in-memory store. Route modules add their parts (see the file comment). */
export interface WorkspaceState {
  users: WorkspaceUsers;
}

export interface RouteModule {
  name: string;
  install(workspace: FakeWorkspace): void;
}

export interface RecordedRequest {
  /** The x-request-id the response carried. */
  requestId: string;
  method: string;
  /** The path as sent (percent-encoded). */
  path: string;
  /** Single keys as strings, repeated keys as arrays. */
  query: Record<string, string | string[]>;
  /** When the request arrived (epoch ms). */
  time: number;
  durationMs?: number;
  /** null while in flight, and for requests that got no answer (reset, hang, client gone). */
  status: number | null;
  /** The token's subject, when the token was one the authority issued. */
  subject?: string;
  /** Whether X-Databricks-Azure-SP-Management-Token / -Workspace-Resource-Id were sent. */
  managementHeaders: boolean;
  /** The parsed JSON body (not recorded for streaming routes). */
  body?: unknown;
  /** Header names, lower-case. Values are never recorded: they hold tokens. */
  headerNames: string[];
  /** Kinds of the fault rules that fired for this request. */
  faults: FaultKind[];
  /** The stack of an exception a handler threw (answered as 500 INTERNAL_ERROR). */
  handlerError?: string;
}

export interface FakeWorkspaceOptions {
  authority: FakeTokenAuthority;
  tls: { cert: string; key: string };
  /** 0 < s ≤ 1: the factor state machines scale their durations by (DATABRICKS_MLOPS_TIME_SCALE). */
  timeScale?: number;
}

const DEFAULT_RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops/providers/Microsoft.Databricks/workspaces/adb-fake';

export class FakeWorkspace {
  readonly authority: FakeTokenAuthority;
  readonly timeScale: number;
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultInjector();
  readonly state = {} as WorkspaceState;
  /** The ARM id the management header must name for auto-provisioning. */
  resourceId = DEFAULT_RESOURCE_ID;
  /** Databricks refuses tokens that expire within 30 s; scaled with the time scale. */
  tokenExpiryMarginMs: number;
  /** Whether a principal holds Contributor/Owner on the workspace resource (may be auto-added). */
  mayAutoProvision: (subject: string) => boolean = () => true;

  private readonly tls: { cert: string; key: string };
  private readonly router = new Router();
  private readonly stateFactories = new Map<keyof WorkspaceState, () => WorkspaceState[keyof WorkspaceState]>();
  private server?: Server;
  private port = 0;
  /** Raw TCP sockets by remote address, so that a reset fault can send a TCP RST. */
  private readonly sockets = new Map<string, Socket>();
  /** Aborted by close(): ends injected latencies. */
  private lifetime = new AbortController();
  /** Called once a request has its answer (status set), before the answer is sent. */
  private readonly answeredListeners = new Set<(request: RecordedRequest) => void>();

  constructor(opts: FakeWorkspaceOptions) {
    this.authority = opts.authority;
    this.tls = opts.tls;
    this.timeScale = opts.timeScale ?? 1;
    if (!(this.timeScale > 0 && this.timeScale <= 1)) throw new Error(`timeScale must be in (0, 1], got ${this.timeScale}`);
    this.tokenExpiryMarginMs = this.scaled(30_000);
    this.defineState('users', () => new WorkspaceUsers());
    for (const module of routeModules) module.install(this);
  }

  /** The principals known to the workspace (subjects = application ids). */
  get users(): WorkspaceUsers {
    return this.state.users;
  }

  get url(): string {
    if (!this.server) throw new Error('FakeWorkspace is not started');
    return `https://127.0.0.1:${this.port}`;
  }

  now(): number {
    return Date.now();
  }

  /** A duration of workspace time in real milliseconds. */
  scaled(ms: number): number {
    return ms * this.timeScale;
  }

  route(method: string, pattern: string, handler: Handler, options?: RouteOptions): void {
    this.router.add(method, pattern, handler, options);
  }

  /** Registers a part of the store; `resetAll()` recreates it with the same factory. */
  defineState<K extends keyof WorkspaceState>(key: K, create: () => WorkspaceState[K]): void {
    if (this.stateFactories.has(key)) throw new Error(`State part '${String(key)}' is defined twice`);
    this.stateFactories.set(key, create);
    this.state[key] = create();
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('FakeWorkspace is already started');
    this.lifetime = new AbortController();
    const server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      notifyRequest('workspace', req.method, req.url);
      void this.handle(req, res);
    });
    server.on('connection', (socket: Socket) => {
      const key = socketKey(socket);
      this.sockets.set(key, socket);
      socket.once('close', () => this.sockets.delete(key));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and destroys every open connection (hung requests included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.lifetime.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets.values()) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Forgets recorded requests, fault rules and answer listeners; keeps the store. */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.answeredListeners.clear();
  }

  /**
   * Calls `listener` for every request once the fake has handled it (its status is set and the
   * store changed), just before the answer goes out: tests act on what the task has done
   * (e.g. "the config update was accepted") instead of on wall-clock windows. Returns an
   * unsubscribe function; reset() drops every listener.
   */
  onAnswered(listener: (request: RecordedRequest) => void): () => void {
    this.answeredListeners.add(listener);
    return () => this.answeredListeners.delete(listener);
  }

  /** reset() and a fresh store (users included: add them again). */
  resetAll(): void {
    this.reset();
    for (const [key, create] of this.stateFactories) (this.state as unknown as Record<string, unknown>)[key] = create();
  }

  /** Recorded requests that could change something: not GET/HEAD, to /api/ or /serving-endpoints/. */
  writeRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && (r.path.startsWith('/api/') || r.path.startsWith('/serving-endpoints/')));
  }

  // -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'https://workspace.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (url.pathname === '/__fake' || url.pathname.startsWith('/__fake/')) {
        await sendReply(res, await controlReply(this, method, url.pathname, req), requestId);
        return;
      }
      const record: RecordedRequest = {
        requestId,
        method,
        path: url.pathname,
        query: new Query(url.searchParams).toRecord(),
        time: Date.now(),
        status: null,
        managementHeaders: false,
        headerNames: [...new Set(Object.keys(req.headers))],
        faults: [],
      };
      this.requests.push(record);
      const reply = await this.answer(req, method, url, requestId, record);
      record.durationMs = Date.now() - record.time;
      if (!reply) return;
      record.status = reply.status;
      for (const listener of [...this.answeredListeners]) listener(record);
      await sendReply(res, reply, requestId);
    } catch {
      // The client went away, or a streamed body failed half-way: nothing useful can be sent.
      res.destroy();
    }
  }

  /** The reply for a recorded request, or undefined when it gets none (reset, hang, closing). */
  private async answer(req: IncomingMessage, method: string, url: URL, requestId: string, record: RecordedRequest): Promise<Reply | undefined> {
    const plan = this.faults.plan(method, pathForms(url.pathname));
    record.faults = plan.fired;
    for (const ms of plan.delays) if (!(await this.sleep(ms))) return undefined;
    if (plan.before?.kind === 'reset') {
      this.resetConnection(req.socket);
      return undefined;
    }
    if (plan.before?.kind === 'hang') return undefined;
    if (plan.before?.kind === 'reply') return plan.before.reply;

    const auth = authenticate(req.headers, url.pathname, this);
    record.subject = auth.subject;
    record.managementHeaders = auth.managementHeaders;
    if (!auth.ok) return auth.reply;

    const match = this.router.find(method, url.pathname);
    if (!match) return endpointNotFound(method, url.pathname);

    let rawBody: Buffer = Buffer.alloc(0);
    let body: unknown;
    if (!match.route.options.stream) {
      rawBody = await readBody(req);
      const parsed = parseJsonBody(rawBody, req.headers['content-type']);
      if (!parsed.ok) return parsed.reply;
      body = record.body = parsed.value;
    }
    const ctx: RequestContext = {
      method,
      path: url.pathname,
      params: match.params,
      query: new Query(url.searchParams),
      headers: req.headers,
      body,
      rawBody,
      req,
      subject: auth.subject,
      requestId,
      workspace: this,
      now: () => this.now(),
    };
    let reply: Reply;
    try {
      reply = await match.route.handler(ctx);
    } catch (e) {
      if (!(e instanceof ApiFailure)) record.handlerError = e instanceof Error ? (e.stack ?? e.message) : String(e);
      reply = e instanceof ApiFailure ? e.reply : error(500, 'INTERNAL_ERROR', `There was an internal error handling request ${method} ${url.pathname}. Please try again later.`);
    }
    if (plan.after) {
      discardReply(reply);
      return plan.after;
    }
    return reply;
  }

  /** Waits real milliseconds; false when the workspace closed meanwhile. */
  private async sleep(ms: number): Promise<boolean> {
    try {
      await delay(ms, undefined, { signal: this.lifetime.signal });
      return true;
    } catch {
      return false;
    }
  }

  /** A TCP RST on the raw socket under the TLS one (a TLS socket cannot reset itself). */
  private resetConnection(tlsSocket: Socket): void {
    const raw = this.sockets.get(socketKey(tlsSocket));
    if (raw) raw.resetAndDestroy();
    else tlsSocket.destroy();
  }
}

function socketKey(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/** The forms of a path a fault rule may match: as sent, and percent-decoded. */
function pathForms(path: string): string[] {
  try {
    const decoded = decodeURIComponent(path);
    return decoded === path ? [path] : [path, decoded];
  } catch {
    return [path];
  }
}
