/**
 * An in-process world for the deploy operations: a started fake workspace, a real
 * DatabricksClient over TLS (the fake's test CA, the standard retry pipeline), a TaskContext whose
 * log records every line, and parameters with sensible defaults.
 */
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { recordingLog, type LogKind, type LogLine } from '../../helpers/recordingLog';
import type { TaskContext } from '../../../shared/runtime/task';
import type { DeployServingParameters } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { seedModel } from '../../fake/seeds/serving';
import type { FakeWorkspace } from '../../fake/workspace';
import { startTestWorkspace, TEST_PRINCIPAL } from '../../helpers/testWorkspace';

export const SP = TEST_PRINCIPAL;
export const MODEL = 'main.ml.churn_model';
/** Workspace and task time run 1000× faster: a 60 s rollout takes 60 ms. */
export const TIME_SCALE = 0.001;

export interface World {
  ws: FakeWorkspace;
  client(opts?: { readOnly?: boolean }): DatabricksClient;
  ctx: TaskContext;
  lines: LogLine[];
  abort: AbortController;
  /** Fresh store, log and signal; the model `MODEL` with versions 6, 7, 8 (alias champion → 7). */
  reset(): void;
  text(kind?: LogKind): string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const t = await startTestWorkspace({ timeScale: TIME_SCALE });
  const { ws, clock } = t;

  const world: World = {
    ws,
    lines: [],
    abort: new AbortController(),
    ctx: undefined as unknown as TaskContext,
    client: (opts = {}) => t.client({ readOnly: opts.readOnly, signal: world.abort.signal }),
    reset() {
      t.reset();
      seedModel(ws, { fullName: MODEL, latestVersion: 9, statuses: { 9: 'PENDING_REGISTRATION' }, aliases: { champion: 7, challenger: 8 } });
      const log = recordingLog();
      world.lines = log.lines;
      world.text = log.text;
      world.abort = new AbortController();
      world.ctx = { log, signal: world.abort.signal, clock, variable: () => undefined };
    },
    text: () => '',
    close: () => t.close(),
  };
  world.reset();
  return world;
}

export function params(overrides: Partial<DeployServingParameters> = {}): DeployServingParameters {
  return {
    common: { azureSubscription: 'conn', workspace: { kind: 'url', url: 'https://adb-1.azuredatabricks.net' }, dryRun: false, retryBudgetSeconds: 300 },
    endpointName: 'churn-scoring',
    modelName: MODEL,
    model: { kind: 'version', version: 8 },
    workloadSize: 'Small',
    workloadType: 'CPU',
    scaleToZero: true,
    environmentVars: [],
    traffic: { mode: 'replace' },
    inferenceTable: { catalog: 'main', schema: 'ml_logs', tablePrefix: 'churn_scoring' },
    tags: [{ key: 'owner', value: 'mlops' }],
    notifyOnFailure: ['mlops@contoso.com'],
    waitForReady: true,
    timeoutMinutes: 45,
    smokeTestPayload: {
      dataframe_records: [
        { tenure: 3, charges: 70.5 },
        { tenure: 40, charges: 20 },
      ],
    },
    rollbackOnFailure: true,
    verifyInferenceLogMinutes: 0,
    inferenceRetentionDays: 0,
    ...overrides,
  };
}
