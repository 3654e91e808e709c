/**
 * The inputs of DatabricksRunJob, each declared once (shared/runtime/inputManifest.ts): task.json's
 * inputs and groups and the tables of docs/INPUTS.md are generated from this list by the build,
 * and parameters.ts reads exactly these inputs. The common inputs are in shared/runtime/commonInputs.ts.
 */
import { defineTaskInputs } from '../../../shared/runtime/inputManifest';
import { booleanRule, integerRule, patternRule, positiveIntegerRule, textRule } from '../../../shared/runtime/rules/generic';
import { keyValueLinesRule } from '../../../shared/runtime/rules/lists';
import { ruleText } from '../../../shared/runtime/rules/messages';

/** Job parameter names as the Jobs UI accepts them. */
const PARAMETER_KEY = { pattern: /^[A-Za-z0-9_.-]+$/, rule: ruleText('JobParameterKey'), maxLength: 255 };
/** Task keys: "alphanumeric, -, _ and ." (JobSettings docstring), at most 100. */
const TASK_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

export const INPUTS = defineTaskInputs(
  'DatabricksRunJob',
  [
    { name: 'job', displayName: 'Job', isExpanded: true },
    { name: 'run', displayName: 'Run and wait', isExpanded: true },
    { name: 'outputs', displayName: 'Outputs', isExpanded: true },
  ],
  {
    jobId: {
      type: 'string',
      label: 'Job ID',
      group: 'job',
      settings: { section: 'job', kind: 'integer', description: 'The Databricks job id; exactly one of jobId / jobName.' },
      rule: () => positiveIntegerRule(),
      help: "The id of the Databricks job to run, e.g. `123456789012345` (in the job's URL `/jobs/<id>`). Give exactly one of **Job ID** and **Job name**, on the task or in the settings file (`job.jobId`). Prefer the id in pipelines: names are not unique.",
      doc: { rule: 'positive integer; exactly one of `jobId` / `jobName` (task or `job.jobId`)' },
    },
    jobName: {
      type: 'string',
      label: 'Job name',
      group: 'job',
      settings: { section: 'job', kind: 'text', description: 'The exact name of the job (exactly one job may have it).' },
      rule: () => textRule(4096),
      help: 'The exact name of the job (compared ignoring case), e.g. `churn-classifier training`. Exactly one job visible to the service connection may have it: none or several is an error that lists what was found. Settings file: `job.jobName`.',
      doc: { rule: 'exact job name (case-insensitive); exactly one job may have it' },
    },
    jobParameters: {
      type: 'multiLine',
      label: 'Job parameters',
      group: 'job',
      properties: { resizable: true, rows: '4' },
      default: '',
      settings: { section: 'job', kind: 'keyValue', description: 'Job-level parameters sent with the run.' },
      parameter: true,
      rule: () => keyValueLinesRule({ key: PARAMETER_KEY, maxEntries: 1000 }),
      help: "Job-level parameters, one `key=value` per line, e.g. `git_sha=$(Build.SourceVersion)`. Each key must be a parameter the job defines (checked before the run starts); the others keep the job's defaults. Tasks read them as `{{job.parameters.<key>}}` or as notebook widgets. Settings file: `job.jobParameters`.",
      doc: { rule: '`key=value` per line; key `[A-Za-z0-9_.-]+`, ≤ 255, ≤ 1000 entries; each key a parameter the job defines (checked against the job before the run starts)' },
    },
    waitForCompletion: {
      type: 'boolean',
      label: 'Wait for completion',
      group: 'run',
      default: 'true',
      parameter: true,
      rule: () => booleanRule(),
      help: 'Wait until the run ends and fail the step unless it succeeded. Default: on. When off, the run is started (or found) and the task ends at once with `jobRunId` and `runPageUrl`.',
      doc: { rule: '' },
    },
    timeoutMinutes: {
      type: 'string',
      label: 'Timeout (minutes)',
      group: 'run',
      visibleRule: 'waitForCompletion = true',
      default: '120',
      settings: { section: 'job', kind: 'integer', description: 'Minutes to wait for the run (1-10080, default 120).' },
      parameter: true,
      rule: () => integerRule(1, 10080),
      help: "How long to wait for the run, an integer from 1 to 10080. Default `120` (applied by the task; the settings file's `job.timeoutMinutes` is used when the step leaves this empty). Keep the pipeline job's `timeoutInMinutes` larger, or the agent cancels the step first.",
      doc: { rule: 'integer 1–10080' },
    },
    cancelOnTimeout: {
      type: 'boolean',
      label: 'Cancel the run on timeout or cancel',
      group: 'run',
      default: 'true',
      parameter: true,
      rule: () => booleanRule(),
      help: "Cancel the Databricks run when the task's timeout passes or the pipeline cancels the step (the cancel request is sent within the agent's grace period). Default: on. When off, the run is left running.",
      doc: { rule: '' },
    },
    repairOnRetry: {
      type: 'boolean',
      label: 'Repair the run on a re-attempt',
      group: 'run',
      default: 'true',
      parameter: true,
      rule: () => booleanRule(),
      help: 'A re-attempt of the pipeline job (System.JobAttempt > 1) finds the run the previous attempt started (same idempotency token) and, if it failed, repairs it: only its failed tasks and the tasks after them run again. A run that succeeded is reused. Default: on. When off, each attempt starts its own run.',
      doc: { rule: '' },
    },
    outputTask: {
      type: 'string',
      label: 'Output task',
      group: 'outputs',
      settings: {
        section: 'job',
        kind: 'text',
        description: 'Task key whose dbutils.notebook.exit value becomes notebookOutput (default: the only task, else the last to finish).',
      },
      parameter: true,
      rule: () => patternRule(TASK_KEY, ruleText('TaskKey'), 100),
      help: "The task key whose `dbutils.notebook.exit` value becomes the `notebookOutput` output variable, e.g. `train`. Default: the job's only task, else the last task to finish. Settings file: `job.outputTask`.",
      doc: { default: '`<the only task>`, else the last to finish', rule: 'task key `[A-Za-z0-9_.-]{1,100}`; must be a task of the job' },
    },
    experimentName: {
      type: 'string',
      label: 'MLflow experiment',
      group: 'outputs',
      settings: { section: 'job', kind: 'text', description: 'MLflow experiment searched for the run tagged with this job run when the exit value names none.' },
      rule: () => patternRule(/^\/\S.*$/, ruleText('SlashWorkspacePath'), 4096),
      help: 'Where to find the MLflow run of the training when the exit value names none: the newest run of this experiment tagged with this job run (`mlflow.databricks.jobRunID`) becomes `mlflowRunId`, e.g. `/Shared/mlops/churn-classifier`. Settings file: `job.experimentName`.',
      doc: { rule: 'workspace path starting with `/`' },
    },
  },
);
