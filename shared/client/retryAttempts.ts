/**
 * A bounded retry loop for calls outside the HTTP pipeline (whose retryPolicy retries within a
 * time budget): up to `maxRetries` retries of the attempts that say they are retryable, waiting
 * `delayMs(retryNumber)` of task time before each (a back-off from retryStrategies/). The last
 * failure is thrown as it is; a cancelled signal stops before an attempt and during a wait.
 */
import type { Clock } from '../runtime/clock';
import { cancelledError } from './errors';

export type AttemptResult<T> = { ok: true; value: T } | { ok: false; retryable: boolean; error: Error };

export interface RetryAttemptsOptions {
  maxRetries: number;
  /** The wait before retry n (1-based), in task time. */
  delayMs(retryNumber: number): number;
  clock: Clock;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log "retrying in 2000 ms". */
  onRetry?(error: Error, delayMs: number): void;
}

export async function retryAttempts<T>(attempt: (signal?: AbortSignal) => Promise<AttemptResult<T>>, options: RetryAttemptsOptions): Promise<T> {
  const { signal } = options;
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw cancelledError(signal);
    const outcome = await attempt(signal);
    if (outcome.ok) return outcome.value;
    if (!outcome.retryable || retry >= options.maxRetries) throw outcome.error;
    const delay = options.delayMs(retry + 1);
    options.onRetry?.(outcome.error, delay);
    await options.clock.sleep(delay, signal);
  }
}
