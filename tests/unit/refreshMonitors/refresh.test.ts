/**
 * Refresh orchestration over scripted monitors (in memory, on sinon's fake timers: task time is
 * virtual, so the schedule of starts, polls and ends is the same on any machine): the pool
 * bound, waiting on a running refresh, the "already running" answer, FAILED refreshes, the
 * timeout with cancel, and how many reads each refresh costs.
 */
import { quietLog, recordingLog } from '../../helpers/recordingLog';
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { DatabricksApiError } from '../../../shared/client/errors';
import { CancelledError } from '../../../shared/client/errors';
import { createClock } from '../../../shared/runtime/clock';
import {
  isAlreadyRunning,
  POLL_INITIAL_MS,
  POLL_STEADY_MS,
  refreshAll,
  type RefreshHandle,
  type RefreshSnapshot,
  type RefreshState,
} from '../../../tasks/DatabricksRefreshMonitors/src/refresh';

const SCALE = 1;
const clock = createClock(SCALE);
let timers: sinon.SinonFakeTimers;

/** Runs the fake timers until `run` settles (every wait of the orchestration is a timer). */
async function drive<T>(run: Promise<T>): Promise<T> {
  let settled = false;
  const observed = run.finally(() => {
    settled = true;
  });
  observed.catch(() => undefined);
  while (!settled) {
    if (timers.countTimers() === 0) await Promise.resolve();
    else await timers.nextAsync();
  }
  return run;
}

interface Calls {
  list: number;
  run: number;
  get: number;
  cancel: number;
}

/** A monitor whose refreshes take `durationMs` of task time and end in `end`. */
class ScriptedMonitor implements RefreshHandle {
  readonly calls: Calls = { list: 0, run: 0, get: 0, cancel: 0 };
  private readonly refreshes: Array<{ id: string; startedAt: number; end: RefreshState; cancelled?: boolean }> = [];
  static inFlight = 0;
  static peak = 0;
  /** When set, runRefresh answers like the service does when one is running. */
  conflictOnRun = false;

  constructor(
    private readonly durationMs: number,
    private readonly end: RefreshState = 'SUCCESS',
  ) {}

  /** A refresh started by someone else (schedule) before the task. */
  startExternal(): void {
    this.refreshes.push({ id: 'sched-1', startedAt: Date.now(), end: this.end });
    ScriptedMonitor.track(+1);
  }

  private static track(delta: number): void {
    ScriptedMonitor.inFlight += delta;
    ScriptedMonitor.peak = Math.max(ScriptedMonitor.peak, ScriptedMonitor.inFlight);
  }

  private snapshot(r: (typeof this.refreshes)[number]): RefreshSnapshot {
    const elapsed = Date.now() - r.startedAt;
    const done = r.cancelled || elapsed >= clock.scale(this.durationMs);
    const state: RefreshState = r.cancelled ? 'CANCELED' : done ? r.end : elapsed < clock.scale(1000) ? 'PENDING' : 'RUNNING';
    return {
      refreshId: r.id,
      state,
      startTimeMs: r.startedAt,
      endTimeMs: done ? r.startedAt + clock.scale(this.durationMs) : undefined,
      message: state === 'FAILED' ? 'Out of memory' : undefined,
    };
  }

  private settle(): void {
    for (const r of this.refreshes) {
      const s = this.snapshot(r);
      if (s.state !== 'PENDING' && s.state !== 'RUNNING' && !(r as { counted?: boolean }).counted) {
        (r as { counted?: boolean }).counted = true;
        ScriptedMonitor.track(-1);
      }
    }
  }

  async listRefreshes(): Promise<RefreshSnapshot[]> {
    this.calls.list++;
    this.settle();
    return this.refreshes.map((r) => this.snapshot(r)).reverse();
  }

  async runRefresh(): Promise<RefreshSnapshot> {
    this.calls.run++;
    if (this.conflictOnRun) throw conflict();
    const r = { id: String(this.refreshes.length + 1), startedAt: Date.now(), end: this.end };
    this.refreshes.push(r);
    ScriptedMonitor.track(+1);
    return this.snapshot(r);
  }

  async getRefresh(id: string): Promise<RefreshSnapshot> {
    this.calls.get++;
    this.settle();
    return this.snapshot(this.refreshes.find((r) => r.id === id)!);
  }

