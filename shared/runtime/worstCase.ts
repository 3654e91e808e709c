/**
 * A task's worst case against the job timeout. The agent cancels a job when its
 * `timeoutInMinutes` passes (60 min when the YAML sets none); that timeout is not visible to a task (no variable carries it), so each
 * task adds up the longest it can run from its own inputs — its timeouts, plus the wait of a
 * rollback where it rolls back — and warns when that exceeds the default, naming the figure
 * to set. docs/AZURE-DEVOPS.md ("Job timeouts") explains the rule.
 */
import { message } from './messages';

/** The job timeout when the pipeline sets none (jobs.job.timeoutInMinutes, default 60). */
export const DEFAULT_JOB_TIMEOUT_MINUTES = 60;
/** Time added for what no input bounds (signing in, planning, reports): the figure suggested is the worst case plus this, rounded up to 5 min. */
export const JOB_TIMEOUT_MARGIN_MINUTES = 5;

/** One bounded wait of the task, e.g. { minutes: 45, what: 'the rollout (timeoutMinutes)' }. */
export interface WorstCasePart {
  minutes: number;
  what: string;
}

export function worstCaseMinutes(parts: readonly WorstCasePart[]): number {
  return parts.reduce((sum, p) => sum + p.minutes, 0);
}

/** The job timeoutInMinutes that covers these waits: worst case plus the margin, rounded up to 5 min. */
export function suggestedJobTimeout(parts: readonly WorstCasePart[]): number {
  return Math.ceil((worstCaseMinutes(parts) + JOB_TIMEOUT_MARGIN_MINUTES) / 5) * 5;
}

/** Of several ways a run can go (e.g. readiness times out and is rolled back; the smoke test fails), the longest. */
export function longestPath(paths: ReadonlyArray<readonly WorstCasePart[]>): WorstCasePart[] {
  let best: readonly WorstCasePart[] = [];
  for (const path of paths) if (worstCaseMinutes(path) > worstCaseMinutes(best)) best = path;
  return [...best];
}

function minutes(value: number): string {
  return Number.isInteger(value) ? `${value}` : value.toFixed(1).replace(/\.0$/, '');
}

/** The warning to print, or undefined when the worst case fits the default job timeout. */
export function jobTimeoutWarning(task: string, parts: readonly WorstCasePart[]): string | undefined {
  const worst = worstCaseMinutes(parts);
  if (worst <= DEFAULT_JOB_TIMEOUT_MINUTES) return undefined;
  const breakdown = parts
    .filter((p) => p.minutes > 0)
    .map((p) => message('WorstCasePart', minutes(p.minutes), p.what))
    .join(' + ');
  return message('JobTimeoutWarning', task, minutes(worst), breakdown, DEFAULT_JOB_TIMEOUT_MINUTES, suggestedJobTimeout(parts));
}
