/**
 * DatabricksRunJob operations: find the job, check the inputs against it (before any write),
 * print the plan, start the run exactly once (run-now with the idempotency token), repair a
 * failed run on a re-attempt, wait, explain failures, cancel the run with the pipeline, and read
 * what the run hands back (notebook exit value, MLflow run id).
 */
import {
  cancelRun,
  getJobAllPages,
  getRun,
  getRunAllPages,
  getRunOutput,
  latestTaskAttempts,
  listJobsByName,
  repairRun,
  runNow,
  type Job,
  type Run,
  type RunOutput,
  type RunTask,
} from '../../../shared/api/jobs';
import { CancelledError, DatabricksApiError, isNotFound } from '../../../shared/client/errors';
import { InputError, InputErrors } from '../../../shared/runtime/inputError';
import type { JobRunReportData, JobRunTaskResult } from '../../../shared/runtime/reportTypes';
import type { Outcome, TaskDeps, TaskPhases } from '../../../shared/runtime/task';
import { idempotencyToken } from './idempotency';
import { chooseOutputTask, findTaggedRun, runIdFromExitValue } from './mlflowRun';
import type { RunJobParameters } from './parameters';
import { isTerminal, lifeCycle, resultState, taskFailed, verdictMessage, verdictOf, type RunVerdict } from './runState';
import { waitForRun } from './wait';
import { message } from './messages';

/** What the helpers of this task use of TaskDeps (wait.ts takes the same two). */
export type RunJobDeps = Pick<TaskDeps, 'client' | 'ctx'>;

export type RunJobOutputs = {
  jobRunId?: number;
  runPageUrl?: string;
  resultState?: string;
  durationSeconds?: number;
  notebookOutput?: string;
  mlflowRunId?: string;
};

export type RunJobResult = Outcome<JobRunReportData> & { outputs: RunJobOutputs };

/** plan() of a job run: the job (checked against the inputs), the parameters, the idempotency token. */
export interface RunJobPlan {
  params: RunJobParameters;
  job: Job;
  jobId: number;
  jobName: string;
  /** The job parameters the step sets (values only in the log, which the agent masks secrets in). */
  parameters: Record<string, string>;
  token: string;
  /** The plan for the summary and report: parameter names without their values. */
  planLines: string[];
  /** The plan for the log: with the values. */
  logLines: string[];
  report: JobRunReportData;
  outputs: RunJobOutputs;
  notes: string[];
}

export const runJobPhases: TaskPhases<RunJobParameters, RunJobPlan, JobRunReportData> = {
  plan: planRunJob,
  planLines: (plan) => plan.logLines,
  planned: (_deps, plan) => plannedRunJob(plan),
  apply: applyRunJob,
};

/** Failed tasks whose output is fetched and printed. */
const MAX_FAILED_TASKS_SHOWN = 10;
/** Lines and characters kept of the end of an error trace or a log. */
const TAIL_LINES = 40;
const TAIL_CHARS = 4_000;
/** The most of an exit value set as the notebookOutput variable. */
const MAX_OUTPUT_CHARS = 32_000;
/** Real milliseconds the cancel request may take after SIGTERM (the agent allows about 7.5 s; the watchdog 4 s). */
const CANCEL_REQUEST_MS = 2_500;
/** Task time to wait for a run cancelled at the timeout to report CANCELED. */
export const CANCEL_SETTLE_MS = 60_000;

/** Reads only: the job, the inputs checked against it, the parameters and the token. */
export async function planRunJob(deps: TaskDeps, params: RunJobParameters): Promise<RunJobPlan> {
  const { client } = deps;
  const job = await resolveJob(deps, params);
  const jobId = job.job_id!;
  const jobName = job.settings?.name ?? `job ${jobId}`;
  const jobTasks = job.settings?.tasks ?? [];
  checkAgainstJob(params, job);
  const parameters = Object.fromEntries(params.jobParameters.map((kv) => [kv.key, kv.value]));
  const token = idempotencyToken(params.step, jobId, !params.repairOnRetry);
  const report: JobRunReportData = {
    jobId,
    jobName,
    jobUrl: client.link(`/jobs/${jobId}`),
    action: 'planned',
    attempt: params.step.attempt,
    idempotencyToken: token,
    parameterNames: params.jobParameters.map((kv) => kv.key),
    outputTask: params.outputTask,
    tasks: jobTasks.map((t) => ({ taskKey: t.task_key, state: 'NOT_STARTED', attempt: 0 })),
  };
  // Parameter values only in the log, which the agent masks secrets in; the summary and the
  // report (attachments the agent does not mask) name the parameters without their values.
  return {
    params,
    job,
    jobId,
    jobName,
    parameters,
    token,
    planLines: planOf(job, parameters, params, token, false),
    logLines: planOf(job, parameters, params, token, true),
    report,
    outputs: {},
    notes: [],
  };
}

