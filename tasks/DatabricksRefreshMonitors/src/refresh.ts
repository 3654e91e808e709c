/**
 * Refreshes monitors with at most `concurrency` refreshes in flight.
 *
 * Per table: a refresh that is already PENDING or RUNNING is waited on instead of starting
 * another (the service documents no "one at a time" rule, so an answer to the start call that
 * says one is running is treated the same way: re-list and wait); otherwise one is started
 * through the API the monitor uses. Waiting polls with one GET per refresh per poll, backing
 * off to a steady 25 s; the first read is the answer of the start/list call, so no GET is
 * spent right after starting. One deadline (timeoutMinutes) covers the whole run: on it the
 * refreshes this task started are cancelled, the ones it only waited on are left alone, and
 * the tables still queued are not started.
 *
 * A failure of one table (an API error, a FAILED refresh) is that table's outcome; the others
 * go on. Only cancellation of the task (SIGTERM) stops everything.
 */
import { CancelledError, isDatabricksApiError, type DatabricksApiError } from '../../../shared/client/errors';
import { poll, PollTimeoutError } from '../../../shared/client/poll';
import type { Clock, Deadline } from '../../../shared/runtime/clock';
import type { TaskLog } from '../../../shared/runtime/output';
import { runPool } from '../../../shared/runtime/pool';
import { message } from './messages';

export type RefreshState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

/** A refresh as either monitor API reports it, states without the v1 `MONITOR_REFRESH_STATE_` prefix. */
export interface RefreshSnapshot {
  refreshId: string;
  state: RefreshState;
  startTimeMs?: number;
  endTimeMs?: number;
  message?: string;
}

/** The refresh calls of one monitor (bound to the API the monitor uses). */
export interface RefreshHandle {
  listRefreshes(): Promise<RefreshSnapshot[]>;
  runRefresh(): Promise<RefreshSnapshot>;
  getRefresh(refreshId: string): Promise<RefreshSnapshot>;
  cancelRefresh(refreshId: string): Promise<void>;
}

export interface RefreshTarget {
  table: string;
  refresh: RefreshHandle;
}

export interface RefreshOutcome {
  table: string;
  /** The refresh's last known state; NOT_STARTED when the deadline came before a slot was free. */
  state: RefreshState | 'NOT_STARTED';
  refreshId?: string;
  startedByTask: boolean;
  durationSeconds?: number;
  /** The service's message (remote text), or what went wrong. */
  message?: string;
  timedOut: boolean;
  /** This task cancelled the refresh after the timeout. */
  cancelledByTask: boolean;
  /** A call for this table failed (the refresh state is then unknown). */
  error?: string;
}

export interface RefreshOptions {
  concurrency: number;
  waitForCompletion: boolean;
  timeoutMinutes: number;
  clock: Clock;
  signal: AbortSignal;
  log: TaskLog;
}

/** Task-time polling intervals: a first look after 10 s, then backing off to a steady 25 s. */
export const POLL_INITIAL_MS = 10_000;
export const POLL_STEADY_MS = 25_000;
const POLL_FACTOR = 1.5;

const ACTIVE: ReadonlySet<RefreshState> = new Set(['PENDING', 'RUNNING']);

export function isActive(state: RefreshState): boolean {
  return ACTIVE.has(state);
}

/** The start call's answer when a refresh is already running (409/400; the code is not documented). */
export function isAlreadyRunning(error: unknown): error is DatabricksApiError {
  if (!isDatabricksApiError(error) || (error.statusCode !== 409 && error.statusCode !== 400)) return false;
  if (['RESOURCE_CONFLICT', 'INVALID_STATE', 'RESOURCE_ALREADY_EXISTS', 'ALREADY_EXISTS'].includes(error.errorCode)) return true;
  return /already (running|in progress|pending|exists)|in progress/i.test(error.serviceMessage);
}

export async function refreshAll(targets: readonly RefreshTarget[], options: RefreshOptions): Promise<RefreshOutcome[]> {
  const { clock } = options;
  const deadline = clock.deadline(options.timeoutMinutes * 60_000);
  let done = 0;
  const refreshAndCount = () =>
    runPool(targets, options.concurrency, async (target) => {
      const outcome = await refreshOne(target, deadline, options);
      done++;
      options.log.progress((done / targets.length) * 100, message('RefreshesFinished', done, targets.length));
      return outcome;
    });
  // The refreshes' status lines in one group (they interleave when several run at once).
  return options.waitForCompletion ? options.log.group(message('WaitingForRefreshes', targets.length, options.timeoutMinutes), refreshAndCount) : refreshAndCount();
}

