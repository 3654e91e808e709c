/**
 * SIGINT/SIGTERM, and SIGBREAK on Windows (the agent cancelling the job, or a timeout: CTRL_C, then
 * CTRL_BREAK, which Node reports as SIGBREAK) abort the task's AbortSignal:
 * every wait and request stops, no new request is sent, and the task ends with a clear message.
 * A watchdog makes sure the process exits within 5 s even if something ignores the signal.
 *
 * On Windows agents the agent sends CTRL_C and then CTRL_BREAK instead of SIGINT/SIGTERM
 * (azure-pipelines-agent src/Agent.Sdk/ProcessInvoker.cs, `CancelAndKillProcessTree`); Node
 * reports CTRL_BREAK as `SIGBREAK` (https://nodejs.org/api/process.html#signal-events), so it is
 * handled exactly like SIGTERM.
 */
import { CancelledError } from '../client/errors';
import { message } from './messages';

/** The signals that cancel a task: SIGINT/CTRL_C first, then SIGTERM (Linux, macOS) or SIGBREAK (Windows). */
export const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGBREAK'];

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
    controller.abort(new CancelledError(message('TaskCancelled', sig)));
    const watchdog = setTimeout(() => onForcedExit(message('TaskCancelledForcedExit', sig)), graceMs);
    watchdog.unref();
  };
  for (const sig of CANCEL_SIGNALS) process.on(sig, handler);
  return {
    signal: controller.signal,
    get cause() {
      return cause;
    },
    dispose() {
      for (const sig of CANCEL_SIGNALS) process.off(sig, handler);
    },
  };
}
