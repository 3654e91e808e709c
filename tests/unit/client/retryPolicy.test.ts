import assert from 'node:assert/strict';
import sinon from 'sinon';
import { retryPolicy } from '../../../shared/client/policies/retryPolicy';
import { errorPolicy } from '../../../shared/client/policies/errorPolicy';
import { createPipeline, type PipelineRequest, type PipelineResponse, type SendRequest } from '../../../shared/client/pipeline';
import { CancelledError, DatabricksApiError, RequestError } from '../../../shared/client/errors';
import { createClock } from '../../../shared/runtime/clock';
import { request, response } from './helpers';

describe('retryPolicy (fake timers, injected next)', () => {
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ now: Date.parse('2026-11-22T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => timers.restore());

  function pipeline(next: SendRequest, budgetMs?: number): SendRequest {
    return createPipeline([retryPolicy({ clock: createClock(1), budgetMs, random: () => 1 }), errorPolicy()], next);
  }

  function scripted(...answers: Array<(req: PipelineRequest) => PipelineResponse | Error>): { send: SendRequest; times: number[] } {
    const times: number[] = [];
    let i = 0;
    const send: SendRequest = async (req) => {
      times.push(Date.now());
      const a = answers[Math.min(i++, answers.length - 1)](req);
      if (a instanceof Error) throw a;
      return a;
    };
    return { send, times };
  }

  it('waits exactly Retry-After seconds', async () => {
    const s = scripted(
      (r) => response(r, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '7' }),
      (r) => response(r, 200, { ok: true }),
    );
    const p = pipeline(s.send)(request());
    await timers.tickAsync(6_999);
    assert.equal(s.times.length, 1);
    await timers.tickAsync(1);
    const res = await p;
    assert.equal(res.status, 200);
    assert.equal(s.times[1] - s.times[0], 7_000);
  });

  it('waits until a Retry-After HTTP date', async () => {
    const at = new Date(Date.now() + 12_000).toUTCString();
    const s = scripted(
      (r) => response(r, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'later' }, { 'retry-after': at }),
      (r) => response(r, 200, {}),
    );
    const p = pipeline(s.send)(request('POST'));
    await timers.tickAsync(12_000);
    await p;
    assert.equal(s.times[1] - s.times[0], 12_000);
  });

  it('backs off exponentially 1, 2, 4 s without Retry-After', async () => {
    const fail = (r: PipelineRequest) => response(r, 504, 'gateway timeout');
    const s = scripted(fail, fail, fail, (r) => response(r, 200, {}));
    const p = pipeline(s.send)(request());
    await timers.tickAsync(7_000);
    await p;
    assert.deepEqual(
      s.times.slice(1).map((t, i) => t - s.times[i]),
      [1000, 2000, 4000],
    );
  });

  it('does not retry a 500 on POST, but does on GET', async () => {
    const s1 = scripted(
      (r) => response(r, 500, { error_code: 'INTERNAL_ERROR', message: 'x' }),
      (r) => response(r, 200, {}),
    );
    await assert.rejects(pipeline(s1.send)(request('POST')), (e: DatabricksApiError) => e.statusCode === 500 && e.attempts === 1);
    assert.equal(s1.times.length, 1);
    const s2 = scripted(
      (r) => response(r, 500, { error_code: 'INTERNAL_ERROR', message: 'x' }),
      (r) => response(r, 200, {}),
    );
    const p = pipeline(s2.send)(request('GET'));
    await timers.tickAsync(1_000);
    assert.equal((await p).status, 200);
  });

  it('retries network errors on POST', async () => {
    const s = scripted(
      (r) => new RequestError('ECONNRESET', 'reset', r),
      (r) => response(r, 200, {}),
    );
    const p = pipeline(s.send)(request('POST'));
    await timers.tickAsync(1_000);
    assert.equal((await p).status, 200);
  });

  it('gives up with the ORIGINAL error once the budget is spent', async () => {
    const s = scripted((r) => response(r, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Workspace rate limit of 50 updates per 5 minutes reached' }));
    const p = pipeline(s.send, 20_000)(request('PUT'));
    const settled = p.then(
      () => undefined,
      (e: unknown) => e,
    );
    await timers.tickAsync(60_000);
    const error = (await settled) as DatabricksApiError;
    assert.ok(error instanceof DatabricksApiError);
    assert.equal(error.errorCode, 'REQUEST_LIMIT_EXCEEDED');
    assert.match(error.message, /Workspace rate limit of 50 updates/);
    assert.match(error.message, /gave up after \d+ attempts: the retry budget of 20 s was spent/);
    // 1 + 2 + 4 + 8 = 15 s spent; the next 16 s wait would exceed 20 s.
    assert.equal(error.attempts, 5);
  });

  it('gives up at once when Retry-After exceeds the budget', async () => {
    const s = scripted((r) => response(r, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'm' }, { 'retry-after': '3600' }));
    await assert.rejects(pipeline(s.send, 60_000)(request()), (e: DatabricksApiError) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED');
    assert.equal(s.times.length, 1);
  });

  it('stops waiting when the signal aborts and never sends again', async () => {
    const controller = new AbortController();
    const s = scripted(
      (r) => response(r, 503, {}),
      (r) => response(r, 200, {}),
    );
    const p = pipeline(s.send)(request('GET', '/x', { signal: controller.signal }));
    const settled = p.then(
      () => undefined,
      (e: unknown) => e,
    );
    await timers.tickAsync(100);
    controller.abort(new CancelledError('SIGTERM'));
    await timers.tickAsync(10_000);
    assert.ok((await settled) instanceof CancelledError);
    assert.equal(s.times.length, 1);
  });

  it('does not retry 4xx', async () => {
    const s = scripted((r) => response(r, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' }));
    await assert.rejects(pipeline(s.send)(request()), (e: DatabricksApiError) => e.errorCode === 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(s.times.length, 1);
  });
});
