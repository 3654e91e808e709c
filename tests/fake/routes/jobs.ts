/**
 * Jobs API 2.2 in the fake workspace (go-sdk `service/jobs`, py-sdk `jobs.py`): jobs (list by exact, case-insensitive name
 * with pages; get with task pages; create, reset, delete), run-now with idempotency tokens,
 * runs/get with a time-driven state machine per run and per task, runs/get-output, cancel and
 * repair with repair history. Built from py-sdk jobs.py / go-sdk service/jobs and the REST page
 * (the SDKs' Jobs API sources), not from a task's needs.
 *
 * A job's tasks behave as their TaskScript says (durations in workspace time, scaled by the
 * workspace's timeScale); everything is evaluated lazily from the clock when a run is read, so
 * no timers run:
 *
 *   run:  PENDING (pendingMs) ─► QUEUED (only while max_concurrent_runs is reached and queueing is on)
 *         ─► RUNNING (tasks run in dependency order) ─► TERMINATING (terminatingMs) ─► TERMINATED
 *         (a run-now beyond max_concurrent_runs with queueing off ends SKIPPED at once)
 *   task: PENDING / BLOCKED (waiting for upstream tasks) ─► RUNNING (durationMs) ─► TERMINATING ─► TERMINATED
 *         result SUCCESS, FAILED, TIMEDOUT or INTERNAL_ERROR from the script; a task whose
 *         upstream failed ends UPSTREAM_FAILED without running; cancel ends every unfinished task
 *         CANCELED after cancelMs.
 *
 * Both the newer `status` and the deprecated `state` are answered (`legacyStateOnly` drops
 * `status`, as older workspaces answer). Arrays of more than `pageSize` (100) tasks come in
 * pages (next_page_token); later pages carry empty job_parameters / repair_history. MLflow runs a
 * script declares are logged when the task attempt is created, tagged as MLflow tags runs in a
 * job (`mlflow.databricks.jobID`, `mlflow.databricks.jobRunID`; the latter holds the task run id
 * unless the script says 'job', since which one the service writes is unconfirmed).
 *
 * A SQL task over a workspace file that no script describes really runs its file (sql/script.ts) on
 * the fake's SQL engine when its attempt starts, and fails with the statement's error.
 */
import type { Job, JobSettings, RepairHistoryItem, Run, RunNow, RunOutput, RunTask, RepairRun } from '@databricks/sdk-experimental/dist/apis/jobs/model';
import { fail, json, type RequestContext } from '../http';
import { SqlExecutionError } from '../sql/engine';
import { runScript } from '../sql/script';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    jobs: JobsStore;
  }
}

export type TaskResult = 'SUCCESS' | 'FAILED' | 'TIMEDOUT' | 'INTERNAL_ERROR';

export interface TaskScript {
  /** Workspace-time milliseconds the task runs (default 60 s). */
  durationMs?: number;
  /** How the task ends (default SUCCESS). */
  result?: TaskResult;
  /** The first N attempts end FAILED whatever `result` says (a repair then succeeds). */
  failAttempts?: number;
  error?: string;
  errorTrace?: string;
  /** stdout/stderr (python and jar tasks only, as the service answers). */
  logs?: string;
  /** The dbutils.notebook.exit value (notebook tasks). */
  notebookExit?: string;
  /** An MLflow run logged by the task, tagged with the job run. */
  mlflowRun?: { experimentName: string; runId?: string; tagWith?: 'task' | 'job'; metrics?: Record<string, number> };
}

export interface FakeTaskSpec {
  key: string;
  dependsOn?: string[];
  kind?: 'notebook' | 'python' | 'sql';
  script?: TaskScript;
}

export interface FakeJobSpec {
  name: string;
  tasks: FakeTaskSpec[];
  /** Job parameters with their defaults. */
  parameters?: Record<string, string>;
  maxConcurrentRuns?: number;
  tags?: Record<string, string>;
}

interface StoredJob {
  job_id: number;
  created_time: number;
  creator_user_name: string;
  settings: JobSettings;
}

interface TaskAttempt {
  run_id: number;
  task_key: string;
  attempt_number: number;
  /** Real epoch ms before which the attempt cannot start (run start, or its repair). */
  eligibleAt: number;
  script: TaskScript;
  result: TaskResult;
  mlflowRunId?: string;
  /** An unscripted SQL file task: the file really runs on the fake's SQL engine when the attempt starts. */
  sqlFile?: { path: string; warehouseId: string; ran?: Promise<void> };
}

interface StoredRun {
  run_id: number;
  job_id: number;
  created: number;
  jobParameters: Record<string, string>;
  /** Runs that were active when this one was queued. */
  queuedBehind: number[];
  queueEnabled: boolean;
  skipped: boolean;
  cancelRequestedAt?: number;
  /** Task keys in definition order → attempts, oldest first. */
  attempts: Map<string, TaskAttempt[]>;
  repairs: Array<{ id: number; at: number; taskRunIds: number[] }>;
  trigger: string;
}

