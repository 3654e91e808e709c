/**
 * A started fake workspace plus an HTTPS client that trusts the test CA, for the fake's own
 * tests. Requests go over real TLS through undici, as the tasks' requests do.
 */
import type { Headers } from 'undici';
import { Agent, fetch } from 'undici';
import { testCertificates } from '../../fake/certs';
import { FakeTokenAuthority } from '../../fake/tokens';
import { FakeWorkspace } from '../../fake/workspace';

export const SP = '11111111-2222-3333-4444-555555555555';

export interface CallOptions {
  /** Bearer token; null sends no Authorization header. Default: a valid token of SP. */
  token?: string | null;
  /** JSON-serialized unless a string or Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (throws if it is not). */
  json<T = Record<string, unknown>>(): T;
}

export interface Harness {
  ws: FakeWorkspace;
  authority: FakeTokenAuthority;
  /** The authority's clock, in ms; tests move it to expire tokens. */
  clock: { now: number };
  token: string;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export async function startHarness(opts: { timeScale?: number } = {}): Promise<Harness> {
  const certs = testCertificates();
  const clock = { now: Date.now() };
  const authority = new FakeTokenAuthority(() => clock.now);
  const ws = new FakeWorkspace({ authority, tls: { cert: certs.certPem, key: certs.keyPem }, timeScale: opts.timeScale });
  ws.users.add(SP, { displayName: 'mlops-pipeline' });
  await ws.start();
  const agent = new Agent({ connect: { ca: certs.caPem } });
  const token = authority.issue('databricks', SP).token;

  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    const bearer = o.token === undefined ? token : o.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    let body: string | Buffer | undefined;
    if (typeof o.body === 'string' || Buffer.isBuffer(o.body)) body = o.body;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${ws.url}${path}`, { method, headers, body, dispatcher: agent, signal: o.signal });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
  };

  return {
    ws,
    authority,
    clock,
    token,
    call,
    close: async () => {
      await ws.close();
      await agent.close();
    },
  };
}

/** The network error code under undici's "fetch failed" TypeError. */
export function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: string } }).cause;
  return cause?.code;
}
