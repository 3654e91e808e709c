import assert from 'node:assert/strict';
import type { RecordedRequest } from '../../fake/workspace';
import type { Harness } from './harness';
import { SP, startHarness } from './harness';

const TABLE = '/api/2.1/unity-catalog/tables/main.ml.churn';

describe('fake workspace: control API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(() => {
    h.ws.resetAll();
    h.ws.users.add(SP);
    h.ws.state.uc.addTable({ fullName: 'main.ml.churn' });
  });

  it('adds fault rules without a token, and never records its own requests', async () => {
    const add = await h.call('POST', '/__fake/faults', {
      token: null,
      body: { method: 'GET', path: { regex: '/tables/main\\.' }, status: 503, headers: { 'Retry-After': '1' }, times: 'Infinity' },
    });
    assert.equal(add.status, 200);
    const { id } = add.json<{ id: number }>();
    assert.ok(id > 0);
    for (let i = 0; i < 3; i++) {
      const r = await h.call('GET', TABLE);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '1');
    }
    const counters = (await h.call('GET', '/__fake/faults', { token: null })).json<{ faults: Array<{ id: number; fired: number; times: unknown }> }>().faults;
    assert.deepEqual(
      counters.map((c) => [c.id, c.fired, c.times]),
      [[id, 3, 'Infinity']],
    );
    assert.equal(h.ws.requests.length, 3, 'only the three table reads are recorded');
    assert.equal((await h.call('DELETE', '/__fake/faults', { token: null })).status, 200);
    assert.equal((await h.call('GET', TABLE)).status, 200);
  });

  it('refuses an invalid rule with 400 INVALID_PARAMETER_VALUE', async () => {
    const r = await h.call('POST', '/__fake/faults', { token: null, body: { path: '/x', kind: 'latency' } });
    assert.equal(r.status, 400);
    assert.equal(r.json().error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(String(r.json().message), /latencyMs/);
    const bad = await h.call('POST', '/__fake/faults', { token: null, body: { path: { regex: '(' } } });
    assert.equal(bad.status, 400);
  });

  it('lists recorded requests, without header values', async () => {
    await h.call('GET', `${TABLE}?include_browse=true`);
    const { requests } = (await h.call('GET', '/__fake/requests', { token: null })).json<{ requests: RecordedRequest[] }>();
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.path, TABLE);
    assert.deepEqual(requests[0]!.query, { include_browse: 'true' });
    assert.equal(requests[0]!.status, 200);
    assert.ok(requests[0]!.headerNames.includes('authorization'));
    assert.ok(!JSON.stringify(requests).includes(h.token));
  });

  it('resets the recording and the rules, and with {"all": true} the store too', async () => {
    await h.call('GET', TABLE);
    h.ws.faults.add({ path: TABLE, status: 500, times: Infinity });
    assert.equal((await h.call('POST', '/__fake/reset', { token: null })).status, 200);
    assert.equal(h.ws.requests.length, 0);
    assert.equal((await h.call('GET', TABLE)).status, 200, 'rules gone, table kept');

    await h.call('POST', '/__fake/reset', { token: null, body: { all: true } });
    assert.equal(h.ws.state.uc.getTable('main.ml.churn'), undefined);
    assert.equal(h.ws.users.size, 0);
  });

  it('answers unknown control routes with ENDPOINT_NOT_FOUND', async () => {
    const r = await h.call('GET', '/__fake/nothing', { token: null });
    assert.equal(r.status, 404);
    assert.equal(r.json().error_code, 'ENDPOINT_NOT_FOUND');
  });
});
