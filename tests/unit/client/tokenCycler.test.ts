import assert from 'node:assert/strict';
import sinon from 'sinon';
import { createTokenCycler, type AccessToken } from '../../../shared/client/tokenCycler';
import { bearerTokenPolicy } from '../../../shared/client/policies/bearerTokenPolicy';
import { createClock } from '../../../shared/runtime/clock';
import { request, response } from './helpers';

describe('token cycler and bearer policy', () => {
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => timers.restore());

  function source(lifetimeMs: number) {
    let n = 0;
    const calls: number[] = [];
    return {
      calls,
      getToken: async (): Promise<AccessToken> => {
        calls.push(Date.now());
        await new Promise((r) => setTimeout(r, 10));
        return { token: `t${++n}`, expiresOnTimestamp: Date.now() + lifetimeMs };
      },
    };
  }

  it('reuses a token until 2 minutes before expiry, then refreshes', async () => {
    const src = source(60 * 60_000);
    const cycler = createTokenCycler(() => src.getToken(), { clock: createClock(1) });
    const p1 = cycler.getToken();
    await timers.tickAsync(10);
    assert.equal((await p1).token, 't1');
    await timers.tickAsync(57 * 60_000);
    assert.equal((await cycler.getToken()).token, 't1');
    assert.equal(src.calls.length, 1);
    await timers.tickAsync(60_000 + 10);
    const p2 = cycler.getToken();
    await timers.tickAsync(10);
    assert.equal((await p2).token, 't2');
    assert.equal(src.calls.length, 2);
  });

  it('refreshes once for concurrent callers (single flight)', async () => {
    const src = source(60 * 60_000);
    const cycler = createTokenCycler(() => src.getToken(), { clock: createClock(1) });
    const all = Promise.all([cycler.getToken(), cycler.getToken(), cycler.getToken()]);
    await timers.tickAsync(10);
    assert.deepEqual(
      (await all).map((t) => t.token),
      ['t1', 't1', 't1'],
    );
    assert.equal(src.calls.length, 1);
  });

  it('bearer policy sets the header, refuses http, and re-sends once after a 401 with a new token', async () => {
    const src = source(60 * 60_000);
    const policy = bearerTokenPolicy(createTokenCycler(() => src.getToken(), { clock: createClock(1) }));
    const seen: string[] = [];
    const p = policy.sendRequest(request(), async (r) => {
      seen.push(r.headers.get('authorization') ?? '');
      return response(r, seen.length === 1 ? 401 : 200, {});
    });
    await timers.tickAsync(30);
    assert.equal((await p).status, 200);
    assert.deepEqual(seen, ['Bearer t1', 'Bearer t2']);
    const insecure = request();
    insecure.url = new URL('http://adb-1.azuredatabricks.net/api/2.0/x');
    await assert.rejects(
      policy.sendRequest(insecure, async (r) => response(r, 200)),
      /must use https/,
    );
  });
});
