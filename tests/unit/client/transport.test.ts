import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterRequestSent, createFetchTransport } from '../../../shared/client/transport';
import { CancelledError, RequestError } from '../../../shared/client/errors';
import type { PipelineRequest } from '../../../shared/client/pipeline';
import { testCertificates } from '../../fake/certs';

function req(url: string, extra: Partial<PipelineRequest> = {}): PipelineRequest {
  return { method: 'GET', url: new URL(url), headers: new Headers(), timeoutMs: 5_000, idempotent: true, attempt: 1, ...extra };
}

describe('fetch transport (real sockets on 127.0.0.1)', function () {
  this.timeout(20_000);
  const certs = testCertificates();
  let server: HttpsServer;
  let base: string;
  const sockets = new Set<Socket>();
  let uploadedBytes = 0;
  let uploadChunks = 0;

  before(async () => {
    server = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, (rq, rs) => {
      if (rq.url === '/hang') return; // never answers
      if (rq.url === '/reset') {
        rq.socket.destroy();
        return;
      }
      if (rq.url === '/upload') {
        uploadedBytes = 0;
        uploadChunks = 0;
        rq.on('data', (c: Buffer) => {
          uploadedBytes += c.length;
          uploadChunks++;
        });
        rq.on('end', () => rs.end(JSON.stringify({ bytes: uploadedBytes })));
        return;
      }
      if (rq.url === '/download') {
        rs.writeHead(200, { 'content-type': 'application/octet-stream' });
        let n = 0;
        const tick = () => {
          if (n++ === 8) return rs.end();
          rs.write(Buffer.alloc(64 * 1024, n));
          setTimeout(tick, 5);
        };
        tick();
        return;
      }
      rs.writeHead(200, { 'content-type': 'application/json' });
      rs.end(JSON.stringify({ ua: rq.headers['user-agent'] ?? null, path: rq.url }));
    });
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  const transport = () => createFetchTransport({ ca: certs.caPem });

  it('trusts the custom CA and answers text', async () => {
    const r = await transport()(req(`${base}/hello`, { headers: new Headers({ 'user-agent': 'ua/1' }) }));
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.bodyText!), { ua: 'ua/1', path: '/hello' });
  });

  it('rejects an untrusted certificate without the CA', async () => {
    await assert.rejects(createFetchTransport({})(req(`${base}/hello`)), (e: RequestError) => e instanceof RequestError);
  });

  it('times out one attempt with a RequestError TIMEOUT', async () => {
    await assert.rejects(transport()(req(`${base}/hang`, { timeoutMs: 300 })), (e: RequestError) => e.code === 'TIMEOUT');
  });

  it('maps a reset connection to a retriable network error', async () => {
    await assert.rejects(transport()(req(`${base}/reset`)), (e: RequestError) => e instanceof RequestError && ['SOCKET_CLOSED', 'ECONNRESET'].includes(e.code));
  });

  it('maps a refused connection to ECONNREFUSED', async () => {
    const closed = createHttpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await assert.rejects(transport()(req(`https://127.0.0.1:${port}/x`)), (e: RequestError) => e.code === 'ECONNREFUSED');
  });

  it('is cancelled by the caller signal (CancelledError, not a timeout)', async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(new CancelledError('SIGTERM')), 100);
    await assert.rejects(transport()(req(`${base}/hang`, { signal: c.signal })), (e: Error) => e instanceof CancelledError);
  });

  it('streams a request body from a fresh stream per attempt', async () => {
    const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(32 * 1024, i));
    let opened = 0;
    const body = () => (opened++, Readable.from(chunks));
    const t = transport();
    const r1 = await t(req(`${base}/upload`, { method: 'PUT', body }));
    const r2 = await t(req(`${base}/upload`, { method: 'PUT', body }));
    assert.deepEqual(JSON.parse(r1.bodyText!), { bytes: 16 * 32 * 1024 });
    assert.deepEqual(JSON.parse(r2.bodyText!), { bytes: 16 * 32 * 1024 });
    assert.equal(opened, 2);
    assert.ok(uploadChunks > 1);
  });

  it('streams a response body', async () => {
    const r = await transport()(req(`${base}/download`, { streamResponse: true, timeoutMs: 1_000 }));
    let total = 0;
    for await (const c of r.bodyStream!) total += (c as Buffer).length;
    assert.equal(total, 8 * 64 * 1024);
  });

  describe('afterRequestSent', () => {
    it('resolves once the request is written, without waiting for the answer (built-in fetch and the undici package)', async () => {
      const plain = createHttpServer(() => undefined); // never answers
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      const plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      try {
        for (const [t, url] of [
          [createFetchTransport(), `${plainBase}/hang`],
          [transport(), `${base}/hang`],
        ] as const) {
          const abort = new AbortController();
          const answer = t(req(url, { signal: abort.signal }));
          let settled = false;
          answer.then(
            () => (settled = true),
            () => (settled = true),
          );
          await afterRequestSent(new URL(url).origin, answer);
          assert.equal(settled, false, `${url}: resolved before the (never coming) answer`);
          abort.abort();
          await assert.rejects(answer, CancelledError);
        }
      } finally {
        plain.closeAllConnections();
        await new Promise((r) => plain.close(r));
      }
    });

    it('for a request to another origin, resolves when that request settles', async () => {
      const answer = transport()(req(`${base}/other`));
      const order: string[] = [];
      void answer.then(() => order.push('answered'));
      await afterRequestSent('https://dev.azure.com', answer);
      order.push('resolved');
      assert.deepEqual(order, ['answered', 'resolved']);
      const failed = transport()(req('http://127.0.0.1:1/refused'));
      await afterRequestSent(undefined, failed);
      await assert.rejects(failed, RequestError);
    });
  });

  describe('through an HTTP CONNECT proxy', () => {
    let proxy: HttpServer;
    let proxyUrl: string;
    const tunnels: string[] = [];
    before(async () => {
      proxy = createHttpServer();
      proxy.on('connect', (rq, clientSocket: Socket, head: Buffer) => {
        if (rq.headers['proxy-authorization'] !== `Basic ${Buffer.from('agent:p@ss').toString('base64')}`) {
          clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
          return;
        }
        tunnels.push(rq.url ?? '');
        const [host, port] = (rq.url ?? '').split(':');
        const upstream = connect(Number(port), host, () => {
          clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(clientSocket);
          clientSocket.pipe(upstream);
        });
        upstream.on('error', () => clientSocket.destroy());
        clientSocket.on('error', () => upstream.destroy());
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    after(async () => {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    });

    it('tunnels through the proxy with its credentials', async () => {
      const t = createFetchTransport({ ca: certs.caPem, proxy: { url: proxyUrl, username: 'agent', password: 'p@ss', bypass: [] } });
      const r = await t(req(`${base}/via-proxy`));
      assert.equal(r.status, 200);
      assert.ok(tunnels.some((u) => u === new URL(base).host));
    });

    it('goes direct for a URL on the bypass list', async () => {
      tunnels.length = 0;
      const t = createFetchTransport({ ca: certs.caPem, proxy: { url: proxyUrl, username: 'agent', password: 'p@ss', bypass: ['127\\.0\\.0\\.1'] } });
      assert.equal((await t(req(`${base}/direct`))).status, 200);
      assert.equal(tunnels.length, 0);
    });
  });
});
