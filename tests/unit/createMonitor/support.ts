/**
 * Helpers of the CreateMonitor operations tests: a TaskContext whose log records every line,
 * parameters built from task inputs by the real Parameters layer, and seeds for a monitored
 * table and for an endpoint whose payload can be unpacked.
 */
import { createClock } from '../../../shared/runtime/clock';
import { mapInputSource, mapVariableSource } from '../../../shared/runtime/inputs';
import { recordingLog, type LogKind, type LogLine } from '../../helpers/recordingLog';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { runPhases, type TaskContext } from '../../../shared/runtime/task';
import { createMonitorPhases } from '../../../tasks/DatabricksCreateMonitor/src/operations';
import { testDeps } from '../../helpers/taskPhases';
import { buildParameters, type CreateMonitorParameters } from '../../../tasks/DatabricksCreateMonitor/src/parameters';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { seedUnpackableEndpoint } from '../../fake/seeds/payload';
import type { FakeWorkspace } from '../../fake/workspace';
import { TIME_SCALE } from './workspace';

export const TABLE = 'main.ml_mon.churn_inference';
export const OUTPUT_SCHEMA = 'main.ml_mon';
export const ENDPOINT = 'churn-scoring';
export const PAYLOAD = 'main.ml_logs.churn_scoring_payload';
export const MODEL = 'main.ml.churn_model';

export interface Recorder {
  ctx: TaskContext;
  lines: LogLine[];
  text(kind?: LogKind): string;
}

export function recorder(): Recorder {
  const log = recordingLog();
  return { ctx: { log, signal: new AbortController().signal, clock: createClock(TIME_SCALE), variable: () => undefined }, lines: log.lines, text: log.text };
}

/** Parameters from task inputs (the connection inputs are filled in). */
export function params(inputs: Record<string, string | undefined> = {}): CreateMonitorParameters {
  return buildParameters(
    mapInputSource({
      azureSubscription: 'arm-connection',
      workspaceUrl: 'https://adb-1234567890123456.7.azuredatabricks.net',
      tableName: TABLE,
      outputSchema: OUTPUT_SCHEMA,
      notifyEmails: 'mlops@contoso.com',
      warehouseId: DEFAULT_WAREHOUSE_ID,
      ...inputs,
    }),
    mapVariableSource({}),
  );
}

/** A monitorable inference table (timestamp, model id, two features, prediction, label). */
export async function seedInferenceTable(ws: FakeWorkspace, table = TABLE): Promise<void> {
  ws.state.uc.addSchema(OUTPUT_SCHEMA);
  await ws.state.sql.exec(`CREATE TABLE ${table} (\`timestamp\` TIMESTAMP, model_id STRING, tenure DOUBLE, plan STRING, prediction BIGINT, label BIGINT)`);
}

/** The unpackable endpoint ENDPOINT (seeds/payload.ts) and the output schema; returns the served entity id. */
export async function seedUnpackSource(ws: FakeWorkspace): Promise<string> {
  ws.state.uc.addSchema(OUTPUT_SCHEMA);
  return (await seedUnpackableEndpoint(ws, { endpoint: ENDPOINT, model: MODEL })).servedEntityId;
}

/** The task's plan then apply (plan mode: the planned outcome), as the runner runs them, with the plan's API choice. */
export async function createMonitor(d: { client: DatabricksClient; ctx: TaskContext }, p: CreateMonitorParameters) {
  const { plan, outcome } = await runPhases(createMonitorPhases, testDeps(d.client, d.ctx), p);
  return { ...outcome, apiChoice: plan.apiChoice };
}