/** What a task attempt looks like at some instant. */
interface TaskView {
  life: 'PENDING' | 'BLOCKED' | 'RUNNING' | 'TERMINATING' | 'TERMINATED';
  result?: string;
  start?: number;
  end?: number;
  /** When the attempt is settled (TERMINATED). */
  settled?: number;
  message: string;
}

const USER = 'mlops-pipeline@contoso.com';
const DEFAULT_DURATION_MS = 60_000;
const MAX_TOKEN = 64;
const FAILED_RESULTS = new Set(['FAILED', 'TIMEDOUT', 'CANCELED', 'UPSTREAM_FAILED', 'UPSTREAM_CANCELED', 'INTERNAL_ERROR', 'MAXIMUM_CONCURRENT_RUNS_REACHED']);

export class JobsStore {
  /** Workspace time a new run spends PENDING (cluster or serverless start). */
  pendingMs = 10_000;
  /** Workspace time of TERMINATING, for tasks and runs. */
  terminatingMs = 2_000;
  /** Workspace time from runs/cancel to CANCELED. */
  cancelMs = 3_000;
  /** Elements of each array per page (API 2.2: 100). */
  pageSize = 100;
  /** Answer only the deprecated `state`, no `status`. */
  legacyStateOnly = false;
  readonly jobs = new Map<number, StoredJob>();
  readonly runs = new Map<number, StoredRun>();
  private readonly scripts = new Map<number, Map<string, TaskScript>>();
  private readonly tokens = new Map<string, number>();
  private readonly taskRuns = new Map<number, { run: StoredRun; attempt: TaskAttempt }>();
  private nextJobId = 110_000_000_000 + Math.floor(Math.random() * 1000);
  private nextRunId = 550_000_000_000 + Math.floor(Math.random() * 1000);
  private nextRepairId = 730_000_000_000;

  constructor(private readonly workspace: FakeWorkspace) {}

  /** A job with scripted tasks (notebook tasks unless `kind` says otherwise). */
  addJob(spec: FakeJobSpec): StoredJob {
    const settings: JobSettings = {
      name: spec.name,
      max_concurrent_runs: spec.maxConcurrentRuns ?? 1,
      tags: spec.tags,
      parameters: Object.entries(spec.parameters ?? {}).map(([name, value]) => ({ name, default: value })),
      tasks: spec.tasks.map((t) => ({
        task_key: t.key,
        depends_on: t.dependsOn?.map((task_key) => ({ task_key })),
        ...(t.kind === 'python'
          ? { spark_python_task: { python_file: `/Workspace/Shared/mlops/${t.key}.py` } }
          : t.kind === 'sql'
            ? { sql_task: { warehouse_id: 'fake-warehouse', file: { path: `/Shared/mlops/${t.key}.sql`, source: 'WORKSPACE' as const } } }
            : { notebook_task: { notebook_path: `/Workspace/Shared/mlops/${t.key}` } }),
      })),
    };
    const job = this.store(settings);
    this.scripts.set(job.job_id, new Map(spec.tasks.map((t) => [t.key, t.script ?? {}])));
    return job;
  }

  /** Changes how a task of a job behaves from now on (new attempts only). */
  script(jobId: number, taskKey: string, script: TaskScript): void {
    const scripts = this.scripts.get(jobId) ?? new Map<string, TaskScript>();
    scripts.set(taskKey, script);
    this.scripts.set(jobId, scripts);
  }

  store(settings: JobSettings): StoredJob {
    const job: StoredJob = { job_id: this.nextJobId++, created_time: this.workspace.now(), creator_user_name: USER, settings: structuredClone(settings) };
    this.jobs.set(job.job_id, job);
    return job;
  }

  runsOf(jobId: number): StoredRun[] {
    return [...this.runs.values()].filter((r) => r.job_id === jobId);
  }

  /** Starts a run as the scheduler would (trigger PERIODIC). */
  trigger(jobId: number): number {
    return this.start(this.requireJob(jobId), {}, undefined, true, 'PERIODIC').run_id;
  }

