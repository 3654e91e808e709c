/**
 * Exponential back-off with jitter, capped: 1 s, 2 s, 4 s, … up to 30 s. The delay for retry
 * n is drawn from [d/2, d] where d = min(max, initial·2^(n-1)). Pure: randomness is injected.
 */
export interface BackoffOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_INITIAL_DELAY_MS = 1000;
export const DEFAULT_MAX_DELAY_MS = 30_000;

export function exponentialBackoffDelay(retryNumber: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const exponent = Math.min(Math.max(retryNumber - 1, 0), 30);
  const ceiling = Math.min(max, initial * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