  async cancelRefresh(id: string): Promise<void> {
    this.calls.cancel++;
    const r = this.refreshes.find((x) => x.id === id)!;
    r.cancelled = true;
    this.settle();
  }
}

function conflict(): DatabricksApiError {
  const request = {
    method: 'POST',
    url: new URL('https://x/api/2.1/unity-catalog/tables/c.s.t/monitor/refreshes'),
    headers: new Headers(),
    timeoutMs: 1,
    idempotent: false,
    attempt: 1,
  } as const;
  return new DatabricksApiError({
    statusCode: 409,
    errorCode: 'RESOURCE_CONFLICT',
    message: 'A refresh is already in progress for this monitor.',
    request: request as never,
    response: { request: request as never, status: 409, headers: new Headers(), bodyText: '' },
  });
}

/**
 * The most GETs a refresh of `durationMs` (task time) can cost: the number of polls of the
 * back-off schedule up to and including the first one at or after its end. A loaded machine
 * only makes polls later (so fewer); the 5 s (5 ms real) allow for timers rounding their delay
 * down to whole milliseconds and firing a hair early.
 */
function readsToSee(durationMs: number): number {
  let at = 0;
  let interval = POLL_INITIAL_MS;
  let reads = 0;
  while (at < durationMs + 5_000) {
    at += interval;
    reads++;
    interval = Math.min(POLL_STEADY_MS, interval * 1.5);
  }
  return reads;
}

const options = (over: Partial<Parameters<typeof refreshAll>[1]> = {}) => ({
  concurrency: 5,
  waitForCompletion: true,
  timeoutMinutes: 60,
  clock,
  signal: new AbortController().signal,
  log: quietLog,
  ...over,
});

