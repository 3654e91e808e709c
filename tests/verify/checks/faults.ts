/**
 * Check 2, the fault matrix: a clean run of each task's happy path records its stages; then
 * every fault class is injected at every stage (in --fast mode: each class once, at a rotating
 * stage) on a freshly seeded workspace. The run must succeed, or fail with a clear message
 * within the retry budget; it must not create more resources than the clean run; and a re-run
 * without the fault must succeed with exactly the clean run's resources.
 */
import type { FaultRule } from '../../fake/faults';
import type { TaskRun } from '../../helpers/runTask';
import { exceeded, formatCounts, sameCounts, succeeded, unclearFailure } from '../judge';
import { mapLimit } from '../pool';
import { runCase, type CaseOutcome, type Report } from '../report';
import { stagesOf, type Stage } from '../stages';
import type { Scenario, VerifyOptions } from '../types';
import type { PackagedTasks } from '../vsix';
import { outcome, withWorld } from '../world';

/**
 * retryBudgetSeconds of the faulty runs: small, so giving up is exercised too, yet above the
 * real latency of a first call (token acquisition included), which time compression inflates
 * 100×: at 20 s (200 ms real) a connection's first call could not retry at all.
 */
const RETRY_BUDGET_S = 60;
/** The client's per-attempt timeout: 60 s of task time, at least 5 s real (shared/runtime/connect.ts). */
function attemptTimeoutMs(timeScale: number): number {
  return Math.max(60_000 * timeScale, 5_000);
}

export interface FaultClass {
  name: string;
  /** Methods the class applies to (all when absent). */
  methods?: readonly string[];
  rule(stage: Stage): FaultRule;
}

const CLASSES: readonly FaultClass[] = [
  { name: '429-retry-after-seconds', rule: (s) => ({ method: s.method, path: s.path, status: 429, headers: { 'Retry-After': '3' }, times: 2 }) },
  // An HTTP date is wall-clock time: 2 s from now, whatever the time scale.
  {
    name: '429-retry-after-date',
    rule: (s) => ({ method: s.method, path: s.path, status: 429, headers: { 'Retry-After': new Date(Date.now() + 2_000).toUTCString() }, times: 1 }),
  },
  { name: '503', rule: (s) => ({ method: s.method, path: s.path, status: 503, times: 2 }) },
  { name: '504', rule: (s) => ({ method: s.method, path: s.path, status: 504, times: 2 }) },
  { name: 'connection-reset', rule: (s) => ({ method: s.method, path: s.path, kind: 'reset', times: 1 }) },
  { name: 'timeout', rule: (s) => ({ method: s.method, path: s.path, kind: 'hang', times: 1 }) },
  { name: 'malformed-json', rule: (s) => ({ method: s.method, path: s.path, kind: 'malformed', times: 1 }) },
  { name: 'html-error-page', rule: (s) => ({ method: s.method, path: s.path, kind: 'html', status: 502, times: 1 }) },
  { name: '500-on-get', methods: ['GET'], rule: (s) => ({ method: s.method, path: s.path, status: 500, times: 1 }) },
  { name: '500-on-post', methods: ['POST'], rule: (s) => ({ method: s.method, path: s.path, status: 500, times: 1 }) },
];

interface Baseline {
  stages: Stage[];
  counts: Record<string, number>;
  durationMs: number;
}

export interface FaultCase {
  stage: Stage;
  fault: FaultClass;
}

export async function faultCheck(pkg: PackagedTasks, scenarios: Scenario[], opts: VerifyOptions, timeScale: number, report: Report): Promise<void> {
  const happyPaths = scenarios.filter((s, i) => scenarios.findIndex((x) => x.task === s.task) === i);
  for (const s of happyPaths) {
    const baseline = await cleanRun(pkg, s, timeScale);
    if ('error' in baseline) {
      report({ verdict: 'FAIL', check: 'faults', task: s.task, detail: `${s.name} clean run: ${baseline.error}` });
      continue;
    }
    const cases = matrix(baseline.stages, opts);
    // Time a faulty run may take: the clean run, the retry budget, two timed-out attempts, slack.
    const limitMs = baseline.durationMs + RETRY_BUDGET_S * 1000 * timeScale + 2 * attemptTimeoutMs(timeScale) + 5_000;
    await mapLimit(cases, opts.concurrency, (c) =>
      runCase(report, 'faults', s.task, `${c.fault.name}@${c.stage.method} ${c.stage.label}`, () => faultyRun(pkg, s, c, baseline, limitMs, timeScale)),
    );
  }
}

