/**
 * The defaultValue of every task.json input that has one. The agent passes these for inputs a
 * pipeline leaves out, so a task input equal to its default does not override the settings file
 * (see mergeInputs). tests/unit/manifests keeps this map equal to the task.json files.
 */
import type { TaskName } from './configSchema';

export const TASK_DEFAULTS: Readonly<Record<TaskName, Readonly<Record<string, string>>>> = {
  DatabricksRegisterModel: {
    dryRun: 'false',
    registerFrom: 'run',
    artifactPath: 'model',
    modelVersion: 'latest',
    metricGoal: 'maximize',
    minImprovement: '0',
    promoteOnTie: 'false',
    baselineAlias: 'champion',
    failIfNotImproved: 'false',
    promoteAliases: 'champion',
    timeoutMinutes: '20',
    retryBudgetSeconds: '300',
  },
  DatabricksDeployServing: {
    dryRun: 'false',
    workloadSize: 'Small',
    workloadType: 'CPU',
    scaleToZero: 'true',
    trafficMode: 'replace',
    canaryPercent: '10',
    inferenceTable: 'true',
    waitForReady: 'true',
    timeoutMinutes: '45',
    rollbackOnFailure: 'true',
    retryBudgetSeconds: '300',
  },
  DatabricksCreateMonitor: {
    dryRun: 'false',
    profileType: 'inferenceLog',
    problemType: 'classification',
    predictionColumn: 'prediction',
    modelIdColumn: 'model_id',
    timestampColumn: 'timestamp',
    granularities: '1 day',
    schedule: '0 0 0 * * ?',
    timezone: 'UTC',
    refreshAfterCreate: 'false',
    monitorApi: 'auto',
    timeoutMinutes: '15',
    retryBudgetSeconds: '300',
  },
  DatabricksRefreshMonitors: {
    dryRun: 'false',
    concurrency: '5',
    waitForCompletion: 'true',
    timeoutMinutes: '60',
    driftType: 'BASELINE',
    evaluationWindows: '1',
    violationWindows: '1',
    onDrift: 'fail',
    onInsufficientData: 'warn',
    reportPath: '$(Agent.TempDirectory)/databricks-drift-report.json',
    retryBudgetSeconds: '300',
  },
  DatabricksRunJob: {
    dryRun: 'false',
    waitForCompletion: 'true',
    cancelOnTimeout: 'true',
    repairOnRetry: 'true',
    retryBudgetSeconds: '300',
  },
};
