/**
 * In-process runs of a task's phases the way the runner does them (shared/runtime/task.ts
 * runPhases), with the summary the runner would publish: for the unit suites that drive a
 * task's logic against the fake workspace without spawning the bundle.
 */
import type { DatabricksClient } from '../../shared/client/databricksClient';
import type { StorageClient } from '../../shared/client/storage';
import { outcomeSummary, type SummaryParts } from '../../shared/runtime/report';
import { taskStorageClient } from '../../shared/runtime/storage';
import { runPhases, type Outcome, type TaskContext, type TaskDeps, type TaskPhases } from '../../shared/runtime/task';

export type OutcomeWithSummary<R> = Outcome<R> & { summaryMarkdown: string };

export async function runOutcome<P, Plan, R>(phases: TaskPhases<P, Plan, R>, summary: SummaryParts<Plan, R>, deps: TaskDeps, params: P): Promise<OutcomeWithSummary<R>> {
  const { plan, outcome } = await runPhases(phases, deps, params);
  return { ...outcome, summaryMarkdown: outcomeSummary(summary, outcome, plan, deps.dryRun) };
}

/** TaskDeps for a test: plan mode when the client refuses writes (or `dryRun`). */
export function testDeps(client: DatabricksClient, ctx: TaskContext, options: { dryRun?: boolean; storage?: StorageClient; setSecret?: (value: string) => void } = {}): TaskDeps {
  return {
    client,
    ctx,
    dryRun: options.dryRun ?? client.readOnly,
    // As the runner: the agent's storage client unless the test gives one.
    storage: () => (options.storage ??= taskStorageClient(ctx, 300)),
    setSecret: options.setSecret ?? (() => undefined),
  };
}
