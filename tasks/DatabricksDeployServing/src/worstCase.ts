/**
 * The longest this step can run, and a warning when that exceeds the 60-minute default job
 * timeout (reference azure-pipelines-tasks.md §3.4): the job's timeoutInMinutes is not visible
 * to a task, and a job limit that comes first cancels the task before its own timeout can
 * report and roll back.
 */
import { INVOCATION_TIMEOUT_MS } from '../../../shared/api/serving';
import type { TaskContext } from '../../../shared/runtime/task';
import type { ServingParameters } from './parameters';

/** Azure Pipelines' job timeout when timeoutInMinutes is not set. */
export const DEFAULT_JOB_TIMEOUT_MINUTES = 60;

export interface WorstCase {
  minutes: number;
  /** How it adds up, for the message. */
  parts: string[];
}

/**
 * Deploy: the wait for an update in progress and the readiness wait share one timeoutMinutes; a
 * rollback gets its own timeoutMinutes for each of its two waits (settle, then ready); plus the
 * smoke test's invocation timeout and verifyInferenceLogMinutes. Rollback mode: settle + ready.
 */
export function worstCase(p: ServingParameters): WorstCase {
  const t = p.timeoutMinutes;
  if (p.traffic.mode === 'rollback') {
    return p.waitForReady ? { minutes: 2 * t, parts: [`${t} min for an update in progress to end`, `${t} min for the restored config to be ready`] } : { minutes: t, parts: [`${t} min for an update in progress to end`] };
  }
  if (!p.waitForReady) return { minutes: t, parts: [`${t} min for an update in progress to end`] };
  const parts = [`${t} min for the rollout (timeoutMinutes)`];
  let minutes = t;
  if (p.rollbackOnFailure) {
    minutes += 2 * t;
    parts.push(`2 × ${t} min for a rollback (its update to end, then ready)`);
  }
  if (p.smokeTestPayload) {
    const smoke = Math.ceil(INVOCATION_TIMEOUT_MS / 60_000);
    minutes += smoke;
    parts.push(`${smoke} min for the smoke test`);
  }
  if (p.verifyInferenceLogMinutes > 0) {
    minutes += p.verifyInferenceLogMinutes;
    parts.push(`${p.verifyInferenceLogMinutes} min for the inference-log check`);
  }
  return { minutes, parts };
}

export function warnAboutJobTimeout(ctx: TaskContext, p: ServingParameters): void {
  const worst = worstCase(p);
  if (worst.minutes <= DEFAULT_JOB_TIMEOUT_MINUTES) return;
  ctx.log.warning(
    `This step can take up to ${worst.minutes} min (${worst.parts.join(' + ')}), more than the ${DEFAULT_JOB_TIMEOUT_MINUTES}-minute default job timeout. The task cannot see the job's limit: set timeoutInMinutes on the job to at least ${worst.minutes} plus the other steps' time, or the job is cancelled before this step can time out and roll back on its own.`,
  );
}
