/**
 * The vocabulary of the reliability suite: a scenario (how to seed the fake cloud and which
 * inputs make a task do its job), the outcome of one check, and the suite's options.
 */
import type { FakeCloud } from '../fake/cloud';
import type { FakeWorkspace } from '../fake/workspace';

/** A wait of a task, recognised by the status line the task prints when it starts waiting. */
export interface WaitPoint {
  name: string;
  /** Matches the stdout text printed once the wait has begun. */
  line: RegExp;
  /** Real milliseconds the wait lasts at the suite's time scale (signals land within it). */
  realMs: number;
}

export interface CallPattern {
  method: string;
  path: RegExp;
}

export interface Scenario {
  task: string;
  name: string;
  /**
   * Seeds a fresh fake cloud and returns the inputs besides the connection and workspace, e.g.
   * { modelName, runId } (a run id is only known once seeded). Re-runs reuse these inputs.
   */
  prepare(cloud: FakeCloud): Record<string, string> | Promise<Record<string, string>>;
  /** Counts of the resources the task creates (e.g. model versions), to detect duplicates. */
  counts(ws: FakeWorkspace): Record<string, number>;
  /**
   * Non-GET calls that only read (e.g. MLflow runs/search, a SQL SELECT, the smoke-test
   * invocation): not counted as writes by the idempotency check.
   */
  readOnlyCalls?: CallPattern[];
  /**
   * Writes that are the task's purpose on every run (a monitor refresh): a second run makes
   * them again by design, so the idempotency check allows them.
   */
  perRunActions?: CallPattern[];
  /**
   * Writes the task sends on purpose after the pipeline cancels it, to stop the remote work it
   * started (DatabricksRunJob's runs/cancel): the cancellation check allows them.
   */
  cancelCalls?: CallPattern[];
  /** The waits of this scenario, for the cancellation check. */
  waits?: WaitPoint[];
}

/** Invalid-input generation for one task (see checks/fuzz.ts). */
export interface FuzzSpec {
  task: string;
  /** Valid inputs the corrupted ones are mixed into (connection inputs are added). */
  base(cloud: FakeCloud): Record<string, string>;
  /**
   * Inputs with a name rule (letters, digits, `_`, `-`, dots between parts): generated unicode,
   * very long and `##vso[` injection values must be refused for these.
   */
  names: readonly string[];
  /** Per input: values that must be refused. Merged with those derived from task.json. */
  invalid: Record<string, readonly string[]>;
}

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface CheckResult {
  verdict: Verdict;
  check: string;
  task: string;
  detail: string;
}

export interface VerifyOptions {
  fast: boolean;
  /** Only this check (canaries, faults, fuzz, idempotency, cancellation, tokens). */
  only?: string;
  /** Only this task. */
  task?: string;
  vsixPath: string;
  /** Processes run at once. */
  concurrency: number;
  /** Seed of the random choices (fuzzing, signal points), printed so a failure can be replayed. */
  seed: number;
}
