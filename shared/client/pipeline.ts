/**
 * A tiny request pipeline in the style of @azure/core-rest-pipeline: an ordered list of
 * policies, each of which may act on the request, call `next`, and act on the response.
 * The transport at the end performs the HTTP exchange.
 */
import type { Readable } from 'node:stream';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request body: JSON text, bytes, or a factory that opens a fresh stream for every attempt. */
export type RequestBody = string | Uint8Array | (() => Readable);

export interface PipelineRequest {
  method: HttpMethod;
  url: URL;
  headers: Headers;
  body?: RequestBody;
  /** Per-attempt timeout; the transport aborts the attempt when it expires. */
  timeoutMs: number;
  /** Cancellation of the whole operation (SIGTERM, task timeout). Never retried. */
  signal?: AbortSignal;
  /** Whether a 500 may be retried: true for GET/HEAD/PUT/DELETE unless the caller says otherwise. */
  idempotent: boolean;
  /**
   * False for a create that must not be re-sent after a lost answer (504, timeout, reset once
   * sent): the caller reads before creating again (see shared/client/createOnce.ts).
   */
  resendAfterLostAnswer?: boolean;
  /** Return the body as a stream instead of text (downloads). */
  streamResponse?: boolean;
  /** A short name of the API operation, for debug logs (never the body). */
  operation?: string;
  /** 1 for the first attempt, set by the retry policy. */
  attempt: number;
}

export interface PipelineResponse {
  request: PipelineRequest;
  status: number;
  headers: Headers;
  /** The body as text, unless `streamResponse` was asked for. */
  bodyText?: string;
  /** The body as a stream when `streamResponse` was asked for and the status is 2xx. */
  bodyStream?: Readable;
  /** The parsed JSON body of a 2xx answer to a request that accepts JSON (set by the error policy). */
  bodyJson?: unknown;
}

export type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

/**
 * A send whose handling of non-2xx answers is in its type, for code that must know it (auth):
 * - `AnsweringSend` resolves every HTTP answer, 2xx or not (no error policy); it rejects only
 *   when no answer came (RequestError, CancelledError);
 * - `ThrowingSend` rejects a non-2xx answer as DatabricksApiError (the error policy is in it).
 */
export type AnsweringSend = SendRequest & { readonly nonSuccess: 'answers' };
export type ThrowingSend = SendRequest & { readonly nonSuccess: 'throws' };

/** Marks a send without the error policy (a transport, or policies that never throw on a status). */
export function answeringSend(send: SendRequest): AnsweringSend {
  return Object.assign((request: PipelineRequest) => send(request), { nonSuccess: 'answers' as const });
}

/** Marks a send with the error policy inside it. */
export function throwingSend(send: SendRequest): ThrowingSend {
  return Object.assign((request: PipelineRequest) => send(request), { nonSuccess: 'throws' as const });
}

export interface PipelinePolicy {
  readonly name: string;
  sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}

/** Composes policies (outermost first) around a transport. */
export function createPipeline(policies: readonly PipelinePolicy[], transport: SendRequest): SendRequest {
  return policies.reduceRight<SendRequest>((next, policy) => (request) => policy.sendRequest(request, next), transport);
}

export function isIdempotentMethod(method: HttpMethod): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE';
}
