/**
 * Check 4, idempotency: every scenario run twice on the same workspace; the second run must
 * succeed and make no write call (read-only POSTs the scenario names aside).
 */
import { describeRequests, succeeded, writes } from '../judge';
import { mapLimit } from '../pool';
import { runCase, type Report } from '../report';
import type { Scenario, VerifyOptions } from '../types';
import type { PackagedTasks } from '../vsix';
import { outcome, withWorld } from '../world';

export async function idempotencyCheck(pkg: PackagedTasks, scenarios: Scenario[], opts: VerifyOptions, timeScale: number, report: Report): Promise<void> {
  await mapLimit(scenarios, opts.concurrency, (s) =>
    runCase(report, 'idempotency', s.task, s.name, () =>
      withWorld(pkg, timeScale, async (world) => {
        const ws = world.cloud.workspace;
        const inputs = await s.prepare(world.cloud);
        const first = await world.run(s.task, inputs);
        if (!succeeded(first)) return { ok: false, detail: `first run ${outcome(first)}` };
        const firstWrites = writes(ws.requests, s.readOnlyCalls).length;
        ws.reset();
        const second = await world.run(s.task, inputs);
        if (!succeeded(second)) return { ok: false, detail: `second run ${outcome(second)}` };
        const again = writes(ws.requests, [...(s.readOnlyCalls ?? []), ...(s.perRunActions ?? [])]);
        if (again.length) return { ok: false, detail: `second run wrote ${again.length}x: ${describeRequests(again)}` };
        const actions = writes(ws.requests, s.readOnlyCalls);
        const besides = actions.length ? ` besides the per-run action ${describeRequests(actions)}` : '';
        return { ok: true, detail: `first run ${firstWrites} writes, second run 0 writes${besides} (${ws.requests.length} requests)` };
      }),
    ),
  );
}