/** dryRun: nothing is started. */
export function plannedRunJob(plan: RunJobPlan): RunJobResult {
  const tasks = plan.job.settings?.tasks ?? [];
  return finish(plan, 'Succeeded', message('PlanWouldRun', plan.jobName, plan.jobId, tasks.length, plan.params.jobParameters.length));
}

/** Starts the run once (or repairs / reuses it), waits, explains failures, reads the outputs; cancels the run with the pipeline. */
export async function applyRunJob(deps: TaskDeps, plan: RunJobPlan): Promise<RunJobResult> {
  const { client, ctx } = deps;
  const { params, report, outputs, notes, jobId, jobName, parameters, token } = plan;
  let run: Run | undefined;
  const deadline = ctx.clock.deadline(params.timeoutMinutes * 60_000);
  try {
    const started = await runNow(
      client,
      { job_id: jobId, job_parameters: params.jobParameters.length ? parameters : undefined, idempotency_token: token, queue: { enabled: true } },
      ctx.signal,
    );
    const runId = started.run_id!;
    report.runId = outputs.jobRunId = runId;
    run = await getRun(client, runId, { signal: ctx.signal });
    report.runPageUrl = outputs.runPageUrl = run.run_page_url;
    // The link first: everything after it can be followed there.
    ctx.log.info(message('RunLink', runId, jobName, run.run_page_url ?? client.link(`/jobs/${jobId}/runs/${runId}`)));
    // The token is shared by every attempt only with repairOnRetry (idempotency.ts).
    report.action = isTerminal(run) || (params.repairOnRetry && params.step.attempt > 1) ? 'reused' : 'started';
    if (report.action === 'started') ctx.log.info(message('RunStarted', runId, token));

    if (isTerminal(run)) {
      const verdict = verdictOf(run);
      if (verdict !== 'success' && params.repairOnRetry && params.step.attempt > 1) {
        run = await repair(deps, plan, runId);
      } else {
        ctx.log.info(message('RunAlreadyEnded', runId, resultState(run)));
      }
    } else if (report.action === 'reused') {
      ctx.log.info(message('RunReused', runId, lifeCycle(run)));
    }

    if (!params.waitForCompletion && !isTerminal(run)) {
      notes.push(message('NotWaiting'));
      report.verdict = 'running';
      return finish(plan, 'Succeeded', message('RunNotWaitedFor', runId, jobName, lifeCycle(run), run.run_page_url ?? '').trim());
    }

    ctx.log.section(message('WaitingForRun', runId, jobName));
    const waited = await waitForRun(deps, runId, deadline, message('RunLabel', runId));
    report.polls = waited.polls;
    if (waited.timedOut) return await timedOut(deps, plan, runId);
    return await ended(deps, plan, runId);
  } catch (e) {
    if (!(e instanceof CancelledError) || report.runId === undefined) throw e;
    return await cancelled(deps, plan, report.runId, e);
  }
}

// ---------------------------------------------------------------------------------------------
// The run's life after the start: functions of the plan (whose report and outputs they fill)

async function repair(deps: RunJobDeps, plan: RunJobPlan, runId: number): Promise<Run> {
  const { client, ctx } = deps;
  const { report, parameters: jobParameters } = plan;
  const full = await getRunAllPages(client, runId, { includeHistory: true, signal: ctx.signal });
  const failed = latestTaskAttempts(full.tasks)
    .filter(taskFailed)
    .map((t) => t.task_key ?? String(t.run_id));
  const latestRepair = (full.repair_history ?? []).filter((h) => h.type === 'REPAIR').at(-1)?.id;
  ctx.log.info(message('Repairing', runId, resultState(full), failed.join(', ') || message('ItsFailedTasks')));
  const answer = await repairRun(
    client,
    {
      run_id: runId,
      rerun_all_failed_tasks: true,
      rerun_dependent_tasks: true,
      latest_repair_id: latestRepair,
      job_parameters: Object.keys(jobParameters).length ? jobParameters : undefined,
    },
    ctx.signal,
  );
  report.action = 'repaired';
  report.repairedTasks = failed;
  ctx.log.info(message('RepairStarted', answer.repair_id ?? '', runId));
  return getRun(client, runId, { signal: ctx.signal });
}