async function refreshOne(target: RefreshTarget, deadline: Deadline, options: RefreshOptions): Promise<RefreshOutcome> {
  const { clock, log } = options;
  const base = { table: target.table, timedOut: false, cancelledByTask: false };
  if (options.waitForCompletion && deadline.passed()) {
    return { ...base, state: 'NOT_STARTED', startedByTask: false, timedOut: true, message: message('RefreshNotStarted') };
  }

  let first: RefreshSnapshot;
  let startedByTask: boolean;
  try {
    const running = await findActive(target.refresh);
    if (running) {
      first = running;
      startedByTask = false;
      log.info(message('RefreshWaitingOnRunning', target.table, running.refreshId, running.state));
    } else {
      ({ first, startedByTask } = await start(target));
      if (startedByTask) log.info(message('RefreshStartedLine', target.table, first.refreshId, first.state));
      else log.info(message('RefreshServiceSaysRunning', target.table, first.refreshId));
    }
  } catch (error) {
    return failed(base, error, false);
  }

  if (!options.waitForCompletion || !isActive(first.state)) return settled(base, first, startedByTask, log);

  let pending: RefreshSnapshot | undefined = first;
  try {
    const { result } = await poll<RefreshSnapshot, RefreshSnapshot>({
      // The first read is the answer we already hold: no GET right after starting.
      read: async () => {
        const known = pending;
        pending = undefined;
        return known ?? (await target.refresh.getRefresh(first.refreshId));
      },
      evaluate: (r) => (isActive(r.state) ? { done: false, status: r.state } : { done: true, result: r }),
      clock,
      timeoutMs: deadline.remaining(),
      initialIntervalMs: POLL_INITIAL_MS,
      maxIntervalMs: POLL_STEADY_MS,
      factor: POLL_FACTOR,
      signal: options.signal,
      onStatus: (status, r) => {
        if (r !== first) log.info(message('RefreshStatus', target.table, first.refreshId, status));
      },
    });
    return settled(base, result, startedByTask, log);
  } catch (error) {
    if (error instanceof PollTimeoutError) return timedOut(base, target, first, startedByTask, error.last as RefreshSnapshot | undefined, options);
    return failed({ ...base, refreshId: first.refreshId }, error, startedByTask);
  }
}

async function findActive(handle: RefreshHandle): Promise<RefreshSnapshot | undefined> {
  const refreshes = await handle.listRefreshes();
  return refreshes.find((r) => isActive(r.state));
}

async function start(target: RefreshTarget): Promise<{ first: RefreshSnapshot; startedByTask: boolean }> {
  try {
    return { first: await target.refresh.runRefresh(), startedByTask: true };
  } catch (error) {
    if (!isAlreadyRunning(error)) throw error;
    const running = await findActive(target.refresh);
    if (!running) throw error;
    return { first: running, startedByTask: false };
  }
}

function settled(base: Pick<RefreshOutcome, 'table' | 'timedOut' | 'cancelledByTask'>, r: RefreshSnapshot, startedByTask: boolean, log: TaskLog): RefreshOutcome {
  const duration = r.startTimeMs !== undefined && r.endTimeMs !== undefined ? Math.max(0, (r.endTimeMs - r.startTimeMs) / 1000) : undefined;
  if (r.state === 'FAILED' || r.state === 'CANCELED' || r.state === 'UNKNOWN') {
    log.warning(r.message ? message('RefreshEndedWith', base.table, r.refreshId ?? '', r.state, r.message) : message('RefreshEnded', base.table, r.refreshId ?? '', r.state));
  } else if (!isActive(r.state)) {
    log.info(
      duration !== undefined
        ? message('RefreshDoneIn', base.table, r.refreshId ?? '', r.state, Math.round(duration))
        : message('RefreshDone', base.table, r.refreshId ?? '', r.state),
    );
  }
  return { ...base, state: r.state, refreshId: r.refreshId, startedByTask, durationSeconds: duration, message: r.message };
}

async function timedOut(
  base: Pick<RefreshOutcome, 'table' | 'timedOut' | 'cancelledByTask'>,
  target: RefreshTarget,
  first: RefreshSnapshot,
  startedByTask: boolean,
  last: RefreshSnapshot | undefined,
  options: RefreshOptions,
): Promise<RefreshOutcome> {
  const state = last?.state ?? first.state;
  const outcome: RefreshOutcome = { ...base, state, refreshId: first.refreshId, startedByTask, timedOut: true };
  if (!startedByTask) {
    options.log.warning(message('RefreshLeftRunning', target.table, first.refreshId, state));
    return { ...outcome, message: message('RefreshStillLeftRunning', state, options.timeoutMinutes) };
  }
  try {
    await target.refresh.cancelRefresh(first.refreshId);
    options.log.warning(message('RefreshCancelledAtTimeout', target.table, first.refreshId, state, options.timeoutMinutes));
    return { ...outcome, state: 'CANCELED', cancelledByTask: true, message: message('RefreshCancelledByTask', options.timeoutMinutes, state) };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    options.log.warning(message('RefreshCancelFailed', target.table, first.refreshId, reason));
    return { ...outcome, message: message('RefreshStillCancelFailed', state, options.timeoutMinutes, reason), error: reason };
  }
}

function failed(base: Pick<RefreshOutcome, 'table' | 'timedOut' | 'cancelledByTask'> & { refreshId?: string }, error: unknown, startedByTask: boolean): RefreshOutcome {
  if (error instanceof CancelledError) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  return { ...base, state: 'UNKNOWN', startedByTask, message: reason, error: reason };
}
