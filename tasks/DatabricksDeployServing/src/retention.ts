/**
 * Inference-table retention (the inference table has no retention setting:
 * https://learn.microsoft.com/azure/databricks/ai-gateway/inference-tables; so a scheduled Jobs SQL
 * task over a workspace SQL file: https://learn.microsoft.com/azure/databricks/jobs/tasks/sql). With `inferenceRetentionDays` N > 0 the
 * task keeps, idempotently, a Databricks-side daily job that deletes payload rows older than N
 * days, so retention does not depend on any pipeline running:
 *
 * - the SQL lives in a workspace file uploaded as RAW (`/Shared/databricks-mlops/retention/<endpoint>.sql`),
 *   the window written into it (how a SQL file reads `sql_task.parameters` is unconfirmed);
 * - the job (`[mlops] <endpoint> inference retention`, tagged managed-by / mlops-endpoint so the
 *   task finds its own among jobs of that name) runs the file on `warehouseId` at 03:00 UTC,
 *   one run at a time, queued;
 * - the payload table appears with the first logged request: the SQL deletes only when the table
 *   exists (a SQL scripting IF over information_schema), so the job succeeds before that;
 * - N changed → the file is rewritten; warehouse or schedule changed → the job is reset (full
 *   settings); 0 → the job and the file are removed; unchanged → no write.
 */
import { createJob, deleteJob, getJobAllPages, listJobsByName, resetJob, type Job, type JobSettings } from '../../../shared/api/jobs';
import { deleteWorkspaceFile, readWorkspaceFile, writeWorkspaceFile } from '../../../shared/api/workspaceFiles';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import type { ChangeEntry, RetentionReport } from '../../../shared/runtime/reportTypes';
import { renderChanges } from '../../../shared/runtime/plan';
import type { TaskContext } from '../../../shared/runtime/task';
import type { InferenceTableTarget } from './parameters';
import { message } from './messages';

export const RETENTION_TAGS = { managedBy: 'managed-by', endpoint: 'mlops-endpoint', purpose: 'mlops-purpose' } as const;
export const MANAGED_BY = 'databricks-mlops-azure-pipelines';
const PURPOSE = 'inference-retention';
const TASK_KEY = 'delete_old_payload_rows';
export const RETENTION_SCHEDULE = { quartz_cron_expression: '0 0 3 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' as const };
const TIMEOUT_SECONDS = 3600;

export interface RetentionWish {
  endpointName: string;
  /** 0 = no retention job. */
  days: number;
  table?: InferenceTableTarget;
  warehouseId?: string;
}

export type { RetentionReport };

export interface RetentionPlan {
  wish: RetentionWish;
  report: RetentionReport;
  changes: ChangeEntry[];
  /** Our job as it is, when there is one. */
  current?: Job;
  settings?: JobSettings;
  sql?: string;
  writeFile: boolean;
  writeJob: boolean;
  /** Jobs of the same name this task does not manage (left alone). */
  foreign: number[];
}

export function retentionJobName(endpointName: string): string {
  return `[mlops] ${endpointName} inference retention`;
}

export function retentionSqlPath(endpointName: string): string {
  return `/Shared/databricks-mlops/retention/${endpointName}.sql`;
}

const quoteIdentifier = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const quoteString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The SQL file: delete rows older than `days` when the payload table exists. */
export function retentionSql(endpointName: string, table: InferenceTableTarget, days: number): string {
  const tableName = `${table.tablePrefix}_payload`;
  const full = [table.catalog, table.schema, tableName].map(quoteIdentifier).join('.');
  return [
    `-- Managed by DatabricksDeployServing (Databricks MLOps for Azure Pipelines): keeps the last ${days} day(s)`,
    `-- of the inference payload of serving endpoint ${endpointName}. Set inferenceRetentionDays to change`,
    '-- the window (this file is rewritten) or to 0 to remove this file and its job.',
    '-- The payload table appears with the first logged request; until then there is nothing to delete.',
    'BEGIN',
    `  IF EXISTS (SELECT 1 FROM ${quoteIdentifier(table.catalog)}.information_schema.tables`,
    `             WHERE lower(table_schema) = lower(${quoteString(table.schema)}) AND lower(table_name) = lower(${quoteString(tableName)})) THEN`,
    `    DELETE FROM ${full} WHERE request_date < date_sub(current_date(), ${days});`,
    '  END IF;',
    'END;',
    '',
  ].join('\n');
}

export function retentionJobSettings(wish: RetentionWish & { warehouseId: string }): JobSettings {
  return {
    name: retentionJobName(wish.endpointName),
    tags: { [RETENTION_TAGS.managedBy]: MANAGED_BY, [RETENTION_TAGS.endpoint]: wish.endpointName, [RETENTION_TAGS.purpose]: PURPOSE },
    tasks: [
      {
        task_key: TASK_KEY,
        sql_task: { warehouse_id: wish.warehouseId, file: { path: retentionSqlPath(wish.endpointName), source: 'WORKSPACE' } },
        timeout_seconds: TIMEOUT_SECONDS,
      },
    ],
    schedule: { ...RETENTION_SCHEDULE },
    max_concurrent_runs: 1,
    queue: { enabled: true },
  };
}

