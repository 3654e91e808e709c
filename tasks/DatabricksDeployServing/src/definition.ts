/**
 * DatabricksDeployServing: Parameters → Operations → result. Inputs are validated before anything touches the
 * network; the workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { deployServing } from './operations';
import { deployServingWorstCase } from './worstCase';
import { syncRetention } from './retention';
import { buildServingParameters, isRollback, type ServingParameters } from './parameters';
import { rollbackServing } from './rollbackMode';
import { deploySummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<ServingParameters> = {
  name: 'DatabricksDeployServing',
  parameters: () => buildServingParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: deployServingWorstCase,
  async run(ctx, params) {
    const { client, workspaceUrl } = await connectWorkspace(params.common, ctx);
    const link = client.link(`/ml/endpoints/${encodeURIComponent(params.endpointName)}`);
    if (isRollback(params)) {
      // trafficMode rollback (rollbackMode.ts): restores the recorded config; retention is left as it is.
      const result = await rollbackServing({ client, ctx }, params);
      return {
        result: result.result,
        message: result.message,
        outputs: { ...result.outputs },
        summaryMarkdown: deploySummary(result, link),
        summaryTitle: stepTitle(`roll back ${params.endpointName}`, params.common.config?.environment),
        report: { kind: 'deployment', workspaceUrl, dryRun: result.dryRun, data: result.report },
      };
    }
    const result = await deployServing({ client, ctx }, params);
    // Inference retention (retention.ts): planned in plan mode, applied after a successful rollout.
    const retention = await syncRetention(client, ctx, params, result);
    result.report.retention = retention.report;
    result.planLines.push(...retention.lines);
    result.notes.push(retention.note);
    return {
      result: retention.problem ? 'SucceededWithIssues' : result.result,
      message: retention.problem ? `${result.message} ${retention.problem}` : result.message,
      outputs: { ...result.outputs },
      summaryMarkdown: deploySummary(result, link),
      summaryTitle: stepTitle(`deploy ${params.endpointName}`, params.common.config?.environment),
      report: { kind: 'deployment', workspaceUrl, dryRun: result.dryRun, data: result.report },
    };
  },
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/serving-endpoints')) {
      return message('ExplainServingPermission');
    }
    if (error.statusCode === 429) return message('ExplainServingRateLimit');
    return undefined;
  },
};
