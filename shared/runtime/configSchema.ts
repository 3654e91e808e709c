/**
 * The shape of the settings file (`configFile`): one YAML file per model.
 *
 *   defaults:            # optional, same shape as an environment block, merged under each
 *   environments:
 *     dev: { workspaceUrl, workspaceResourceId, retryBudgetSeconds,
 *            registry: {…}, serving: {…}, inferenceTable: {…}, monitoring: {…} }
 *     prod: …
 *
 * Keys are the task input names (see FIELDS below for where each one goes and the few that
 * are renamed). This schema checks structure and YAML types (a number where a number is due,
 * a list of strings, pick-list values); the value rules (ranges, name shapes, cron, metric
 * rules…) are the task's own and run in Parameters on the values the chosen environment
 * gives, with errors pointing back to the file and path. The JSON Schema published for
 * editors is generated from this zod schema (scripts/gen-config-schema.mjs).
 */
import * as z from 'zod';
import { COMPARISON_OPS, DRIFT_TYPES, MONITOR_APIS, ON_DRIFT, ON_INSUFFICIENT_DATA, PROBLEM_TYPES, PROFILE_TYPES } from '../monitoring/choices';
import { GRANULARITIES } from '../monitoring/granularity';
import { METRIC_GOALS, REGISTER_FROM } from '../registry/choices';
import { TRAFFIC_MODES, WORKLOAD_SIZES, WORKLOAD_TYPES } from '../serving/choices';