/** The fields this task sets, from a job's settings as the service returns them (with its defaults). */
function managedFields(settings: JobSettings | undefined): unknown {
  const task = settings?.tasks?.[0];
  return {
    name: settings?.name,
    tags: settings?.tags ?? {},
    tasks:
      (settings?.tasks ?? []).length === 1 && task
        ? [{ task_key: task.task_key, sql_task: { warehouse_id: task.sql_task?.warehouse_id, file: task.sql_task?.file }, timeout_seconds: task.timeout_seconds }]
        : settings?.tasks?.map((t) => t.task_key),
    schedule: settings?.schedule && {
      quartz_cron_expression: settings.schedule.quartz_cron_expression,
      timezone_id: settings.schedule.timezone_id,
      pause_status: settings.schedule.pause_status ?? 'UNPAUSED',
    },
    max_concurrent_runs: settings?.max_concurrent_runs,
    queue: { enabled: settings?.queue?.enabled ?? false },
  };
}

function isOurs(job: { settings?: JobSettings }, endpointName: string): boolean {
  const tags = job.settings?.tags ?? {};
  return tags[RETENTION_TAGS.managedBy] === MANAGED_BY && tags[RETENTION_TAGS.endpoint] === endpointName;
}

/** Days written in our SQL file, for the plan's before/after. */
function daysOf(sql: string | undefined): number | undefined {
  const m = /date_sub\(current_date\(\), (\d+)\)/.exec(sql ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Reads what is in place and decides what to change. Reads only. */
export async function planRetention(client: DatabricksClient, signal: AbortSignal, wish: RetentionWish): Promise<RetentionPlan> {
  const jobName = retentionJobName(wish.endpointName);
  const sqlPath = retentionSqlPath(wish.endpointName);
  const named = await listJobsByName(client, jobName, signal);
  const ours = named.filter((j) => isOurs(j, wish.endpointName));
  const foreign = named
    .filter((j) => !isOurs(j, wish.endpointName))
    .map((j) => j.job_id!)
    .filter((id) => id !== undefined);
  const current = ours[0]?.job_id !== undefined ? await getJobAllPages(client, ours[0].job_id, signal) : undefined;
  const currentSql = current || wish.days > 0 ? await readWorkspaceFile(client, sqlPath) : undefined;
  const resource = message('PlanRetentionJob', jobName);
  const report: RetentionReport = {
    days: wish.days,
    action: 'noop',
    jobName,
    jobId: current?.job_id,
    jobUrl: current?.job_id !== undefined ? client.link(`/jobs/${current.job_id}`) : undefined,
    sqlPath,
    table: wish.table ? `${wish.table.catalog}.${wish.table.schema}.${wish.table.tablePrefix}_payload` : undefined,
    warehouseId: wish.warehouseId,
  };
  const base = { wish, report, current, foreign, writeFile: false, writeJob: false };

  if (wish.days === 0) {
    if (!current)
      return { ...base, changes: currentSql !== undefined ? [{ action: 'delete', resource: message('PlanRetentionSqlFile', sqlPath) }] : [], writeFile: currentSql !== undefined };
    report.action = 'delete';
    return {
      ...base,
      changes: [
        {
          action: 'delete',
          resource,
          fields: [{ path: 'retention', before: message('PlanRetentionDaysJob', daysOf(currentSql) ?? '?', String(current.job_id)), after: undefined }],
        },
      ],
      writeFile: true,
      writeJob: true,
    };
  }

  if (!wish.table || !wish.warehouseId) throw new Error('unreachable: retention needs the inference table and warehouseId (checked in Parameters)');
  const settings = retentionJobSettings({ ...wish, warehouseId: wish.warehouseId });
  const sql = retentionSql(wish.endpointName, wish.table, wish.days);
  report.schedule = 'daily at 03:00 UTC';
  const writeFile = currentSql !== sql;
  const writeJob = !current || JSON.stringify(managedFields(current.settings)) !== JSON.stringify(managedFields(settings));
  const fields: NonNullable<ChangeEntry['fields']> = [];
  const before = current?.settings;
  if (writeFile) fields.push({ path: message('PlanRetentionDeleteOlder'), before: daysOf(currentSql), after: wish.days });
  if (writeFile && daysOf(currentSql) === wish.days)
    fields.push({ path: message('PlanSqlFile', sqlPath), before: currentSql === undefined ? undefined : message('PlanOtherText'), after: message('PlanRewritten') });
  if (!current) fields.push({ path: 'table', after: report.table }, { path: 'warehouse', after: wish.warehouseId }, { path: 'schedule', after: message('PlanDailyAt3') });
  else if (writeJob) {
    const task = before?.tasks?.[0]?.sql_task;
    if (task?.warehouse_id !== wish.warehouseId) fields.push({ path: 'warehouse', before: task?.warehouse_id, after: wish.warehouseId });
    if (JSON.stringify(managedFields({ schedule: before?.schedule })) !== JSON.stringify(managedFields({ schedule: settings.schedule }))) {
      fields.push({
        path: 'schedule',
        before: before?.schedule ? `${before.schedule.quartz_cron_expression} ${before.schedule.timezone_id} ${before.schedule.pause_status ?? ''}`.trim() : undefined,
        after: '0 0 3 * * ? UTC UNPAUSED',
      });
    }
    if (fields.length === (writeFile ? 1 : 0)) fields.push({ path: message('PlanJobSettings'), before: message('PlanEditedOutside'), after: message('PlanRestored') });
  }
  report.action = !current ? 'create' : writeFile || writeJob ? 'update' : 'noop';
  return { ...base, settings, sql, writeFile, writeJob, changes: [{ action: report.action, resource, fields }] };
}

/** Applies the plan (not in plan mode). */
export async function applyRetention(client: DatabricksClient, ctx: TaskContext, plan: RetentionPlan): Promise<void> {
  const { report } = plan;
  if (plan.wish.days === 0) {
    if (plan.current?.job_id !== undefined) {
      await deleteJob(client, plan.current.job_id);
      ctx.log.info(message('RetentionJobDeleted', report.jobName, plan.current.job_id ?? ''));
    }
    if (plan.writeFile) await deleteWorkspaceFile(client, report.sqlPath);
    return;
  }
  // The file first: a job must never point at a missing or stale file.
  if (plan.writeFile) {
    await writeWorkspaceFile(client, report.sqlPath, plan.sql!);
    ctx.log.info(message('RetentionSqlWritten', report.sqlPath ?? '', plan.wish.days));
  }
  if (!plan.current) {
    const created = await createJob(client, plan.settings!);
    report.jobId = created.job_id;
    report.jobUrl = created.job_id !== undefined ? client.link(`/jobs/${created.job_id}`) : undefined;
    ctx.log.info(message('RetentionJobCreated', report.jobName, created.job_id ?? '?'));
  } else if (plan.writeJob) {
    await resetJob(client, plan.current.job_id!, plan.settings!);
    ctx.log.info(message('RetentionJobUpdated', report.jobName, plan.current.job_id ?? ''));
  }
}

/** One line for the summary and the log: what is in place. */
export function describeRetention(r: RetentionReport, dryRun: boolean): string {
  if (r.days === 0) {
    if (r.action === 'delete') return dryRun ? `would remove the retention job ${r.jobName} (${r.jobId})` : `off; the retention job ${r.jobName} (${r.jobId}) was removed`;
    return 'off (no retention job)';
  }
  const what =
    `${r.days} day(s): job ${r.jobName}${r.jobId !== undefined ? ` (${r.jobId})` : ''} deletes older rows of ${r.table} ${r.schedule ?? ''} on warehouse ${r.warehouseId}`.replace(
      /\s+/g,
      ' ',
    );
  const verb = { create: dryRun ? 'would be created' : 'created', update: dryRun ? 'would be updated' : 'updated', delete: 'removed', noop: 'unchanged' }[r.action];
  return `${what} (${verb})`;
}

export function retentionPlanLines(plan: RetentionPlan): string[] {
  return renderChanges(plan.changes);
}

export interface RetentionOutcome {
  report?: RetentionReport;
  /** The plan's diff lines (for the summary's Changes). */
  lines: string[];
  /** A line for the summary. */
  note: string;
  /** Set when the retention job could not be put in place: the task then succeeds with issues. */
  problem?: string;
}

/**
 * The hook DeployServing runs after its rollout: retention is planned (and shown) in plan mode,
 * applied after a successful deployment, and left alone when the deployment failed.
 */
export async function syncRetention(
  client: DatabricksClient,
  ctx: TaskContext,
  params: { endpointName: string; inferenceRetentionDays: number; inferenceTable?: InferenceTableTarget; warehouseId?: string },
  deployed: { result: string; dryRun: boolean },
): Promise<RetentionOutcome> {
  if (deployed.result !== 'Succeeded') return { lines: [], note: 'Inference retention: not changed (the deployment did not succeed).' };
  const wish: RetentionWish = { endpointName: params.endpointName, days: params.inferenceRetentionDays, table: params.inferenceTable, warehouseId: params.warehouseId };
  try {
    const plan = await planRetention(client, ctx.signal, wish);
    const lines = retentionPlanLines(plan);
    if (plan.changes.length) {
      ctx.log.section(deployed.dryRun ? message('RetentionSectionPlan') : message('RetentionSection'));
      ctx.log.remote(lines.join('\n'));
    }
    for (const id of plan.foreign) ctx.log.warning(message('ForeignRetentionJob', id, plan.report.jobName));
    if (!deployed.dryRun) await applyRetention(client, ctx, plan);
    const note = `Inference retention: ${describeRetention(plan.report, deployed.dryRun)}.`;
    ctx.log.info(note);
    return { report: plan.report, lines, note };
  } catch (e) {
    if (e instanceof Error && e.name === 'CancelledError') throw e;
    const why = e instanceof Error ? e.message : String(e);
    ctx.log.warning(message('RetentionFailed', why));
    return { lines: [], note: message('RetentionNotInPlace', why), problem: message('RetentionFailed', why) };
  }
}
