/**
 * The workspace client the API modules use: JSON in, JSON out, typed by the caller. Plan mode
 * (dryRun) is enforced here as a safety net: any write call throws before it is sent.
 */
import { message } from '../runtime/messages';
import { isIdempotentMethod, type HttpMethod, type PipelineRequest, type PipelineResponse, type RequestBody, type SendRequest } from './pipeline';

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Overrides the method's idempotency (whether a 500 may be retried). */
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** False: not re-sent after a lost answer (504, timeout); the caller reads first (createOnce). */
  resendAfterLostAnswer?: boolean;
  /** A POST that only reads (search, SQL SELECT): allowed in plan mode. */
  readOnly?: boolean;
  headers?: Record<string, string>;
}

export interface StreamOptions extends Omit<RequestOptions, 'body'> {
  body?: RequestBody;
  streamResponse?: boolean;
}

export class PlanModeViolation extends Error {
  override readonly name = 'PlanModeViolation';
}

export interface DatabricksClientOptions {
  workspaceUrl: string;
  send: SendRequest;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Plan mode: refuse every write call. */
  readOnly?: boolean;
  /** Refuse writes while this phase is planning (planPhase()). */
  phase?: WritePhase;
}

/** A task's plan phase: while `planning`, the clients made for it refuse every write call. */
export interface WritePhase {
  planning: boolean;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export class DatabricksClient {
  readonly workspaceUrl: string;
  private readonly send: SendRequest;
  private readonly timeoutMs: number;
  private readonly signal?: AbortSignal;
  readonly readOnly: boolean;
  private readonly phase?: WritePhase;

  constructor(options: DatabricksClientOptions) {
    this.workspaceUrl = options.workspaceUrl.replace(/\/+$/, '');
    this.send = options.send;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.signal = options.signal;
    this.readOnly = options.readOnly ?? false;
    this.phase = options.phase;
  }

  get<T>(path: string, query?: Query, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, { ...options, query });
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await this.exchange(method, path, { ...options, body, headers });
    return (response.bodyJson ?? {}) as T;
  }

  /** A raw exchange: streamed bodies (Files API uploads, artifact downloads). */
  stream(method: HttpMethod, path: string, options: StreamOptions = {}): Promise<PipelineResponse> {
    return this.exchange(method, path, options);
  }

  /**
   * The same client (pipeline, token, plan mode) for another Databricks host, e.g. the
   * data-plane URL of a route-optimized serving endpoint. Callers check the host first.
   */
  withBaseUrl(baseUrl: string): DatabricksClient {
    return new DatabricksClient({ workspaceUrl: baseUrl, send: this.send, timeoutMs: this.timeoutMs, signal: this.signal, readOnly: this.readOnly, phase: this.phase });
  }

  /**
   * The client of a task's plan phase: the same client, refusing every write call
   * (PlanModeViolation) until `end()`. A plan can read (and poll) but never write, whether or not
   * the step runs in dryRun; what the plan built on it (e.g. a monitor API bound to it) can write
   * once apply runs.
   */
  planPhase(): { client: DatabricksClient; end(): void } {
    const phase: WritePhase = { planning: true };
    const client = new DatabricksClient({ workspaceUrl: this.workspaceUrl, send: this.send, timeoutMs: this.timeoutMs, signal: this.signal, readOnly: this.readOnly, phase });
    return { client, end: () => void (phase.planning = false) };
  }

  /** An absolute URL of this workspace (links in summaries). */
  link(path: string): string {
    return `${this.workspaceUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  private exchange(method: HttpMethod, path: string, options: StreamOptions): Promise<PipelineResponse> {
    if ((this.readOnly || this.phase?.planning) && method !== 'GET' && method !== 'HEAD' && !options.readOnly) {
      throw new PlanModeViolation(this.readOnly ? message('PlanModeRefusedWrite', method, path) : message('PlanPhaseRefusedWrite', method, path));
    }
    const request: PipelineRequest = {
      method,
      url: buildUrl(this.workspaceUrl, path, options.query),
      headers: new Headers(options.headers),
      body: options.body,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      signal: options.signal ?? this.signal,
      idempotent: options.idempotent ?? isIdempotentMethod(method),
      resendAfterLostAnswer: options.resendAfterLostAnswer,
      streamResponse: options.streamResponse,
      attempt: 1,
    };
    return this.send(request);
  }
}

export function buildUrl(base: string, path: string, query?: Query): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
    else url.searchParams.set(k, String(v));
  }
  return url;
}