export const TASK_NAMES = ['DatabricksRegisterModel', 'DatabricksDeployServing', 'DatabricksCreateMonitor', 'DatabricksRefreshMonitors', 'DatabricksRunJob'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

const REGISTER: readonly TaskName[] = ['DatabricksRegisterModel'];
const DEPLOY: readonly TaskName[] = ['DatabricksDeployServing'];
const CREATE: readonly TaskName[] = ['DatabricksCreateMonitor'];
const REFRESH: readonly TaskName[] = ['DatabricksRefreshMonitors'];
const MONITOR_TASKS: readonly TaskName[] = [...CREATE, ...REFRESH];
const RUN_JOB: readonly TaskName[] = ['DatabricksRunJob'];

/**
 * How a YAML value becomes the task input's text:
 * - text, integer, number, boolean, version: the scalar as text (`true`, `10`, `0.5`);
 * - commaList, lines: a string as is, or a YAML list, one element per line;
 * - keyValue: a mapping `key: value`, a list of `key=value` strings, or `key=value` lines;
 * - driftAlerts, thresholds: a list of rule strings or of mappings {metric, op, threshold[, emails]};
 * - json: JSON text or a file path, or a mapping (sent as JSON).
 */
export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'version' | 'commaList' | 'lines' | 'keyValue' | 'driftAlerts' | 'thresholds' | 'json';

export interface FieldSpec {
  kind: FieldKind;
  description: string;
  /** The tasks that read this key. */
  tasks: readonly TaskName[];
  /** The task input it sets when the file names it differently. */
  input?: string;
  /** Allowed values: of the scalar (pick lists) or of each list element. */
  values?: readonly string[];
}

function field(kind: FieldKind, tasks: readonly TaskName[], description: string, extra: Partial<FieldSpec> = {}): FieldSpec {
  return { kind, tasks, description, ...extra };
}

/** Keys directly in an environment block. */
export const BLOCK_FIELDS: Readonly<Record<string, FieldSpec>> = {
  workspaceUrl: field('text', TASK_NAMES, 'Workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net. Exactly one of workspaceUrl / workspaceResourceId.'),
  workspaceResourceId: field(
    'text',
    TASK_NAMES,
    'Azure resource id of the workspace: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>.',
  ),
  retryBudgetSeconds: field('integer', TASK_NAMES, 'Total seconds the client may spend retrying one call (10-3600, default 300).'),
};

export const SECTION_NAMES = ['job', 'registry', 'serving', 'inferenceTable', 'monitoring'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

const SECTION_DESCRIPTIONS: Readonly<Record<SectionName, string>> = {
  job: 'Inputs of DatabricksRunJob (the training workflow).',
  registry: 'Inputs of DatabricksRegisterModel.',
  serving: 'Inputs of DatabricksDeployServing (the inference table settings are in inferenceTable).',
  inferenceTable: 'The AI Gateway inference table of the serving endpoint (DatabricksDeployServing).',
  monitoring: 'Inputs of DatabricksCreateMonitor and DatabricksRefreshMonitors.',
};

export const SECTIONS: Readonly<Record<SectionName, Readonly<Record<string, FieldSpec>>>> = {
  job: {
    jobId: field('integer', RUN_JOB, 'The Databricks job id; exactly one of jobId / jobName.'),
    jobName: field('text', RUN_JOB, 'The exact name of the job (exactly one job may have it).'),
    jobParameters: field('keyValue', RUN_JOB, 'Job-level parameters sent with the run.'),
    timeoutMinutes: field('integer', RUN_JOB, 'Minutes to wait for the run (1-10080, default 120).'),
    outputTask: field('text', RUN_JOB, 'Task key whose dbutils.notebook.exit value becomes notebookOutput (default: the only task, else the last to finish).'),
    experimentName: field('text', RUN_JOB, 'MLflow experiment searched for the run tagged with this job run when the exit value names none.'),
  },
  registry: {
    modelName: field('text', REGISTER, 'Unity Catalog model: catalog.schema.model. Also the model DatabricksDeployServing serves when serving.modelName is not set.'),
    registerFrom: field('text', REGISTER, 'run (new version from an MLflow run) or existingVersion (promote an existing version).', { values: REGISTER_FROM }),
    runId: field('text', REGISTER, 'Run mode: the MLflow run id.'),
    experimentName: field('text', REGISTER, 'Run mode, instead of runId: the experiment whose newest FINISHED run matching runFilter is registered.'),
    runFilter: field('text', REGISTER, "MLflow search filter, e.g. tags.git_sha = 'abc123'."),
    artifactPath: field('text', REGISTER, "The model's path inside the run, or its logged model's name (default model)."),
    modelId: field('text', REGISTER, 'Run mode, instead of a run: an MLflow 3 logged model id (m-…) registered directly.'),
    modelVersion: field('version', REGISTER, 'existingVersion mode: a version number or latest (default).'),
    description: field('text', REGISTER, 'Version description (at most 5000 characters).'),
    tags: field('keyValue', REGISTER, 'Version tags.'),
    compareMetric: field('text', REGISTER, 'MLflow metric compared between the candidate and the baseline; unset = no gate.'),
    metricGoal: field('text', REGISTER, 'maximize (default) or minimize.', { values: METRIC_GOALS }),
    minImprovement: field('number', REGISTER, 'Least improvement that counts (default 0).'),
    promoteOnTie: field('boolean', REGISTER, 'Promote when the metric ties (default false).'),
    baselineAlias: field('text', REGISTER, 'Alias of the version compared with (default champion).'),
    candidateAliases: field('commaList', REGISTER, 'Aliases set on every registered candidate.'),
    promoteAliases: field('commaList', REGISTER, 'Aliases set when the candidate wins (default champion).'),
    failIfNotImproved: field('boolean', REGISTER, 'Fail the task when the candidate does not win (default false).'),
    timeoutMinutes: field('integer', REGISTER, 'Minutes to wait for the version to be READY (1-720, default 20).'),
    copyConcurrency: field('integer', REGISTER, 'Model files copied at once (1-16, default 4).'),
  },
  serving: {
    endpointName: field('text', DEPLOY, 'Serving endpoint name (letters, digits, - and _, at most 63).'),
    modelName: field('text', DEPLOY, 'Unity Catalog model served (default: registry.modelName).'),
    modelVersion: field('integer', DEPLOY, 'Version to serve; exactly one of modelVersion / modelAlias.'),
    modelAlias: field('text', DEPLOY, 'Alias resolved to the version to serve, e.g. champion.'),
    servedEntityName: field('text', DEPLOY, 'Served entity name (default <model>-<version>).'),
    workloadSize: field('text', DEPLOY, 'Small (default), Medium or Large.', { values: WORKLOAD_SIZES }),
    workloadType: field('text', DEPLOY, 'CPU (default) or a GPU type.', { values: WORKLOAD_TYPES }),
    scaleToZero: field('boolean', DEPLOY, 'Scale to zero when idle (default true).'),
    environmentVars: field('keyValue', DEPLOY, 'Environment variables of the served model; values may be {{secrets/scope/key}}.'),
    trafficMode: field('text', DEPLOY, 'replace (default), canary, promote, or rollback (restore the config recorded before the last rollout).', { values: TRAFFIC_MODES }),
    canaryPercent: field('integer', DEPLOY, 'Canary mode: percent of traffic for the new version (1-99, default 10).'),
    rateLimitPerMinute: field('integer', DEPLOY, 'AI Gateway endpoint rate limit (calls per minute).'),
    usageTracking: field('boolean', DEPLOY, 'AI Gateway usage tracking (system.serving.endpoint_usage): true or false; unset keeps what the endpoint has.'),
    tags: field('keyValue', DEPLOY, 'Endpoint tags.'),
    notifyOnFailure: field('commaList', DEPLOY, 'E-mail addresses notified when an endpoint update fails.'),
    waitForReady: field('boolean', DEPLOY, 'Wait until the endpoint serves the new version (default true).'),
    timeoutMinutes: field('integer', DEPLOY, 'Minutes to wait for readiness (1-720, default 45).'),
    smokeTestPayload: field('json', DEPLOY, 'Request sent once ready: a mapping, JSON text, or a JSON file path (relative to this file).'),
    rollbackOnFailure: field('boolean', DEPLOY, 'Restore the previous configuration when the update, readiness or smoke test fails (default true).'),
    warehouseId: field('text', DEPLOY, 'SQL warehouse for the inference-log check and the retention schedule.'),
    verifyInferenceLogMinutes: field('integer', DEPLOY, 'After a passing smoke test, wait up to N minutes for it in the payload table (0-180, default 0 = off).'),
  },
  inferenceTable: {
    enabled: field('boolean', DEPLOY, 'Enable the AI Gateway inference table (default true).', { input: 'inferenceTable' }),
    catalog: field('text', DEPLOY, 'Catalog of the inference table (required when enabled).', { input: 'inferenceCatalog' }),
    schema: field('text', DEPLOY, 'Schema of the inference table (required when enabled).', { input: 'inferenceSchema' }),
    tablePrefix: field('text', DEPLOY, 'Table name prefix (default: the endpoint name with - replaced by _).', { input: 'inferenceTablePrefix' }),
    retentionDays: field('integer', DEPLOY, 'Days of payload rows kept by a Databricks-side daily delete job (0-3650, default 0 = no retention job).', {
      input: 'inferenceRetentionDays',
    }),
  },
  monitoring: {
    tableName: field('text', CREATE, 'Monitored table: catalog.schema.table. Also the table DatabricksRefreshMonitors refreshes when monitoring.tables is not set.'),
    unpackFromEndpoint: field('text', CREATE, "Create tableName as a view unpacking this serving endpoint's inference table (needs warehouseId)."),
    profileType: field('text', CREATE, 'inferenceLog (default), timeSeries or snapshot.', { values: PROFILE_TYPES }),
    problemType: field('text', CREATE, 'classification (default) or regression.', { values: PROBLEM_TYPES }),
    predictionColumn: field('text', CREATE, 'Prediction column (default prediction).'),
    labelColumn: field('text', CREATE, 'Label (ground truth) column.'),
    predictionProbabilityColumn: field('text', CREATE, 'Classification inference logs: the prediction probability column.'),
    modelIdColumn: field('text', CREATE, 'Model id column (default model_id).'),
    timestampColumn: field('text', CREATE, 'Timestamp column (default timestamp).'),
    granularities: field('commaList', CREATE, 'Aggregation windows (default 1 day).', { values: GRANULARITIES }),
    baselineTableName: field('text', CREATE, 'Baseline table for drift, e.g. the training set: catalog.schema.table.'),
    slicingExpressions: field('lines', CREATE, 'Slicing expressions, e.g. region or "age > 40".'),
    customMetricsFile: field('text', CREATE, 'YAML/JSON file of custom metrics (path relative to this file).'),
    outputSchema: field('text', CREATE, 'catalog.schema of the metric tables.'),
    assetsDir: field('text', CREATE, 'Workspace folder of the dashboard (default /Workspace/Shared/lakehouse_monitoring/<table>).'),
    schedule: field('text', CREATE, 'Quartz cron schedule of refreshes (default "0 0 0 * * ?").'),
    timezone: field('text', CREATE, 'IANA time zone of the schedule (default UTC).'),
    notifyEmails: field('commaList', CREATE, 'At most 5 e-mail addresses notified when a refresh fails.'),
    driftAlerts: field('driftAlerts', CREATE, 'SQL alerts on the drift metrics table, e.g. "population_stability_index >= 0.2 -> mlops@contoso.com".'),
    warehouseId: field('text', MONITOR_TASKS, 'SQL warehouse for the dashboard, the view, the alerts and the drift gate.'),
    monitorApi: field('text', MONITOR_TASKS, 'auto (default), dataQuality or legacy.', { values: MONITOR_APIS }),
    refreshAfterCreate: field('boolean', CREATE, 'Refresh right after creating (default false).'),
    timeoutMinutes: field('integer', CREATE, 'DatabricksCreateMonitor: minutes to wait for the monitor to be ACTIVE (1-120, default 15).'),
    tables: field('lines', REFRESH, 'Monitored tables to refresh (default: tableName).'),
    schemaName: field('text', REFRESH, 'catalog.schema: refresh every monitored table in it.'),
    concurrency: field('integer', REFRESH, 'Refreshes in flight at once (1-50, default 5).'),
    waitForCompletion: field('boolean', REFRESH, 'Wait for the refreshes to finish (default true).'),
    refreshTimeoutMinutes: field('integer', REFRESH, 'DatabricksRefreshMonitors: minutes to wait for the refreshes (1-1440, default 60).', { input: 'timeoutMinutes' }),
    driftType: field('text', REFRESH, 'BASELINE (default) or CONSECUTIVE.', { values: DRIFT_TYPES }),
    thresholds: field('thresholds', REFRESH, 'Drift gate rules, e.g. "js_distance > 0.1", "ks_test.pvalue < 0.05", "f1_score < 0.8".'),
    columns: field('commaList', REFRESH, 'Only these columns count for the gate.'),
    excludeColumns: field('commaList', REFRESH, 'These columns do not count for the gate.'),
    modelId: field('text', REFRESH, 'Gate on one model id slice, e.g. main.ml.churn_model/8 (default: all models; * = all models).'),
    evaluationWindows: field('integer', REFRESH, 'Windows looked at (1-100, default 1).'),
    violationWindows: field('integer', REFRESH, 'Windows that must break a rule, the latest included (default 1).'),
    onDrift: field('text', REFRESH, 'fail (default), warn or ignore.', { values: ON_DRIFT }),
    onInsufficientData: field('text', REFRESH, 'warn (default), pass or fail.', { values: ON_INSUFFICIENT_DATA }),
    reportPath: field('text', REFRESH, 'Where the JSON drift report is written.'),
    notifyDestinations: field('commaList', REFRESH, 'Up to 3 notification destinations (display names) told when a rule breaks.'),
  },
};

// ---------------------------------------------------------------------------------------------
// zod schema

const ONE_LINE = /^[^\r\n]*\S[^\r\n]*$/;
const COMMA_ITEM = /^[^,\r\n]*[^\s,][^,\r\n]*$/;

function oneOf(values: readonly string[]) {
  return z.enum(values as [string, ...string[]], { error: `must be one of ${values.join(', ')}` });
}

const lineItem = () => z.string({ error: 'must be a string' }).regex(ONE_LINE, { error: 'list elements must be non-empty single lines' });
const stringOrList = (item: z.ZodType) => z.union([z.string(), z.array(item)], { error: 'must be a string or a list of strings' });

const scalarValue = z.union([z.string().regex(/^[^\r\n]*$/), z.number(), z.boolean()], { error: 'must be a string, number or boolean on one line' });

const ruleObject = {
  metric: z.string({ error: 'must be a metric name' }).meta({ description: 'Metric, e.g. population_stability_index or ks_test.pvalue.' }),
  op: oneOf(COMPARISON_OPS),
  threshold: z.number({ error: 'must be a number' }),
};

function valueSchema(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'text':
      return spec.values ? oneOf(spec.values) : z.string({ error: 'must be a string' });
    case 'integer':
      return z.int({ error: 'must be an integer' });
    case 'number':
      return z.number({ error: 'must be a number' });
    case 'boolean':
      return z.boolean({ error: 'must be true or false' });
    case 'version':
      return z.union([z.int(), z.string()], { error: 'must be a version number or "latest"' });
    case 'commaList':
      return stringOrList(
        spec.values ? oneOf(spec.values) : z.string({ error: 'must be a string' }).regex(COMMA_ITEM, { error: 'list elements must be non-empty, without commas or line breaks' }),
      );
    case 'lines':
      return stringOrList(lineItem());
    case 'keyValue':
      return z.union([z.record(z.string().regex(/^[^=\r\n]+$/, { error: 'keys must not contain = or line breaks' }), scalarValue), z.array(lineItem()), z.string()], {
        error: 'must be a mapping of key: value, a list of "key=value" strings, or key=value lines',
      });
    case 'driftAlerts':
      return stringOrList(
        z.union([lineItem(), z.strictObject({ ...ruleObject, emails: stringOrList(z.string()) })], {
          error: 'each alert must be a rule string or a mapping {metric, op, threshold, emails}',
        }),
      );
    case 'thresholds':
      return stringOrList(z.union([lineItem(), z.strictObject(ruleObject)], { error: 'each threshold must be a rule string or a mapping {metric, op, threshold}' }));
    case 'json':
      return z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'must be JSON text, a file path, or a mapping' });
  }
}