async function ended(deps: RunJobDeps, plan: RunJobPlan, runId: number): Promise<RunJobResult> {
  const { client, ctx } = deps;
  const { report, jobName } = plan;
  const full = await getRunAllPages(client, runId, { includeHistory: true, signal: ctx.signal });
  const tasks = latestTaskAttempts(full.tasks);
  const verdict = verdictOf(full);
  applyRun(deps, plan, full, verdict);
  const failures = await explainFailures(deps, plan, tasks);
  const detail = failures.length ? message('FailedTasks', failures.join('; ')) : stateMessage(full);
  const took = report.durationSeconds !== undefined ? formatDuration(report.durationSeconds) : undefined;
  const text = verdictMessage(verdict, message('RunOfJob', runId, jobName), detail, took);
  if (verdict === 'success' || verdict === 'successWithFailures') await readOutputs(deps, plan, tasks, runId);
  if (verdict === 'success') return finish(plan, 'Succeeded', `${text}${mlflowText(report)}`);
  // Only SUCCESS passes (issue 15): a run whose leaf tasks succeeded while others failed
  // (SUCCESS_WITH_FAILURES, the termination code of databricks-sdk-py's jobs.TerminationCodeCode) fails the step, with its outputs still set.
  ctx.log.error(text);
  return finish(plan, 'Failed', text);
}

export async function timedOut(deps: RunJobDeps, plan: RunJobPlan, runId: number): Promise<RunJobResult> {
  const { client, ctx } = deps;
  const { params, report, jobName } = plan;
  const after = message('RunTimedOut', runId, jobName, params.timeoutMinutes);
  if (!params.cancelOnTimeout) {
    report.stopped = { why: 'timeout', runCancelled: false, detail: 'cancelOnTimeout is false: the run was left running.' };
    const r = await getRunAllPages(client, runId, { signal: ctx.signal });
    applyRun(deps, plan, r, 'running');
    return finish(plan, 'Failed', message('TimedOutLeftRunning', after, report.runPageUrl ?? '').trim());
  }
  ctx.log.warning(message('TimedOutCancelling', after));
  await cancelRun(client, runId, { signal: ctx.signal });
  report.stopped = { why: 'timeout', runCancelled: true, detail: `Cancelled after ${params.timeoutMinutes} min.` };
  // Cancelling is asynchronous: wait a little for the final state.
  const settled = await waitForRun(deps, runId, ctx.clock.deadline(CANCEL_SETTLE_MS), message('RunLabel', runId));
  applyRun(deps, plan, settled.run, isTerminal(settled.run) ? verdictOf(settled.run) : 'running');
  const state = isTerminal(settled.run) ? message('CancelledRunEnded', resultState(settled.run)) : message('CancelledRunStill', lifeCycle(settled.run), CANCEL_SETTLE_MS / 1000);
  return finish(plan, 'Failed', message('TimedOutCancelled', after, state));
}

export async function cancelled(deps: RunJobDeps, plan: RunJobPlan, runId: number, e: CancelledError): Promise<RunJobResult> {
  const { client, ctx } = deps;
  const { params, report } = plan;
  if (!params.cancelOnTimeout) {
    report.stopped = { why: 'cancelled', runCancelled: false, detail: 'cancelOnTimeout is false: the Databricks run was left running.' };
    return finish(plan, 'Failed', message('CancelledLeftRunning', e.message, runId, report.runPageUrl ?? '').trim());
  }
  // The task's own signal is aborted: this one request gets a signal of its own, within the agent's grace.
  try {
    await cancelRun(client, runId, { signal: AbortSignal.timeout(CANCEL_REQUEST_MS), timeoutMs: CANCEL_REQUEST_MS });
    report.stopped = { why: 'cancelled', runCancelled: true, detail: 'runs/cancel was sent; the run ends CANCELED.' };
    ctx.log.warning(message('CancelledRun', e.message, runId));
    return finish(plan, 'Failed', message('CancelledRunToo', e.message, runId));
  } catch (cancelError) {
    const why = cancelError instanceof DatabricksApiError ? `${cancelError.errorCode}: ${cancelError.serviceMessage}` : (cancelError as Error).message;
    report.stopped = { why: 'cancelled', runCancelled: false, detail: `runs/cancel failed: ${why}` };
    return finish(plan, 'Failed', message('CancelRunFailed', e.message, runId, why, report.runPageUrl ?? '').trim());
  }
}