  requireJob(jobId: number | undefined): StoredJob {
    if (jobId === undefined || !Number.isInteger(jobId)) fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: job_id');
    // The Jobs API echoes the id in its message (cli libs/testserver/jobs.go).
    return this.jobs.get(jobId) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Job ${jobId} does not exist.`);
  }

  runNow(body: RunNow): { run_id: number; number_in_job: number } {
    const job = this.requireJob(body.job_id);
    const token = body.idempotency_token;
    if (token !== undefined) {
      if (token.length > MAX_TOKEN) fail(400, 'INVALID_PARAMETER_VALUE', `The idempotency token must be at most ${MAX_TOKEN} characters long.`);
      const existing = this.tokens.get(token);
      if (existing !== undefined) {
        if (!this.runs.has(existing)) fail(400, 'INVALID_PARAMETER_VALUE', `A run with idempotency token ${token} was deleted.`);
        return { run_id: existing, number_in_job: existing };
      }
    }
    const defined = new Set((job.settings.parameters ?? []).map((p) => p.name));
    for (const name of Object.keys(body.job_parameters ?? {})) {
      if (!defined.has(name)) fail(400, 'INVALID_PARAMETER_VALUE', `Job parameter '${name}' is not defined in job ${job.job_id}.`);
    }
    const run = this.start(job, body.job_parameters ?? {}, token, body.queue?.enabled ?? true, 'ONE_TIME');
    return { run_id: run.run_id, number_in_job: run.run_id };
  }

  private start(job: StoredJob, params: Record<string, string>, token: string | undefined, queueEnabled: boolean, trigger: string): StoredRun {
    const now = this.workspace.now();
    const active = this.runsOf(job.job_id).filter((r) => !this.view(r, now).settled);
    const limit = job.settings.max_concurrent_runs ?? 1;
    const run: StoredRun = {
      run_id: this.nextRunId++,
      job_id: job.job_id,
      created: now,
      jobParameters: params,
      queuedBehind: active.length >= limit ? active.map((r) => r.run_id) : [],
      queueEnabled,
      skipped: active.length >= limit && !queueEnabled,
      attempts: new Map(),
      repairs: [],
      trigger,
    };
    this.runs.set(run.run_id, run);
    if (token !== undefined) this.tokens.set(token, run.run_id);
    for (const task of job.settings.tasks ?? []) this.newAttempt(run, task.task_key, now);
    return run;
  }

  private newAttempt(run: StoredRun, taskKey: string, eligibleAt: number): TaskAttempt {
    const list = run.attempts.get(taskKey) ?? [];
    const script = this.scripts.get(run.job_id)?.get(taskKey) ?? {};
    const number = list.length;
    const attempt: TaskAttempt = {
      run_id: this.nextRunId++,
      task_key: taskKey,
      attempt_number: number,
      eligibleAt,
      script,
      result: number < (script.failAttempts ?? 0) ? 'FAILED' : (script.result ?? 'SUCCESS'),
    };
    const task = this.requireJob(run.job_id).settings.tasks?.find((t) => t.task_key === taskKey);
    const file = task?.sql_task?.file;
    if (file && (file.source ?? 'WORKSPACE') === 'WORKSPACE' && !this.scripts.get(run.job_id)?.has(taskKey)) {
      attempt.sqlFile = { path: file.path, warehouseId: task.sql_task!.warehouse_id };
    }
    if (script.mlflowRun && !run.skipped) {
      const m = script.mlflowRun;
      const logged = this.workspace.state.mlflow.addRun({
        experimentName: m.experimentName,
        runId: number === 0 ? m.runId : undefined,
        metrics: m.metrics,
        startTime: eligibleAt,
        tags: {
          'mlflow.source.type': 'JOB',
          'mlflow.databricks.jobID': String(run.job_id),
          'mlflow.databricks.jobRunID': String(m.tagWith === 'job' ? run.run_id : attempt.run_id),
          'mlflow.databricks.jobType': 'NORMAL',
        },
      });
      attempt.mlflowRunId = logged.info!.run_id;
    }
    list.push(attempt);
    run.attempts.set(taskKey, list);
    this.taskRuns.set(attempt.run_id, { run, attempt });
    return attempt;
  }

  /** The run a task run belongs to. */
  runOfTask(taskRunId: number): StoredRun | undefined {
    return this.taskRuns.get(taskRunId)?.run;
  }

  requireRun(runId: number | undefined): StoredRun {
    if (runId === undefined || !Number.isInteger(runId)) fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: run_id');
    return this.runs.get(runId) ?? fail(400, 'INVALID_PARAMETER_VALUE', `Run ${runId} does not exist.`);
  }

  cancel(runId: number | undefined): void {
    const task = runId !== undefined ? this.taskRuns.get(runId) : undefined;
    const run = task ? task.run : this.requireRun(runId);
    if (this.view(run, this.workspace.now()).settled) return;
    run.cancelRequestedAt ??= this.workspace.now();
  }

  repair(body: RepairRun): { repair_id: number } {
    const run = this.requireRun(body.run_id);
    const now = this.workspace.now();
    const view = this.view(run, now);
    if (!view.settled) fail(400, 'INVALID_PARAMETER_VALUE', `Run ${run.run_id} is still in progress: it cannot be repaired until it ends.`);
    if (body.rerun_all_failed_tasks && body.rerun_tasks?.length) fail(400, 'INVALID_PARAMETER_VALUE', 'rerun_tasks and rerun_all_failed_tasks are mutually exclusive.');
    const latest = run.repairs.at(-1)?.id;
    if (latest !== undefined && body.latest_repair_id !== latest) {
      fail(400, 'INVALID_PARAMETER_VALUE', `The latest repair id of run ${run.run_id} is ${latest}: pass it as latest_repair_id.`);
    }
    const tasks = this.requireJob(run.job_id).settings.tasks ?? [];
    let keys: string[];
    if (body.rerun_all_failed_tasks) keys = tasks.map((t) => t.task_key).filter((k) => FAILED_RESULTS.has(this.taskView(run, k, now).result ?? ''));
    else keys = body.rerun_tasks ?? [];
    for (const key of keys) if (!run.attempts.has(key)) fail(400, 'INVALID_PARAMETER_VALUE', `Task ${key} is not a task of run ${run.run_id}.`);
    if (keys.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', `Run ${run.run_id} has no task to repair.`);
    if (body.rerun_dependent_tasks) {
      const chosen = new Set(keys);
      for (let grew = true; grew;) {
        grew = false;
        for (const t of tasks) {
          if (!chosen.has(t.task_key) && (t.depends_on ?? []).some((d) => chosen.has(d.task_key))) {
            chosen.add(t.task_key);
            grew = true;
          }
        }
      }
      keys = tasks.map((t) => t.task_key).filter((k) => chosen.has(k));
    }
    run.cancelRequestedAt = undefined;
    run.skipped = false;
    run.queuedBehind = [];
    if (body.job_parameters) run.jobParameters = { ...run.jobParameters, ...body.job_parameters };
    const eligibleAt = now + this.workspace.scaled(this.pendingMs);
    const taskRunIds = keys.map((k) => this.newAttempt(run, k, eligibleAt).run_id);
    const id = this.nextRepairId++;
    run.repairs.push({ id, at: now, taskRunIds });
    return { repair_id: id };
  }

  /**
   * Runs the SQL files of the run's unscripted SQL tasks whose attempt has started by now (once
   * each): a statement that fails, a missing file or an unknown warehouse ends the task FAILED with
   * the error as its message. Called before a run is read, so the rest stays evaluated from the clock.
   */
  async executeDue(run: StoredRun): Promise<void> {
    const now = this.workspace.now();
    const running: Array<Promise<void>> = [];
    for (const key of run.attempts.keys()) {
      const attempt = this.latest(run, key);
      if (!attempt.sqlFile) continue;
      if (!attempt.sqlFile.ran && this.taskView(run, key, now).start !== undefined) attempt.sqlFile.ran = this.runSqlFile(attempt);
      if (attempt.sqlFile.ran) running.push(attempt.sqlFile.ran);
    }
    await Promise.all(running);
  }

  /** Runs the due SQL files of a run (tests: after moving time on, without reading the run through the API). */
  async settleSql(runId: number): Promise<void> {
    await this.executeDue(this.requireRun(runId));
  }

  private async runSqlFile(attempt: TaskAttempt): Promise<void> {
    const { path, warehouseId } = attempt.sqlFile!;
    const failWith = (error: string) => {
      attempt.result = 'FAILED';
      attempt.script = { ...attempt.script, error };
    };
    const sqlStore = this.workspace.state.sql;
    if (!sqlStore.warehouses.has(warehouseId)) return failWith(`Warehouse ${warehouseId} does not exist.`);
    const text = this.workspace.state.workspaceFiles.text(path);
    if (text === undefined) return failWith(`The SQL file ${path} does not exist.`);
    try {
      await runScript(text, (statement) => sqlStore.exec(statement));
    } catch (e) {
      if (!(e instanceof SqlExecutionError)) throw e;
      failWith(e.message);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Evaluation

  private latest(run: StoredRun, key: string): TaskAttempt {
    return run.attempts.get(key)!.at(-1)!;
  }

  /** When the run may start its tasks (after PENDING and any queue), or undefined while queued. */
  private runStart(run: StoredRun, now: number): number | undefined {
    let start = run.created + this.workspace.scaled(this.pendingMs);
    for (const id of run.queuedBehind) {
      const other = this.runs.get(id);
      if (!other) continue;
      const settled = this.view(other, now).settled;
      if (settled === undefined) return undefined;
      start = Math.max(start, settled);
    }
    return start;
  }

  taskView(run: StoredRun, key: string, now: number, depth = 0): TaskView {
    const attempt = this.latest(run, key);
    const scaled = (ms: number) => this.workspace.scaled(ms);
    const cancelAt = run.cancelRequestedAt;
    const cancelled = (start?: number): TaskView => {
      const end = cancelAt! + scaled(this.cancelMs);
      if (now < end) return { life: 'TERMINATING', start, message: 'Cancelling the run.' };
      return { life: 'TERMINATED', result: 'CANCELED', start, end, settled: end, message: 'Run cancelled.' };
    };
    if (run.skipped)
      return {
        life: 'TERMINATED',
        result: 'MAXIMUM_CONCURRENT_RUNS_REACHED',
        settled: run.created,
        end: run.created,
        message: 'Skipped: the job reached its maximum number of concurrent runs.',
      };
    const runStart = this.runStart(run, now);
    let begin = runStart === undefined ? undefined : Math.max(runStart, attempt.eligibleAt);
    if (begin !== undefined && depth < 1000) {
      const task = this.requireJob(run.job_id).settings.tasks?.find((t) => t.task_key === key);
      for (const dep of task?.depends_on ?? []) {
        const d = this.taskView(run, dep.task_key, now, depth + 1);
        if (d.settled === undefined) {
          begin = undefined;
          break;
        }
        if (d.result !== 'SUCCESS') {
          if (cancelAt !== undefined && cancelAt <= d.settled) return cancelled();
          return {
            life: 'TERMINATED',
            result: d.result === 'CANCELED' ? 'UPSTREAM_CANCELED' : 'UPSTREAM_FAILED',
            settled: d.settled,
            end: d.settled,
            message: `Upstream task ${dep.task_key} did not succeed.`,
          };
        }
        begin = Math.max(begin, d.settled);
      }
    }
    const end = begin === undefined ? undefined : begin + scaled(attempt.script.durationMs ?? DEFAULT_DURATION_MS);
    // A repair clears the cancel, so a cancel always concerns the attempts of the current segment.
    if (cancelAt !== undefined && (end === undefined || cancelAt < end)) return cancelled(begin !== undefined && begin <= cancelAt ? begin : undefined);
    if (begin === undefined || now < begin)
      return { life: runStart === undefined || now < runStart ? 'PENDING' : 'BLOCKED', message: runStart === undefined ? 'Waiting in the queue.' : 'Waiting for upstream tasks.' };
    if (now < end!) return { life: 'RUNNING', start: begin, message: 'In run' };
    const settled = end! + scaled(this.terminatingMs);
    if (now < settled) return { life: 'TERMINATING', start: begin, end, message: 'Terminating' };
    const result = attempt.result;
    return { life: 'TERMINATED', result, start: begin, end, settled, message: result === 'SUCCESS' ? '' : (attempt.script.error ?? `Task ${key} ended ${result}.`) };
  }

  /** The run at `now`: its life cycle, result and settle time. */
  view(run: StoredRun, now: number): { life: string; result?: string; settled?: number; start?: number; message: string; tasks: Map<string, TaskView> } {
    const tasks = new Map<string, TaskView>();
    for (const key of run.attempts.keys()) tasks.set(key, this.taskView(run, key, now));
    const all = [...tasks.values()];
    if (run.skipped)
      return {
        life: 'SKIPPED',
        result: 'MAXIMUM_CONCURRENT_RUNS_REACHED',
        settled: run.created,
        message: 'Skipped: the job reached its maximum number of concurrent runs.',
        tasks,
      };
    const runStart = this.runStart(run, now);
    if (now < run.created + this.workspace.scaled(this.pendingMs) && run.cancelRequestedAt === undefined && run.repairs.length === 0)
      return { life: 'PENDING', message: 'Waiting for the cluster.', tasks };
    if (runStart === undefined && run.cancelRequestedAt === undefined) return { life: 'QUEUED', message: 'Queued: the job reached its maximum number of concurrent runs.', tasks };
    const starts = all.map((t) => t.start).filter((s): s is number => s !== undefined);
    const start = starts.length ? Math.min(...starts) : undefined;
    if (all.some((t) => t.settled === undefined)) {
      const life = all.some((t) => t.life === 'TERMINATING') && run.cancelRequestedAt !== undefined ? 'TERMINATING' : 'RUNNING';
      return { life, start, message: life === 'TERMINATING' ? 'Cancelling.' : 'In run', tasks };
    }
    const last = Math.max(...all.map((t) => t.settled!));
    const settled = last + this.workspace.scaled(this.terminatingMs);
    if (now < settled) return { life: 'TERMINATING', start, message: 'Terminating', tasks };
    const results = all.map((t) => t.result!);
    let result: string;
    if (results.every((r) => r === 'SUCCESS')) result = 'SUCCESS';
    else if (run.cancelRequestedAt !== undefined) result = 'CANCELED';
    else if (results.includes('INTERNAL_ERROR')) result = 'INTERNAL_ERROR';
    else if (results.includes('TIMEDOUT')) result = 'TIMEDOUT';
    else result = 'FAILED';
    const failed = [...tasks].filter(([, t]) => t.result !== 'SUCCESS').map(([k]) => k);
    const message = result === 'SUCCESS' ? '' : result === 'CANCELED' ? 'Run cancelled.' : `Task ${failed[0]} failed with message: ${tasks.get(failed[0]!)!.message}`;
    return { life: result === 'INTERNAL_ERROR' ? 'INTERNAL_ERROR' : 'TERMINATED', result, settled, start, message, tasks };
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  renderRun(run: StoredRun, opts: { includeHistory: boolean; pageToken?: string }): Run {
    const now = this.workspace.now();
    const v = this.view(run, now);
    const job = this.requireJob(run.job_id);
    const offset = opts.pageToken ? decodeOffset(opts.pageToken) : 0;
    const allTasks = [...run.attempts.keys()].map((key) => this.renderTask(run, key, v.tasks.get(key)!));
    const tasks = allTasks.slice(offset, offset + this.pageSize);
    const more = offset + this.pageSize < allTasks.length;
    const first = offset === 0;
    const url = `${this.workspace.url}/jobs/${run.job_id}/runs/${run.run_id}`;
    const defaults = new Map((job.settings.parameters ?? []).map((p) => [p.name, p.default]));
    const history: RepairHistoryItem[] = [
      { type: 'ORIGINAL', start_time: run.created, end_time: run.repairs[0]?.at ?? v.settled ?? 0, task_run_ids: [...run.attempts.values()].map((a) => a[0]!.run_id) },
      ...run.repairs.map((r, i): RepairHistoryItem => ({
        type: 'REPAIR',
        id: r.id,
        start_time: r.at,
        end_time: run.repairs[i + 1]?.at ?? v.settled ?? 0,
        task_run_ids: r.taskRunIds,
      })),
    ];
    const rendered: Run = {
      job_id: run.job_id,
      run_id: run.run_id,
      number_in_job: run.run_id,
      run_name: job.settings.name,
      creator_user_name: USER,
      run_page_url: url,
      run_type: 'JOB_RUN',
      trigger: run.trigger as Run['trigger'],
      attempt_number: 0,
      start_time: run.created,
      end_time: v.settled ?? 0,
      run_duration: Math.round(((v.settled ?? now) - run.created) / this.workspace.timeScale),
      setup_duration: 0,
      execution_duration: 0,
      cleanup_duration: 0,
      state: { life_cycle_state: v.life as never, result_state: v.result as never, state_message: v.message, user_cancelled_or_timedout: run.cancelRequestedAt !== undefined },
      ...(this.legacyStateOnly ? {} : { status: runStatus(v.life, v.result, v.message, run) }),
      job_parameters: first ? [...defaults].map(([name, def]) => ({ name, default: def, value: run.jobParameters[name] ?? def })) : [],
      tasks,
      ...(opts.includeHistory ? { repair_history: first ? history : [] } : {}),
      ...(more ? { has_more: true, next_page_token: encodeOffset(offset + this.pageSize) } : {}),
    };
    return rendered;
  }

  private renderTask(run: StoredRun, key: string, t: TaskView): RunTask {
    const attempt = this.latest(run, key);
    const def = this.requireJob(run.job_id).settings.tasks?.find((x) => x.task_key === key);
    const life = t.life === 'BLOCKED' ? 'BLOCKED' : t.life;
    return {
      task_key: key,
      run_id: attempt.run_id,
      attempt_number: attempt.attempt_number,
      depends_on: def?.depends_on,
      notebook_task: def?.notebook_task,
      spark_python_task: def?.spark_python_task,
      sql_task: def?.sql_task,
      run_page_url: `${this.workspace.url}/jobs/${run.job_id}/runs/${attempt.run_id}`,
      start_time: t.start ?? 0,
      end_time: t.settled ?? 0,
      run_duration: t.start !== undefined ? Math.round(((t.end ?? this.workspace.now()) - t.start) / this.workspace.timeScale) : 0,
      state: {
        life_cycle_state: (life === 'TERMINATED' && t.result === 'INTERNAL_ERROR' ? 'INTERNAL_ERROR' : life) as never,
        result_state: t.result as never,
        state_message: t.message,
      },
      ...(this.legacyStateOnly ? {} : { status: taskStatus(t) }),
    };
  }

  output(taskRunId: number | undefined): RunOutput {
    if (taskRunId === undefined || !Number.isInteger(taskRunId)) fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: run_id');
    const entry = this.taskRuns.get(taskRunId);
    if (!entry) {
      if (this.runs.has(taskRunId) && this.runs.get(taskRunId)!.attempts.size > 1) {
        fail(400, 'INVALID_PARAMETER_VALUE', 'Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.');
      }
      const run = this.runs.get(taskRunId);
      if (!run) fail(400, 'INVALID_PARAMETER_VALUE', `Run ${taskRunId} does not exist.`);
      return this.output(this.latest(run, [...run.attempts.keys()][0]!).run_id);
    }
    const { run, attempt } = entry;
    const isLatest = this.latest(run, attempt.task_key) === attempt;
    const t = isLatest ? this.taskView(run, attempt.task_key, this.workspace.now()) : { life: 'TERMINATED', result: 'FAILED', message: attempt.script.error ?? '' };
    const metadata = this.renderTask(run, attempt.task_key, t as TaskView);
    const out: RunOutput = { metadata: metadata as RunOutput['metadata'] };
    if (t.life !== 'TERMINATED') return out;
    const kind = metadata.spark_python_task ? 'python' : metadata.sql_task ? 'sql' : 'notebook';
    if (t.result === 'SUCCESS') {
      if (kind === 'notebook' && attempt.script.notebookExit !== undefined) out.notebook_output = { result: attempt.script.notebookExit, truncated: false };
    } else if (t.result === 'FAILED' || t.result === 'TIMEDOUT' || t.result === 'INTERNAL_ERROR') {
      out.error = attempt.script.error ?? `Task ${attempt.task_key} ended ${t.result}.`;
      if (attempt.script.errorTrace !== undefined) out.error_trace = attempt.script.errorTrace;
    } else if (t.result === 'CANCELED') {
      out.error = 'Run cancelled.';
    }
    if (kind === 'python' && attempt.script.logs !== undefined) {
      out.logs = attempt.script.logs;
      out.logs_truncated = false;
    }
    return out;
  }

  renderJob(job: StoredJob, opts: { pageToken?: string; expandTasks?: boolean; forList?: boolean }): Job {
    const offset = opts.pageToken ? decodeOffset(opts.pageToken) : 0;
    const all = job.settings.tasks ?? [];
    const more = !opts.forList && offset + this.pageSize < all.length;
    const settings: JobSettings = { ...structuredClone(job.settings) };
    if (opts.forList && !opts.expandTasks) delete settings.tasks;
    else if (!opts.forList) {
      settings.tasks = all.slice(offset, offset + this.pageSize);
      if (offset > 0) settings.parameters = [];
    }
    return {
      job_id: job.job_id,
      created_time: job.created_time,
      creator_user_name: job.creator_user_name,
      run_as_user_name: job.creator_user_name,
      settings,
      ...(more ? { has_more: true, next_page_token: encodeOffset(offset + this.pageSize) } : {}),
    };
  }
}

function runStatus(life: string, result: string | undefined, message: string, run: StoredRun): Run['status'] {
  if (life === 'PENDING' || life === 'RUNNING' || life === 'BLOCKED') return { state: life };
  if (life === 'QUEUED') return { state: 'QUEUED', queue_details: { code: 'MAX_CONCURRENT_RUNS_REACHED', message } };
  if (life === 'TERMINATING')
    return { state: 'TERMINATING', termination_details: run.cancelRequestedAt !== undefined ? { code: 'USER_CANCELED', type: 'SUCCESS', message: 'Run cancelled.' } : undefined };
  return { state: 'TERMINATED', termination_details: termination(result, message) };
}

function taskStatus(t: TaskView): Run['status'] {
  if (t.life === 'TERMINATED') return { state: 'TERMINATED', termination_details: termination(t.result, t.message) };
  return { state: t.life };
}

function termination(result: string | undefined, message: string): NonNullable<Run['status']>['termination_details'] {
  switch (result) {
    case 'SUCCESS':
      return { code: 'SUCCESS', type: 'SUCCESS', message: '' };
    case 'CANCELED':
      return { code: 'USER_CANCELED', type: 'SUCCESS', message };
    case 'MAXIMUM_CONCURRENT_RUNS_REACHED':
      return { code: 'MAX_CONCURRENT_RUNS_EXCEEDED', type: 'CLIENT_ERROR', message };
    case 'INTERNAL_ERROR':
      return { code: 'INTERNAL_ERROR', type: 'INTERNAL_ERROR', message };
    case 'TIMEDOUT':
      return { code: 'CANCELED', type: 'CLIENT_ERROR', message };
    case 'UPSTREAM_FAILED':
    case 'UPSTREAM_CANCELED':
      return { code: 'SKIPPED', type: 'CLIENT_ERROR', message };
    default:
      return { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR', message };
  }
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeOffset(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // the error below
  }
  return fail(400, 'INVALID_PARAMETER_VALUE', `Invalid page token '${token}'.`);
}

// ---------------------------------------------------------------------------------------------
// Routes

const BASE = '/api/2.2/jobs';

function numberOf(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return fail(400, 'INVALID_PARAMETER_VALUE', `Invalid value for ${name}: expected an integer.`);
}

function listJobs(ctx: RequestContext) {
  const store = ctx.workspace.state.jobs;
  const limit = ctx.query.int('limit') ?? 20;
  if (limit < 1 || limit > 100) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid limit ${limit}: must be between 1 and 100.`);
  const name = ctx.query.get('name');
  const all = [...store.jobs.values()].filter((j) => name === undefined || (j.settings.name ?? '').toLowerCase() === name.toLowerCase()).sort((a, b) => a.job_id - b.job_id);
  const token = ctx.query.get('page_token');
  const offset = token ? decodeOffset(token) : (ctx.query.int('offset') ?? 0);
  const page = all.slice(offset, offset + limit);
  const expand = ctx.query.bool('expand_tasks') ?? false;
  return json(200, {
    ...(page.length ? { jobs: page.map((j) => ({ ...store.renderJob(j, { forList: true, expandTasks: expand }), has_more: false })) } : {}),
    has_more: offset + limit < all.length,
    ...(offset + limit < all.length ? { next_page_token: encodeOffset(offset + limit) } : {}),
    ...(offset > 0 ? { prev_page_token: encodeOffset(Math.max(0, offset - limit)) } : {}),
  });
}

