import assert from 'node:assert/strict';
import { FaultInjector, parseFaultRule } from '../../fake/faults';
import { json } from '../../fake/http';
import type { Harness } from './harness';
import { causeCode, startHarness } from './harness';

const TABLE = '/api/2.1/unity-catalog/tables/main.ml.churn';

describe('fake faults: rule matching and counting', () => {
  it('skips offset matches, then fires times times, counting both', () => {
    const f = new FaultInjector();
    const rule = f.add({ path: '/a', status: 429, offset: 1, times: 2 });
    const outcomes = [1, 2, 3, 4].map(() => f.plan('GET', ['/a']).before?.kind);
    assert.deepEqual(outcomes, [undefined, 'reply', 'reply', undefined]);
    assert.equal(rule.matched, 4);
    assert.equal(rule.fired, 2);
    assert.deepEqual(
      f.counters().map((c) => [c.id, c.fired, c.matched]),
      [[rule.id, 2, 4]],
    );
  });

  it('matches methods, globs, regular expressions and either path form', () => {
    const f = new FaultInjector();
    f.add({ method: 'post', path: '/api/2.0/serving-endpoints', times: Infinity });
    f.add({ path: '/api/2.0/serving-endpoints/*/config', kind: 'reset', times: Infinity });
    f.add({ path: /^\/api\/2\.1\/unity-catalog\/tables\/main\./i, kind: 'hang', times: Infinity });
    assert.equal(f.plan('GET', ['/api/2.0/serving-endpoints']).before, undefined);
    assert.equal(f.plan('POST', ['/api/2.0/serving-endpoints']).before?.kind, 'reply');
    assert.equal(f.plan('PUT', ['/api/2.0/serving-endpoints/ep-1/config']).before?.kind, 'reset');
    assert.equal(f.plan('PUT', ['/api/2.0/serving-endpoints/ep-1/ai-gateway']).before, undefined);
    assert.equal(f.plan('GET', ['/api/2.1/unity-catalog/tables/MAIN%2Ex.y', '/api/2.1/unity-catalog/tables/MAIN.x.y']).before?.kind, 'hang');
  });

  it('lets latency rules add up and the first other rule decide', () => {
    const f = new FaultInjector();
    f.add({ path: '/a', kind: 'latency', latencyMs: 5 });
    f.add({ path: '/a', kind: 'latency', latencyMs: 7 });
    f.add({ path: '/a', kind: 'afterHandler', status: 504 });
    f.add({ path: '/a', status: 500 });
    const plan = f.plan('GET', ['/a']);
    assert.deepEqual(plan.delays, [5, 7]);
    assert.equal(plan.before, undefined);
    assert.equal(plan.after?.status, 504);
    assert.deepEqual(plan.fired, ['latency', 'latency', 'afterHandler']);
    assert.equal(f.plan('GET', ['/a']).before?.kind, 'reply', 'the next request meets the 500 rule');
  });

  it('refuses rules that cannot work', () => {
    const f = new FaultInjector();
    assert.throws(() => f.add({ path: '/a', times: 0 }), /times/);
    assert.throws(() => f.add({ path: '/a', offset: -1 }), /offset/);
    assert.throws(() => f.add({ path: '/a', status: 42 }), /status/);
    assert.throws(() => f.add({ path: '/a', kind: 'latency' }), /latencyMs/);
  });

  it('reads the JSON form of a rule', () => {
    const rule = parseFaultRule({ path: { regex: '^/api/.*/tables', flags: 'i' }, times: 'Infinity', status: 503, headers: { 'Retry-After': '2' } });
    assert.ok(rule.path instanceof RegExp && rule.path.flags === 'i');
    assert.equal(rule.times, Infinity);
    assert.throws(() => parseFaultRule({ path: '/a', kind: 'explode' }), /kind/);
    assert.throws(() => parseFaultRule({ path: '/a', surprise: 1 }), /surprise/);
  });
});