function applyRun(deps: RunJobDeps, plan: RunJobPlan, r: Run, verdict: RunVerdict | 'running'): void {
  const { ctx } = deps;
  const { report, outputs } = plan;
  report.verdict = verdict;
  report.tasks = latestTaskAttempts(r.tasks).map(taskResult);
  report.runPageUrl = outputs.runPageUrl = r.run_page_url ?? report.runPageUrl;
  if (isTerminal(r)) report.resultState = outputs.resultState = resultState(r);
  const ms = r.run_duration || (r.end_time && r.start_time ? (r.end_time - r.start_time) / ctx.clock.scale(1) : undefined);
  if (ms !== undefined && isTerminal(r)) report.durationSeconds = outputs.durationSeconds = Math.round(ms / 1000);
}

/** Prints, for every failed task, its message, error and the tail of its trace and logs. */
async function explainFailures(deps: RunJobDeps, plan: RunJobPlan, tasks: RunTask[]): Promise<string[]> {
  const { client, ctx } = deps;
  const { report } = plan;
  const group = (title: string, text: string) => ctx.log.group(title, () => ctx.log.remote(text));
  const failed = tasks.filter(taskFailed);
  const summaries: string[] = [];
  for (const task of failed.slice(0, MAX_FAILED_TASKS_SHOWN)) {
    const key = task.task_key ?? String(task.run_id);
    const result = resultState(task);
    const entry = report.tasks.find((t) => t.taskKey === key);
    if (result === 'UPSTREAM_FAILED' || result === 'UPSTREAM_CANCELED' || task.run_id === undefined) {
      summaries.push(message('TaskDidNotRun', key, result));
      continue;
    }
    let output: RunOutput | undefined;
    try {
      output = await getRunOutput(client, task.run_id, ctx.signal);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      ctx.log.warning(message('TaskOutputUnreadable', key, (e as Error).message));
    }
    const stateText = task.status?.termination_details?.message || task.state?.state_message || '';
    const error = output?.error;
    ctx.log.error(`${message('TaskEnded', key, result)}${stateText ? `: ${stateText}` : ''}${error && error !== stateText ? ` — ${error}` : ''}`);
    const trace = tail(output?.error_trace);
    const logs = tail(output?.logs);
    if (trace) group(message('ErrorTraceOf', key), trace);
    if (logs) group(output?.logs_truncated ? message('LogsOfTruncated', key) : message('LogsOf', key), logs);
    if (entry) Object.assign(entry, { message: stateText || undefined, error, errorTraceTail: trace, logsTail: logs });
    summaries.push(`${key} ${result}${error ? `: ${firstLine(error)}` : stateText ? `: ${firstLine(stateText)}` : ''}`);
  }
  if (failed.length > MAX_FAILED_TASKS_SHOWN) summaries.push(message('AndMore', failed.length - MAX_FAILED_TASKS_SHOWN));
  return summaries;
}

