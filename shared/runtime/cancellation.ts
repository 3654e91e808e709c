/**
 * SIGINT/SIGTERM, and SIGBREAK on Windows (the agent cancelling the job, or a timeout: CTRL_C, then
 * CTRL_BREAK, which Node reports as SIGBREAK) abort the task's AbortSignal:
 * every wait and request stops, no new request is sent, and the task ends with a clear message.
 * A watchdog makes sure the process exits within 5 s even if something ignores the signal.
 */
import { CancelledError } from '../client/errors';

export interface Cancellation {
  signal: AbortSignal;
  /** The signal name once cancelled. */
  readonly cause: string | undefined;
  dispose(): void;
}

export function installCancellation(onForcedExit: (message: string) => void, graceMs = 4_000): Cancellation {
  const controller = new AbortController();
  let cause: string | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (cause) return;
    cause = sig;
    controller.abort(new CancelledError(`The task was cancelled (${sig}).`));
    const watchdog = setTimeout(() => onForcedExit(`The task was cancelled (${sig}) and stopped before its work finished.`), graceMs);
    watchdog.unref();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  process.on('SIGBREAK', handler);
  return {
    signal: controller.signal,
    get cause() {
      return cause;
    },
    dispose() {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
      process.off('SIGBREAK', handler);
    },
  };
}
