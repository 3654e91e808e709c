// Demo step (npm start): refresh the monitor and gate on drift, as a pipeline would after new
// inference data arrived. The monitor comes from the monitor step (shared.monitoredTable) when
// there is one, else a monitored table with a few days of metrics is seeded here. The fake is
// told that the newest data shifted on one feature, so the gate has drift to find: the run uses
// onDrift: warn, and ending SucceededWithIssues with driftDetected = true is the expected outcome.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const FALLBACK_TABLE = 'main.ml_mon.churn_inference';

/** The monitored table to refresh: the monitor step's, or one seeded here. */
async function monitoredTable(ws, shared, log) {
  const fromStep = typeof shared.monitoredTable === 'string' ? shared.monitoredTable : shared.monitoredTable?.tableName;
  if (fromStep && ws.state.monitors.get(fromStep)) return fromStep;
  const { seedMonitoredTable } = require(join(root, 'out/tests/tasks/DatabricksRefreshMonitors/seed.js'));
  const table = ws.state.uc.getTable(FALLBACK_TABLE) ? `${FALLBACK_TABLE}_demo` : FALLBACK_TABLE;
  log(`(no monitor from an earlier step: seeding ${table} with a monitor and two days of metrics)`);
  await seedMonitoredTable(ws, { table, pastRefreshes: 2 });
  return table;
}

/** The first profiled feature of the monitored table (not the timestamp, model id, prediction or label). */
function featureColumn(ws, monitor) {
  const p = monitor.profile;
  const roles = new Set([p.timestamp, p.modelId, p.prediction, p.predictionProba, p.label].filter(Boolean));
  // Request ids (kept in the unpacked view to join labels later) are not features.
  return (ws.state.uc.getTable(monitor.tableName)?.columns ?? []).map((c) => c.name).find((name) => !roles.has(name) && !/_request_id$/.test(name));
}

export async function run({ cloud, task, log, shared }) {
  const ws = cloud.workspace;
  const { DEFAULT_WAREHOUSE_ID } = require(join(root, 'out/tests/fake/routes/sql.js'));
  const table = await monitoredTable(ws, shared, log);
  const monitor = ws.state.monitors.get(table);
  const store = ws.state.monitors;
  const succeeded = () => monitor.refreshes.filter((r) => store.refreshState(r) === 'SUCCESS').length;
  // Consecutive drift compares two windows; without a baseline the gate needs one refresh before this one.
  const driftType = monitor.baselineTableName ? 'BASELINE' : 'CONSECUTIVE';
  if (driftType === 'CONSECUTIVE' && succeeded() < 1) {
    const first = await task('DatabricksRefreshMonitors', { tables: table }, { title: 'refresh only (first window of metrics)' });
    if (first.result !== 'Succeeded') {
      log(`Unexpected: the refresh-only run ended ${first.result}.`);
      return false;
    }
  }

  const feature = featureColumn(ws, monitor);
  if (!feature) {
    log(`Unexpected: ${table} has no feature column to profile.`);
    return false;
  }
  log(`(the newest inference data shifts on "${feature}": the next refresh computes PSI 0.31 for it)`);
  store.driftSeverity.set(monitor.tableName, (c) => (c.column === feature && c.window === c.windows - 1 ? 0.31 : 0.03));

  const run = await task(
    'DatabricksRefreshMonitors',
    {
      tables: table,
      warehouseId: DEFAULT_WAREHOUSE_ID,
      driftType,
      thresholds: 'population_stability_index >= 0.2\nks_test.pvalue < 0.05\nchi_squared_test.pvalue < 0.05',
      excludeColumns: 'databricks_request_id, client_request_id',
      onDrift: 'warn',
      onInsufficientData: 'warn',
    },
    { title: `refresh and drift gate (${driftType}, onDrift: warn)` },
  );
  const asExpected = run.result === 'SucceededWithIssues' && run.outputs.driftDetected === 'true';
  log(
    asExpected
      ? `As expected: drift on ${run.outputs.driftedColumns}; with onDrift: warn the pipeline goes on with a warning (onDrift: fail would stop it).`
      : `Unexpected: the drift gate ended ${run.result} (driftDetected = ${run.outputs.driftDetected}).`,
  );
  return asExpected;
}
