/**
 * The one shape of every task, and the one runner every task entry calls:
 *
 *   parameters(ctx)          pure: inputs + settings file → typed Parameters (no network)
 *   plan(deps, params)       reads only (the client refuses writes); returns the changes as data
 *   apply(deps, plan)        writes only what the plan says, and may read and poll (waiting
 *                            tasks: a run, a refresh and its gate, readiness, smoke test, rollback)
 *   planned(deps, plan)      dryRun: the outcome of the plan without applying it (reads only)
 *   → Outcome                result, message, outputs, report, notes, plan lines; rendered by
 *                            one renderer into the log, the summary and the JSON report.
 *
 * Errors become one clear, neutralised message; a stack trace is only written to the debug log.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import { explainAuthFailure } from '../auth/diagnostics';
import type { DatabricksClient } from '../client/databricksClient';
import { CancelledError, DatabricksApiError, RequestError } from '../client/errors';
import { PollTimeoutError } from '../client/poll';
import { PlanModeViolation } from '../client/databricksClient';
import type { StorageClient } from '../client/storage';
import { installCancellation } from './cancellation';
import type { CommonParameters } from './commonParameters';
import { connectWorkspace } from './connect';
import { InputError, InputErrors } from './inputError';
import { systemClock, type Clock } from './clock';
import { closeOpenGroup, neutralize, taskLog, type TaskLog } from './output';
import { printPlan } from './plan';
import { outcomeSummary, publishReport, publishSummary, type SummaryParts, type TaskReport } from './report';
import { taskStorageClient } from './storage';
import { jobTimeoutWarning, type WorstCasePart } from './worstCase';
import { message, useTaskStrings } from './messages';

export type TaskResultName = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

export type OutputValues = Record<string, string | number | boolean | undefined>;

/** What a task ends with, whichever task it is: the runner renders it into the log, the summary and the JSON report. */
export interface Outcome<R = unknown> {
  result: TaskResultName;
  message: string;
  /** Output variables (undefined ones are not set). */
  outputs: OutputValues;
  /** The report's data (reportTypes.ts; the results tab renders it by the task's report kind). */
  report: R;
  /** Lines of the summary's list (why a step was skipped, what else happened). */
  notes: string[];
  /** The plan as readable diff lines: the summary's Plan / Changes block. */
  planLines: string[];
}

export interface TaskContext {
  log: TaskLog;
  signal: AbortSignal;
  clock: Clock;
  variable(name: string): string | undefined;
}

/** The one dependency object every task's plan and apply get, in the same argument position. */
export interface TaskDeps {
  /** In plan() (and planned()) a client that refuses every write (PlanModeViolation); in apply() the writing client. */
  client: DatabricksClient;
  ctx: TaskContext;
  /** Plan mode: apply() is not called (planned() gives the outcome). */
  dryRun: boolean;
  /** Signed-URL / SAS traffic to cloud storage, without the Databricks token (built on first use). */
  storage(): StorageClient;
  /** Masks a value in the log (tl.setSecret), e.g. a SAS the task minted. */
  setSecret(value: string): void;
}

/** The three phases after Parameters; `runPhases` runs them the way the runner does (tests call it directly). */
export interface TaskPhases<P, Plan, R> {
  /** Reads only: what to change, as data. May wait (poll) for the workspace to settle; never writes. */
  plan(deps: TaskDeps, params: P): Promise<Plan>;
  /** The plan's lines, printed in the log by printPlan before apply (undefined: the task prints none here). */
  planLines?(plan: Plan): readonly string[] | undefined;
  /** dryRun: the outcome of the plan as it stands (reads only). */
  planned(deps: TaskDeps, plan: Plan): Outcome<R> | Promise<Outcome<R>>;
  /** Writes only what the plan says; may read and poll (waits, gates, rollbacks). */
  apply(deps: TaskDeps, plan: Plan): Promise<Outcome<R>>;
}

export interface TaskDefinition<P extends { common: CommonParameters }, Plan, R> extends TaskPhases<P, Plan, R> {
  name: string;
  /** Which renderer of the results tab reads the JSON report. */
  kind: TaskReport['kind'];
  /** Reads and validates every input; throws InputError(s). No network access. */
  parameters(ctx: TaskContext): P | Promise<P>;
  /** The title of the summary section on the run page (stepTitle), e.g. "Databricks - deploy churn-scoring (prod)". */
  title(params: P): string | undefined;
  /** The task's part of the summary (the runner adds the heading, message, dryRun sentence, notes and plan). */
  summary: SummaryParts<Plan, R>;
  /** Where else to write the JSON report (RefreshMonitors' reportPath). */
  reportPath?(params: P): string | undefined;
  /** Adds a hint to an API error (e.g. what a 403 on this task's calls usually means). */
  explain?(error: DatabricksApiError): string | undefined;
  /** The task's bounded waits for these parameters (worstCase.ts): warned about when they exceed the default job timeout. */
  worstCase?(params: P): WorstCasePart[];
}

/**
 * plan → (printed) → planned in dryRun, else apply. The plan phase gets a client that refuses
 * writes (PlanModeViolation) until the plan is done; apply gets the writing client.
 */
