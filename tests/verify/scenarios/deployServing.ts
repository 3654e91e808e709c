/**
 * DatabricksDeployServing scenarios: a new endpoint created and smoke-tested, and an endpoint
 * serving version 7 moved to version 8. Both wait for the rollout (60 s of workspace time).
 */
import { seedModel, seedServingEndpoint } from '../../fake/seeds/serving';
import type { FakeWorkspace } from '../../fake/workspace';
import type { FuzzSpec, Scenario, WaitPoint } from '../types';

const TASK = 'DatabricksDeployServing';
const MODEL = 'main.ml.churn_model';
const ENDPOINT = 'churn-scoring';
/** The fake's rollout duration (ServingStore.updateDurationMs), in task time. */
const ROLLOUT_MS = 60_000;

function counts(ws: FakeWorkspace): Record<string, number> {
  const ep = ws.state.serving.get(ENDPOINT);
  const detailed = ep && ws.state.serving.detailed(ep);
  return {
    endpoints: ws.state.serving.names().length,
    servedEntities: detailed?.config?.served_entities?.length ?? 0,
    pendingEntities: detailed?.pending_config?.served_entities?.length ?? 0,
  };
}

function seedRegistry(ws: FakeWorkspace): void {
  ws.state.uc.addSchema('main.ml_logs');
  seedModel(ws, { fullName: MODEL, latestVersion: 8, aliases: { champion: 8 } });
}

const baseInputs = {
  endpointName: ENDPOINT,
  modelName: MODEL,
  modelVersion: '8',
  inferenceCatalog: 'main',
  inferenceSchema: 'ml_logs',
  smokeTestPayload: JSON.stringify({ dataframe_records: [{ tenure: 3, charges: 70.5 }] }),
};

function waits(timeScale: number): WaitPoint[] {
  return [{ name: 'readiness', line: new RegExp(`${ENDPOINT}: config_update`), realMs: ROLLOUT_MS * timeScale }];
}

export function deployServingScenarios(timeScale: number): Scenario[] {
  return [
    {
      task: TASK,
      name: 'create-endpoint',
      prepare: (cloud) => {
        seedRegistry(cloud.workspace);
        return { ...baseInputs };
      },
      counts,
      waits: waits(timeScale),
    },
    {
      task: TASK,
      name: 'update-7-to-8',
      // Cancelled after the config was applied, the task sends one rollback PUT (refused while
      // the update rolls out), within the agent's grace.
      cancelCalls: [{ method: 'PUT', path: new RegExp(`^/api/2\\.0/serving-endpoints/${ENDPOINT}/config$`) }],
      prepare: (cloud) => {
        seedRegistry(cloud.workspace);
        seedServingEndpoint(cloud.workspace, {
          name: ENDPOINT,
          served: [{ model: MODEL, version: 7 }],
          inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
        });
        return { ...baseInputs };
      },
      counts,
      waits: waits(timeScale),
    },
  ];
}

export const deployServingFuzz: FuzzSpec = {
  task: TASK,
  base: () => ({ ...baseInputs }),
  names: ['endpointName', 'modelName', 'servedEntityName', 'inferenceCatalog', 'inferenceSchema', 'inferenceTablePrefix'],
  invalid: {
    endpointName: ['', 'has space', 'x'.repeat(64), 'endpoint/1', 'end.point'],
    modelName: ['', 'churn_model', 'main.ml', 'main.ml.m.x'],
    modelVersion: ['0', '-1', '1.5', 'eight'],
    environmentVars: ['NOEQUALS', '1BAD=x', 'BAD-KEY=x', Array.from({ length: 31 }, (_, i) => `K${i}=v`).join('\n')],
    rateLimitPerMinute: ['0', '-10', '1.5', 'lots'],
    timeoutMinutes: ['0', '721', 'soon'],
    notifyOnFailure: ['not-an-email', 'a@b, nope'],
    smokeTestPayload: ['{', '[1,2]', '{"rows": []}', '"text"'],
    tags: ['novalue', '=v'],
  },
};
