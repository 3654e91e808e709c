/**
 * One error type for answers from Databricks (and ARM), one for requests that got no answer.
 * `request` and `response` are non-enumerable so that logging an error never dumps
 * headers (bearer tokens) or bodies.
 */
import type { PipelineRequest, PipelineResponse } from './pipeline';
import { message } from '../runtime/messages';

export interface ErrorDetail {
  '@type'?: string;
  [key: string]: unknown;
}

export class DatabricksApiError extends Error {
  override readonly name = 'DatabricksApiError';
  readonly statusCode: number;
  /** The service's error_code (e.g. RESOURCE_DOES_NOT_EXIST); derived from the status when absent. */
  readonly errorCode: string;
  /** The message the service gave, without our prefix. */
  readonly serviceMessage: string;
  readonly requestId?: string;
  readonly details: ErrorDetail[];
  readonly method: string;
  /** The URL path (no query string, which may hold identifiers but never secrets). */
  readonly path: string;
  declare readonly request: PipelineRequest;
  declare readonly response: PipelineResponse;
  /** Set by the retry policy when it gave up. */
  attempts = 1;

  constructor(init: { statusCode: number; errorCode: string; message: string; requestId?: string; details?: ErrorDetail[]; request: PipelineRequest; response: PipelineResponse }) {
    const where = `${init.request.method} ${init.request.url.pathname}`;
    super(message('ApiErrorMessage', init.errorCode, init.statusCode, where, init.message));
    this.statusCode = init.statusCode;
    this.errorCode = init.errorCode;
    this.serviceMessage = init.message;
    this.requestId = init.requestId;
    this.details = init.details ?? [];
    this.method = init.request.method;
    this.path = init.request.url.pathname;
    Object.defineProperty(this, 'request', { value: init.request, enumerable: false });
    Object.defineProperty(this, 'response', { value: init.response, enumerable: false });
  }
}

export type RequestErrorCode =
  'TIMEOUT' | 'ECONNRESET' | 'ECONNREFUSED' | 'ENOTFOUND' | 'EAI_AGAIN' | 'ETIMEDOUT' | 'EPIPE' | 'SOCKET_CLOSED' | 'REQUEST_SEND_ERROR' | 'PARSE_ERROR';

/** A request that got no (usable) HTTP answer: network failure, timeout, unparsable 2xx body. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly code: RequestErrorCode;
  readonly method: string;
  readonly path: string;
  declare readonly request: PipelineRequest;
  attempts = 1;

  constructor(code: RequestErrorCode, text: string, request: PipelineRequest, cause?: unknown) {
    super(message('RequestErrorMessage', text, code, request.method, request.url.pathname), cause === undefined ? undefined : { cause });
    this.code = code;
    this.method = request.method;
    this.path = request.url.pathname;
    Object.defineProperty(this, 'request', { value: request, enumerable: false });
  }
}

/** The operation was cancelled (SIGTERM/SIGINT, or a deadline of the caller). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(text: string = message('OperationCancelled')) {
    super(text);
  }
}

/** The error for an aborted signal: its reason when that is an Error (so every place reports the same cause). */
export function cancelledError(signal?: AbortSignal): CancelledError {
  const reason: unknown = signal?.reason;
  if (reason instanceof CancelledError) return reason;
  if (reason instanceof Error) return new CancelledError(reason.message);
  return new CancelledError(typeof reason === 'string' ? reason : undefined);
}

export function isDatabricksApiError(e: unknown): e is DatabricksApiError {
  return e instanceof DatabricksApiError;
}

/** True when the service says the resource does not exist. Branches on error_code first. */
export function isNotFound(e: unknown): boolean {
  if (!(e instanceof DatabricksApiError)) return false;
  return e.errorCode === 'RESOURCE_DOES_NOT_EXIST' || e.errorCode === 'NOT_FOUND' || (e.statusCode === 404 && !/ALREADY_EXISTS/.test(e.errorCode));
}

/** True for RESOURCE_ALREADY_EXISTS / ALREADY_EXISTS, whatever the status (MLflow answers 400). */
export function isAlreadyExists(e: unknown): boolean {
  return e instanceof DatabricksApiError && (e.errorCode === 'RESOURCE_ALREADY_EXISTS' || e.errorCode === 'ALREADY_EXISTS');
}
