/**
 * One isolated world per case: a fresh fake cloud (so recorded requests, issued tokens and
 * resources belong to that case alone) and the packaged tasks run in it the way the agent
 * runs them: every task.json default passed, the AzureRM connection's env vars, time compressed.
 * The runs' temporary directories are removed with the world.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { FakeCloud, type ConnectionEnvOptions, type ConnectionScheme } from '../fake/cloud';
import { runTask, type TaskRun } from '../helpers/runTask';
import type { PackagedTasks } from './vsix';

export const RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops/providers/Microsoft.Databricks/workspaces/adb-verify';

export interface RunSettings {
  scheme?: ConnectionScheme;
  connection?: ConnectionEnvOptions;
  /** Address the workspace by its ARM id (management token and headers) instead of its URL. */
  viaResourceId?: boolean;
  /** Inputs over the scenario's; undefined removes one. */
  inputs?: Record<string, string | undefined>;
  env?: Record<string, string>;
  timeoutMs?: number;
  onStart?: (child: ChildProcess) => void;
  onStdout?: (chunk: string, child: ChildProcess) => void;
}

export interface World {
  cloud: FakeCloud;
  timeScale: number;
  /** Runs a packaged task with `inputs` (the connection and workspace inputs are added). */
  run(task: string, inputs: Record<string, string | undefined>, settings?: RunSettings): Promise<TaskRun>;
}

export async function withWorld<T>(pkg: PackagedTasks, timeScale: number, body: (world: World) => Promise<T>): Promise<T> {
  const cloud = await FakeCloud.start({ timeScale });
  cloud.registerWorkspace(RESOURCE_ID);
  // One principal per scheme for the whole world: a re-run must act as the same principal (it
  // owns what the first run created). Connections with explicit options are made afresh.
  const connections = new Map<ConnectionScheme, ReturnType<FakeCloud['taskConnection']>>();
  const connect = (scheme: ConnectionScheme, options?: ConnectionEnvOptions) => {
    if (options) return cloud.taskConnection(scheme, options);
    const conn = connections.get(scheme) ?? cloud.taskConnection(scheme);
    connections.set(scheme, conn);
    return conn;
  };
  const tempDirs: string[] = [];
  const run: World['run'] = async (task, inputs, settings = {}) => {
    const packaged = pkg.tasks.get(task);
    if (!packaged) throw new Error(`${task} is not in the package`);
    const conn = connect(settings.scheme ?? 'WorkloadIdentityFederation', settings.connection);
    const workspace = settings.viaResourceId ? { workspaceResourceId: RESOURCE_ID } : { workspaceUrl: conn.inputs.workspaceUrl };
    const merged: Record<string, string | undefined> = { azureSubscription: conn.connectionId, ...workspace, ...inputs, ...settings.inputs };
    const result = await runTask({
      task,
      entry: packaged.entry,
      inputs: merged,
      env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(timeScale), ...settings.env },
      timeoutMs: settings.timeoutMs ?? 120_000,
      onStart: settings.onStart,
      onStdout: settings.onStdout,
    });
    tempDirs.push(result.tempDir);
    return result;
  };
  const world: World = {
    cloud,
    timeScale,
    run,
  };
  try {
    return await body(world);
  } finally {
    // The object store of the files fake runs its own server once used.
    await cloud.workspace.state.objects?.close();
    await cloud.close();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** What a run ended with, for detail lines: result and the first line of its message. */
export function outcome(run: TaskRun): string {
  if (run.result === undefined) return `no result (exit ${run.exitCode ?? run.signal})`;
  const first = (run.resultMessage ?? '').split('\n')[0]!;
  return first ? `${run.result}: ${first.slice(0, 160)}` : run.result;
}
