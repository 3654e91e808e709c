/**
 * DatabricksCreateMonitor as the agent runs it: the bundled task spawned with the agent's env-var
 * contract against the fake cloud (time compressed 100×: the monitor's 60 s activation takes 0.6 s).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { MonitorReportData } from '../../../shared/runtime/reportTypes';
import { FakeCloud } from '../../fake/cloud';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { seedUnpackableEndpoint } from '../../fake/seeds/payload';
import { runTask, type TaskRun } from '../../helpers/runTask';

const TASK = 'DatabricksCreateMonitor';
const TIME_SCALE = 0.01;
const TABLE = 'main.ml_mon.churn_inference';

describe('DatabricksCreateMonitor (bundled task)', function () {
  this.timeout(60_000);
  let cloud: FakeCloud;
  let conn: ReturnType<FakeCloud['taskConnection']>;

  before(async () => {
    cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  });
  after(async () => cloud.close());
  beforeEach(() => {
    cloud.workspace.resetAll();
    conn = cloud.taskConnection('WorkloadIdentityFederation');
    cloud.workspace.state.uc.addSchema('main.ml_mon');
  });

  const seedTable = () => cloud.workspace.state.sql.exec(`CREATE TABLE ${TABLE} (\`timestamp\` TIMESTAMP, model_id STRING, tenure DOUBLE, plan STRING, prediction BIGINT, label BIGINT)`);
  const writes = () => cloud.workspace.writeRequests().map((w) => `${w.method} ${w.path}`);

  function monitor(inputs: Record<string, string>): Promise<TaskRun> {
    return runTask({
      task: TASK,
      env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
      inputs: { ...conn.inputs, tableName: TABLE, outputSchema: 'main.ml_mon', notifyEmails: 'mlops@contoso.com', warehouseId: DEFAULT_WAREHOUSE_ID, ...inputs },
    });
  }

  function report(run: TaskRun): { kind: string; result: string; dryRun: boolean; data: MonitorReportData } {
    const a = run.attachments.find((x) => x.type === 'databricks-mlops-report');
    assert.ok(a, 'a report attachment');
    return JSON.parse(readFileSync(a.path, 'utf8'));
  }

  const summary = (run: TaskRun) => readFileSync(run.summaries[0]!, 'utf8');

  it('creates the monitor with the data quality API: outputs, summary and report', async () => {
    await seedTable();
    const run = await monitor({ labelColumn: 'label', granularities: '1 day' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const m = cloud.workspace.state.monitors.get(TABLE)!;
    assert.deepEqual(run.outputs, {
      profileMetricsTable: 'main.ml_mon.churn_inference_profile_metrics',
      driftMetricsTable: 'main.ml_mon.churn_inference_drift_metrics',
      dashboardUrl: `${cloud.workspace.url}/sql/dashboardsv3/${m.dashboardId}`,
      monitorApiUsed: 'dataQuality',
    });
    const s = summary(run);
    assert.match(s, /## ✅ Data quality monitor of `main\.ml\\_mon\.churn\\_inference`/);
    assert.match(s, /\*\*Monitor API:\*\* data quality API .*available in this workspace/);
    assert.match(s, /\*\*Drift metrics:\*\* `main\.ml\\_mon\.churn\\_inference\\_drift\\_metrics`/);
    assert.match(s, /\[open the monitor's dashboard\]\(https:\/\/127\.0\.0\.1:\d+\/sql\/dashboardsv3\//);
    const r = report(run);
    assert.equal(r.kind, 'monitor');
    assert.equal(r.data.action, 'create');
    assert.equal(r.data.status, 'ACTIVE');
    assert.ok(run.progress.length > 0, 'progress while waiting');
  });

  it('updates with a minimal mask, then a re-run with the same inputs makes no write call', async () => {
    await seedTable();
    assert.equal((await monitor({})).result, 'Succeeded');
    cloud.workspace.reset();
    const update = await monitor({ schedule: '0 0 6 * * ?', timezone: 'Europe/Amsterdam' });
    assert.equal(update.result, 'Succeeded', update.stdout);
    const patch = cloud.workspace.writeRequests();
    assert.deepEqual(patch.map((w) => [w.method, w.query.update_mask]), [['PATCH', 'data_profiling_config.schedule']]);
    assert.match(update.stdout, /- schedule: 0 0 0 \* \* \? \(UTC\)/);
    cloud.workspace.reset();
    const again = await monitor({ schedule: '0 0 6 * * ?', timezone: 'Europe/Amsterdam' });
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.deepEqual(writes(), []);
    assert.match(again.resultMessage ?? '', /is up to date \(ACTIVE\); nothing changed/);
  });

  for (const mode of ['endpointNotFound', 'featureDisabled'] as const) {
    it(`falls back to the legacy API when v1 is unavailable (${mode})`, async () => {
      await seedTable();
      cloud.workspace.state.monitors.v1Mode = mode;
      const run = await monitor({});
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.equal(run.outputs.monitorApiUsed, 'legacy');
      assert.deepEqual(writes(), [`POST /api/2.1/unity-catalog/tables/${TABLE}/monitor`]);
      assert.match(summary(run), /legacy quality monitors API .*because the data quality API is not available here/);
    });
  }

  it('forced legacy uses the legacy API even where v1 is available', async () => {
    await seedTable();
    const run = await monitor({ monitorApi: 'legacy' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(run.outputs.monitorApiUsed, 'legacy');
    assert.ok(!cloud.workspace.requests.some((r) => r.path.startsWith('/api/data-quality/')), 'no v1 request at all');
  });

  it('a change of assets_dir fails with a delete-and-recreate hint and writes nothing', async () => {
    await seedTable();
    assert.equal((await monitor({})).result, 'Succeeded');
    cloud.workspace.reset();
    const run = await monitor({ assetsDir: '/Workspace/Shared/monitoring/churn' });
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /cannot be updated in place: assets_dir is .* or delete the monitor .* and run the task again/);
    assert.deepEqual(writes(), []);
  });

  it('a monitor that ends in ERROR fails the task with the monitor\'s message', async () => {
    await seedTable();
    cloud.workspace.state.monitors.failNextCreate = { status: 'ERROR', message: 'The baseline table has no column tenure.' };
    const run = await monitor({});
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /The monitor of main\.ml_mon\.churn_inference is ERROR: The baseline table has no column tenure\./);
    assert.equal(report(run).data.status, 'ERROR');
  });

  it('unpackFromEndpoint: the view unpacks every request format, queried for real; the monitor is on the view', async () => {
    const seeded = await seedUnpackableEndpoint(cloud.workspace);
    const run = await monitor({ unpackFromEndpoint: seeded.endpoint, refreshAfterCreate: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const rows = await cloud.workspace.state.sql.exec(`SELECT databricks_request_id, COUNT(*), SUM(tenure), SUM(prediction) FROM ${TABLE} GROUP BY databricks_request_id ORDER BY 1`);
    assert.deepEqual(rows.rows, [
      ['dataframe_records', '2', '101', '1'],
      ['dataframe_split', '2', '103', '1'],
      ['inputs', '2', '107', '1'],
      ['instances', '2', '105', '1'],
    ]);
    assert.equal(cloud.workspace.state.monitors.get(TABLE)!.refreshes.length, 1);
    const r = report(run).data;
    assert.deepEqual(r.unpackView?.features, ['tenure', 'monthly_charges']);
    assert.equal(r.refreshStarted, true);
    assert.match(summary(run), /\*\*View:\*\* `main\.ml\\_mon\.churn\\_inference` unpacks `main\.ml\\_logs\.churn\\_scoring\\_payload`/);
  });

  it('drift alerts: created, then updated in place, never duplicated on a re-run', async () => {
    await seedTable();
    const first = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com' });
    assert.equal(first.result, 'Succeeded', first.stdout);
    assert.deepEqual(first.warnings, [], 'no warning when no alert of the same name exists');
    const alerts = () => cloud.workspace.state.alerts.active();
    assert.deepEqual(alerts().map((a) => a.display_name), [`[mlops] ${TABLE}: population_stability_index >= 0.2`]);
    cloud.workspace.reset();
    const update = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com, ds@contoso.com' });
    assert.equal(update.result, 'Succeeded', update.stdout);
    assert.deepEqual(cloud.workspace.writeRequests().map((w) => `${w.method} ${w.query.update_mask}`), ['PATCH evaluation']);
    cloud.workspace.reset();
    const again = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com, ds@contoso.com' });
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.deepEqual(writes(), []);
    assert.equal(alerts().length, 1);
    assert.match(summary(again), /\| \[\\\[mlops\\\] main\.ml\\_mon\.churn\\_inference: population\\_stability\\_index \\>= 0\.2\]\(https:\/\/.*\/sql\/alerts-v2\/[0-9a-f-]+\) \|/);
  });

  it('dryRun: the plan in the log and the summary, zero write calls', async () => {
    const seeded = await seedUnpackableEndpoint(cloud.workspace);
    const run = await monitor({ dryRun: 'true', unpackFromEndpoint: seeded.endpoint, driftAlerts: 'js_distance > 0.1 -> mlops@contoso.com' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.match(run.resultMessage ?? '', /Plan mode \(dryRun\): 3 change\(s\) planned/);
    assert.match(run.stdout, /\+ view main\.ml_mon\.churn_inference/);
    assert.match(summary(run), /\*\*Plan mode \(dryRun\):\*\* nothing was written\./);
    assert.equal(report(run).dryRun, true);
    assert.deepEqual(writes(), []);
    assert.equal(cloud.workspace.state.monitors.get(TABLE), undefined);
  });

  for (const storageMode of ['CUSTOMER_HOSTED', 'DEFAULT_STORAGE'] as const) {
    it(`unpackFromEndpoint with the Files API route off (${storageMode}): the served version's MLmodel is read as MLflow reads it, only reads`, async () => {
      const seeded = await seedUnpackableEndpoint(cloud.workspace);
      cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      cloud.workspace.state.ucModels.storageMode = storageMode;
      const run = await monitor({ dryRun: 'true', unpackFromEndpoint: seeded.endpoint });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.match(run.stdout, /\+ view main\.ml_mon\.churn_inference/);
      const credentials = cloud.workspace.requests.filter((r) => r.path.endsWith('/model-versions/generate-temporary-credentials'));
      assert.ok(credentials.length > 0 && credentials.every((r) => (r.body as { operation: string }).operation === 'MODEL_VERSION_OPERATION_READ'));
      assert.ok(!cloud.workspace.requests.some((r) => r.method === 'GET' && r.path.startsWith('/api/2.0/fs/files/Models/')), 'not through the Files API');
      const presigned = cloud.workspace.requests.filter((r) => r.path === '/api/2.0/fs/create-download-url');
      assert.equal(presigned.length, storageMode === 'DEFAULT_STORAGE' ? 1 : 0);
      const storageGets = cloud.workspace.state.objects.storageRequests.filter((r) => r.method === 'GET' && r.path.endsWith('/MLmodel'));
      assert.equal(storageGets.length, 1);
      assert.ok(storageGets.every((r) => r.status === 200 && !r.authorization));
      assert.deepEqual(writes().filter((w) => !/generate-temporary-credentials|create-download-url/.test(w)), []);
    });
  }

  const badInputs: Array<[string, Record<string, string>, RegExp]> = [
    ['granularity 2 days', { granularities: '2 days' }, /granularities/],
    ['six e-mail addresses', { notifyEmails: 'a@x.com,b@x.com,c@x.com,d@x.com,e@x.com,f@x.com' }, /notifyEmails/],
    ['an invalid Quartz expression', { schedule: '0 0 25 * * ?' }, /schedule/],
    ['outputSchema not two-part', { outputSchema: 'main' }, /outputSchema/],
    ['a driftAlerts rule that does not parse', { driftAlerts: 'psi >> 0.2 mlops@contoso.com' }, /driftAlerts/],
  ];
  for (const [what, inputs, input] of badInputs) {
    it(`bad input (${what}) fails before any request`, async () => {
      const run = await monitor(inputs);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', input);
      assert.deepEqual(cloud.workspace.requests, []);
    });
  }
});
