/**
 * Server-directed delays: the Retry-After header (delta-seconds or an HTTP date) and the
 * google.rpc.RetryInfo `retry_delay` error detail Databricks may attach. Pure functions.
 */
import type { ErrorDetail } from '../errors';

/** Milliseconds to wait according to a Retry-After value, or undefined when absent/invalid. A past date means 0. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Milliseconds from a RetryInfo detail: `retry_delay` as "1.5s" (protobuf JSON Duration) or {seconds, nanos}. */
export function retryDelayFromDetails(details: readonly ErrorDetail[] | undefined): number | undefined {
  for (const d of details ?? []) {
    if (typeof d['@type'] !== 'string' || !d['@type'].endsWith('google.rpc.RetryInfo')) continue;
    const delay = d['retry_delay'] ?? d['retryDelay'];
    if (typeof delay === 'string') {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (m) return Math.round(Number(m[1]) * 1000);
    } else if (delay && typeof delay === 'object') {
      const { seconds, nanos } = delay as { seconds?: number | string; nanos?: number };
      const ms = Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6;
      if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
    }
  }
  return undefined;
}
