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

export const definition: TaskDefinition<ServingParameters, ServingPlan, DeploymentReportData> = {
  name: 'DatabricksDeployServing',
  kind: 'deployment',
  parameters: () => buildServingParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: deployServingWorstCase,
  ...deployServingPhases,
  title: (params) => stepTitle(`${isRollback(params) ? 'roll back' : 'deploy'} ${params.endpointName}`, params.common.config?.environment),
  summary: deployServingSummary,
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/serving-endpoints')) {
      return "The service connection's principal needs CAN_MANAGE on the serving endpoint (or the right to create endpoints), EXECUTE on the registered model, and USE CATALOG and USE SCHEMA on its catalog and schema.";
    }
    if (error.statusCode === 429) return 'The workspace allows 50 serving endpoint create/update operations per 5 minutes: run fewer deployments at once.';
    return undefined;
  },
};