function objectOf(fields: Readonly<Record<string, FieldSpec>>) {
  return Object.fromEntries(Object.entries(fields).map(([key, spec]) => [key, valueSchema(spec).optional().meta({ description: spec.description })]));
}

const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+$/;

function buildConfigFileSchema() {
  const blockSchema = z
    .strictObject(
      {
        ...objectOf(BLOCK_FIELDS),
        ...Object.fromEntries(
          SECTION_NAMES.map((name) => [
            name,
            z.strictObject(objectOf(SECTIONS[name]), { error: 'must be a mapping' }).optional().meta({ description: SECTION_DESCRIPTIONS[name] }),
          ]),
        ),
      },
      { error: 'must be a mapping of settings (write {} for an empty block)' },
    )
    .meta({ id: 'environmentBlock', description: 'Settings of one environment, under the task input names.' });

  return z
    .strictObject(
      {
        defaults: blockSchema.optional().meta({ description: 'Settings shared by every environment; an environment overrides them key by key.' }),
        environments: z
          .record(z.string().regex(ENVIRONMENT_NAME, { error: 'environment names must be letters, digits, _ or -' }), blockSchema, {
            error: (issue) => (issue.input === undefined ? 'is required: a mapping of environment name to settings' : 'must be a mapping of environment name to settings'),
          })
          .refine((environments) => Object.keys(environments).length > 0, { error: 'must define at least one environment' })
          .meta({ description: 'One block per environment (e.g. dev, aut, prod), chosen with the task input environment.', minProperties: 1 }),
      },
      { error: 'must be a mapping with environments (and optionally defaults)' },
    )
    .meta({
      title: 'Databricks MLOps for Azure Pipelines settings',
      description: 'Settings of the Databricks MLOps tasks for one model, per environment. Values given on a task override the file.',
    });
}

let built: ReturnType<typeof buildConfigFileSchema> | undefined;

/**
 * The schema of the settings file, built on first use: a task without a settings file never
 * needs it, and building its ~70 field schemas at import cost ~12 ms of every task start.
 */
export function configFileSchema(): ReturnType<typeof buildConfigFileSchema> {
  return (built ??= buildConfigFileSchema());
}

/** The JSON Schema for editors (draft-07, the version YAML language servers support best). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configFileSchema(), {
    target: 'draft-7',
    override: ({ jsonSchema }) => {
      // z.int() adds the safe-integer bounds, which only add noise for an editor.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  }) as Record<string, unknown>;
}
