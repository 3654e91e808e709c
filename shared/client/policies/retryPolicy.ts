/**
 * Retries failed attempts within a total time budget. When the budget would be exceeded the
 * ORIGINAL error is thrown (annotated with the attempt count), never a generic one.
 */
import { CancelledError, DatabricksApiError, RequestError, cancelledError } from '../errors';
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '../pipeline';
import { decideRetry, type BackoffOptions, type RetryDecision } from '../retryStrategies';
import type { Clock } from '../../runtime/clock';
import { message } from '../../runtime/messages';

export const retryPolicyName = 'retryPolicy';

export interface RetryPolicyOptions {
  /** Total task-time the retries of one call may take (default 5 min). */
  budgetMs?: number;
  backoff?: BackoffOptions;
  clock: Clock;
  random?: () => number;
  /** Called before each wait, e.g. to log "retrying in 4 s". */
  onRetry?: (info: { request: PipelineRequest; error: Error; decision: RetryDecision; retryNumber: number }) => void;
}

export const DEFAULT_RETRY_BUDGET_MS = 5 * 60_000;

export function retryPolicy(options: RetryPolicyOptions): PipelinePolicy {
  const budgetMs = options.budgetMs ?? DEFAULT_RETRY_BUDGET_MS;
  const { clock } = options;
  return {
    name: retryPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const started = clock.now();
      for (let attempt = 1; ; attempt++) {
        request.attempt = attempt;
        try {
          return await next(request);
        } catch (error) {
          if (request.signal?.aborted || error instanceof CancelledError) throw asCancelled(error, request);
          const decision = decideRetry(error, {
            idempotent: request.idempotent,
            resendAfterLostAnswer: request.resendAfterLostAnswer,
            retryNumber: attempt,
            nowMs: clock.now(),
            backoff: options.backoff,
            random: options.random,
          });
          if (!decision) throw annotate(error, attempt, undefined);
          if (clock.since(started) + decision.delayMs > budgetMs) throw annotate(error, attempt, budgetMs);
          options.onRetry?.({ request, error: error as Error, decision, retryNumber: attempt });
          await clock.sleep(decision.delayMs, request.signal);
        }
      }
    },
  };
}

function asCancelled(error: unknown, request: PipelineRequest): Error {
  return error instanceof CancelledError ? error : cancelledError(request.signal);
}

function annotate(error: unknown, attempts: number, budgetMs: number | undefined): unknown {
  if ((error instanceof DatabricksApiError || error instanceof RequestError) && attempts > 1) {
    error.attempts = attempts;
    error.message += ` ${budgetMs !== undefined ? message('RetryBudgetSpent', attempts, Math.round(budgetMs / 1000)) : message('RetryAttempts', attempts)}`;
  }
  return error;
}
