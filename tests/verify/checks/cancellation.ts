/**
 * Check 5, cancellation: SIGTERM at random points of every wait of every scenario (the wait is
 * recognised by its status line; the signal lands a random time into it), plus one at a random
 * time after start. The process must exit within 5 s of the signal without a stack trace
 * (reporting a result, unless the signal came before the task could handle it), and send no
 * write request after the signal other than the scenario's cancelCalls (stopping the remote work).
 */
import type { ChildProcess } from 'node:child_process';
import { stackTrace, writes } from '../judge';
import { mapLimit, random } from '../pool';
import { runCase, type CaseOutcome, type Report } from '../report';
import type { Scenario, VerifyOptions, WaitPoint } from '../types';
import type { PackagedTasks } from '../vsix';
import { outcome, withWorld } from '../world';

const EXIT_LIMIT_MS = 5_000;
/**
 * A write arriving this soon after kill() may have left the task before the signal reached it
 * (signal delivery, the event loop's turn and loopback TLS take a few ms on a loaded machine).
 */
const IN_FLIGHT_GRACE_MS = 50;
/** Window of the "random time after start" signal. */
const AFTER_START_MS = 1_200;

interface SignalPoint {
  /** The wait whose status line arms the signal; none = counted from the start. */
  wait?: WaitPoint;
  delayMs: number;
}

export async function cancellationCheck(pkg: PackagedTasks, scenarios: Scenario[], opts: VerifyOptions, timeScale: number, report: Report): Promise<void> {
  const rnd = random(opts.seed + 5);
  const perWait = opts.fast ? 1 : 3;
  const cases = scenarios.flatMap((s) => {
    const points: SignalPoint[] = (s.waits ?? []).flatMap((wait) => Array.from({ length: perWait }, () => ({ wait, delayMs: Math.round(rnd() * wait.realMs) })));
    points.push({ delayMs: Math.round(rnd() * AFTER_START_MS) });
    return points.map((p) => ({ s, p }));
  });
  await mapLimit(cases, opts.concurrency, ({ s, p }) =>
    runCase(report, 'cancellation', s.task, `${s.name} ${p.wait ? `${p.wait.name}+${p.delayMs}ms` : `start+${p.delayMs}ms`}`, () => cancelledRun(pkg, s, p, timeScale)),
  );
}

async function cancelledRun(pkg: PackagedTasks, s: Scenario, point: SignalPoint, timeScale: number): Promise<CaseOutcome> {
  return withWorld(pkg, timeScale, async (world) => {
    const inputs = await s.prepare(world.cloud);
    let signalledAt = 0;
    let timer: NodeJS.Timeout | undefined;
    let seen = '';
    const arm = (child: ChildProcess) => {
      timer = setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalledAt = Date.now();
        child.kill('SIGTERM');
      }, point.delayMs);
    };
    const run = await world.run(s.task, inputs, {
      timeoutMs: 60_000,
      onStart: point.wait ? undefined : arm,
      onStdout: (chunk, child) => {
        if (!point.wait || timer) return;
        // Keep a tail so a status line split across chunks still matches.
        seen = (seen + chunk).slice(-4096);
        if (point.wait.line.test(seen)) arm(child);
      },
    });
    // runTask resolves on the child's 'close': now is when it exited.
    const exitedAfter = Date.now() - signalledAt;
    clearTimeout(timer);
    if (!signalledAt) {
      // A wait whose line never showed is a scenario that no longer reaches it: that must be seen.
      return point.wait && !timer
        ? { ok: false, detail: `the wait's status line ${String(point.wait.line)} never appeared (${outcome(run)})` }
        : { ok: true, detail: `finished before the signal (${outcome(run)})` };
    }
    const problems: string[] = [];
    if (exitedAfter > EXIT_LIMIT_MS) problems.push(`exited ${exitedAfter} ms after SIGTERM`);
    const late = writes(world.cloud.workspace.requests, [...(s.readOnlyCalls ?? []), ...(s.cancelCalls ?? [])]).filter((r) => r.time > signalledAt + IN_FLIGHT_GRACE_MS);
    if (late.length) problems.push(`wrote after the signal: ${late.map((r) => `${r.method} ${r.path} (+${r.time - signalledAt} ms)`).join(', ')}`);
    // Killed by the signal itself is fine when it lands before the task installed its handler.
    if (run.result === undefined && run.signal !== 'SIGTERM') problems.push(`no result and exit ${run.exitCode}`);
    const trace = stackTrace(run);
    if (trace) problems.push(trace);
    if (problems.length) return { ok: false, detail: `${problems.join('; ')} (${outcome(run)})` };
    return { ok: true, detail: `exited ${exitedAfter} ms after SIGTERM, no write after it (${outcome(run)})` };
  });
}
