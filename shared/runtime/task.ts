/**
 * The one runner every task entry calls: parameters (validated before anything touches the
 * network) → operations → result (outputs, summary, report, setResult). Errors become one
 * clear, neutralised message; a stack trace is only written to the debug log.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import { explainAuthFailure } from '../auth/diagnostics';
import { CancelledError, DatabricksApiError, RequestError } from '../client/errors';
import { PollTimeoutError } from '../client/poll';
import { PlanModeViolation } from '../client/databricksClient';
import { installCancellation } from './cancellation';
import { InputError, InputErrors } from './inputError';
import { systemClock, type Clock } from './clock';
import { closeOpenGroup, neutralize, taskLog, type TaskLog } from './output';
import { publishReport, publishSummary, type TaskReport } from './report';
import { jobTimeoutWarning, type WorstCasePart } from './worstCase';
import { useTaskStrings } from './messages';

export type TaskResultName = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

export interface TaskOutcome {
  result: TaskResultName;
  message: string;
  outputs?: Record<string, string | number | boolean | undefined>;
  summaryMarkdown?: string;
  /**
   * The title of the summary section on the run page, e.g. "Databricks - deploy churn-scoring
   * (prod)" (made safe for the agent's OS by publishSummary).
   */
  summaryTitle?: string;
  report?: Omit<TaskReport, 'task' | 'version' | 'result' | 'message' | 'startedAt' | 'finishedAt'>;
  /** Where else to write the JSON report (RefreshMonitors' reportPath). */
  reportPath?: string;
}

export interface TaskContext {
  log: TaskLog;
  signal: AbortSignal;
  clock: Clock;
  variable(name: string): string | undefined;
}

export interface TaskDefinition<P> {
  name: string;
  /** Reads and validates every input; throws InputError(s). No network access. */
  parameters(ctx: TaskContext): P | Promise<P>;
  run(ctx: TaskContext, params: P): Promise<TaskOutcome>;
  /** Adds a hint to an API error (e.g. what a 403 on this task's calls usually means). */
  explain?(error: DatabricksApiError): string | undefined;
  /** The task's bounded waits for these parameters (worstCase.ts): warned about when they exceed the default job timeout. */
  worstCase?(params: P): WorstCasePart[];
}

const RESULT = {
  Succeeded: tl.TaskResult.Succeeded,
  SucceededWithIssues: tl.TaskResult.SucceededWithIssues,
  Failed: tl.TaskResult.Failed,
} as const;

export async function runTask<P>(definition: TaskDefinition<P>): Promise<void> {
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
    const outcome = await definition.run(ctx, params);
    finish(definition.name, outcome, startedAt);
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

function finish(task: string, outcome: TaskOutcome, startedAt: Date): void {
  closeOpenGroup();
  for (const [name, value] of Object.entries(outcome.outputs ?? {})) {
    if (value !== undefined) tl.setVariable(name, String(value), false, true);
  }
  if (outcome.summaryMarkdown) publishSummary(task, outcome.summaryMarkdown, outcome.summaryTitle);
  if (outcome.report) {
    publishReport(
      {
        ...outcome.report,
        task,
        version: 1,
        result: outcome.result,
        message: outcome.message,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
      },
      outcome.reportPath,
    );
  }
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
export function describeFailure<P>(error: unknown, definition?: Pick<TaskDefinition<P>, 'explain'>): string {
  if (error instanceof CancelledError) return error.message;
  if (error instanceof DatabricksApiError) {
    const hint =
      definition?.explain?.(error) ??
      explainAuthFailure(error.statusCode, error.errorCode, error.serviceMessage, {
        path: error.path,
        method: error.method,
        usedManagementHeaders: error.request.headers.has('x-databricks-azure-sp-management-token'),
      });
    const id = error.requestId ? ` [request id ${error.requestId}]` : '';
    return `${error.message}${id}${hint ? `\n${hint}` : ''}`;
  }
  if (error instanceof RequestError || error instanceof PollTimeoutError || error instanceof PlanModeViolation) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
