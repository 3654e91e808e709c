/**
 * DatabricksRunJob: Parameters → Operations → result. Inputs are validated before anything touches
 * the network; the workspace connection is opened only afterwards.
 */
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { runJob } from './operations';
import { runJobWorstCase } from './worstCase';
import { buildParameters, type RunJobParameters } from './parameters';
import { runJobSummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<RunJobParameters> = {
  name: 'DatabricksRunJob',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: runJobWorstCase,
  async run(ctx, params) {
    const { client, workspaceUrl } = await connectWorkspace(params.common, ctx);
    const result = await runJob({ client, ctx }, params);
    return {
      result: result.result,
      message: result.message,
      outputs: { ...result.outputs },
      summaryMarkdown: runJobSummary(result),
      report: { kind: 'job', workspaceUrl, dryRun: result.dryRun, data: result.report },
    };
  },
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/jobs/')) {
      return message('ExplainJobPermission');
    }
    return undefined;
  },
};
