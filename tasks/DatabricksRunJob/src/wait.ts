/**
 * Waiting for a job run as the SDK waiters do (go-sdk retries.Poll, attempt × 1 s
 * capped at 10 s plus 50–750 ms jitter; py-sdk min(attempt, 10) s + random()), reading every
 * task page on each poll (go-sdk GetRun / py-sdk get_run follow next_page_token). Unlike them,
 * the deadline is the task's timeoutMinutes, transient errors are the client's to retry (429,
 * 503, network) instead of halting, and the result is checked (runState.ts).
 *
 * The log shows the run's state when it changes, the queue reason once per change, and each
 * task's state only when it changes, grouped per poll; progress is tasks finished / total.
 */
import type { Deadline } from '../../../shared/runtime/clock';
import { getRunAllPages, latestTaskAttempts, type Run } from '../../../shared/api/jobs';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import type { TaskContext } from '../../../shared/runtime/task';
import { isTerminal, lifeCycle, taskStateLine } from './runState';
import { message } from './messages';

/** The poll interval cap (task time), as the SDKs' 10 s. */
export const MAX_POLL_INTERVAL_MS = 10_000;

export interface WaitResult {
  run: Run;
  polls: number;
  timedOut: boolean;
}

export interface WaitDeps {
  client: DatabricksClient;
  ctx: TaskContext;
}

/** Poll interval of the n-th poll (1-based), task time: n s capped at 10 s, plus 50–750 ms jitter. */
export function pollIntervalMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(attempt * 1000, MAX_POLL_INTERVAL_MS) + 50 + Math.floor(random() * 700);
}

/** Polls until the run is TERMINATED or `deadline` passes; throws CancelledError on SIGTERM/SIGINT. */
export async function waitForRun(deps: WaitDeps, runId: number, deadline: Deadline, label: string): Promise<WaitResult> {
  const { client, ctx } = deps;
  const known = new Map<string, string>();
  let lastRunLine = '';
  let lastQueue = '';
  let polls = 0;
  for (let attempt = 1; ; attempt++) {
    const run = await getRunAllPages(client, runId, { signal: ctx.signal });
    polls++;
    const tasks = latestTaskAttempts(run.tasks);
    const finished = tasks.filter(isTerminal).length;
    const changed: string[] = [];
    for (const task of tasks) {
      const line = taskStateLine(task);
      const key = task.task_key ?? String(task.run_id);
      if (known.get(key) !== line) {
        known.set(key, line);
        changed.push(`  ${line}`);
      }
    }
    const runLine = message('RunProgressLine', label, lifeCycle(run), finished, tasks.length);
    if (runLine !== lastRunLine || changed.length > 0) {
      lastRunLine = runLine;
      if (changed.length > 0) {
        // Task keys come from the workspace: remote text.
        ctx.log.group(runLine, () => ctx.log.remote(changed.join('\n')));
      } else ctx.log.info(runLine);
    }
    const queue = run.status?.queue_details?.message ?? run.state?.queue_reason;
    if (queue && queue !== lastQueue) ctx.log.remote(message('Queued', queue));
    lastQueue = queue ?? '';
    if (tasks.length > 0) ctx.log.progress((finished / tasks.length) * 100, message('TasksFinished', finished, tasks.length));
    if (isTerminal(run)) return { run, polls, timedOut: false };
    if (deadline.passed()) return { run, polls, timedOut: true };
    // Sleep the interval, but wake up for one last read at the deadline.
    await ctx.clock.sleep(Math.min(pollIntervalMs(attempt), deadline.remaining()), ctx.signal);
  }
}