function getJob(ctx: RequestContext) {
  const store = ctx.workspace.state.jobs;
  const job = store.requireJob(numberOf(ctx.query.get('job_id'), 'job_id'));
  return json(200, store.renderJob(job, { pageToken: ctx.query.get('page_token') }));
}

function body<T>(ctx: RequestContext): T {
  return (ctx.body ?? {}) as T;
}

function createJob(ctx: RequestContext) {
  const settings = body<JobSettings>(ctx);
  if (!settings.name) settings.name = 'Untitled';
  validateTasks(settings);
  return json(200, { job_id: ctx.workspace.state.jobs.store(settings).job_id });
}

function validateTasks(settings: JobSettings): void {
  for (const task of settings.tasks ?? []) {
    if (!task.task_key) fail(400, 'INVALID_PARAMETER_VALUE', 'Every task needs a task_key.');
    const sql = task.sql_task;
    if (sql) {
      if (!sql.warehouse_id) fail(400, 'INVALID_PARAMETER_VALUE', `Task ${task.task_key}: sql_task.warehouse_id is required.`);
      const kinds = [sql.query, sql.file, sql.alert, sql.dashboard].filter(Boolean).length;
      if (kinds !== 1) fail(400, 'INVALID_PARAMETER_VALUE', `Task ${task.task_key}: sql_task needs exactly one of query, file, alert or dashboard.`);
    }
  }
  if (settings.tags && Object.keys(settings.tags).length > 25) fail(400, 'INVALID_PARAMETER_VALUE', 'A job can have at most 25 tags.');
}

