import assert from 'node:assert/strict';
import sinon from 'sinon';
import { apiPath, segments } from '../../../shared/client/path';
import { collect, paginate } from '../../../shared/client/paginate';
import { poll, PollTimeoutError } from '../../../shared/client/poll';
import { CancelledError } from '../../../shared/client/errors';
import { createClock } from '../../../shared/runtime/clock';
import { buildUrl } from '../../../shared/client/databricksClient';

describe('apiPath', () => {
  it('encodes every interpolated segment', () => {
    assert.equal(apiPath`/api/2.0/serving-endpoints/${'a b/c?d'}/config`, '/api/2.0/serving-endpoints/a%20b%2Fc%3Fd/config');
    assert.equal(apiPath`/api/2.1/unity-catalog/models/${'main.ml.churn'}/versions/${7}`, '/api/2.1/unity-catalog/models/main.ml.churn/versions/7');
  });
  it('keeps slashes between the segments of a multi-segment value', () => {
    assert.equal(apiPath`/api/2.0/fs/files/${segments('Models/main/ml/m/8/data dir/model#1.pkl')}`, '/api/2.0/fs/files/Models/main/ml/m/8/data%20dir/model%231.pkl');
  });
  it('refuses empty and dot segments', () => {
    assert.throws(() => apiPath`/a/${''}`, /empty/);
    assert.throws(() => apiPath`/a/${'..'}`, /not allowed/);
    assert.throws(() => apiPath`/a/${segments('x/../y')}`, /not allowed/);
  });
  it('builds query strings with repeated keys', () => {
    const u = buildUrl('https://h/', '/p', { a: 'x y', b: [1, 2], c: undefined, d: false });
    assert.equal(u.toString(), 'https://h/p?a=x+y&b=1&b=2&d=false');
  });
});

describe('paginate', () => {
  it('follows next_page_token and stops on a repeated token', async () => {
    const pages: Record<string, { items: number[]; next_page_token?: string }> = {
      '': { items: [1, 2], next_page_token: 'a' },
      a: { items: [3], next_page_token: 'b' },
      b: { items: [4], next_page_token: 'a' },
    };
    const tokens: Array<string | undefined> = [];
    const all = await collect(
      paginate(
        async (t) => (tokens.push(t), pages[t ?? '']),
        (p) => p.items,
      ),
    );
    assert.deepEqual(all, [1, 2, 3, 4]);
    assert.deepEqual(tokens, [undefined, 'a', 'b']);
  });
});

describe('poll', () => {
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => timers.restore());

  it('backs off to the cap, reports each status once, and returns the result', async () => {
    const reads: number[] = [];
    const statuses: string[] = [];
    const p = poll({
      read: async () => (reads.push(Date.now()), Date.now()),
      evaluate: (t) => (t >= 60_000 ? { done: true, result: 'ready' } : { done: false, status: t < 20_000 ? 'creating' : 'updating' }),
      clock: createClock(1),
      timeoutMs: 10 * 60_000,
      initialIntervalMs: 2_000,
      maxIntervalMs: 15_000,
      onStatus: (s) => statuses.push(s),
    });
    await timers.tickAsync(120_000);
    const r = await p;
    assert.equal(r.result, 'ready');
    const gaps = reads.slice(1).map((t, i) => t - reads[i]);
    assert.ok(
      gaps.every((g) => g >= 2_000 && g <= 15_000),
      `gaps ${gaps}`,
    );
    assert.equal(gaps[gaps.length - 1], 15_000);
    assert.deepEqual(statuses, ['creating', 'updating']);
    // Detection delay after readiness (t = 60 s) is at most one capped interval.
    assert.ok(reads[reads.length - 1] - 60_000 <= 15_000);
  });

  it('times out with the last value, reading once more at the deadline', async () => {
    const p = poll({
      read: async () => Date.now(),
      evaluate: () => ({ done: false, status: 'x' }),
      clock: createClock(1),
      timeoutMs: 30_000,
      describeTimeout: (v) => `still x at ${v}`,
    });
    const settled = p.then(
      () => undefined,
      (e: unknown) => e,
    );
    await timers.tickAsync(31_000);
    const e = (await settled) as PollTimeoutError<number>;
    assert.ok(e instanceof PollTimeoutError);
    assert.equal(e.last, 30_000);
    assert.equal(e.message, 'still x at 30000');
  });

  it('is cancelled by the signal without another read', async () => {
    const c = new AbortController();
    let reads = 0;
    const p = poll({ read: async () => ++reads, evaluate: () => ({ done: false, status: 'x' }), clock: createClock(1), timeoutMs: 60_000, signal: c.signal });
    const settled = p.then(
      () => undefined,
      (e: unknown) => e,
    );
    await timers.tickAsync(100);
    c.abort(new CancelledError('SIGTERM'));
    await timers.tickAsync(60_000);
    assert.ok((await settled) instanceof CancelledError);
    assert.equal(reads, 1);
  });

  it('honours a time scale', async () => {
    const reads: number[] = [];
    const p = poll({
      read: async () => (reads.push(Date.now()), reads.length),
      evaluate: (n) => (n >= 3 ? { done: true, result: n } : { done: false, status: 's' }),
      clock: createClock(0.01),
      timeoutMs: 60_000,
      initialIntervalMs: 10_000,
      factor: 1,
    });
    await timers.tickAsync(1_000);
    await p;
    assert.deepEqual(
      reads.slice(1).map((t, i) => t - reads[i]),
      [100, 100],
    );
  });
});
