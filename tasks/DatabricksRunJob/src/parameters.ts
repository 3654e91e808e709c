/**
 * Parameters of DatabricksRunJob: every input read and validated (docs/INPUTS.md), and the
 * pipeline variables the idempotency token is derived from.
 */
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import { directParameters, type ManifestParameters } from '../../../shared/runtime/inputManifest';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { pipelineStep, type PipelineStep } from './idempotency';
import { INPUTS } from './inputs';
import { ruleMessage } from '../../../shared/runtime/rules/messages';

export type JobRef = { kind: 'id'; jobId: number } | { kind: 'name'; jobName: string };

export interface RunJobParameters extends ManifestParameters<typeof INPUTS.inputs> {
  common: CommonParameters;
  job: JobRef;
  experimentName?: string;
  /** Where in the pipeline this step runs (for the idempotency token). */
  step: PipelineStep;
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RunJobParameters {
  const opened = openTaskInputs(INPUTS, taskInputs, vars);

  const { common, values: v } = readTaskInputs(opened, (when) => [
    when(['jobId', 'jobName'], ({ jobId, jobName }) => {
      if (jobId === undefined && jobName === undefined) return { input: 'jobId', rule: ruleMessage('JobIdOrName') };
      if (jobId !== undefined && jobName !== undefined) return { input: 'jobId', rule: ruleMessage('JobIdOrNameOnlyOne') };
      return undefined;
    }),
  ]);
  return {
    common,
    ...directParameters(INPUTS, v),
    job: v.jobId !== undefined ? { kind: 'id', jobId: v.jobId } : { kind: 'name', jobName: v.jobName!.trim() },
    experimentName: v.experimentName?.trim(),
    step: pipelineStep(vars),
  };
}