describe('refresh monitors: refresh orchestration', () => {
  beforeEach(() => {
    ScriptedMonitor.inFlight = 0;
    ScriptedMonitor.peak = 0;
    timers = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => timers.restore());

  it('refreshes two monitors at once and waits for both', async () => {
    const monitors = [new ScriptedMonitor(120_000), new ScriptedMonitor(60_000)];
    const started = Date.now();
    const out = await drive(
      refreshAll(
        monitors.map((m, i) => ({ table: `c.s.t${i}`, refresh: m })),
        options(),
      ),
    );
    const wall = (Date.now() - started) / SCALE;
    assert.deepEqual(
      out.map((o) => [o.table, o.state, o.startedByTask, o.timedOut]),
      [
        ['c.s.t0', 'SUCCESS', true, false],
        ['c.s.t1', 'SUCCESS', true, false],
      ],
    );
    assert.equal(ScriptedMonitor.peak, 2);
    // It waited for the longer refresh, and stopped at the first read after each refresh's end:
    // reads come 10 s, 15 s, 22.5 s, then 25 s apart (a loaded machine only makes them later,
    // hence fewer), so a refresh costs no more reads than that schedule needs to see its end.
    assert.ok(wall >= 120_000, `wall ${wall} ms of task time`);
    assert.ok(monitors[0]!.calls.get >= 1 && monitors[0]!.calls.get <= readsToSee(120_000), `gets ${monitors[0]!.calls.get}`);
    assert.ok(monitors[1]!.calls.get >= 1 && monitors[1]!.calls.get <= readsToSee(60_000), `gets ${monitors[1]!.calls.get}`);
    assert.ok(out[0]!.durationSeconds! > 0);
  });

  it('keeps at most `concurrency` refreshes in flight over fifty monitors, one GET per refresh per poll', async () => {
    const monitors = Array.from({ length: 50 }, () => new ScriptedMonitor(100_000));
    const started = Date.now();
    const out = await drive(
      refreshAll(
        monitors.map((m, i) => ({ table: `c.s.t${i}`, refresh: m })),
        options({ concurrency: 10 }),
      ),
    );
    const wall = (Date.now() - started) / SCALE;
    assert.ok(out.every((o) => o.state === 'SUCCESS'));
    assert.equal(ScriptedMonitor.peak, 10);
    // At most ten at a time: at least five rounds of D.
    assert.ok(wall >= 5 * 100_000, `wall ${wall}`);
    for (const m of monitors) {
      assert.deepEqual([m.calls.list, m.calls.run, m.calls.cancel], [1, 1, 0]);
      // One GET per poll, polls 10 s, 15 s, 22.5 s, then 25 s apart (later under load, never
      // sooner), ending at the first read after the end: at least one GET, at most 6 for 100 s.
      assert.ok(m.calls.get >= 1 && m.calls.get <= readsToSee(100_000), `gets ${m.calls.get}`);
    }
  });

  it('waits on a refresh that is already running instead of starting another', async () => {
    const m = new ScriptedMonitor(50_000);
    m.startExternal();
    const [o] = await drive(refreshAll([{ table: 'c.s.t', refresh: m }], options()));
    assert.deepEqual([o!.state, o!.refreshId, o!.startedByTask], ['SUCCESS', 'sched-1', false]);
    assert.equal(m.calls.run, 0);
  });

  it('treats an "already running" answer to the start call as a refresh to wait on', async () => {
    const m = new ScriptedMonitor(30_000);
    let listed = 0;
    const handle: RefreshHandle = {
      listRefreshes: async () => {
        // The first list sees nothing (a race with the schedule); the start call then conflicts.
        if (listed++ === 0) return [];
        m.startExternal();
        return m.listRefreshes();
      },
      runRefresh: () => {
        m.conflictOnRun = true;
        return m.runRefresh();
      },
      getRefresh: (id) => m.getRefresh(id),
      cancelRefresh: (id) => m.cancelRefresh(id),
    };
    const [o] = await drive(refreshAll([{ table: 'c.s.t', refresh: handle }], options()));
    assert.deepEqual([o!.state, o!.refreshId, o!.startedByTask], ['SUCCESS', 'sched-1', false]);
    assert.ok(isAlreadyRunning(conflict()));
  });

  it('reports a FAILED refresh with the service message and goes on with the others', async () => {
    const log = recordingLog();
    const bad = new ScriptedMonitor(20_000, 'FAILED');
    const good = new ScriptedMonitor(20_000);
    const out = await drive(
      refreshAll(
        [
          { table: 'c.s.bad', refresh: bad },
          { table: 'c.s.good', refresh: good },
        ],
        options({ log }),
      ),
    );
    assert.deepEqual(
      out.map((o) => [o.state, o.message]),
      [
        ['FAILED', 'Out of memory'],
        ['SUCCESS', undefined],
      ],
    );
    assert.ok(
      log.lines.some((l) => l.kind === 'warning' && l.text === 'c.s.bad: refresh 1 ended FAILED: Out of memory'),
      log.text(),
    );
  });

  it('cancels the refreshes it started at the timeout, leaves others running and does not start queued ones', async () => {
    const mine = new ScriptedMonitor(10 * 60_000);
    const theirs = new ScriptedMonitor(10 * 60_000);
    theirs.startExternal();
    const queued = new ScriptedMonitor(1_000);
    const out = await drive(
      refreshAll(
        [
          { table: 'c.s.mine', refresh: mine },
          { table: 'c.s.theirs', refresh: theirs },
          { table: 'c.s.queued', refresh: queued },
        ],
        options({ concurrency: 2, timeoutMinutes: 1 }),
      ),
    );
    assert.deepEqual(
      out.map((o) => [o.table, o.state, o.timedOut, o.cancelledByTask]),
      [
        ['c.s.mine', 'CANCELED', true, true],
        ['c.s.theirs', 'RUNNING', true, false],
        ['c.s.queued', 'NOT_STARTED', true, false],
      ],
    );
    assert.deepEqual([mine.calls.cancel, theirs.calls.cancel, queued.calls.run + queued.calls.list], [1, 0, 0]);
  });

  it('returns at once without waiting when waitForCompletion is false', async () => {
    const m = new ScriptedMonitor(10 * 60_000);
    const [o] = await drive(refreshAll([{ table: 'c.s.t', refresh: m }], options({ waitForCompletion: false })));
    assert.deepEqual([o!.state, o!.startedByTask], ['PENDING', true]);
    assert.equal(m.calls.get, 0);
  });

  it('stops on cancellation of the task', async () => {
    const controller = new AbortController();
    const m = new ScriptedMonitor(10 * 60_000);
    setTimeout(() => controller.abort(new CancelledError('SIGTERM')), 50);
    await assert.rejects(drive(refreshAll([{ table: 'c.s.t', refresh: m }], options({ signal: controller.signal }))), CancelledError);
  });
});
