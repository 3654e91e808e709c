/**
 * A started fake workspace and a real DatabricksClient talking to it over HTTPS (the shared
 * pipeline: retries, error policy, bearer tokens from the fake authority), for in-process tests
 * of the monitoring API modules and the CreateMonitor operations.
 */
import { DatabricksClient } from '../../../shared/client/databricksClient';
import { createHttpPipeline } from '../../../shared/client/httpPipeline';
import { createFetchTransport } from '../../../shared/client/transport';
import { createClock, type Clock } from '../../../shared/runtime/clock';
import { testCertificates } from '../../fake/certs';
import { FakeTokenAuthority } from '../../fake/tokens';
import { FakeWorkspace } from '../../fake/workspace';

export const SP = '11111111-2222-3333-4444-555555555555';
export const TIME_SCALE = 0.001;

export interface TestWorkspace {
  ws: FakeWorkspace;
  clock: Clock;
  client(opts?: { readOnly?: boolean }): DatabricksClient;
  /** A fresh store (the principal added again) and no recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWorkspace(timeScale = TIME_SCALE): Promise<TestWorkspace> {
  const certs = testCertificates();
  const authority = new FakeTokenAuthority();
  const ws = new FakeWorkspace({ authority, tls: { cert: certs.certPem, key: certs.keyPem }, timeScale });
  ws.users.add(SP, { displayName: 'mlops-pipeline' });
  await ws.start();
  const clock = createClock(timeScale);
  const send = createHttpPipeline({
    clock,
    transport: createFetchTransport({ ca: certs.caPem }),
    tokenSource: {
      getToken: () => {
        const t = authority.issue('databricks', SP);
        return Promise.resolve({ token: t.token, expiresOnTimestamp: t.expiresOn });
      },
    },
    retryBudgetMs: 5_000,
  });
  return {
    ws,
    clock,
    client: (opts = {}) => new DatabricksClient({ workspaceUrl: ws.url, send, readOnly: opts.readOnly }),
    reset: () => {
      ws.resetAll();
      ws.users.add(SP, { displayName: 'mlops-pipeline' });
    },
    close: () => ws.close(),
  };
}
