/**
 * Time as the tasks see it. Every wait (poll intervals, retry back-off, token refresh
 * windows) goes through here, so a test or benchmark can compress time with the
 * environment variable DATABRICKS_MLOPS_TIME_SCALE (e.g. 0.01 makes a 15 s poll last
 * 150 ms). Unset in production, where the scale is 1.
 *
 * Task code counts in task time only: a timeout is `clock.deadline(ms)` and its
 * `remaining()`, an elapsed time `clock.since(start)`; the scale arithmetic stays here.
 */
import { cancelledError } from '../client/errors';

export interface Clock {
  /** Wall-clock milliseconds. */
  now(): number;
  /** Scales a duration expressed in "task time" into real milliseconds (for socket timeouts). */
  scale(ms: number): number;
  /** Sleeps `ms` of task time; rejects with CancelledError when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The moment `ms` of task time from now. */
  deadline(ms: number): Deadline;
  /** Task time since `start`, a reading of now(). */
  since(start: number): number;
}

export interface Deadline {
  /** Task time left, 0 once the deadline has passed. */
  remaining(): number;
  passed(): boolean;
}

export function timeScaleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATABRICKS_MLOPS_TIME_SCALE;
  if (!raw) return 1;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : 1;
}

export function createClock(scale = timeScaleFromEnv()): Clock {
  return {
    now: () => Date.now(),
    scale: (ms) => ms * scale,
    sleep: (ms, signal) => sleepReal(ms * scale, signal),
    deadline: (ms) => {
      const at = Date.now() + ms * scale;
      return { remaining: () => Math.max(0, (at - Date.now()) / scale), passed: () => Date.now() >= at };
    },
    since: (start) => (Date.now() - start) / scale,
  };
}

export function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError(signal));
      return;
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = createClock();
