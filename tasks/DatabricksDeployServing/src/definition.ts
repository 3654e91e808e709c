/**
 * DatabricksDeployServing: Parameters → plan (the version, the endpoint, the changes; or the
 * rollback record) → apply (write, wait until ready, smoke-test, roll back a failed rollout;
 * the retention job) → Outcome. Inputs are validated before anything touches the network; the
 * workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { DeploymentReportData } from '../../../shared/runtime/reportTypes';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { deployServingWorstCase } from './worstCase';
import { buildServingParameters, isRollback, type ServingParameters } from './parameters';
import { deployServingPhases, type ServingPlan } from './phases';
import { deployServingSummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<ServingParameters, ServingPlan, DeploymentReportData> = {
  name: 'DatabricksDeployServing',
  kind: 'deployment',
  parameters: () => buildServingParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: deployServingWorstCase,
  ...deployServingPhases,
  title: (params) => stepTitle(message(isRollback(params) ? 'TitleRollBack' : 'TitleDeploy', params.endpointName), params.common.config?.environment),
  summary: deployServingSummary,
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/serving-endpoints')) {
      return message('ExplainServingPermission');
    }
    if (error.statusCode === 429) return message('ExplainServingRateLimit');
    return undefined;
  },
};
