/**
 * The small HTTPS plumbing shared by the fake Azure services (Entra ID, Azure DevOps, managed
 * identity, ARM): a server on 127.0.0.1 with a random port and the test certificate, JSON
 * answers, body reading, and the bearer token of a request. Each service renders its own
 * error shape; this file knows none of them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { notifyRequest } from './observer';

export interface TlsFiles {
  cert: string;
  key: string;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL) => void | Promise<void>;

export interface RunningServer {
  /** https://127.0.0.1:PORT, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

export async function startHttpsServer(tls: TlsFiles, handler: RequestHandler): Promise<RunningServer> {
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    notifyRequest('azure', req.method, req.url);
    void (async () => {
      try {
        const body = await readBody(req);
        await handler(req, res, body, new URL(req.url ?? '/', 'https://127.0.0.1'));
      } catch (e) {
        // A bug in a fake must show up in the test, not hang it.
        if (!res.headersSent) sendJson(res, 500, { fakeServerError: e instanceof Error ? e.message : String(e) });
        else res.destroy();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Process-wide ordering of events across fakes and test spies (e.g. "masked before used"). */
let sequence = 0;
export function nextSequence(): number {
  return ++sequence;
}
