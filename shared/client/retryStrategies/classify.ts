/**
 * Which failures are worth another attempt. Pure.
 * - 429 and 503 mean the request was not processed; 504 and network failures are retried
 *   on every method too (create calls protect themselves by looking before creating again).
 * - 500 and 502 are retried only for idempotent requests.
 * - REQUEST_LIMIT_EXCEEDED / TEMPORARILY_UNAVAILABLE are retried whatever the status
 *   (the Go SDK does the same for a SCIM 500 that means throttling).
 * - A create that must not be re-sent blindly (`resendAfterLostAnswer` false: alerts, monitors)
 *   is not retried after a lost answer (504, a timeout, a connection dropped once sent): the
 *   request may have been processed, so the caller reads before creating again (the Go and
 *   Python SDKs retry only 429/503 and transient messages: go-sdk `httpclient/api_client.go`,
 *   py-sdk `_base_client.py`).
 */
import { DatabricksApiError, RequestError } from '../errors';

const ALWAYS_RETRIED_STATUS = new Set([429, 503, 504]);
const IDEMPOTENT_RETRIED_STATUS = new Set([500, 502]);
const RETRIED_ERROR_CODES = new Set(['REQUEST_LIMIT_EXCEEDED', 'TEMPORARILY_UNAVAILABLE', 'WORKSPACE_TEMPORARILY_UNAVAILABLE']);
const RETRIED_NETWORK_CODES = new Set(['TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'SOCKET_CLOSED', 'EAI_AGAIN']);
/** Network failures after which the request may have reached the service (not refused, not unresolved). */
const LOST_ANSWER_NETWORK_CODES = new Set(['TIMEOUT', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'SOCKET_CLOSED']);

/** True when the request may have been processed although no answer came back (504, timeout, reset). */
export function isLostAnswer(error: unknown): boolean {
  if (error instanceof DatabricksApiError) return error.statusCode === 504;
  return error instanceof RequestError && LOST_ANSWER_NETWORK_CODES.has(error.code);
}

export type RetryReason = 'throttled' | 'unavailable' | 'server-error' | 'network' | 'unparsable-answer';

/** The reason to retry, or undefined when the failure is final. */
export function retryReason(error: unknown, idempotent: boolean, resendAfterLostAnswer = true): RetryReason | undefined {
  if (!resendAfterLostAnswer && isLostAnswer(error)) return undefined;
  if (error instanceof DatabricksApiError) {
    if (error.statusCode === 429 || error.errorCode === 'REQUEST_LIMIT_EXCEEDED') return 'throttled';
    if (ALWAYS_RETRIED_STATUS.has(error.statusCode) || RETRIED_ERROR_CODES.has(error.errorCode)) return 'unavailable';
    if (idempotent && IDEMPOTENT_RETRIED_STATUS.has(error.statusCode)) return 'server-error';
    return undefined;
  }
  if (error instanceof RequestError) {
    if (RETRIED_NETWORK_CODES.has(error.code)) return 'network';
    if (error.code === 'PARSE_ERROR' && idempotent) return 'unparsable-answer';
  }
  return undefined;
}
