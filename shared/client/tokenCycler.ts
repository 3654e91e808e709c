/**
 * Keeps a bearer token fresh: refreshes when it is within the refresh window of expiry
 * (default 2 minutes of task time), with one refresh in flight at a time (single flight).
 */
import type { Clock } from '../runtime/clock';

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresOnTimestamp: number;
}

export interface TokenSource {
  getToken(signal?: AbortSignal): Promise<AccessToken>;
}

export interface TokenCyclerOptions {
  refreshWindowMs?: number;
  clock: Clock;
}

export const DEFAULT_REFRESH_WINDOW_MS = 2 * 60_000;

export interface TokenCycler {
  /** A token valid for at least the refresh window. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Drops the cached token (after a 401), so the next call mints a new one. */
  invalidate(): void;
}

export function createTokenCycler(source: TokenSource, options: TokenCyclerOptions): TokenCycler {
  const windowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
  const { clock } = options;
  let current: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;

  const fresh = (t: AccessToken | undefined): t is AccessToken => !!t && t.expiresOnTimestamp - clock.now() > clock.scale(windowMs);

  return {
    async getToken(signal) {
      if (fresh(current)) return current.token;
      if (!inFlight) {
        inFlight = source.getToken(signal).finally(() => {
          inFlight = undefined;
        });
      }
      current = await inFlight;
      return current.token;
    },
    invalidate() {
      current = undefined;
    },
  };
}
