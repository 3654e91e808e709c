/**
 * DatabricksCreateMonitor: Parameters → Operations → result. Inputs are validated before anything touches the
 * network; the workspace connection is opened only afterwards.
 */
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { buildParameters, type CreateMonitorParameters } from './parameters';

export const definition: TaskDefinition<CreateMonitorParameters> = {
  name: 'DatabricksCreateMonitor',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  async run(ctx, params) {
    await connectWorkspace(params.common, ctx);
    return { result: 'Failed', message: 'DatabricksCreateMonitor: the operations of this task are not part of this build yet.' };
  },
};
