import assert from 'node:assert/strict';
import { compilePattern, matchPath, parseJsonBody, Query, Router, json } from '../../fake/http';
import type { Harness } from './harness';
import { startHarness } from './harness';

describe('fake http: patterns, queries, bodies', () => {
  it('matches named parameters and decodes them segment by segment', () => {
    const p = compilePattern('/api/2.1/unity-catalog/tables/:full_name');
    assert.deepEqual(matchPath(p, '/api/2.1/unity-catalog/tables/main.ml.churn'), { full_name: 'main.ml.churn' });
    assert.deepEqual(matchPath(p, '/api/2.1/unity-catalog/tables/main.ml.a%2Fb%20c'), { full_name: 'main.ml.a/b c' });
    assert.equal(matchPath(p, '/api/2.1/unity-catalog/tables/'), undefined, 'an empty parameter is no match');
    assert.equal(matchPath(p, '/api/2.1/unity-catalog/tables/a/b'), undefined, 'a parameter is one segment');
    assert.equal(matchPath(p, '/api/2.1/unity-catalog/tables/%E0%A4%A'), undefined, 'bad percent-encoding is no match');
  });

  it('matches a tail parameter over several segments', () => {
    const p = compilePattern('/api/2.0/fs/files/*path');
    assert.deepEqual(matchPath(p, '/api/2.0/fs/files/Models/main/ml/m/3/MLmodel'), { path: 'Models/main/ml/m/3/MLmodel' });
    assert.deepEqual(matchPath(p, '/api/2.0/fs/files/a%20b/c'), { path: 'a b/c' });
    assert.equal(matchPath(p, '/api/2.0/fs/files/'), undefined);
    assert.equal(matchPath(p, '/api/2.0/fs/files'), undefined);
  });

  it('rejects malformed patterns', () => {
    assert.throws(() => compilePattern('api/x'), /start with/);
    assert.throws(() => compilePattern('/a/*rest/b'), /must be last/);
    assert.throws(() => compilePattern('/a/:x/:x'), /twice/);
  });

  it('prefers literal segments over parameters, whatever the registration order', () => {
    const router = new Router();
    router.add('GET', '/api/2.0/things/:name', () => json(200, 'param'));
    router.add('GET', '/api/2.0/things/list', () => json(200, 'literal'));
    assert.equal(router.find('GET', '/api/2.0/things/list')?.route.pattern.source, '/api/2.0/things/list');
    assert.equal(router.find('GET', '/api/2.0/things/x')?.route.pattern.source, '/api/2.0/things/:name');
    assert.equal(router.find('POST', '/api/2.0/things/x'), undefined);
    assert.throws(() => router.add('get', '/api/2.0/things/list', () => json(200, 'again')), /twice/);
  });

  it('keeps repeated query keys', () => {
    const q = new Query(new URLSearchParams('update_mask=a&update_mask=b&max_results=10'));
    assert.deepEqual(q.getAll('update_mask'), ['a', 'b']);
    assert.deepEqual(q.toRecord(), { update_mask: ['a', 'b'], max_results: '10' });
    assert.equal(q.int('max_results'), 10);
    assert.equal(q.int('absent'), undefined);
    assert.throws(() => new Query(new URLSearchParams('n=1.5')).int('n'), /expected an integer/);
  });

  it('parses JSON bodies like the service', () => {
    assert.deepEqual(parseJsonBody(Buffer.from('{"a":1}'), 'application/json'), { ok: true, value: { a: 1 } });
    assert.deepEqual(parseJsonBody(Buffer.alloc(0), 'application/json'), { ok: true, value: undefined });
    assert.deepEqual(parseJsonBody(Buffer.from('\x00\x01'), 'application/octet-stream'), { ok: true, value: undefined });
    const bad = parseJsonBody(Buffer.from('{"a":'), undefined);
    assert.equal(bad.ok, false);
    const notMap = parseJsonBody(Buffer.from('[1,2]'), 'application/json');
    assert.ok(!notMap.ok && notMap.reply.errorCode === 'MALFORMED_REQUEST' && /expected a map/.test(notMap.reply.message));
  });
});

describe('fake http: server behaviour', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.ws.route('POST', '/api/2.0/test/echo/:name', (ctx) => json(200, { name: ctx.params.name, body: ctx.body, query: ctx.query.toRecord(), subject: ctx.subject }));
    h.ws.route('GET', '/api/2.0/test/boom', () => {
      throw new Error('handler bug');
    });
    h.ws.route(
      'PUT',
      '/api/2.0/test/upload/*path',
      async (ctx) => {
        let bytes = 0;
        for await (const chunk of ctx.req) bytes += (chunk as Buffer).length;
        return json(200, { path: ctx.params.path, bytes, rawBody: ctx.rawBody.length });
      },
      { stream: true },
    );
  });
  after(() => h.close());
  beforeEach(() => h.ws.reset());

  it('answers an unknown route with 404 ENDPOINT_NOT_FOUND in the Databricks error shape', async () => {
    const r = await h.call('GET', '/api/2.0/nothing/here?x=1');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type')!, /application\/json/);
    const requestId = r.headers.get('x-request-id');
    assert.match(requestId!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(r.json(), {
      error_code: 'ENDPOINT_NOT_FOUND',
      message: "No API found for 'GET /nothing/here'",
      details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', request_id: requestId, serving_data: '' }],
    });
  });

  it('answers a known path with the wrong method as ENDPOINT_NOT_FOUND too', async () => {
    const r = await h.call('DELETE', '/api/2.1/unity-catalog/tables/main.a.b');
    assert.equal(r.status, 404);
    assert.equal(r.json().error_code, 'ENDPOINT_NOT_FOUND');
    assert.equal(r.json().message, "No API found for 'DELETE /unity-catalog/tables/main.a.b'");
  });

  it('gives handlers decoded params, the parsed body, the query and the subject', async () => {
    const r = await h.call('POST', '/api/2.0/test/echo/a%2Fb?k=1&k=2', { body: { x: [1] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { name: 'a/b', body: { x: [1] }, query: { k: ['1', '2'] }, subject: h.ws.requests[0]!.subject });
    const rec = h.ws.requests[0]!;
    assert.equal(rec.path, '/api/2.0/test/echo/a%2Fb', 'the path is recorded as sent');
    assert.deepEqual(rec.query, { k: ['1', '2'] });
    assert.deepEqual(rec.body, { x: [1] });
    assert.equal(rec.status, 200);
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST without calling the handler', async () => {
    const r = await h.call('POST', '/api/2.0/test/echo/x', { body: '{"x": ', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.json().error_code, 'MALFORMED_REQUEST');
    assert.match(String(r.json().message), /^Could not parse request object/);
  });

  it('turns a handler exception into 500 INTERNAL_ERROR and records the stack', async () => {
    const r = await h.call('GET', '/api/2.0/test/boom');
    assert.equal(r.status, 500);
    assert.equal(r.json().error_code, 'INTERNAL_ERROR');
    assert.match(h.ws.requests[0]!.handlerError!, /handler bug/);
  });

  it('streams uploads to routes that ask for it, without buffering or recording the body', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    const r = await h.call('PUT', '/api/2.0/test/upload/Models/m/1/model.pkl', { body: payload, headers: { 'content-type': 'application/octet-stream' } });
    assert.deepEqual(r.json(), { path: 'Models/m/1/model.pkl', bytes: payload.length, rawBody: 0 });
    assert.equal(h.ws.requests[0]!.body, undefined);
  });
});