/** notebookOutput and mlflowRunId from the output task. */
async function readOutputs(deps: RunJobDeps, plan: RunJobPlan, tasks: RunTask[], runId: number): Promise<void> {
  const { client, ctx } = deps;
  const { params, report, outputs, notes } = plan;
  const chosen = chooseOutputTask(tasks, params.outputTask);
  if (!chosen) {
    notes.push(message('NoOutputTask'));
    return;
  }
  report.outputTask = chosen.task_key;
  let value: string | undefined;
  if (chosen.run_id !== undefined) {
    const output = await getRunOutput(client, chosen.run_id, ctx.signal);
    value = output.notebook_output?.result;
    if (output.notebook_output?.truncated) ctx.log.warning(message('ExitValueTruncated', chosen.task_key));
  }
  if (value !== undefined) {
    const shown = value.length > MAX_OUTPUT_CHARS ? value.slice(0, MAX_OUTPUT_CHARS) : value;
    if (shown !== value) ctx.log.warning(message('NotebookOutputCut', MAX_OUTPUT_CHARS, chosen.task_key, value.length));
    report.notebookOutput = outputs.notebookOutput = shown;
    ctx.log.remote(message('ExitValueOf', chosen.task_key, shown.length > 500 ? `${shown.slice(0, 500)}…` : shown));
  } else {
    notes.push(message('NoExitValue', chosen.task_key));
  }
  const fromValue = runIdFromExitValue(value);
  if (fromValue) {
    report.mlflowRunId = outputs.mlflowRunId = fromValue.runId;
    report.mlflowRunSource = 'exitValue';
    ctx.log.info(fromValue.key ? message('MlflowRunFromExitKey', fromValue.runId, fromValue.key) : message('MlflowRunFromExit', fromValue.runId));
    return;
  }
  if (!params.experimentName) {
    if (value !== undefined) notes.push(message('NoMlflowRunNamed'));
    return;
  }
  const found = await findTaggedRun(client, params.experimentName, { taskRunId: chosen.run_id, jobRunId: runId });
  if (found && 'missingExperiment' in found) {
    ctx.log.warning(message('ExperimentMissing', params.experimentName));
  } else if (found) {
    report.mlflowRunId = outputs.mlflowRunId = found.runId;
    report.mlflowRunSource = 'tagSearch';
    ctx.log.info(
      found.matched === 'taskRun'
        ? message('MlflowRunTaggedTask', found.runId, params.experimentName, chosen.run_id ?? '')
        : message('MlflowRunTaggedJob', found.runId, params.experimentName, runId),
    );
  } else {
    ctx.log.warning(message('NoTaggedRun', params.experimentName, chosen.run_id ?? '?', runId));
  }
}

function mlflowText(report: JobRunReportData): string {
  return report.mlflowRunId ? ` ${message('MlflowRunIs', report.mlflowRunId)}` : '';
}

/** The outcome: the plan's report, outputs and notes as they are now. */
function finish(plan: RunJobPlan, result: RunJobResult['result'], message: string): RunJobResult {
  return { result, message, outputs: plan.outputs, report: plan.report, planLines: plan.planLines, notes: plan.notes };
}

async function resolveJob(deps: RunJobDeps, params: RunJobParameters): Promise<Job> {
  const { client, ctx } = deps;
  if (params.job.kind === 'id') {
    try {
      return await getJobAllPages(client, params.job.jobId, ctx.signal);
    } catch (e) {
      // A missing job: 404 (RESOURCE_DOES_NOT_EXIST or no code) or, as older Jobs API versions answer, 400 INVALID_PARAMETER_VALUE (databricks-sdk-py databricks/sdk/service/jobs.py, JobsAPI.get).
      if (
        isNotFound(e) ||
        (e instanceof DatabricksApiError && e.statusCode === 400 && e.errorCode === 'INVALID_PARAMETER_VALUE' && /does not exist|not found/i.test(e.serviceMessage))
      ) {
        throw inputError('jobId', message('JobIdNotFound', params.job.jobId, client.workspaceUrl));
      }
      throw e;
    }
  }
  const name = params.job.jobName;
  const found = (await listJobsByName(client, name, ctx.signal)).filter((j) => (j.settings?.name ?? '').toLowerCase() === name.toLowerCase());
  if (found.length === 0) {
    throw inputError('jobName', message('JobNameNotFound', client.workspaceUrl, name));
  }
  if (found.length > 1) {
    const list = found
      .map(
        (j) =>
          `${j.job_id} "${j.settings?.name ?? ''}"${j.creator_user_name ? message('JobListEntryBy', j.creator_user_name) : ''}${j.created_time ? message('JobListEntryCreated', new Date(j.created_time).toISOString().slice(0, 10)) : ''}`,
      )
      .join(', ');
    throw inputError('jobName', message('JobNameAmbiguous', found.length, name, list));
  }
  ctx.log.info(message('JobFound', name, found[0]!.job_id ?? ''));
  return getJobAllPages(client, found[0]!.job_id!, ctx.signal);
}

