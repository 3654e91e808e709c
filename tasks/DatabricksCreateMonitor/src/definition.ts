/**
 * DatabricksCreateMonitor: Parameters → Operations → result. Inputs are validated before anything touches the
 * network; the workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import * as tl from 'azure-pipelines-task-lib/task';
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { createMonitor } from './operations';
import { createMonitorWorstCase } from './worstCase';
import { buildParameters, type CreateMonitorParameters } from './parameters';
import { monitorSummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<CreateMonitorParameters> = {
  name: 'DatabricksCreateMonitor',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: createMonitorWorstCase,
  async run(ctx, params) {
    const { client, workspaceUrl } = await connectWorkspace(params.common, ctx);
    const result = await createMonitor({ client, ctx, setSecret: (v) => tl.setSecret(v) }, params);
    return {
      result: result.result,
      message: result.message,
      outputs: { ...result.outputs },
      summaryMarkdown: monitorSummary(result),
      summaryTitle: stepTitle(`monitor ${params.tableName}`, params.common.config?.environment),
      report: { kind: 'monitor', workspaceUrl, dryRun: result.dryRun, data: result.report },
    };
  },
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && (error.path.includes('/monitor') || error.path.includes('/data-quality/'))) {
      return message('ExplainMonitorPermission');
    }
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/alerts')) return message('ExplainAlertPermission');
    return undefined;
  },
};
