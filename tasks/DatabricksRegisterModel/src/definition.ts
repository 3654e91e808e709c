/**
 * DatabricksRegisterModel: Parameters → Operations → result. Inputs are validated before anything touches the
 * network; the workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import * as tl from 'azure-pipelines-task-lib/task';
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import { taskStorageClient } from '../../../shared/runtime/storage';
import type { LegacyTaskDefinition as TaskDefinition } from '../../../shared/runtime/task';
import { registerModel } from './operations';
import { registerModelWorstCase } from './worstCase';
import { buildParameters, type RegisterModelParameters } from './parameters';

export const definition: TaskDefinition<RegisterModelParameters> = {
  name: 'DatabricksRegisterModel',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: registerModelWorstCase,
  async run(ctx, params) {
    const { client } = await connectWorkspace(params.common, ctx);
    const outcome = await registerModel({ client, storage: taskStorageClient(ctx, params.common.retryBudgetSeconds), log: ctx.log, clock: ctx.clock, signal: ctx.signal, setSecret: (v) => tl.setSecret(v) }, params);
    return { ...outcome, summaryTitle: stepTitle(`register ${params.modelName}`, params.common.config?.environment) };
  },
};

