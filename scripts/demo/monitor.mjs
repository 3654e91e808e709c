// Demo step 3: DatabricksCreateMonitor. The serving endpoint's AI Gateway payload table is unpacked
// into a view (one row per prediction, features from the served model's signature), a data
// quality monitor is created on it with two granularities, a baseline and drift alerts, then the
// same step runs again in plan mode: nothing left to change.
// Uses the deploy step's endpoint when there is one (shared.endpointName / shared.inferenceTable,
// else an endpoint named churn-scoring with an inference table); otherwise seeds its own.
// Payload rows: the ones the fake endpoint logged for real requests (copied into the SQL engine,
// which the view is queried in) plus three days of traffic in all four request formats.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const TABLE = 'main.ml_mon.churn_inference';
const BASELINE = 'main.ml.churn_training';
const WAREHOUSE_ID = 'abcdef1234567890';

export async function run({ cloud, task, log, shared }) {
  const out = process.env.DEMO_OUT_DIR ?? 'out';
  const { copyLoggedPayload, insertPayloadRows, requestIn, seedUnpackableEndpoint, REQUEST_FORMATS } = require(join(root, out, 'tests/fake/seeds/payload.js'));
  const ws = cloud.workspace;
  ws.state.uc.addSchema('main.ml_mon');

  const source = await payloadSource(ws, shared, { copyLoggedPayload, seedUnpackableEndpoint });
  log(`  (demo setup: endpoint ${source.endpoint}, payload table ${source.payloadTable}${source.copied ? `, ${source.copied} logged request(s) copied` : ''})`);

  // Three days of traffic, one request of five records an hour, rotating through the formats.
  const now = Date.now();
  const rows = [];
  for (let h = 72; h > 0; h--) {
    const records = Array.from({ length: 5 }, (_, i) => ({ tenure: ((h * 7 + i * 13) % 72) + 1, monthly_charges: 20 + ((h * 11 + i * 17) % 90) }));
    rows.push({
      requestId: `demo-${h}`,
      clientRequestId: `order-${10_000 + h}`,
      time: new Date(now - h * 3_600_000),
      request: requestIn(REQUEST_FORMATS[h % REQUEST_FORMATS.length], records),
      response: { predictions: records.map((r) => (r.tenure < 12 && r.monthly_charges > 70 ? 1 : 0)) },
      servedEntityId: source.servedEntityId,
    });
  }
  await insertPayloadRows(ws, source.payloadTable, rows);
  await ws.state.sql.exec(`CREATE TABLE IF NOT EXISTS ${BASELINE} (tenure DOUBLE, monthly_charges DOUBLE, prediction BIGINT)`);
  await ws.state.sql.exec(`INSERT INTO ${BASELINE} VALUES (3, 80.5, 1), (24, 45.0, 0), (60, 99.9, 0), (8, 72.0, 1)`);

  const inputs = {
    tableName: TABLE,
    unpackFromEndpoint: source.endpoint,
    warehouseId: WAREHOUSE_ID,
    profileType: 'inferenceLog',
    problemType: 'classification',
    granularities: '1 hour, 1 day',
    baselineTableName: BASELINE,
    outputSchema: 'main.ml_mon',
    schedule: '0 0 6 * * ?',
    notifyEmails: 'mlops@contoso.com',
    driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com\nks_test.pvalue < 0.05 -> mlops@contoso.com, data-science@contoso.com',
  };
  const created = await task('DatabricksCreateMonitor', inputs, { title: 'unpack the inference table, create the monitor and its drift alerts' });
  if (created.result !== 'Succeeded') return false;
  const predictions = await ws.state.sql.exec(`SELECT COUNT(*) FROM ${TABLE}`);
  log(`  → ${TABLE} holds ${predictions.rows[0][0]} predictions; monitor via the ${created.outputs.monitorApiUsed} API, drift metrics in ${created.outputs.driftMetricsTable}.`);
  shared.monitoredTable = TABLE;
  shared.warehouseId = WAREHOUSE_ID;
  shared.outputSchema = 'main.ml_mon';
  shared.driftMetricsTable = created.outputs.driftMetricsTable;

  const replay = await task('DatabricksCreateMonitor', { ...inputs, dryRun: 'true' }, { title: 'the same step again in plan mode: nothing to change' });
  return replay.result === 'Succeeded';
}

/** The deploy step's endpoint and payload table when usable, else a seeded one. */
async function payloadSource(ws, shared, seeds) {
  const name = shared.endpointName ?? 'churn-scoring';
  const stored = ws.state.serving.get(name);
  const table = stored?.aiGateway?.inference_table_config;
  if (stored?.config && table?.enabled) {
    const payloadTable = shared.inferenceTable ?? `${table.catalog_name}.${table.schema_name}.${table.table_name_prefix ?? name.replace(/-/g, '_')}_payload`;
    const copied = await seeds.copyLoggedPayload(ws, payloadTable);
    // The entity with the most traffic: its rows are the ones the view is about.
    const routes = stored.config.routes ?? [];
    const main = [...stored.config.entities].sort((a, b) => traffic(routes, b) - traffic(routes, a))[0];
    return { endpoint: name, payloadTable, servedEntityId: main.id, copied };
  }
  const seeded = await seeds.seedUnpackableEndpoint(ws, { endpoint: stored ? 'churn-scoring-monitored' : name });
  return { ...seeded, copied: 0 };
}

function traffic(routes, entity) {
  return routes.find((r) => (r.served_entity_name ?? r.served_model_name) === entity.input.name)?.traffic_percentage ?? 0;
}
