/**
 * In-process harness of the RegisterModel operation tests: a started FakeWorkspace, a real
 * DatabricksClient (retry, error parsing, bearer token, fetch over TLS) and a storage client
 * without the token, built the way definition.ts builds them, and a TaskLog that records lines.
 */
import { testCertificates } from '../../fake/certs';
import { FakeTokenAuthority } from '../../fake/tokens';
import { FakeWorkspace } from '../../fake/workspace';
import { DatabricksClient } from '../../../shared/client/databricksClient';
import { createHttpPipeline } from '../../../shared/client/httpPipeline';
import { createFetchTransport } from '../../../shared/client/transport';
import { createClock, type Clock } from '../../../shared/runtime/clock';
import { mapInputSource, mapVariableSource } from '../../../shared/runtime/inputs';
import { recordingLog, type RecordingLog } from '../../helpers/recordingLog';
import { buildParameters, type RegisterModelParameters } from '../../../tasks/DatabricksRegisterModel/src/parameters';
import type { TaskDeps } from '../../../shared/runtime/task';
import { testDeps } from '../../helpers/taskPhases';
import { StorageClient } from '../../../shared/client/storage';

export const SP = '0a1b2c3d-1111-2222-3333-444455556666';
export const TIME_SCALE = 0.01;

export interface Harness {
  ws: FakeWorkspace;
  clock: Clock;
  deps(options?: { dryRun?: boolean }): TaskDeps & { log: RecordingLog };
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const certs = testCertificates();
  const authority = new FakeTokenAuthority();
  const ws = new FakeWorkspace({ authority, tls: { cert: certs.certPem, key: certs.keyPem }, timeScale: TIME_SCALE });
  ws.users.add(SP, { displayName: 'mlops-pipeline' });
  await ws.start();
  const clock = createClock(TIME_SCALE);
  const transport = createFetchTransport({ ca: certs.caPem });
  const token = authority.issue('databricks', SP);
  const tokenSource = { getToken: async () => ({ token: token.token, expiresOnTimestamp: token.expiresOn }) };
  return {
    ws,
    clock,
    deps: (options = {}) => {
      const client = new DatabricksClient({
        workspaceUrl: ws.url,
        send: createHttpPipeline({ clock, transport, tokenSource }),
        readOnly: options.dryRun ?? false,
      });
      const storage = new StorageClient({ send: createHttpPipeline({ clock, transport }), timeoutMs: 30_000 });
      const log = recordingLog();
      return { ...testDeps(client, { log, clock, signal: new AbortController().signal, variable: () => undefined }, { storage }), log };
    },
    close: async () => {
      await ws.state.objects.close();
      await ws.close();
    },
  };
}

export const MODEL = 'main.ml.churn_model';

/** Parameters from task inputs, with the pipeline variables the agent provides. */
export function params(inputs: Record<string, string | undefined>): RegisterModelParameters {
  return buildParameters(
    mapInputSource({ azureSubscription: 'arm', workspaceUrl: 'https://adb-1.1.azuredatabricks.net', modelName: MODEL, ...inputs }),
    mapVariableSource({
      'Build.SourceVersion': '0123456789abcdef0123456789abcdef01234567',
      'Build.SourceBranch': 'refs/heads/main',
      'Build.BuildId': '42',
      'System.CollectionUri': 'https://dev.azure.com/contoso/',
      'System.TeamProject': 'mlops',
    }),
  );
}
