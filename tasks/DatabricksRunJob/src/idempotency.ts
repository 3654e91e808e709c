/**
 * The run-now idempotency token (py-sdk `jobs.py` `run_now` `idempotency_token`: "Databricks guarantees that exactly one run is
 * launched with that idempotency token", ≤ 64 characters). Derived from the pipeline run
 * (System.CollectionId, Build.BuildId), the job (System.StageName, System.PhaseName /
 * System.JobName) and the step (the first of System.TaskInstanceName, Task.DisplayName and
 * System.TaskDisplayName the agent sets; which of them every agent version sets is
 * unconfirmed, each is the same on every attempt; the job id is part of the token too), so:
 *
 * - an agent-level retry of the same attempt sends the same token and gets the same run;
 * - with repairOnRetry, every attempt of the pipeline job sends the token the previous attempt
 *   sent (the attempt is left out), so a re-attempt finds the previous attempt's run — the Jobs
 *   API has no lookup by token, run-now with it is the lookup — and repairs or reuses it;
 * - without repairOnRetry, System.JobAttempt is part of the token: each attempt starts its own run.
 */
import { createHash } from 'node:crypto';
import type { VariableSource } from '../../../shared/runtime/inputs';

export interface PipelineStep {
  collectionId: string;
  buildId: string;
  stage: string;
  job: string;
  step: string;
  /** System.JobAttempt (1 on the first attempt). */
  attempt: number;
}

export function pipelineStep(vars: VariableSource): PipelineStep {
  const attempt = Number(vars.get('System.JobAttempt') ?? '1');
  return {
    collectionId: vars.get('System.CollectionId') ?? vars.get('System.CollectionUri') ?? 'local',
    buildId: vars.get('Build.BuildId') ?? vars.get('Release.ReleaseId') ?? 'local',
    stage: vars.get('System.StageName') ?? '',
    job: vars.get('System.PhaseName') ?? vars.get('System.JobName') ?? '',
    step: vars.get('System.TaskInstanceName') ?? vars.get('Task.DisplayName') ?? vars.get('System.TaskDisplayName') ?? 'DatabricksRunJob',
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
  };
}

/** `ado-<build id>-<hash>` (attempt-independent) or `ado-<build id>-a<attempt>-<hash>`; at most 64 characters. */
export function idempotencyToken(step: PipelineStep, jobId: number, perAttempt: boolean): string {
  const parts = [step.collectionId, step.buildId, step.stage, step.job, step.step, String(jobId), perAttempt ? `attempt ${step.attempt}` : 'all attempts'];
  const hash = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
  const build = step.buildId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 'x';
  return perAttempt ? `ado-${build}-a${step.attempt}-${hash}` : `ado-${build}-${hash}`;
}
