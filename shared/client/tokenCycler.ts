/**
 * Keeps a bearer token fresh: a cached token is reused until it is within the refresh window
 * of expiry (for tokens shorter than twice the window: until half their lifetime), concurrent
 * callers share one refresh (single flight), and a caller's AbortSignal stops its own wait
 * without cancelling the refresh the others wait on.
 */
import { cancelledError } from './errors';
import type { Clock } from '../runtime/clock';

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresOnTimestamp: number;
}

export interface TokenSource {
  getToken(signal?: AbortSignal): Promise<AccessToken>;
}

/** A TokenSource that caches, and can be told to drop its token (after a 401). */
export interface TokenCycler extends TokenSource {
  invalidate(): void;
}

export interface TokenCyclerOptions {
  /** Refresh this long (task time) before expiry; default 2 minutes. */
  refreshWindowMs?: number;
  clock: Clock;
}

export const DEFAULT_REFRESH_WINDOW_MS = 2 * 60_000;

export function createTokenCycler(fetchToken: () => Promise<AccessToken>, options: TokenCyclerOptions): TokenCycler {
  const windowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  const { clock } = options;
  let cached: { value: AccessToken; refreshAt: number } | undefined;
  let inFlight: Promise<AccessToken> | undefined;
  return {
    getToken(signal) {
      if (signal?.aborted) return Promise.reject(cancelledError(signal));
      if (cached && clock.now() < cached.refreshAt) return Promise.resolve(cached.value);
      inFlight ??= (async () => {
        try {
          const fetchedAt = clock.now();
          const value = await fetchToken();
          const margin = Math.min(clock.scale(windowMs), (value.expiresOnTimestamp - fetchedAt) / 2);
          cached = { value, refreshAt: value.expiresOnTimestamp - margin };
          return value;
        } finally {
          inFlight = undefined;
        }
      })();
      return abortable(inFlight, signal);
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** Makes any TokenSource a cycler (sources that already cycle are returned as they are). */
export function asTokenCycler(source: TokenSource | TokenCycler, options: TokenCyclerOptions): TokenCycler {
  return 'invalidate' in source ? source : createTokenCycler(() => source.getToken(), options);
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
