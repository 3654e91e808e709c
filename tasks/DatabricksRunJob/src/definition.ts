/**
 * DatabricksRunJob: Parameters → plan (the job, the inputs checked against it, the token) →
 * apply (start or repair the run once, wait, explain, read its outputs; cancel it with the
 * pipeline) → Outcome. Inputs are validated before anything touches the network; the
 * workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { JobRunReportData } from '../../../shared/runtime/reportTypes';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { runJobPhases, type RunJobPlan } from './operations';
import { runJobWorstCase } from './worstCase';
import { buildParameters, type RunJobParameters } from './parameters';
import { runJobSummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<RunJobParameters, RunJobPlan, JobRunReportData> = {
  name: 'DatabricksRunJob',
  kind: 'job',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: runJobWorstCase,
  ...runJobPhases,
  // The job is named by id or name; the summary section then says which one ran.
  title: (params) => stepTitle(message('TitleRunJob', params.job.kind === 'id' ? params.job.jobId : params.job.jobName), params.common.config?.environment),
  summary: runJobSummary,
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/jobs/')) {
      return message('ExplainJobPermission');
    }
    return undefined;
  },
};
