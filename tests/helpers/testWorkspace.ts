/**
 * A started fake workspace and real DatabricksClients talking to it over HTTPS through the
 * shared pipeline (retries, error policy, bearer tokens minted by the fake authority), for
 * in-process tests of API modules and task operations.
 */
import { DatabricksClient } from '../../shared/client/databricksClient';
import { createHttpPipeline } from '../../shared/client/httpPipeline';
import { createFetchTransport } from '../../shared/client/transport';
import { createClock, type Clock } from '../../shared/runtime/clock';
import { testCertificates } from '../fake/certs';
import { FakeTokenAuthority } from '../fake/tokens';
import { FakeWorkspace } from '../fake/workspace';

/** The service principal the clients act as; a workspace user after every reset. */
export const TEST_PRINCIPAL = '11111111-2222-3333-4444-555555555555';

export interface TestWorkspace {
  ws: FakeWorkspace;
  clock: Clock;
  client(opts?: { readOnly?: boolean; signal?: AbortSignal }): DatabricksClient;
  /** A fresh store (the principal added again) and no recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startTestWorkspace(opts: { timeScale: number; retryBudgetMs?: number }): Promise<TestWorkspace> {
  const certs = testCertificates();
  const authority = new FakeTokenAuthority();
  const ws = new FakeWorkspace({ authority, tls: { cert: certs.certPem, key: certs.keyPem }, timeScale: opts.timeScale });
  await ws.start();
  const clock = createClock(opts.timeScale);
  const send = createHttpPipeline({
    clock,
    transport: createFetchTransport({ ca: certs.caPem }),
    tokenSource: {
      getToken: () => {
        const t = authority.issue('databricks', TEST_PRINCIPAL);
        return Promise.resolve({ token: t.token, expiresOnTimestamp: t.expiresOn });
      },
    },
    retryBudgetMs: opts.retryBudgetMs,
  });
  const reset = (): void => {
    ws.resetAll();
    ws.users.add(TEST_PRINCIPAL, { displayName: 'mlops-pipeline' });
  };
  reset();
  return {
    ws,
    clock,
    client: (o = {}) => new DatabricksClient({ workspaceUrl: ws.url, send, readOnly: o.readOnly, signal: o.signal }),
    reset,
    close: () => ws.close(),
  };
}
