/**
 * DatabricksDeployServing: Parameters → Operations → result. Inputs are validated before anything touches the
 * network; the workspace connection is opened only afterwards.
 */
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { buildParameters, type DeployServingParameters } from './parameters';

export const definition: TaskDefinition<DeployServingParameters> = {
  name: 'DatabricksDeployServing',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  async run(ctx, params) {
    await connectWorkspace(params.common, ctx);
    return { result: 'Failed', message: 'DatabricksDeployServing: the operations of this task are not part of this build yet.' };
  },
};
