/**
 * DatabricksRegisterModel: Parameters → Operations → result. Inputs are validated before anything touches the
 * network; the workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import * as tl from 'azure-pipelines-task-lib/task';
import { createHttpPipeline } from '../../../shared/client/httpPipeline';
import { httpSettingsFromAgent } from '../../../shared/client/httpSettings';
import { createFetchTransport } from '../../../shared/client/transport';
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskContext, TaskDefinition } from '../../../shared/runtime/task';
import { registerModel } from './operations';
import { buildParameters, type RegisterModelParameters } from './parameters';
import { StorageClient } from './storage';

/** Per-attempt timeout of a storage request (one block, or a signed-URL download's headers), in task time. */
const STORAGE_TIMEOUT_MS = 120_000;
const MIN_ATTEMPT_TIMEOUT_MS = 5_000;

export const definition: TaskDefinition<RegisterModelParameters> = {
  name: 'DatabricksRegisterModel',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  async run(ctx, params) {
    const { client } = await connectWorkspace(params.common, ctx);
    const outcome = await registerModel({ client, storage: storageClient(ctx, params), log: ctx.log, clock: ctx.clock, signal: ctx.signal, setSecret: (v) => tl.setSecret(v) }, params);
    return { ...outcome, summaryTitle: stepTitle(`register ${params.modelName}`, params.common.config?.environment) };
  },
};

/** Cloud storage is reached with signed URLs / SAS, so its pipeline carries no Databricks token. */
function storageClient(ctx: TaskContext, params: RegisterModelParameters): StorageClient {
  const send = createHttpPipeline({
    clock: ctx.clock,
    transport: createFetchTransport(httpSettingsFromAgent(tl)),
    retryBudgetMs: params.common.retryBudgetSeconds * 1000,
    debug: (line) => ctx.log.debug(line),
  });
  return new StorageClient({ send, timeoutMs: Math.max(MIN_ATTEMPT_TIMEOUT_MS, ctx.clock.scale(STORAGE_TIMEOUT_MS)), signal: ctx.signal });
}
