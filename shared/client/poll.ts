/**
 * Polls a resource until it settles: the interval starts small and backs off by `factor`
 * up to `maxIntervalMs` (never a busy loop), the whole wait is bounded by `timeoutMs`, an
 * AbortSignal cancels it, and status changes / progress are reported through callbacks.
 */
import { cancelledError } from './errors';
import type { Clock } from '../runtime/clock';
import { message } from '../runtime/messages';

export type PollVerdict<R> = { done: true; result: R } | { done: false; status: string; progress?: number };

export interface PollOptions<T, R> {
  /** One read of the resource. */
  read: (signal?: AbortSignal) => Promise<T>;
  /** Done (with a result), failed (throw), or still going (with a status line). */
  evaluate: (value: T) => PollVerdict<R>;
  clock: Clock;
  timeoutMs: number;
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  factor?: number;
  signal?: AbortSignal;
  /** Called once per distinct status. */
  onStatus?: (status: string, value: T) => void;
  /** Called after each poll with a 0–100 estimate (elapsed share of the timeout unless the verdict gives one). */
  onProgress?: (percent: number, status: string) => void;
  /** The message of the timeout error. */
  describeTimeout?: (last: T | undefined) => string;
}

export class PollTimeoutError<T = unknown> extends Error {
  override readonly name = 'PollTimeoutError';
  constructor(
    message: string,
    readonly last: T | undefined,
    readonly polls: number,
  ) {
    super(message);
  }
}

export interface PollResult<R> {
  result: R;
  polls: number;
  elapsedMs: number;
}

export async function poll<T, R>(options: PollOptions<T, R>): Promise<PollResult<R>> {
  const { clock } = options;
  const initial = options.initialIntervalMs ?? 2_000;
  const max = options.maxIntervalMs ?? 15_000;
  const factor = options.factor ?? 1.5;
  const started = clock.now();
  const deadline = clock.deadline(options.timeoutMs);
  let interval = initial;
  let polls = 0;
  let lastStatus: string | undefined;
  let last: T | undefined;
  for (;;) {
    if (options.signal?.aborted) throw cancelledError(options.signal);
    last = await options.read(options.signal);
    polls++;
    const verdict = options.evaluate(last);
    const elapsed = clock.now() - started;
    if (verdict.done) return { result: verdict.result, polls, elapsedMs: elapsed };
    if (verdict.status !== lastStatus) {
      lastStatus = verdict.status;
      options.onStatus?.(verdict.status, last);
    }
    const percent = verdict.progress ?? Math.min(99, Math.floor((elapsed / Math.max(1, clock.scale(options.timeoutMs))) * 100));
    options.onProgress?.(percent, verdict.status);
    const remaining = deadline.remaining();
    if (remaining <= 0) {
      throw new PollTimeoutError(options.describeTimeout?.(last) ?? message('PollTimedOut', Math.round(options.timeoutMs / 60_000)), last, polls);
    }
    // Sleep the interval, but wake up for one last read at the deadline.
    await clock.sleep(Math.min(interval, remaining), options.signal);
    interval = Math.min(max, interval * factor);
  }
}
