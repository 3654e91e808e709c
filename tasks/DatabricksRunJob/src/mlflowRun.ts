/**
 * What a training run hands back (there is no REST read of task values: https://docs.databricks.com/jobs/task-values.html):
 * 1. the `dbutils.notebook.exit` value of the output task (runs/get-output), when it is a JSON
 *    object with `mlflow_run_id` or `run_id`, or a bare 32-hex run id;
 * 2. else, with an experiment, the newest MLflow run in it tagged with this job run:
 *    `tags.mlflow.databricks.jobRunID` (mlflow/utils/mlflow_tags.py). Whether the tag holds the
 *    task run id or the job run id is unconfirmed, so both are tried, the task run first.
 */
import type { RunTask } from '../../../shared/api/jobs';
import { getExperimentByName, searchRuns } from '../../../shared/api/mlflow';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { collect } from '../../../shared/client/paginate';

export const JOB_RUN_TAG = 'mlflow.databricks.jobRunID';
const RUN_ID = /^[0-9a-f]{32}$/;
const ANY_RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The run id an exit value names, if any. */
export function runIdFromExitValue(value: string | undefined): { runId: string; key?: string } | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (RUN_ID.test(text)) return { runId: text };
  if (!text.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  for (const key of ['mlflow_run_id', 'run_id']) {
    const candidate = (parsed as Record<string, unknown>)[key];
    if (typeof candidate === 'string' && ANY_RUN_ID.test(candidate.trim())) return { runId: candidate.trim(), key };
  }
  return undefined;
}

/**
 * The task whose output is read: the one named, else the only one, else the last to finish
 * (latest end_time; a task that never ended does not count).
 */
export function chooseOutputTask(tasks: readonly RunTask[], named: string | undefined): RunTask | undefined {
  if (named !== undefined) return tasks.find((t) => t.task_key === named);
  if (tasks.length === 1) return tasks[0];
  const ended = tasks.filter((t) => (t.end_time ?? 0) > 0);
  return ended.reduce<RunTask | undefined>((last, t) => (!last || (t.end_time ?? 0) >= (last.end_time ?? 0) ? t : last), undefined);
}

/** The newest run of the experiment tagged with the task run (else the job run); undefined when none. */
export async function findTaggedRun(
  client: DatabricksClient,
  experimentName: string,
  ids: { taskRunId?: number; jobRunId: number },
): Promise<{ runId: string; matched: 'taskRun' | 'jobRun' } | { missingExperiment: true } | undefined> {
  const experiment = await getExperimentByName(client, experimentName);
  if (!experiment?.experiment_id) return { missingExperiment: true };
  const tries: Array<['taskRun' | 'jobRun', number]> = [];
  if (ids.taskRunId !== undefined) tries.push(['taskRun', ids.taskRunId]);
  tries.push(['jobRun', ids.jobRunId]);
  for (const [matched, id] of tries) {
    const [run] = await collect(
      searchRuns(client, { experiment_ids: [experiment.experiment_id], filter: `tags.\`${JOB_RUN_TAG}\` = '${id}'`, order_by: ['attributes.start_time DESC'], max_results: 1 }),
      1,
    );
    const runId = run?.info?.run_id;
    if (runId) return { runId, matched };
  }
  return undefined;
}
