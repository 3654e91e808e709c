/**
 * Seeding for the unpacking scenarios of DatabricksCreateMonitor (tests, the `npm start` demo):
 * an AI Gateway payload table in the SQL engine (so the generated view really runs over it),
 * rows in each request format, and a copy of the rows the serving fake logged for real
 * invocations (it keeps them in memory, `ws.state.serving.payloadRows`).
 */
import type { FakeWorkspace } from '../workspace';
import { PAYLOAD_COLUMNS_DDL } from './monitoring';
import { seedLoggedRun, seedModelVersion } from './registry';
import { seedServingEndpoint } from './serving';

/** One logged request, as the columns the view reads. */
export interface PayloadSeedRow {
  requestId: string;
  clientRequestId?: string;
  time: Date;
  status?: number;
  request: unknown;
  response: unknown;
  servedEntityId: string;
}

/** Creates the payload table (and its schema) if missing. */
export async function createPayloadTable(ws: FakeWorkspace, fullName: string): Promise<void> {
  ws.state.uc.addSchema(fullName.split('.').slice(0, 2).join('.'));
  await ws.state.sql.exec(`CREATE TABLE IF NOT EXISTS ${fullName} (${PAYLOAD_COLUMNS_DDL})`);
}

export async function insertPayloadRows(ws: FakeWorkspace, fullName: string, rows: readonly PayloadSeedRow[]): Promise<void> {
  await createPayloadTable(ws, fullName);
  for (const r of rows) {
    await ws.state.sql.exec(
      `INSERT INTO ${fullName} (databricks_request_id, client_request_id, request_date, request_time, status_code, sampling_fraction, execution_duration_ms, request, response, served_entity_id)
       VALUES (:id, :client, CAST(:t AS DATE), :t, :status, 1.0, 12, :req, :resp, :entity)`,
      {
        id: r.requestId,
        client: r.clientRequestId ?? null,
        t: r.time,
        status: r.status ?? 200,
        req: JSON.stringify(r.request),
        resp: JSON.stringify(r.response),
        entity: r.servedEntityId,
      },
    );
  }
}

/** Copies the rows the serving fake logged for `fullName` into the SQL engine; returns how many. */
export async function copyLoggedPayload(ws: FakeWorkspace, fullName: string): Promise<number> {
  const logged = ws.state.serving.payloadRows.get(fullName.toLowerCase()) ?? [];
  await insertPayloadRows(
    ws,
    fullName,
    logged.map((r) => ({
      requestId: r.databricks_request_id,
      clientRequestId: r.client_request_id ?? undefined,
      time: new Date(r.request_time),
      status: r.status_code,
      request: JSON.parse(r.request) as unknown,
      response: JSON.parse(r.response) as unknown,
      servedEntityId: r.served_entity_id,
    })),
  );
  return logged.length;
}

export const REQUEST_FORMATS = ['dataframe_records', 'dataframe_split', 'instances', 'inputs'] as const;

/** A request body holding `records` in one of the four formats the view reads. */
export function requestIn(format: (typeof REQUEST_FORMATS)[number], records: ReadonlyArray<Record<string, number | string | null>>): unknown {
  if (format !== 'dataframe_split') return { [format]: records };
  const columns = Object.keys(records[0] ?? {});
  return { dataframe_split: { columns, data: records.map((r) => columns.map((c) => r[c] ?? null)) } };
}

export interface UnpackableEndpoint {
  endpoint: string;
  model: string;
  payloadTable: string;
  /** The id the payload rows carry in served_entity_id. */
  servedEntityId: string;
}

/**
 * An endpoint serving version 1 of `model` (its MLmodel signature: tenure, monthly_charges →
 * long) with an AI Gateway inference table, and payload rows: one request of two records per
 * format (hours 1–4 of 2026-05-04, client ids `client-0`…`client-3`), then one failed request.
 */
export async function seedUnpackableEndpoint(ws: FakeWorkspace, opts: { endpoint?: string; model?: string } = {}): Promise<UnpackableEndpoint> {
  const endpoint = opts.endpoint ?? 'churn-scoring';
  const model = opts.model ?? 'main.ml.churn_model';
  const prefix = endpoint.replace(/-/g, '_');
  const run = seedLoggedRun(ws);
  seedModelVersion(ws, { modelName: model, run });
  const stored = seedServingEndpoint(ws, { name: endpoint, served: [{ model, version: 1 }], inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix } });
  const servedEntityId = stored.config!.entities[0]!.id;
  const payloadTable = `main.ml_logs.${prefix}_payload`;
  const at = (h: number) => new Date(Date.UTC(2026, 4, 4, h));
  await insertPayloadRows(ws, payloadTable, [
    ...REQUEST_FORMATS.map((format, i) => ({
      requestId: format,
      clientRequestId: `client-${i}`,
      time: at(i + 1),
      request: requestIn(format, [
        { tenure: i + 1, monthly_charges: 10 * (i + 1) },
        { tenure: 100 + i, monthly_charges: 0.5 },
      ]),
      response: { predictions: [1, 0] },
      servedEntityId,
    })),
    {
      requestId: 'failed',
      time: at(9),
      status: 500,
      request: requestIn('dataframe_records', [{ tenure: 1, monthly_charges: 1 }]),
      response: { error_code: 'INTERNAL_ERROR' },
      servedEntityId,
    },
  ]);
  return { endpoint, model, payloadTable, servedEntityId };
}