/** Inputs that only the job can check: the output task and the parameter names. Before any write. */
function checkAgainstJob(params: RunJobParameters, job: Job): void {
  const errors: InputError[] = [];
  const keys = (job.settings?.tasks ?? []).map((t) => t.task_key);
  if (params.outputTask !== undefined && !keys.includes(params.outputTask)) {
    errors.push(
      new InputError({ input: 'outputTask', rule: message('OutputTaskNotInJob', job.job_id ?? '', keys.join(', ') || message('JobHasNoTasks')), value: params.outputTask }),
    );
  }
  const defined = (job.settings?.parameters ?? []).map((p) => p.name);
  const unknown = params.jobParameters.map((kv) => kv.key).filter((k) => !defined.includes(k));
  if (unknown.length) {
    const what = defined.length ? message('JobParametersAre', defined.join(', ')) : message('JobDefinesNoParameters');
    errors.push(
      new InputError({
        input: 'jobParameters',
        rule: message(unknown.length === 1 ? 'NotAJobParameter' : 'NotJobParameters', unknown.join(', '), job.job_id ?? '', what),
      }),
    );
  }
  if (errors.length) throw new InputErrors(errors);
}

function inputError(input: string, rule: string): InputErrors {
  return new InputErrors([new InputError({ input, rule })]);
}

function planOf(job: Job, parameters: Record<string, string>, params: RunJobParameters, token: string, withValues: boolean): string[] {
  const tasks = job.settings?.tasks ?? [];
  const lines = [`Job: ${job.settings?.name ?? ''} (${job.job_id}), ${tasks.length} task(s)`];
  for (const t of tasks) {
    const kind = Object.keys(t).find((k) => k.endsWith('_task')) ?? 'task';
    const deps = (t.depends_on ?? []).map((d) => d.task_key).join(', ');
    lines.push(`  ${t.task_key} (${kind})${deps ? ` after ${deps}` : ''}`);
  }
  const defaults = new Map((job.settings?.parameters ?? []).map((p) => [p.name, p.default]));
  const names = [...new Set([...defaults.keys(), ...Object.keys(parameters)])];
  lines.push(names.length ? 'Job parameters:' : 'Job parameters: (none)');
  for (const name of names) {
    if (Object.hasOwn(parameters, name)) lines.push(withValues ? `+ ${name}=${parameters[name]}` : `+ ${name} (set by the step)`);
    else lines.push(`  ${name}=${defaults.get(name) ?? ''} (job default)`);
  }
  lines.push(
    `Idempotency token: ${token} (${params.repairOnRetry ? 'shared by every attempt of this step: a re-attempt repairs or reuses the same run' : `attempt ${params.step.attempt} only`})`,
  );
  lines.push(
    params.waitForCompletion ? `Wait: up to ${params.timeoutMinutes} min${params.cancelOnTimeout ? ', then cancel the run' : ''}` : 'Wait: no (waitForCompletion is false)',
  );
  return lines;
}

function taskResult(task: RunTask): JobRunTaskResult {
  const ms = task.run_duration || undefined;
  return {
    taskKey: task.task_key ?? String(task.run_id),
    taskRunId: task.run_id,
    state: lifeCycle(task),
    resultState: isTerminal(task) ? resultState(task) : undefined,
    attempt: (task.attempt_number ?? 0) + 1,
    durationSeconds: ms !== undefined ? Math.round(ms / 1000) : undefined,
    runPageUrl: task.run_page_url,
  };
}

function stateMessage(run: Run): string {
  return run.status?.termination_details?.message || run.state?.state_message || '';
}

/** The last TAIL_LINES lines (at most TAIL_CHARS characters) of a remote text. */
export function tail(text: string | undefined): string | undefined {
  if (!text?.trim()) return undefined;
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  let kept = lines.slice(-TAIL_LINES).join('\n');
  if (kept.length > TAIL_CHARS) kept = `…${kept.slice(-TAIL_CHARS)}`;
  else if (lines.length > TAIL_LINES) kept = `…\n${kept}`;
  return kept;
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  if (h) return `${h} h ${m} min`;
  return m ? `${m} min ${s} s` : `${s} s`;
}
