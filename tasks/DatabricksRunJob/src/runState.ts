/**
 * Reading a run's state (the `Run` fields of py-sdk `databricks/sdk/service/jobs.py`; `state` is deprecated for `status`): done when `status.state` is TERMINATED
 * (or, without `status`, `state.life_cycle_state` is TERMINATED, SKIPPED or INTERNAL_ERROR);
 * success when `termination_details.code` (else `state.result_state`) is SUCCESS. None of the
 * SDK waiters looks at the result, so this is the task's own check. Every way of not
 * succeeding gets its own wording.
 */
import type { Run, RunTask } from '../../../shared/api/jobs';
import { message } from './messages';

export type RunVerdict = 'success' | 'successWithFailures' | 'failed' | 'canceled' | 'timedOut' | 'skipped' | 'concurrencyLimit' | 'internalError';

const TERMINAL_LEGACY = new Set(['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR']);

type StateCarrier = Pick<Run, 'state' | 'status'> | Pick<RunTask, 'state' | 'status'>;

export function isTerminal(run: StateCarrier): boolean {
  if (run.status?.state) return run.status.state === 'TERMINATED';
  return TERMINAL_LEGACY.has(run.state?.life_cycle_state ?? '');
}

/** The life cycle state shown in the log (the newer field first). */
export function lifeCycle(run: StateCarrier): string {
  return run.status?.state ?? run.state?.life_cycle_state ?? 'UNKNOWN';
}

/**
 * The result state as the `resultState` output gives it: `state.result_state` when the service
 * sends it, else derived from the termination code.
 */
export function resultState(run: StateCarrier): string {
  const legacy = run.state?.result_state;
  if (legacy) return legacy;
  if (run.state?.life_cycle_state === 'SKIPPED') return 'SKIPPED';
  const code = run.status?.termination_details?.code;
  switch (code) {
    case undefined:
      return run.state?.life_cycle_state === 'INTERNAL_ERROR' ? 'INTERNAL_ERROR' : 'UNKNOWN';
    case 'SUCCESS':
    case 'SUCCESS_WITH_FAILURES':
    case 'INTERNAL_ERROR':
    case 'SKIPPED':
      return code;
    case 'USER_CANCELED':
    case 'CANCELED':
      return 'CANCELED';
    case 'MAX_CONCURRENT_RUNS_EXCEEDED':
    case 'WORKSPACE_RUN_LIMIT_EXCEEDED':
    case 'MAX_JOB_QUEUE_SIZE_EXCEEDED':
      return 'MAXIMUM_CONCURRENT_RUNS_REACHED';
    default:
      return 'FAILED';
  }
}

export function verdictOf(run: StateCarrier): RunVerdict {
  const code = run.status?.termination_details?.code;
  const result = run.state?.result_state;
  const life = run.state?.life_cycle_state;
  if (code === 'SUCCESS' || (code === undefined && result === 'SUCCESS')) return 'success';
  if (code === 'SUCCESS_WITH_FAILURES' || result === 'SUCCESS_WITH_FAILURES') return 'successWithFailures';
  if (code === 'MAX_CONCURRENT_RUNS_EXCEEDED' || code === 'WORKSPACE_RUN_LIMIT_EXCEEDED' || code === 'MAX_JOB_QUEUE_SIZE_EXCEEDED' || result === 'MAXIMUM_CONCURRENT_RUNS_REACHED')
    return 'concurrencyLimit';
  if (code === 'SKIPPED' || life === 'SKIPPED') return 'skipped';
  if (code === 'INTERNAL_ERROR' || life === 'INTERNAL_ERROR' || run.status?.termination_details?.type === 'INTERNAL_ERROR') return 'internalError';
  if (result === 'TIMEDOUT') return 'timedOut';
  if (code === 'USER_CANCELED' || code === 'CANCELED' || result === 'CANCELED') return 'canceled';
  return 'failed';
}

/** One sentence for the result of `what` (e.g. "Run 1 of job train"); `took` like "16 min 18 s". */
export function verdictMessage(verdict: RunVerdict, what: string, detail: string, took?: string): string {
  const tail = detail ? ` ${detail}` : '';
  const inTime = took ? ` ${message('RunTook', took)}` : '';
  switch (verdict) {
    case 'success':
      return message('RunSucceeded', what, inTime, tail);
    case 'successWithFailures':
      return message('RunSucceededWithFailures', what, inTime, tail);
    case 'failed':
      return message('RunFailed', what, tail);
    case 'canceled':
      return message('RunCanceled', what, tail);
    case 'timedOut':
      return message('RunJobTimeout', what, tail);
    case 'skipped':
      return message('RunSkipped', what, tail);
    case 'concurrencyLimit':
      return message('RunConcurrencyLimit', what, tail);
    case 'internalError':
      return message('RunInternalError', what, tail);
  }
}

/** Whether a task's entry failed in a way worth get-output (it ran and did not succeed). */
export function taskFailed(task: RunTask): boolean {
  if (!isTerminal(task)) return false;
  const r = resultState(task);
  return r !== 'SUCCESS' && r !== 'EXCLUDED' && r !== 'DISABLED';
}

/** `key: STATE` or `key: TERMINATED SUCCESS`, the line logged when a task changes. */
export function taskStateLine(task: RunTask): string {
  const life = lifeCycle(task);
  const result = isTerminal(task) ? ` ${resultState(task)}` : '';
  const attempt = (task.attempt_number ?? 0) > 0 ? ` ${message('TaskAttempt', (task.attempt_number ?? 0) + 1)}` : '';
  return `${task.task_key ?? task.run_id}: ${life}${result}${attempt}`;
}
