/**
 * Jobs API 2.2 (go-sdk `service/jobs`, py-sdk `databricks/sdk/service/jobs.py`): typed calls over DatabricksClient. Large runs and jobs are
 * paginated by API 2.2 (100 tasks per page): `getRunAllPages` / `getJobAllPages` follow
 * `next_page_token` as the SDKs' GetRun / get_run helpers do (go-sdk service/jobs/ext_api.go,
 * py-sdk databricks/sdk/mixins/jobs.py): `tasks` (and `iterations`) come page by page,
 * `job_clusters`, `job_parameters` and `repair_history` are appended from every page.
 * Retries (429, 503, 504 and, for the idempotent calls, 500) happen in the client.
 */
import type {
  BaseJob,
  CreateJob,
  Job,
  JobSettings,
  ListJobsResponse,
  RepairRun,
  RepairRunResponse,
  Run,
  RunNow,
  RunNowResponse,
  RunOutput,
  RunTask,
} from '@databricks/sdk-experimental/dist/apis/jobs/model';
import type { DatabricksClient } from '../client/databricksClient';
import { paginate, collect } from '../client/paginate';

export type {
  BaseJob,
  CreateJob,
  CronSchedule,
  Job,
  JobSettings,
  RepairHistoryItem,
  RepairRun,
  Run,
  RunNow,
  RunOutput,
  RunState,
  RunStatus,
  RunTask,
  Task,
} from '@databricks/sdk-experimental/dist/apis/jobs/model';

const BASE = '/api/2.2/jobs';

/** Every job whose name is `name` (the service compares exact, case-insensitive), all pages. */
export function listJobsByName(client: DatabricksClient, name: string, signal?: AbortSignal): Promise<BaseJob[]> {
  return collect(
    paginate(
      (page_token) => client.get<ListJobsResponse>(`${BASE}/list`, { name, limit: 100, page_token }, { signal }),
      (page) => page.jobs,
    ),
  );
}

/** The job with every task (all pages). */
export async function getJobAllPages(client: DatabricksClient, jobId: number, signal?: AbortSignal): Promise<Job> {
  let job: Job | undefined;
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await client.get<Job>(`${BASE}/get`, { job_id: jobId, page_token: token }, { signal });
    if (!job) job = { ...page, settings: { ...page.settings, tasks: [...(page.settings?.tasks ?? [])] } };
    else {
      job.settings!.tasks!.push(...(page.settings?.tasks ?? []));
      for (const key of ['job_clusters', 'environments', 'parameters'] as const) {
        const more = page.settings?.[key];
        if (more?.length) (job.settings as Record<string, unknown[]>)[key] = [...((job.settings?.[key] as unknown[] | undefined) ?? []), ...more];
      }
    }
    const next = page.next_page_token;
    if (!next || seen.has(next)) break;
    seen.add(next);
    token = next;
  }
  delete job.next_page_token;
  return job;
}

export function runNow(client: DatabricksClient, body: RunNow, signal?: AbortSignal): Promise<RunNowResponse> {
  // With an idempotency token a retried run-now returns the same run (https://learn.microsoft.com/azure/databricks/kb/jobs/jobs-idempotency), so a
  // 500 or a dropped connection may be retried.
  return client.post<RunNowResponse>(`${BASE}/run-now`, body, { idempotent: body.idempotency_token !== undefined, signal });
}

/** The first page of a run: enough for its status (go-sdk `service/jobs/ext_api.go` `GetRun` pages the rest). */
export function getRun(client: DatabricksClient, runId: number, opts: { includeHistory?: boolean; signal?: AbortSignal } = {}): Promise<Run> {
  return client.get<Run>(`${BASE}/runs/get`, { run_id: runId, include_history: opts.includeHistory || undefined }, { signal: opts.signal });
}

/** The run with all its tasks, iterations, job parameters and repair history. */
export async function getRunAllPages(client: DatabricksClient, runId: number, opts: { includeHistory?: boolean; signal?: AbortSignal } = {}): Promise<Run> {
  let run: Run | undefined;
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await client.get<Run>(`${BASE}/runs/get`, { run_id: runId, include_history: opts.includeHistory || undefined, page_token: token }, { signal: opts.signal });
    if (!run) run = { ...page };
    else {
      for (const key of ['tasks', 'iterations', 'job_clusters', 'job_parameters', 'repair_history'] as const) {
        const more = page[key] as unknown[] | undefined;
        if (more?.length) (run as Record<string, unknown[]>)[key] = [...((run[key] as unknown[] | undefined) ?? []), ...more];
      }
    }
    const next = page.next_page_token;
    if (!next || seen.has(next)) break;
    seen.add(next);
    token = next;
  }
  delete run.next_page_token;
  delete run.has_more;
  return run;
}

/** The output of one task run (`RunTask.run_id`, not the job run's id). */
export function getRunOutput(client: DatabricksClient, taskRunId: number, signal?: AbortSignal): Promise<RunOutput> {
  return client.get<RunOutput>(`${BASE}/runs/get-output`, { run_id: taskRunId }, { signal });
}

/** Asynchronous: the run may still be running when this returns. Idempotent on the service side. */
export async function cancelRun(client: DatabricksClient, runId: number, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  await client.post(`${BASE}/runs/cancel`, { run_id: runId }, { idempotent: true, signal: opts.signal, timeoutMs: opts.timeoutMs });
}

export function repairRun(client: DatabricksClient, body: RepairRun, signal?: AbortSignal): Promise<RepairRunResponse> {
  return client.post<RepairRunResponse>(`${BASE}/runs/repair`, body, { signal });
}

export function createJob(client: DatabricksClient, settings: CreateJob): Promise<{ job_id?: number }> {
  return client.post<{ job_id?: number }>(`${BASE}/create`, settings);
}

/** Full replacement of the job's settings. */
export async function resetJob(client: DatabricksClient, jobId: number, settings: JobSettings): Promise<void> {
  await client.post(`${BASE}/reset`, { job_id: jobId, new_settings: settings }, { idempotent: true });
}

export async function deleteJob(client: DatabricksClient, jobId: number): Promise<void> {
  await client.post(`${BASE}/delete`, { job_id: jobId }, { idempotent: true });
}

/** A task's entries deduplicated to its latest attempt (a retried or repaired task appears several times). */
export function latestTaskAttempts(tasks: readonly RunTask[] | undefined): RunTask[] {
  const byKey = new Map<string, RunTask>();
  for (const task of tasks ?? []) {
    const key = task.task_key ?? String(task.run_id);
    const seen = byKey.get(key);
    if (
      !seen ||
      (task.attempt_number ?? 0) > (seen.attempt_number ?? 0) ||
      ((task.attempt_number ?? 0) === (seen.attempt_number ?? 0) && (task.start_time ?? 0) >= (seen.start_time ?? 0))
    ) {
      byKey.set(key, task);
    }
  }
  return [...byKey.values()];
}
