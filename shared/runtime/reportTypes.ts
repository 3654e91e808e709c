/**
 * The data of the JSON report each task attaches to the run (attachment type
 * `databricks-mlops-report`). The results tab renders these; keep them backward compatible
 * (add optional fields, never rename).
 */

/** One line of a plan (dryRun) or of what was changed. */
export interface ChangeEntry {
  action: 'create' | 'update' | 'delete' | 'noop';
  resource: string;
  /** Field-level differences, rendered as a diff. */
  fields?: Array<{ path: string; before?: unknown; after?: unknown }>;
}

export interface RegistrationReportData {
  modelName: string;
  version: string;
  modelUri: string;
  mode: 'run' | 'existingVersion';
  runId?: string;
  runUrl?: string;
  versionUrl?: string;
  /** Reused an existing READY version of the same run instead of registering again. */
  reused?: boolean;
  filesCopied?: number;
  bytesCopied?: number;
  /** Run mode: where the model was found and how its files go (also in plan mode). */
  model?: {
    layout: 'mlflow2' | 'mlflow3';
    /** The version's source: a run artifact path or `models:/<model_id>`. */
    source: string;
    modelId?: string;
    where: string;
    files: number;
    bytes: number;
  };
  storage?: {
    /** filesApi | adlsSas | presigned; absent in plan mode while the storage mode is unknown. */
    route?: 'filesApi' | 'adlsSas' | 'presigned';
    flag: boolean;
    flagSource: 'service' | 'override' | 'error';
    storageMode?: 'CUSTOMER_HOSTED' | 'DEFAULT_STORAGE';
    reason: string;
  };
  gate?: {
    metric: string;
    goal: 'maximize' | 'minimize';
    minImprovement: number;
    candidate?: number;
    baseline?: number;
    baselineVersion?: string;
    baselineAlias: string;
    /** candidate − baseline for maximize, baseline − candidate for minimize. */
    improvement?: number;
    outcome: 'no-baseline' | 'improved' | 'tie' | 'not-improved' | 'baseline-metric-missing';
  };
  promoted: boolean;
  aliasesSet: Array<{ alias: string; version: string; previousVersion?: string }>;
  tags: Record<string, string>;
  changes?: ChangeEntry[];
}

export interface ServedEntitySnapshot {
  name: string;
  entityName: string;
  entityVersion: string;
  trafficPercent: number;
  state?: string;
  workloadSize?: string;
  scaleToZero?: boolean;
}

export interface DeploymentReportData {
  endpointName: string;
  endpointUrl?: string;
  endpointId?: string;
  action: 'create' | 'update' | 'noop';
  trafficMode: 'replace' | 'canary' | 'promote' | 'rollback';
  before: ServedEntitySnapshot[];
  after: ServedEntitySnapshot[];
  inferenceTableName?: string;
  timeToReadySeconds?: number;
  polls?: number;
  smokeTest?: { ok: boolean; status?: number; predictions?: number; latencyMs?: number; summary: string };
  rollback?: { performed: boolean; restored: ServedEntitySnapshot[]; reason: string; succeeded: boolean };
  /** verifyInferenceLogMinutes: whether the smoke request reached the payload table. */
  inferenceLogCheck?: { table: string; clientRequestId: string; found: boolean; waitedSeconds: number; message: string };
  failure?: { stage: 'update' | 'wait' | 'smoke-test'; message: string; entityMessages?: Array<{ name: string; message: string }> };
  changes?: ChangeEntry[];
  /** The Databricks-side inference retention job (inferenceRetentionDays). */
  retention?: RetentionReport;
}

/** What DeployServing keeps in place for the inference table's retention (the report and the results tab read it). */
export interface RetentionReport {
  days: number;
  action: 'create' | 'update' | 'delete' | 'noop';
  jobName: string;
  jobId?: number;
  jobUrl?: string;
  sqlPath: string;
  table?: string;
  warehouseId?: string;
  /** e.g. "daily at 03:00 UTC"; absent when off. */
  schedule?: string;
}

export interface MonitorReportData {
  tableName: string;
  monitorApi: 'dataQuality' | 'legacy';
  action: 'create' | 'update' | 'noop';
  status?: string;
  profileMetricsTable?: string;
  driftMetricsTable?: string;
  dashboardUrl?: string;
  unpackView?: { name: string; sourceTable: string; requestFormats: string[]; features: string[] };
  alerts: Array<{ displayName: string; action: 'create' | 'update' | 'noop'; rule: string; id?: string; url?: string }>;
  refreshStarted?: boolean;
  changes?: ChangeEntry[];
}

