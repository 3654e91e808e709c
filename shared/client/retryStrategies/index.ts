/**
 * The retry decision for one failed attempt, composed from the pure strategies: whether to
 * retry at all, then the server's own delay (Retry-After, RetryInfo) or exponential back-off.
 */
import { DatabricksApiError } from '../errors';
import { exponentialBackoffDelay, type BackoffOptions } from './exponentialBackoff';
import { isLostAnswer, retryReason, type RetryReason } from './classify';
import { parseRetryAfter, retryDelayFromDetails } from './retryAfter';

export { exponentialBackoffDelay, isLostAnswer, retryReason, parseRetryAfter, retryDelayFromDetails };
export type { BackoffOptions, RetryReason };

export interface RetryDecision {
  reason: RetryReason;
  delayMs: number;
  /** Where the delay came from. */
  source: 'retry-after' | 'retry-info' | 'backoff';
}

export function decideRetry(
  error: unknown,
  context: { idempotent: boolean; resendAfterLostAnswer?: boolean; retryNumber: number; nowMs: number; backoff?: BackoffOptions; random?: () => number },
): RetryDecision | undefined {
  const reason = retryReason(error, context.idempotent, context.resendAfterLostAnswer);
  if (!reason) return undefined;
  if (error instanceof DatabricksApiError) {
    const fromHeader = parseRetryAfter(error.response.headers.get('retry-after'), context.nowMs);
    if (fromHeader !== undefined) return { reason, delayMs: fromHeader, source: 'retry-after' };
    const fromDetails = retryDelayFromDetails(error.details);
    if (fromDetails !== undefined) return { reason, delayMs: fromDetails, source: 'retry-info' };
  }
  return { reason, delayMs: exponentialBackoffDelay(context.retryNumber, context.backoff, context.random), source: 'backoff' };
}
