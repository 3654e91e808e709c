/**
 * The setup every bundled-task suite shares, written once: one fake cloud per suite (time
 * compressed), a fresh store and a fresh service connection before each test, and a runner that
 * spawns the bundled task the way the agent does (runTask) with the connection's inputs, the
 * time scale and the suite's own default inputs. Call it inside a `describe`.
 *
 *   const suite = bundledTaskSuite('DatabricksDeployServing', { timeScale: 0.01, inputs: () => ({ endpointName: EP }) });
 *   const run = await suite.run({ modelVersion: '8' });
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeCloud } from '../fake/cloud';
import { runTask, type RunTaskOptions, type TaskRun } from './runTask';

export type TaskConnection = ReturnType<FakeCloud['taskConnection']>;

export interface BundledTaskSuite {
  /** The suite's fake cloud (Entra ID, Azure DevOps, ARM and the workspace). */
  readonly cloud: FakeCloud;
  /** This test's service connection (workload identity federation unless `scheme` says otherwise). */
  readonly conn: TaskConnection;
  /** Runs the bundled task with the connection's inputs, the suite's inputs and `inputs` (last wins). */
  run(inputs: Record<string, string | undefined>, opts?: Partial<RunTaskOptions>): Promise<TaskRun>;
}

export interface BundledTaskSuiteOptions {
  timeScale: number;
  /** The suite's default inputs, read at each run. */
  inputs?: () => Record<string, string | undefined>;
  /** Seeds the workspace after each reset. */
  seed?: (cloud: FakeCloud) => void | Promise<void>;
  scheme?: Parameters<FakeCloud['taskConnection']>[0];
  /** Per run (default: runTask's). */
  timeoutMs?: number;
}

export function bundledTaskSuite(task: string, options: BundledTaskSuiteOptions): BundledTaskSuite {
  let cloud: FakeCloud | undefined;
  let conn: TaskConnection | undefined;
  before(async () => {
    cloud = await FakeCloud.start({ timeScale: options.timeScale });
  });
  after(async () => {
    // The object store of the files fake runs its own server once used.
    await cloud?.workspace.state.objects?.close();
    await cloud?.close();
  });
  beforeEach(async () => {
    cloud!.workspace.resetAll();
    conn = cloud!.taskConnection(options.scheme ?? 'WorkloadIdentityFederation');
    await options.seed?.(cloud!);
  });
  return {
    get cloud() {
      assert.ok(cloud, "the fake cloud starts in the suite's before hook");
      return cloud;
    },
    get conn() {
      assert.ok(conn, 'the connection is made before each test');
      return conn;
    },
    run(inputs, opts = {}) {
      const c = this.conn;
      return runTask({
        task,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...opts,
        env: { ...c.env, DATABRICKS_MLOPS_TIME_SCALE: String(options.timeScale), ...opts.env },
        inputs: { ...c.inputs, ...options.inputs?.(), ...inputs, ...opts.inputs },
      });
    },
  };
}

/** The JSON report the run attached (the results tab's input). */
export function reportOf<D>(run: TaskRun): { kind: string; result: string; dryRun?: boolean; data: D } {
  const attachment = run.attachments.find((a) => a.type === 'databricks-mlops-report');
  assert.ok(attachment, `no report attachment:\n${run.stdout}`);
  return JSON.parse(readFileSync(attachment.path, 'utf8')) as { kind: string; result: string; dryRun?: boolean; data: D };
}

/** The run's one Markdown summary. */
export function summaryOf(run: TaskRun): string {
  assert.equal(run.summaries.length, 1, run.stdout);
  return readFileSync(run.summaries[0]!, 'utf8');
}