export interface DriftRuleResult {
  rule: string;
  metric: string;
  op: '<' | '<=' | '>' | '>=';
  threshold: number;
}

export interface DriftColumnResult {
  table: string;
  column: string;
  rule: string;
  metric: string;
  threshold: number;
  op: '<' | '<=' | '>' | '>=';
  /** The latest window's value (null when the metric is null there). */
  latest: number | null;
  /** Values across the evaluation windows, oldest first. */
  windows: Array<{ start: string; end: string; value: number | null; violated: boolean }>;
  violations: number;
  drifted: boolean;
  /** How far past the threshold the latest value is, relative to the threshold (for sorting worst first). */
  severity: number;
  /** What the rule checks: drift, model quality, data quality (column statistics), or a custom metric. */
  category?: 'drift' | 'model-quality' | 'data-quality' | 'custom';
}

export interface DriftTableResult {
  table: string;
  monitorApi: 'dataQuality' | 'legacy';
  refresh: { state: string; refreshId?: string; durationSeconds?: number; startedByTask: boolean; message?: string };
  /** The granularity whose windows were evaluated (the finest of the monitor's). */
  granularity?: string;
  verdict: 'drift' | 'no-drift' | 'insufficient-data' | 'error' | 'not-evaluated';
  reason?: string;
  driftMetricsTable?: string;
  profileMetricsTable?: string;
  columns: DriftColumnResult[];
}

export interface DriftReportData {
  verdict: 'drift' | 'no-drift' | 'insufficient-data' | 'error' | 'not-evaluated';
  driftType: 'BASELINE' | 'CONSECUTIVE';
  evaluationWindows: number;
  violationWindows: number;
  onDrift: 'fail' | 'warn' | 'ignore';
  onInsufficientData: 'warn' | 'pass' | 'fail';
  rules: DriftRuleResult[];
  /** The model id slice the rules were judged on (DatabricksRefreshMonitors modelId); absent: all models. */
  modelId?: string;
  tables: DriftTableResult[];
  driftedColumns: string[];
  changes?: ChangeEntry[];
  /** notifyDestinations: who was told that a rule broke, and how (a one-time job run). */
  notification?: { destinations: string[]; message: string; runId?: string; error?: string; planned?: boolean };
}

/** One task of a job run, at its latest attempt. */
export interface JobRunTaskResult {
  taskKey: string;
  taskRunId?: number;
  /** Life cycle state (status.state, else state.life_cycle_state). */
  state: string;
  resultState?: string;
  /** 1-based (attempt_number + 1). */
  attempt: number;
  durationSeconds?: number;
  runPageUrl?: string;
  /** state_message, error, and the tail of error_trace / logs, for failed tasks. */
  message?: string;
  error?: string;
  errorTraceTail?: string;
  logsTail?: string;
}

export interface JobRunReportData {
  jobId: number;
  jobName: string;
  jobUrl?: string;
  runId?: number;
  runPageUrl?: string;
  /** What the task did with the run: started it, found it (same token), repaired it, or planned only. */
  action: 'started' | 'reused' | 'repaired' | 'planned';
  /** System.JobAttempt. */
  attempt: number;
  idempotencyToken?: string;
  /** The job parameters the step sets (names only: values may be secrets the agent masks only in the log). */
  parameterNames: string[];
  /** The job's tasks (plan) or the run's tasks at their latest attempt. */
  tasks: JobRunTaskResult[];
  resultState?: string;
  verdict?: 'success' | 'successWithFailures' | 'failed' | 'canceled' | 'timedOut' | 'skipped' | 'concurrencyLimit' | 'internalError' | 'running';
  durationSeconds?: number;
  polls?: number;
  /** Tasks re-run by the repair. */
  repairedTasks?: string[];
  outputTask?: string;
  notebookOutput?: string;
  mlflowRunId?: string;
  mlflowRunSource?: 'exitValue' | 'tagSearch';
  /** Set when the task stopped waiting: the pipeline cancelled it, or its timeoutMinutes passed. */
  stopped?: { why: 'cancelled' | 'timeout'; runCancelled: boolean; detail: string };
}
