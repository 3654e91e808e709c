/**
 * Parameters of DatabricksRunJob: every input read and validated (docs/INPUTS.md), and the
 * pipeline variables the idempotency token is derived from.
 */
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { optional, withDefault } from '../../../shared/runtime/rules/core';
import { booleanRule, integerRule, patternRule, positiveIntegerRule, textRule } from '../../../shared/runtime/rules/generic';
import { type KeyValue, keyValueLinesRule } from '../../../shared/runtime/rules/lists';
import { pipelineStep, type PipelineStep } from './idempotency';

export type JobRef = { kind: 'id'; jobId: number } | { kind: 'name'; jobName: string };

export interface RunJobParameters {
  common: CommonParameters;
  job: JobRef;
  jobParameters: KeyValue[];
  waitForCompletion: boolean;
  timeoutMinutes: number;
  cancelOnTimeout: boolean;
  repairOnRetry: boolean;
  outputTask?: string;
  experimentName?: string;
  /** Where in the pipeline this step runs (for the idempotency token). */
  step: PipelineStep;
}

/** Job parameter names as the Jobs UI accepts them. */
const PARAMETER_KEY = { pattern: /^[A-Za-z0-9_.-]+$/, rule: 'must be letters, digits, _ . or -, at most 255 characters', maxLength: 255 };
/** Task keys: "alphanumeric, -, _ and ." (JobSettings docstring), at most 100. */
const TASK_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RunJobParameters {
  const opened = openTaskInputs('DatabricksRunJob', taskInputs, vars);
  const inputs = {
    jobId: optional(positiveIntegerRule()),
    jobName: optional(textRule(4096)),
    jobParameters: withDefault(keyValueLinesRule({ key: PARAMETER_KEY, maxEntries: 1000 }), ''),
    waitForCompletion: withDefault(booleanRule(), 'true'),
    // Settable by the settings file: the default is applied here, not in task.json (docs/INPUTS.md, Precedence).
    timeoutMinutes: withDefault(integerRule(1, 10080), '120'),
    cancelOnTimeout: withDefault(booleanRule(), 'true'),
    repairOnRetry: withDefault(booleanRule(), 'true'),
    outputTask: optional(patternRule(TASK_KEY, 'must be a task key: letters, digits, _ . or -, at most 100 characters', 100)),
    experimentName: optional(patternRule(/^\/\S.*$/, 'must be a workspace path starting with /, e.g. /Shared/churn-training', 4096)),
  };
  const { common, values: v } = readTaskInputs(opened, inputs, (when) => [
    when(['jobId', 'jobName'], ({ jobId, jobName }) => {
      if (jobId === undefined && jobName === undefined) return { input: 'jobId', rule: 'set jobId or jobName' };
      if (jobId !== undefined && jobName !== undefined) return { input: 'jobId', rule: 'set only one of jobId and jobName' };
      return undefined;
    }),
  ]);
  return {
    common,
    job: v.jobId !== undefined ? { kind: 'id', jobId: v.jobId } : { kind: 'name', jobName: v.jobName!.trim() },
    jobParameters: v.jobParameters,
    waitForCompletion: v.waitForCompletion,
    timeoutMinutes: v.timeoutMinutes,
    cancelOnTimeout: v.cancelOnTimeout,
    repairOnRetry: v.repairOnRetry,
    outputTask: v.outputTask,
    experimentName: v.experimentName?.trim(),
    step: pipelineStep(vars),
  };
}
