/**
 * The storage client of a task: cloud storage is reached with signed URLs / SAS, so its pipeline
 * carries no Databricks token; the agent's proxy and certificate settings, retries and the
 * task's time scale apply as for API calls.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import { createHttpPipeline } from '../client/httpPipeline';
import { httpSettingsFromAgent } from '../client/httpSettings';
import { StorageClient } from '../client/storage';
import { createFetchTransport } from '../client/transport';
import type { TaskContext } from './task';

/** Per-attempt timeout of a storage request (one block, or a signed-URL download's headers), in task time. */
const STORAGE_TIMEOUT_MS = 120_000;
const MIN_ATTEMPT_TIMEOUT_MS = 5_000;

export function taskStorageClient(ctx: TaskContext, retryBudgetSeconds: number): StorageClient {
  const send = createHttpPipeline({
    clock: ctx.clock,
    transport: createFetchTransport(httpSettingsFromAgent(tl)),
    retryBudgetMs: retryBudgetSeconds * 1000,
    debug: (line) => ctx.log.debug(line),
  });
  return new StorageClient({ send, timeoutMs: Math.max(MIN_ATTEMPT_TIMEOUT_MS, ctx.clock.scale(STORAGE_TIMEOUT_MS)), signal: ctx.signal });
}