export async function runPhases<P, Plan, R>(phases: TaskPhases<P, Plan, R>, deps: TaskDeps, params: P): Promise<{ plan: Plan; outcome: Outcome<R> }> {
  const planning = deps.client.planPhase();
  const readDeps: TaskDeps = { ...deps, client: planning.client };
  const plan = await phases.plan(readDeps, params);
  const lines = phases.planLines?.(plan);
  if (lines) printPlan(deps.ctx.log, lines, deps.dryRun);
  if (deps.dryRun) return { plan, outcome: await phases.planned(readDeps, plan) };
  planning.end();
  return { plan, outcome: await phases.apply(deps, plan) };
}

/** The dependency object of a task run: plan mode from the parameters (or a client that refuses writes). */
export function taskDeps(
  client: DatabricksClient,
  ctx: TaskContext,
  common: Pick<CommonParameters, 'dryRun' | 'retryBudgetSeconds'>,
  setSecret: (value: string) => void = (v) => tl.setSecret(v),
): TaskDeps {
  let storage: StorageClient | undefined;
  return {
    client,
    ctx,
    dryRun: common.dryRun || client.readOnly,
    storage: () => (storage ??= taskStorageClient(ctx, common.retryBudgetSeconds)),
    setSecret,
  };
}

const RESULT = {
  Succeeded: tl.TaskResult.Succeeded,
  SucceededWithIssues: tl.TaskResult.SucceededWithIssues,
  Failed: tl.TaskResult.Failed,
} as const;

export async function runTask<P extends { common: CommonParameters }, Plan, R>(definition: TaskDefinition<P, Plan, R>): Promise<void> {
  const startedAt = new Date();
  // The bundle runs from the task folder: its task.json (and Strings/) are beside it.
  useTaskStrings(__dirname);
  const cancellation = installCancellation((message) => {
    closeOpenGroup();
    tl.setResult(tl.TaskResult.Failed, message, true);
    process.exit(1);
  });
  const ctx: TaskContext = {
    log: taskLog,
    signal: cancellation.signal,
    clock: systemClock,
    variable: (name) => tl.getVariable(name),
  };
  try {
    const params = await definition.parameters(ctx);
    const timeoutWarning = definition.worstCase && jobTimeoutWarning(definition.name, definition.worstCase(params));
    if (timeoutWarning) taskLog.warning(timeoutWarning);
    const { client, workspaceUrl } = await connectWorkspace(params.common, ctx);
    const deps = taskDeps(client, ctx, params.common);
    const { plan, outcome } = await runPhases(definition, deps, params);
    finish(definition, params, { plan, outcome, workspaceUrl, dryRun: deps.dryRun }, startedAt);
  } catch (error) {
    closeOpenGroup();
    const message = describeFailure(error, definition);
    // A stack trace helps only for the unexpected; known failures are fully described by their message.
    if (error instanceof Error && error.stack && !isExpectedFailure(error)) taskLog.debug(error.stack);
    tl.setResult(tl.TaskResult.Failed, neutralize(message), true);
  } finally {
    cancellation.dispose();
  }
}

/** The one renderer: output variables, the summary, the JSON report, the result. */
function finish<P extends { common: CommonParameters }, Plan, R>(
  definition: TaskDefinition<P, Plan, R>,
  params: P,
  run: { plan: Plan; outcome: Outcome<R>; workspaceUrl: string; dryRun: boolean },
  startedAt: Date,
): void {
  const { outcome } = run;
  closeOpenGroup();
  for (const [name, value] of Object.entries(outcome.outputs)) {
    if (value !== undefined) tl.setVariable(name, String(value), false, true);
  }
  publishSummary(definition.name, outcomeSummary(definition.summary, outcome, run.plan, run.dryRun), definition.title(params));
  publishReport(
    {
      kind: definition.kind,
      workspaceUrl: run.workspaceUrl,
      dryRun: run.dryRun,
      data: outcome.report,
      task: definition.name,
      version: 1,
      result: outcome.result,
      message: outcome.message,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    },
    definition.reportPath?.(params),
  );
  tl.setResult(RESULT[outcome.result], neutralize(outcome.message), true);
}

function isExpectedFailure(error: Error): boolean {
  return (
    error instanceof InputErrors ||
    error instanceof InputError ||
    error instanceof CancelledError ||
    error instanceof DatabricksApiError ||
    error instanceof RequestError ||
    error instanceof PollTimeoutError ||
    error instanceof PlanModeViolation
  );
}

/** One sentence (or a few lines) a pipeline user can act on. */
export function describeFailure(error: unknown, definition?: { explain?(error: DatabricksApiError): string | undefined }): string {
  if (error instanceof CancelledError) return error.message;
  if (error instanceof DatabricksApiError) {
    const hint =
      definition?.explain?.(error) ??
      explainAuthFailure(error.statusCode, error.errorCode, error.serviceMessage, {
        path: error.path,
        method: error.method,
        usedManagementHeaders: error.request.headers.has('x-databricks-azure-sp-management-token'),
      });
    const id = error.requestId ? ` ${message('RequestIdSuffix', error.requestId)}` : '';
    return `${error.message}${id}${hint ? `\n${hint}` : ''}`;
  }
  if (error instanceof RequestError || error instanceof PollTimeoutError || error instanceof PlanModeViolation) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
