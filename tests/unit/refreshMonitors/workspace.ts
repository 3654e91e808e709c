/**
 * A started fake workspace and a real DatabricksClient over HTTPS (the shared pipeline: retries,
 * error policy, bearer tokens from the fake authority), for in-process tests of the monitor
 * gateway and target discovery.
 */
import { DatabricksClient } from '../../../shared/client/databricksClient';
import { createHttpPipeline } from '../../../shared/client/httpPipeline';
import { createFetchTransport } from '../../../shared/client/transport';
import { createClock, type Clock } from '../../../shared/runtime/clock';
import { testCertificates } from '../../fake/certs';
import { FakeTokenAuthority } from '../../fake/tokens';
import { FakeWorkspace } from '../../fake/workspace';

const SP = '11111111-2222-3333-4444-555555555555';

export interface TestWorkspace {
  ws: FakeWorkspace;
  clock: Clock;
  client: DatabricksClient;
  /** A fresh store (the principal added again) and no recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWorkspace(timeScale: number): Promise<TestWorkspace> {
  const certs = testCertificates();
  const authority = new FakeTokenAuthority();
  const ws = new FakeWorkspace({ authority, tls: { cert: certs.certPem, key: certs.keyPem }, timeScale });
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
  });
  const reset = (): void => {
    ws.resetAll();
    ws.users.add(SP, { displayName: 'mlops-pipeline' });
  };
  reset();
  return { ws, clock, client: new DatabricksClient({ workspaceUrl: ws.url, send }), reset, close: () => ws.close() };
}
