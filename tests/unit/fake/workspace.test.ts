import { seedServingEndpoint } from '../../fake/seeds/serving';
import assert from 'node:assert/strict';
import { testCertificates } from '../../fake/certs';
import { json } from '../../fake/http';
import { FakeTokenAuthority } from '../../fake/tokens';
import { FakeWorkspace } from '../../fake/workspace';
import type { Harness } from './harness';
import { startHarness } from './harness';

describe('fake workspace: lifecycle and bookkeeping', () => {
  const tls = () => ({ cert: testCertificates().certPem, key: testCertificates().keyPem });

  it('listens on 127.0.0.1 with a random port, once', async () => {
    const ws = new FakeWorkspace({ authority: new FakeTokenAuthority(), tls: tls() });
    assert.throws(() => ws.url, /not started/);
    await ws.start();
    try {
      assert.match(ws.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      await assert.rejects(ws.start(), /already started/);
    } finally {
      await ws.close();
    }
    await ws.close();
  });

  it('scales durations by the time scale, including the token expiry margin', () => {
    const ws = new FakeWorkspace({ authority: new FakeTokenAuthority(), tls: tls(), timeScale: 0.01 });
    assert.equal(ws.scaled(15_000), 150);
    assert.equal(ws.tokenExpiryMarginMs, 300);
    assert.throws(() => new FakeWorkspace({ authority: new FakeTokenAuthority(), tls: tls(), timeScale: 0 }), /timeScale/);
  });

  it('refuses to define a state part twice', () => {
    const ws = new FakeWorkspace({ authority: new FakeTokenAuthority(), tls: tls() });
    assert.throws(() => ws.defineState('uc', () => ws.state.uc), /defined twice/);
  });

  describe('with traffic', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
      h.ws.route('POST', '/api/2.0/test/write', () => json(200, {}));
      // The serving route module answers invocations; seed an endpoint it can answer for.
      seedServingEndpoint(h.ws, { name: 'ep', served: [{ model: 'main.ml.m', version: 1 }] });
    });
    after(() => h.close());
    beforeEach(() => h.ws.reset());

    it('lists write requests: not GET/HEAD, under /api/ or /serving-endpoints/, control excluded', async () => {
      await h.call('GET', '/api/2.0/preview/scim/v2/Me');
      await h.call('POST', '/api/2.0/test/write', { body: { a: 1 } });
      await h.call('POST', '/serving-endpoints/ep/invocations', { body: { inputs: [1] } });
      await h.call('POST', '/elsewhere', { body: {} });
      await h.call('POST', '/__fake/faults', { token: null, body: { path: '/nowhere' } });
      assert.deepEqual(
        h.ws.writeRequests().map((r) => [r.method, r.path, r.body]),
        [
          ['POST', '/api/2.0/test/write', { a: 1 }],
          ['POST', '/serving-endpoints/ep/invocations', { inputs: [1] }],
        ],
      );
    });

    it('records timing and method for each request', async () => {
      const t0 = Date.now();
      await h.call('GET', '/api/2.0/preview/scim/v2/Me');
      const [rec] = h.ws.requests;
      assert.equal(rec!.method, 'GET');
      assert.ok(rec!.time >= t0 && rec!.durationMs! >= 0);
      assert.equal(rec!.managementHeaders, false);
    });

    it('close() ends hung requests and injected latencies at once', async () => {
      const other = await startHarness();
      other.ws.faults.add({ path: '/api/2.0/preview/scim/v2/Me', kind: 'hang' });
      other.ws.faults.add({ path: '/api/2.1/unity-catalog/catalogs/main', kind: 'latency', latencyMs: 60_000 });
      const hung = other.call('GET', '/api/2.0/preview/scim/v2/Me').catch((e: unknown) => e);
      const slow = other.call('GET', '/api/2.1/unity-catalog/catalogs/main').catch((e: unknown) => e);
      while (other.ws.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
      const t0 = Date.now();
      await other.close();
      assert.ok(Date.now() - t0 < 2000);
      assert.ok((await hung) instanceof Error);
      assert.ok((await slow) instanceof Error);
    });
  });
});
