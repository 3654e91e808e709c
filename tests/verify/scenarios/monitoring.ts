/**
 * DatabricksCreateMonitor and DatabricksRefreshMonitors scenarios over the fake's monitors,
 * SQL engine and alerts: an inference-log monitor created on a payload-like table (waiting for
 * ACTIVE), with and without a drift alert, and a refresh of an existing monitor (with a
 * baseline) waited on and gated on drift.
 */
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import type { FakeCloud } from '../../fake/cloud';
import type { FakeWorkspace } from '../../fake/workspace';
import type { FuzzSpec, Scenario } from '../types';

const TABLE = 'main.ml_mon.churn_inference';
const OUTPUT_SCHEMA = 'main.ml_mon';
/** The fake's PENDING → ACTIVE time and refresh phases (MonitorStore), in task time. */
const ACTIVATION_MS = 60_000;
const REFRESH_MS = 10_000 + 5 * 60_000;
const SQL_STATEMENTS = { method: 'POST', path: /^\/api\/2\.0\/sql\/statements\/?$/ };

async function seedTable(cloud: FakeCloud): Promise<void> {
  const ws = cloud.workspace;
  ws.state.uc.addSchema(OUTPUT_SCHEMA);
  await ws.state.sql.exec(`CREATE TABLE ${TABLE} (\`timestamp\` TIMESTAMP, model_id STRING, age DOUBLE, plan STRING, prediction BIGINT, label BIGINT)`);
}

function monitorCounts(ws: FakeWorkspace): Record<string, number> {
  const monitors = ws.state.monitors.all();
  const active = monitors.flatMap((m) => m.refreshes).filter((r) => ['PENDING', 'RUNNING'].includes(ws.state.monitors.refreshState(r))).length;
  return { monitors: monitors.length, activeRefreshes: active, alerts: ws.state.alerts?.active().length ?? 0 };
}

const createInputs = {
  tableName: TABLE,
  outputSchema: OUTPUT_SCHEMA,
  labelColumn: 'label',
  notifyEmails: 'mlops@contoso.com',
};

export function monitoringScenarios(timeScale: number): Scenario[] {
  return [
    {
      task: 'DatabricksCreateMonitor',
      name: 'create-with-drift-alert',
      prepare: async (cloud) => {
        await seedTable(cloud);
        return { ...createInputs, warehouseId: DEFAULT_WAREHOUSE_ID, driftAlerts: 'population_stability_index > 0.2 -> mlops@contoso.com' };
      },
      counts: monitorCounts,
      readOnlyCalls: [SQL_STATEMENTS],
      waits: [{ name: 'active', line: /waiting until ACTIVE/, realMs: ACTIVATION_MS * timeScale }],
    },
    {
      task: 'DatabricksCreateMonitor',
      name: 'create-inference-monitor',
      prepare: async (cloud) => {
        await seedTable(cloud);
        return { ...createInputs };
      },
      counts: monitorCounts,
      waits: [{ name: 'active', line: /waiting until ACTIVE/, realMs: ACTIVATION_MS * timeScale }],
    },
    {
      task: 'DatabricksRefreshMonitors',
      name: 'refresh-and-gate',
      prepare: async (cloud) => {
        await seedTable(cloud);
        const ws = cloud.workspace;
        const table = ws.state.uc.getTable(TABLE)!;
        const schema = ws.state.uc.getSchema(OUTPUT_SCHEMA)!;
        const activation = ws.state.monitors.activationMs;
        ws.state.monitors.activationMs = 0;
        await ws.state.monitors.create({
          tableName: TABLE,
          tableId: table.table_id!,
          outputSchemaName: OUTPUT_SCHEMA,
          outputSchemaId: schema.schema_id!,
          assetsDir: `/Workspace/Shared/lakehouse_monitoring/${TABLE}`,
          profile: {
            kind: 'inference_log',
            problemType: 'CLASSIFICATION',
            prediction: 'prediction',
            label: 'label',
            modelId: 'model_id',
            timestamp: 'timestamp',
            granularities: ['1 day'],
          },
          // A baseline gives the first refresh's window something to compare with.
          baselineTableName: 'main.ml_mon.churn_baseline',
          slicingExprs: [],
          customMetrics: [],
          emails: [],
        });
        ws.state.monitors.activationMs = activation;
        return { tables: TABLE, warehouseId: DEFAULT_WAREHOUSE_ID, driftType: 'BASELINE', thresholds: 'population_stability_index >= 0.2' };
      },
      counts: monitorCounts,
      readOnlyCalls: [SQL_STATEMENTS],
      perRunActions: [{ method: 'POST', path: /\/refreshes\/?$/ }],
      waits: [{ name: 'refresh', line: /started refresh \S+/, realMs: REFRESH_MS * timeScale }],
    },
  ];
}

export const createMonitorFuzz: FuzzSpec = {
  task: 'DatabricksCreateMonitor',
  base: () => ({ ...createInputs }),
  names: ['tableName', 'outputSchema', 'predictionColumn', 'labelColumn', 'warehouseId'],
  invalid: {
    tableName: ['', 'churn_inference', 'main.ml_mon', 'a.b.c.d'],
    outputSchema: ['', 'main', 'a.b.c'],
    granularities: ['1 day, 1 day', '2 days', 'hourly'],
    assetsDir: ['relative/dir', '/tmp/x', 'C:\\x'],
    schedule: ['0 0 0 * *', '61 0 0 * * ?', '* * * * * * * *', 'every day'],
    timezone: ['Mars/Olympus', 'UTC+25', 'Europe/Nowhere'],
    notifyEmails: ['a@b.co, nope', 'x@y.z,a@b.c,c@d.e,e@f.g,g@h.i,i@j.k'],
    driftAlerts: ['population_stability_index >> 0.2 -> a@b.co', 'psi >= x -> a@b.co', 'population_stability_index >= 0.2'],
    timeoutMinutes: ['0', '121', 'soon'],
  },
};

export const refreshMonitorsFuzz: FuzzSpec = {
  task: 'DatabricksRefreshMonitors',
  base: () => ({ tables: TABLE, warehouseId: DEFAULT_WAREHOUSE_ID, thresholds: 'population_stability_index >= 0.2' }),
  names: ['tables', 'schemaName', 'warehouseId'],
  invalid: {
    tables: ['', 'churn_inference', 'main.ml_mon', 'a.b.c.d'],
    schemaName: ['main', 'a.b.c'],
    concurrency: ['0', '51', '2.5', 'many'],
    timeoutMinutes: ['0', '1441', 'soon'],
    // Not an unknown name such as not_a_metric: that may be a custom metric, which only the monitor can refuse.
    thresholds: ['population_stability_index >> 0.2', 'population_stability_indx >= 0.2', 'ks_test >= 0.2', 'population_stability_index >= high', 'psi'],
    evaluationWindows: ['0', '101', 'x'],
    violationWindows: ['0', '5', 'y'],
  },
};