function resetJob(ctx: RequestContext) {
  const store = ctx.workspace.state.jobs;
  const b = body<{ job_id?: number; new_settings?: JobSettings }>(ctx);
  const job = store.requireJob(numberOf(b.job_id, 'job_id'));
  if (!b.new_settings) fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: new_settings');
  validateTasks(b.new_settings);
  job.settings = structuredClone(b.new_settings);
  return json(200, {});
}

function deleteJob(ctx: RequestContext) {
  const store = ctx.workspace.state.jobs;
  const job = store.requireJob(numberOf(body<{ job_id?: number }>(ctx).job_id, 'job_id'));
  store.jobs.delete(job.job_id);
  return json(200, {});
}

function runNow(ctx: RequestContext) {
  return json(200, ctx.workspace.state.jobs.runNow(body<RunNow>(ctx)));
}

async function getRun(ctx: RequestContext) {
  const store = ctx.workspace.state.jobs;
  const run = store.requireRun(numberOf(ctx.query.get('run_id'), 'run_id'));
  await store.executeDue(run);
  return json(200, store.renderRun(run, { includeHistory: ctx.query.bool('include_history') ?? false, pageToken: ctx.query.get('page_token') }));
}

async function getOutput(ctx: RequestContext) {
  const store = ctx.workspace.state.jobs;
  const id = numberOf(ctx.query.get('run_id'), 'run_id');
  const run = id === undefined ? undefined : (store.runs.get(id) ?? store.runOfTask(id));
  if (run) await store.executeDue(run);
  return json(200, store.output(id));
}

function cancelRun(ctx: RequestContext) {
  ctx.workspace.state.jobs.cancel(numberOf(body<{ run_id?: number }>(ctx).run_id, 'run_id'));
  return json(200, {});
}

function repairRun(ctx: RequestContext) {
  return json(200, ctx.workspace.state.jobs.repair(body<RepairRun>(ctx)));
}

export const jobsRoutes: RouteModule = {
  name: 'jobs',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('jobs', () => new JobsStore(workspace));
    workspace.route('GET', `${BASE}/list`, listJobs);
    workspace.route('GET', `${BASE}/get`, getJob);
    workspace.route('POST', `${BASE}/create`, createJob);
    workspace.route('POST', `${BASE}/reset`, resetJob);
    workspace.route('POST', `${BASE}/delete`, deleteJob);
    workspace.route('POST', `${BASE}/run-now`, runNow);
    workspace.route('GET', `${BASE}/runs/get`, getRun);
    workspace.route('GET', `${BASE}/runs/get-output`, getOutput);
    workspace.route('POST', `${BASE}/runs/cancel`, cancelRun);
    workspace.route('POST', `${BASE}/runs/repair`, repairRun);
  },
};