async function cleanRun(pkg: PackagedTasks, s: Scenario, timeScale: number): Promise<Baseline | { error: string }> {
  return withWorld(pkg, timeScale, async (world) => {
    const inputs = await s.prepare(world.cloud);
    const run = await world.run(s.task, inputs, { inputs: { retryBudgetSeconds: String(RETRY_BUDGET_S) } });
    if (!succeeded(run)) return { error: outcome(run) };
    return { stages: stagesOf(world.cloud.workspace.requests), counts: s.counts(world.cloud.workspace), durationMs: run.durationMs };
  });
}

/** Every applicable (stage, class) pair; in fast mode each class once, at a stage chosen by the seed. */
export function matrix(stages: Stage[], opts: Pick<VerifyOptions, 'fast' | 'seed'>): FaultCase[] {
  const cases: FaultCase[] = [];
  CLASSES.forEach((fault, i) => {
    const applicable = stages.filter((st) => !fault.methods || fault.methods.includes(st.method));
    if (opts.fast) {
      if (applicable.length) cases.push({ fault, stage: applicable[(opts.seed + i) % applicable.length]! });
    } else {
      for (const stage of applicable) cases.push({ fault, stage });
    }
  });
  return cases;
}

async function faultyRun(pkg: PackagedTasks, s: Scenario, c: FaultCase, baseline: Baseline, limitMs: number, timeScale: number): Promise<CaseOutcome> {
  return withWorld(pkg, timeScale, async (world) => {
    const ws = world.cloud.workspace;
    const inputs = await s.prepare(world.cloud);
    const handle = ws.faults.add(c.fault.rule(c.stage));
    const run = await world.run(s.task, inputs, { inputs: { retryBudgetSeconds: String(RETRY_BUDGET_S) } });
    const fired = handle.fired;
    ws.faults.clear();
    const problems: string[] = [];
    if (fired === 0) problems.push('the fault never fired (stage not reached)');
    problems.push(...judgeFaulty(run, limitMs));
    const afterFault = s.counts(ws);
    const over = exceeded(afterFault, baseline.counts);
    if (over.length) problems.push(`duplicate resources: ${over.join(', ')}`);
    const rerun = await world.run(s.task, inputs, { inputs: { retryBudgetSeconds: String(RETRY_BUDGET_S) } });
    const final = s.counts(ws);
    if (!succeeded(rerun)) problems.push(`re-run did not converge: ${outcome(rerun)}`);
    else if (!sameCounts(final, baseline.counts)) problems.push(`re-run left ${formatCounts(final)}, clean run ${formatCounts(baseline.counts)}`);
    if (problems.length) return { ok: false, detail: `${problems.join('; ')} [faulty run ${outcome(run)}]` };
    return { ok: true, detail: `${outcome(run)} in ${(run.durationMs / 1000).toFixed(1)} s (fired ${fired}x); re-run converged` };
  });
}

function judgeFaulty(run: TaskRun, limitMs: number): string[] {
  const problems: string[] = [];
  if (run.durationMs > limitMs) problems.push(`took ${(run.durationMs / 1000).toFixed(1)} s, over the budget of ${(limitMs / 1000).toFixed(1)} s`);
  if (run.result === 'Failed') {
    const unclear = unclearFailure(run);
    if (unclear) problems.push(`unclear failure: ${unclear}`);
  } else if (!succeeded(run)) {
    problems.push(`ended ${outcome(run)}`);
  }
  return problems;
}
