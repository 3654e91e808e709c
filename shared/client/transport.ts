/**
 * The HTTP exchange, on Node's built-in fetch. Each attempt has its own timeout; the caller's
 * AbortSignal cancels it (CancelledError, never retried). Streamed responses are handed on as
 * Node Readables.
 *
 * Streamed request bodies (model file uploads) go through `undici.request` instead: fetch reads
 * a streamed body as fast as it can and queues it in memory when the server is slower (measured:
 * a 512 MB upload peaked at ~620 MB RSS with fetch, ~120 MB with undici.request, which honours
 * back-pressure).
 *
 * When the agent has a proxy or custom certificates, the `undici` package is loaded lazily and
 * its fetch is used with a ProxyAgent/Agent dispatcher (same API as the built-in fetch).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { rootCertificates } from 'node:tls';
import { CancelledError, RequestError, cancelledError, type RequestErrorCode } from './errors';
import { proxyFor, proxyUrlWithCredentials, type HttpSettings, type ProxySettings } from './httpSettings';
import type { PipelineRequest, PipelineResponse, SendRequest } from './pipeline';
import { message } from '../runtime/messages';

type UndiciModule = typeof import('undici'); // eslint-disable-line @typescript-eslint/consistent-type-imports

type FetchFn = (input: string, init: Record<string, unknown>) => Promise<Response>;

interface Route {
  fetch: FetchFn;
  dispatcher?: unknown;
}

export function createFetchTransport(settings: HttpSettings = {}): SendRequest {
  const routes = new Map<string, Route>();

  const routeFor = (url: URL): Route => {
    const proxy = proxyFor(url, settings);
    const key = proxy ? `proxy:${proxy.url}` : 'direct';
    let route = routes.get(key);
    if (!route) {
      route = makeRoute(proxy, settings);
      routes.set(key, route);
    }
    return route;
  };

  return async (request: PipelineRequest): Promise<PipelineResponse> => {
    if (request.signal?.aborted) throw cancelledError(request.signal);
    const route = routeFor(request.url);
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(new TimeoutMarker()), request.timeoutMs);
    const onCallerAbort = () => attempt.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
    };
    try {
      if (typeof request.body === 'function') {
        const res = await sendStreamed(request, request.body(), route, attempt.signal);
        if (request.streamResponse && res.status >= 200 && res.status < 300) {
          clearTimeout(timer);
          res.body.once('close', cleanup);
          return { request, status: res.status, headers: res.headers, bodyStream: res.body };
        }
        const bodyText = await res.body.text();
        cleanup();
        return { request, status: res.status, headers: res.headers, bodyText };
      }
      const init: Record<string, unknown> = {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: attempt.signal,
        // Never follow a redirect: it could carry the management token to another host.
        redirect: 'manual',
      };
      if (route.dispatcher) init.dispatcher = route.dispatcher;
      const res = await route.fetch(request.url.toString(), init);
      const ok = res.status >= 200 && res.status < 300;
      if (request.streamResponse && ok && res.body) {
        // The attempt timeout covered the wait for headers; the body streams at its own pace.
        clearTimeout(timer);
        const stream = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
        stream.once('close', cleanup);
        return { request, status: res.status, headers: res.headers, bodyStream: stream };
      }
      const bodyText = await res.text();
      cleanup();
      return { request, status: res.status, headers: res.headers, bodyText };
    } catch (error) {
      cleanup();
      throw translateError(error, request, attempt.signal);
    }
  };
}

/**
 * Resolves once a request to `origin` has been written to the network, or once `settled` (that
 * request's outcome) settles, whichever comes first. undici, the engine of Node's fetch and of the
 * undici package alike, publishes 'undici:client:sendHeaders' as it writes a request
 * (https://github.com/nodejs/undici/blob/main/docs/docs/api/DiagnosticsChannel.md). For blocking
 * work, such as loading a large module, that should overlap the request's round trip: done
 * before the request is written, it would hold the request back, since the connection, the TLS
 * handshake and the write all need the event loop.
 */
export function afterRequestSent(origin: string | undefined, settled: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const onSendHeaders = (message: unknown) => {
      if (origin !== undefined && String((message as { request?: { origin?: unknown } }).request?.origin) === origin) done();
    };
    const done = () => {
      unsubscribe(SEND_HEADERS, onSendHeaders);
      resolve();
    };
    subscribe(SEND_HEADERS, onSendHeaders);
    settled.then(done, done);
  });
}

const SEND_HEADERS = 'undici:client:sendHeaders';

interface StreamedResponse {
  status: number;
  headers: Headers;
  body: Readable & { text(): Promise<string> };
}

/** A streamed request body, with back-pressure (see the module comment). */
async function sendStreamed(request: PipelineRequest, body: Readable, route: Route, signal: AbortSignal): Promise<StreamedResponse> {
  const undici = loadUndici();
  const res = await undici.request(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers),
    body,
    signal,
    dispatcher: route.dispatcher as import('undici').Dispatcher | undefined, // eslint-disable-line @typescript-eslint/consistent-type-imports
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) v.forEach((item) => headers.append(k, item));
    else if (v !== undefined) headers.set(k, v);
  }
  return { status: res.statusCode, headers, body: res.body };
}

function loadUndici(): UndiciModule {
  // Loaded only for streamed uploads and for agents with proxy or certificate settings.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('undici') as UndiciModule;
}

class TimeoutMarker extends Error {
  constructor() {
    super('timeout');
  }
}

function makeRoute(proxy: ProxySettings | undefined, settings: HttpSettings): Route {
  if (!proxy && !settings.ca && !settings.clientCert) return { fetch: globalThis.fetch as unknown as FetchFn };
  const undici = loadUndici();
  const tls: Record<string, unknown> = {};
  if (settings.ca) tls.ca = [...rootCertificates, settings.ca];
  if (settings.clientCert) Object.assign(tls, settings.clientCert);
  const dispatcher = proxy ? new undici.ProxyAgent({ uri: proxyUrlWithCredentials(proxy), requestTls: tls, proxyTls: tls }) : new undici.Agent({ connect: tls });
  return { fetch: undici.fetch as unknown as FetchFn, dispatcher };
}

const NETWORK_CODES: Record<string, RequestErrorCode> = {
  ECONNRESET: 'ECONNRESET',
  ECONNREFUSED: 'ECONNREFUSED',
  ENOTFOUND: 'ENOTFOUND',
  EAI_AGAIN: 'EAI_AGAIN',
  ETIMEDOUT: 'ETIMEDOUT',
  EPIPE: 'EPIPE',
  UND_ERR_SOCKET: 'SOCKET_CLOSED',
  UND_ERR_CLOSED: 'SOCKET_CLOSED',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
};

function translateError(error: unknown, request: PipelineRequest, attemptSignal: AbortSignal): Error {
  if (error instanceof CancelledError || error instanceof RequestError) return error;
  if (attemptSignal.aborted) {
    if (attemptSignal.reason instanceof TimeoutMarker) {
      return new RequestError('TIMEOUT', message('RequestNoAnswerWithin', Math.round(request.timeoutMs / 1000)), request);
    }
    return cancelledError(request.signal);
  }
  const code = findCode(error);
  const mapped = code ? NETWORK_CODES[code] : undefined;
  const detail = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  return new RequestError(mapped ?? 'REQUEST_SEND_ERROR', message('RequestFailed', detail), request, error);
}

function findCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