describe('fake faults: over HTTPS', () => {
  let h: Harness;
  let counter = 0;
  before(async () => {
    h = await startHarness();
    h.ws.state.uc.addTable({ fullName: 'main.ml.churn', columns: [{ name: 'x', type: 'double' }] });
    h.ws.route('POST', '/api/2.0/test/increment', () => json(200, { counter: ++counter }));
  });
  after(() => h.close());
  beforeEach(() => h.ws.reset());

  it('respond: injects a status with Retry-After and a Databricks error body', async () => {
    h.ws.faults.add({ path: TABLE, status: 429, headers: { 'Retry-After': '3' } });
    const r = await h.call('GET', TABLE);
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
    const body = r.json<{ error_code: string; details: Array<{ request_id: string }> }>();
    assert.equal(body.error_code, 'REQUEST_LIMIT_EXCEEDED');
    assert.equal(body.details[0]!.request_id, r.headers.get('x-request-id'));
    assert.equal((await h.call('GET', TABLE)).status, 200, 'times defaults to 1');
    assert.deepEqual(
      h.ws.requests.map((q) => [q.status, q.faults]),
      [
        [429, ['respond']],
        [200, []],
      ],
    );
  });

  it('respond: sends a given body, as JSON text or an object', async () => {
    h.ws.faults.add({ path: TABLE, status: 503, body: '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"x"}' });
    h.ws.faults.add({ path: TABLE, status: 400, body: { error_code: 'INVALID_STATE', message: 'y' } });
    assert.equal((await h.call('GET', TABLE)).text, '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"x"}');
    assert.deepEqual((await h.call('GET', TABLE)).json(), { error_code: 'INVALID_STATE', message: 'y' });
  });

  it('respond: fires before authentication, as a gateway would', async () => {
    h.ws.faults.add({ path: TABLE, status: 503 });
    assert.equal((await h.call('GET', TABLE, { token: null })).status, 503);
  });

  it('reset: the client sees a connection reset and the request no answer', async () => {
    h.ws.faults.add({ path: TABLE, kind: 'reset' });
    await assert.rejects(h.call('GET', TABLE), (e) => causeCode(e) === 'ECONNRESET');
    assert.equal(h.ws.requests[0]!.status, null);
    assert.equal((await h.call('GET', TABLE)).status, 200);
  });

  it('latency: delays, then answers normally', async () => {
    h.ws.faults.add({ path: TABLE, kind: 'latency', latencyMs: 300 });
    const t0 = Date.now();
    const r = await h.call('GET', TABLE);
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 290, `took ${Date.now() - t0} ms`);
  });

  it('afterHandler: the state change happens but the response is lost', async () => {
    const before = counter;
    h.ws.faults.add({ path: '/api/2.0/test/increment', kind: 'afterHandler', status: 504 });
    const r = await h.call('POST', '/api/2.0/test/increment', { body: {} });
    assert.equal(r.status, 504);
    assert.equal(r.json().error_code, 'DEADLINE_EXCEEDED');
    assert.equal(counter, before + 1, 'the handler ran');
    assert.deepEqual((await h.call('POST', '/api/2.0/test/increment', { body: {} })).json(), { counter: before + 2 });
  });

  it('hang: never answers; the client gives up and the record stays unanswered', async () => {
    h.ws.faults.add({ path: TABLE, kind: 'hang' });
    await assert.rejects(h.call('GET', TABLE, { signal: AbortSignal.timeout(200) }), (e: Error) => e.name === 'TimeoutError' || e.name === 'AbortError');
    assert.equal(h.ws.requests[0]!.status, null);
    assert.deepEqual(h.ws.requests[0]!.faults, ['hang']);
  });

  it('html: a gateway error page with the given status', async () => {
    h.ws.faults.add({ path: TABLE, kind: 'html', status: 502 });
    const r = await h.call('GET', TABLE);
    assert.equal(r.status, 502);
    assert.match(r.headers.get('content-type')!, /text\/html/);
    assert.match(r.text, /<title>Error 502 Bad Gateway<\/title>/);
    assert.throws(() => r.json());
  });

  it('malformed: a 200 whose body is not JSON', async () => {
    h.ws.faults.add({ path: TABLE, kind: 'malformed' });
    const r = await h.call('GET', TABLE);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /application\/json/);
    assert.throws(() => r.json(), SyntaxError);
  });

  it('times and offset over real requests: the 2nd and 3rd calls fail', async () => {
    const rule = h.ws.faults.add({ path: TABLE, status: 500, offset: 1, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.call('GET', TABLE)).status);
    assert.deepEqual(statuses, [200, 500, 500, 200]);
    assert.equal(rule.fired, 2);
    assert.equal(rule.matched, 4);
  });

  it('reset() forgets the rules', async () => {
    h.ws.faults.add({ path: TABLE, status: 500, times: Infinity });
    h.ws.reset();
    assert.equal((await h.call('GET', TABLE)).status, 200);
  });
});
