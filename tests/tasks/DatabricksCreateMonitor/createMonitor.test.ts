/**
 * DatabricksCreateMonitor as the agent runs it: the bundled task spawned with the agent's env-var
 * contract against the fake cloud (time compressed 100×: the monitor's 60 s activation takes 0.6 s).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MonitorReportData } from '../../../shared/runtime/reportTypes';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { seedUnpackableEndpoint } from '../../fake/seeds/payload';
import { bundledTaskSuite, reportOf } from '../../helpers/bundledSuite';
import { logGroupsOf, type TaskRun } from '../../helpers/runTask';

const TASK = 'DatabricksCreateMonitor';
const TIME_SCALE = 0.01;
const TABLE = 'main.ml_mon.churn_inference';

describe('DatabricksCreateMonitor (bundled task)', function () {
  this.timeout(60_000);
  const suite = bundledTaskSuite(TASK, {
    timeScale: TIME_SCALE,
    inputs: () => ({ tableName: TABLE, outputSchema: 'main.ml_mon', notifyEmails: 'mlops@contoso.com', warehouseId: DEFAULT_WAREHOUSE_ID }),
    seed: (c) => void c.workspace.state.uc.addSchema('main.ml_mon'),
  });
  const ws = () => suite.cloud.workspace;

  const seedTable = () => ws().state.sql.exec(`CREATE TABLE ${TABLE} (\`timestamp\` TIMESTAMP, model_id STRING, tenure DOUBLE, plan STRING, prediction BIGINT, label BIGINT)`);
  /** Write calls; a read-only statement (the probe of system.serving.served_entities is a SELECT, allowed in plan mode) is a read. */
  const readOnlyStatement = (w: { path: string; body?: unknown }) =>
    w.path === '/api/2.0/sql/statements' && /^\s*SELECT\b/i.test((w.body as { statement?: string } | undefined)?.statement ?? '');
  const writes = () =>
    ws()
      .writeRequests()
      .filter((w) => !readOnlyStatement(w))
      .map((w) => `${w.method} ${w.path}`);
  const monitor = (inputs: Record<string, string>): Promise<TaskRun> => suite.run(inputs);
  const report = (run: TaskRun) => reportOf<MonitorReportData>(run);
  const summary = (run: TaskRun) => readFileSync(run.summaries[0]!, 'utf8');

  it('creates the monitor with the data quality API: outputs, summary and report', async () => {
    await seedTable();
    const run = await monitor({ labelColumn: 'label', granularities: '1 day' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const m = ws().state.monitors.get(TABLE)!;
    assert.deepEqual(run.outputs, {
      profileMetricsTable: 'main.ml_mon.churn_inference_profile_metrics',
      driftMetricsTable: 'main.ml_mon.churn_inference_drift_metrics',
      dashboardUrl: `${ws().url}/sql/dashboardsv3/${m.dashboardId}`,
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
    // The ACTIVE wait's poll lines sit in one closed group.
    assert.ok(
      logGroupsOf(run.stdout).some((g) => g.title === `Status of the monitor of ${TABLE}`),
      run.stdout,
    );
  });

  it('updates with a minimal mask, then a re-run with the same inputs makes no write call', async () => {
    await seedTable();
    assert.equal((await monitor({})).result, 'Succeeded');
    ws().reset();
    const update = await monitor({ schedule: '0 0 6 * * ?', timezone: 'Europe/Amsterdam' });
    assert.equal(update.result, 'Succeeded', update.stdout);
    const patch = ws().writeRequests();
    assert.deepEqual(
      patch.map((w) => [w.method, w.query.update_mask]),
      [['PATCH', 'data_profiling_config.schedule']],
    );
    assert.match(update.stdout, /- schedule: 0 0 0 \* \* \? \(UTC\)/);
    ws().reset();
    const again = await monitor({ schedule: '0 0 6 * * ?', timezone: 'Europe/Amsterdam' });
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.deepEqual(writes(), []);
    assert.match(again.resultMessage ?? '', /is up to date \(ACTIVE\); nothing changed/);
  });

  for (const [mode, code] of [
    ['endpointNotFound', 'ENDPOINT_NOT_FOUND'],
    ['featureDisabled', 'FEATURE_DISABLED'],
    ['featureNotEnabled', 'FEATURE_NOT_ENABLED'],
    ['notImplemented', 'NOT_IMPLEMENTED'],
  ] as const) {
    it(`falls back to the legacy API when the per-table v1 probe says it is unavailable (${code})`, async () => {
      await seedTable();
      ws().state.monitors.v1Mode = mode;
      const run = await monitor({});
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.equal(run.outputs.monitorApiUsed, 'legacy');
      assert.deepEqual(writes(), [`POST /api/2.1/unity-catalog/tables/${TABLE}/monitor`]);
      assert.match(summary(run), /legacy quality monitors API .*because the data quality API is not available here/);
      assert.match(run.stdout, new RegExp(`Decided by: GET /api/data-quality/v1/monitors/table/[0-9a-f-]+ \\(main\\.ml_mon\\.churn_inference\\) answered \\d+ ${code}`));
      assert.ok(!ws().requests.some((r) => r.path === '/api/data-quality/v1/monitors' && r.method === 'GET'), 'never the list call');
    });
  }

  it('the v1 probe: a 404 about the monitor means v1 is there (logged), and the list call is never made', async () => {
    await ws().state.sql.exec(`CREATE TABLE ${TABLE} (\`timestamp\` TIMESTAMP, model_id STRING, tenure DOUBLE, prediction BIGINT, proba DOUBLE)`);
    const created = await monitor({ predictionProbabilityColumn: 'proba' });
    assert.equal(created.result, 'Succeeded', created.stdout);
    assert.match(
      created.stdout,
      /Decided by: GET \/api\/data-quality\/v1\/monitors\/table\/[0-9a-f-]+ \(main\.ml_mon\.churn_inference\) answered 404 RESOURCE_DOES_NOT_EXIST about the monitor/,
    );
    assert.ok(!ws().requests.some((r) => r.path === '/api/data-quality/v1/monitors' && r.method === 'GET'));
    assert.equal(ws().state.monitors.get(TABLE)!.profile.predictionProba, 'proba');
    const post = ws()
      .writeRequests()
      .find((w) => w.method === 'POST')!;
    assert.equal(
      (post.body as { data_profiling_config: { inference_log: { prediction_probability_column: string } } }).data_profiling_config.inference_log.prediction_probability_column,
      'proba',
    );
  });

  it('predictionProbabilityColumn on the legacy API: sent as prediction_proba_col, with a note', async () => {
    await ws().state.sql.exec(`CREATE TABLE ${TABLE} (\`timestamp\` TIMESTAMP, model_id STRING, tenure DOUBLE, prediction BIGINT, proba DOUBLE)`);
    const run = await monitor({ monitorApi: 'legacy', predictionProbabilityColumn: 'proba' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(ws().state.monitors.get(TABLE)!.profile.predictionProba, 'proba');
    assert.match(summary(run), /legacy quality monitors API has no prediction\\_probability\\_column; it is sent as/);
  });

  for (const api of ['dataQuality', 'legacy'] as const) {
    it(`a lost create answer (${api}): read back, not created twice; the task succeeds`, async () => {
      await seedTable();
      const path = api === 'dataQuality' ? '/api/data-quality/v1/monitors' : `/api/2.1/unity-catalog/tables/${TABLE}/monitor`;
      const fault = ws().faults.add({ method: 'POST', path, kind: 'afterHandler', status: 504, body: { error_code: 'DEADLINE_EXCEEDED', message: 'Gateway timeout' } });
      const run = await monitor({ monitorApi: api });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.equal(fault.fired, 1);
      assert.equal(ws().requests.filter((r) => r.method === 'POST' && r.path === path).length, 1, 'the create was sent once');
      assert.ok(
        run.warnings.some((w) => /answer to the create of the monitor of main\.ml_mon\.churn_inference was lost .*it exists, so it was not created again/.test(w)),
        run.warnings.join('\n'),
      );
    });
  }

  it('"already exists" after a lost create answer is success when the monitor found matches', async () => {
    await seedTable();
    const path = `/api/2.1/unity-catalog/tables/${TABLE}/monitor`;
    ws().faults.add({ method: 'POST', path, kind: 'afterHandler', status: 504, body: { error_code: 'DEADLINE_EXCEEDED', message: 'Gateway timeout' } });
    // The read right after the lost answer does not see the new monitor yet (eventual consistency).
    ws().faults.add({
      method: 'GET',
      path,
      offset: 1,
      times: 1,
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Cannot find Monitor with ID: /metastores:x/tables:y/' },
    });
    const run = await monitor({ monitorApi: 'legacy' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const posts = ws().requests.filter((r) => r.method === 'POST' && r.path === path);
    assert.deepEqual(
      posts.map((r) => r.status),
      [504, 409],
    );
    assert.ok(
      run.warnings.some((w) => /sent again after a lost answer and the first one had been processed: it exists as asked for/.test(w)),
      run.warnings.join('\n'),
    );
  });

  it('a lost alert create answer: found by name, never a second alert', async () => {
    await seedTable();
    const fault = ws().faults.add({
      method: 'POST',
      path: '/api/2.0/alerts',
      kind: 'afterHandler',
      status: 504,
      body: { error_code: 'DEADLINE_EXCEEDED', message: 'Gateway timeout' },
    });
    const run = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(fault.fired, 1);
    assert.equal(ws().state.alerts.active().length, 1);
    assert.equal(ws().requests.filter((r) => r.method === 'POST' && r.path === '/api/2.0/alerts').length, 1);
    assert.ok(
      run.warnings.some((w) => /create of the alert .* was lost/.test(w)),
      run.warnings.join('\n'),
    );
  });

  it('legacy update keeps data_classification_config, on_new_classification_tag_detected and the dashboard', async () => {
    await seedTable();
    assert.equal((await monitor({ monitorApi: 'legacy' })).result, 'Succeeded');
    const m = ws().state.monitors.get(TABLE)!;
    m.dataClassification = { enabled: true };
    m.classificationTagNotify = { email_addresses: ['privacy@contoso.com'] };
    const dashboard = m.dashboardId;
    ws().reset();
    const run = await monitor({ monitorApi: 'legacy', schedule: '0 0 6 * * ?' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const put = ws()
      .writeRequests()
      .find((w) => w.method === 'PUT')!;
    const body = put.body as { dashboard_id?: string; data_classification_config?: object; notifications?: { on_new_classification_tag_detected?: object } };
    assert.equal(body.dashboard_id, dashboard);
    assert.deepEqual(body.data_classification_config, { enabled: true });
    assert.deepEqual(body.notifications?.on_new_classification_tag_detected, { email_addresses: ['privacy@contoso.com'] });
    const after = ws().state.monitors.get(TABLE)!;
    assert.deepEqual(
      [after.dataClassification, after.classificationTagNotify, after.schedule?.cron],
      [{ enabled: true }, { email_addresses: ['privacy@contoso.com'] }, '0 0 6 * * ?'],
    );
  });

  it('forced legacy uses the legacy API even where v1 is available', async () => {
    await seedTable();
    const run = await monitor({ monitorApi: 'legacy' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(run.outputs.monitorApiUsed, 'legacy');
    assert.ok(!ws().requests.some((r) => r.path.startsWith('/api/data-quality/')), 'no v1 request at all');
  });

  it('a change of assets_dir fails with a delete-and-recreate hint and writes nothing', async () => {
    await seedTable();
    assert.equal((await monitor({})).result, 'Succeeded');
    ws().reset();
    const run = await monitor({ assetsDir: '/Workspace/Shared/monitoring/churn' });
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /cannot be updated in place: assets_dir is .* or delete the monitor .* and run the task again/);
    assert.deepEqual(writes(), []);
  });

  it("a monitor that ends in ERROR fails the task with the monitor's message", async () => {
    await seedTable();
    ws().state.monitors.failNextCreate = { status: 'ERROR', message: 'The baseline table has no column tenure.' };
    const run = await monitor({});
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /The monitor of main\.ml_mon\.churn_inference is ERROR: The baseline table has no column tenure\./);
    assert.equal(report(run).data.status, 'ERROR');
  });

  it('unpackFromEndpoint: the view unpacks every request format, queried for real; the monitor is on the view', async () => {
    const seeded = await seedUnpackableEndpoint(ws());
    const run = await monitor({ unpackFromEndpoint: seeded.endpoint, refreshAfterCreate: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const rows = await ws().state.sql.exec(`SELECT databricks_request_id, COUNT(*), SUM(tenure), SUM(prediction) FROM ${TABLE} GROUP BY databricks_request_id ORDER BY 1`);
    assert.deepEqual(rows.rows, [
      ['dataframe_records', '2', '101', '1'],
      ['dataframe_split', '2', '103', '1'],
      ['inputs', '2', '107', '1'],
      ['instances', '2', '105', '1'],
    ]);
    assert.equal(ws().state.monitors.get(TABLE)!.refreshes.length, 1);
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
    const alerts = () => ws().state.alerts.active();
    assert.deepEqual(
      alerts().map((a) => a.display_name),
      [`[mlops] ${TABLE}: population_stability_index >= 0.2`],
    );
    ws().reset();
    const update = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com, ds@contoso.com' });
    assert.equal(update.result, 'Succeeded', update.stdout);
    assert.deepEqual(
      ws()
        .writeRequests()
        .map((w) => `${w.method} ${w.query.update_mask}`),
      ['PATCH evaluation'],
    );
    ws().reset();
    const again = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com, ds@contoso.com' });
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.deepEqual(writes(), []);
    assert.equal(alerts().length, 1);
    assert.match(summary(again), /\| \[\\\[mlops\\\] main\.ml\\_mon\.churn\\_inference: population\\_stability\\_index \\>= 0\.2\]\(https:\/\/.*\/sql\/alerts-v2\/[0-9a-f-]+\) \|/);
  });

  it('drift alerts notify notification destinations by name (Slack, webhook) next to e-mail addresses', async () => {
    await seedTable();
    const slack = ws().state.alerts.addDestination('MLOps Slack', 'SLACK');
    const hook = ws().state.alerts.addDestination('Incident webhook', 'WEBHOOK');
    const run = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com, destination:MLOps Slack, destination:Incident webhook' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const [alert] = ws().state.alerts.active();
    assert.deepEqual(alert!.evaluation.notification?.subscriptions, [{ user_email: 'mlops@contoso.com' }, { destination_id: slack.id }, { destination_id: hook.id }]);
    assert.equal(alert!.display_name, `[mlops] ${TABLE}: population_stability_index >= 0.2`);
    assert.match(run.stdout, /Notification destinations: MLOps Slack \(SLACK, [0-9a-f-]+\), Incident webhook \(WEBHOOK/);
    ws().reset();
    const again = await monitor({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com, destination:MLOps Slack, destination:Incident webhook' });
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.deepEqual(writes(), [], 'the same destinations: nothing to update');
  });

  it('a settings-file drift alert mapping is read as it is: its e-mail list keeps a destination name that holds a comma', async () => {
    // Until the settings file's values were read typed, the mapping became the rule text
    // "… -> mlops@contoso.com, destination:Slack, MLOps on-call", split again at every comma.
    await seedTable();
    const slack = ws().state.alerts.addDestination('Slack, MLOps on-call', 'SLACK');
    const dir = mkdtempSync(join(tmpdir(), 'create-monitor-settings-'));
    const configFile = join(dir, 'mlops.yml');
    writeFileSync(
      configFile,
      [
        'environments:',
        '  prod:',
        '    monitoring:',
        '      driftAlerts:',
        '        - metric: population_stability_index',
        '          op: ">="',
        '          threshold: 0.2',
        '          emails: [mlops@contoso.com, "destination:Slack, MLOps on-call"]',
        '',
      ].join('\n'),
    );
    const run = await monitor({ configFile });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const created = ws().requests.filter((r) => r.method === 'POST' && r.path === '/api/2.0/alerts');
    assert.equal(created.length, 1, run.stdout);
    const body = created[0]!.body as { display_name: string; evaluation: { notification?: { subscriptions?: unknown[] } } };
    assert.equal(body.display_name, `[mlops] ${TABLE}: population_stability_index >= 0.2`);
    assert.deepEqual(body.evaluation.notification?.subscriptions, [{ user_email: 'mlops@contoso.com' }, { destination_id: slack.id }]);
  });

  it('an unknown notification destination is refused before any write, listing the available names', async () => {
    await seedTable();
    ws().state.alerts.addDestination('MLOps Slack', 'SLACK');
    ws().state.alerts.addDestination('On-call PagerDuty', 'PAGERDUTY');
    const run = await monitor({ driftAlerts: 'js_distance > 0.1 -> destination:MLOps Teams' });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage ?? '',
      /driftAlerts: there is no notification destination named "MLOps Teams"\. Available: "MLOps Slack" \(SLACK\), "On-call PagerDuty" \(PAGERDUTY\)\./,
    );
    assert.deepEqual(writes(), []);
    assert.equal(ws().state.monitors.get(TABLE), undefined);
  });

  it('dryRun: the plan in the log and the summary, zero write calls', async () => {
    const seeded = await seedUnpackableEndpoint(ws());
    const run = await monitor({ dryRun: 'true', unpackFromEndpoint: seeded.endpoint, driftAlerts: 'js_distance > 0.1 -> mlops@contoso.com' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.match(run.resultMessage ?? '', /Plan mode \(dryRun\): 3 change\(s\) planned/);
    assert.match(run.stdout, /\+ view main\.ml_mon\.churn_inference/);
    assert.match(summary(run), /\*\*Plan mode \(dryRun\):\*\* nothing was written\./);
    assert.equal(report(run).dryRun, true);
    assert.deepEqual(writes(), []);
    assert.equal(ws().state.monitors.get(TABLE), undefined);
  });

  for (const storageMode of ['CUSTOMER_HOSTED', 'DEFAULT_STORAGE'] as const) {
    it(`unpackFromEndpoint with the Files API route off (${storageMode}): the served version's MLmodel is read as MLflow reads it, only reads`, async () => {
      const seeded = await seedUnpackableEndpoint(ws());
      ws().state.ucModels.filesApiForModels = 'flagOff';
      ws().state.ucModels.storageMode = storageMode;
      const run = await monitor({ dryRun: 'true', unpackFromEndpoint: seeded.endpoint });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.match(run.stdout, /\+ view main\.ml_mon\.churn_inference/);
      const credentials = ws().requests.filter((r) => r.path.endsWith('/model-versions/generate-temporary-credentials'));
      assert.ok(credentials.length > 0 && credentials.every((r) => (r.body as { operation: string }).operation === 'MODEL_VERSION_OPERATION_READ'));
      assert.ok(!ws().requests.some((r) => r.method === 'GET' && r.path.startsWith('/api/2.0/fs/files/Models/')), 'not through the Files API');
      const presigned = ws().requests.filter((r) => r.path === '/api/2.0/fs/create-download-url');
      assert.equal(presigned.length, storageMode === 'DEFAULT_STORAGE' ? 1 : 0);
      const storageGets = ws().state.objects.storageRequests.filter((r) => r.method === 'GET' && r.path.endsWith('/MLmodel'));
      assert.equal(storageGets.length, 1);
      assert.ok(storageGets.every((r) => r.status === 200 && !r.authorization));
      assert.deepEqual(
        writes().filter((w) => !/generate-temporary-credentials|create-download-url/.test(w)),
        [],
      );
    });
  }

  const badInputs: Array<[string, Record<string, string>, RegExp]> = [
    ['granularity 2 days', { granularities: '2 days' }, /granularities/],
    ['six e-mail addresses', { notifyEmails: 'a@x.com,b@x.com,c@x.com,d@x.com,e@x.com,f@x.com' }, /notifyEmails/],
    ['an invalid Quartz expression', { schedule: '0 0 25 * * ?' }, /schedule/],
    ['outputSchema not two-part', { outputSchema: 'main' }, /outputSchema/],
    ['a driftAlerts rule that does not parse', { driftAlerts: 'psi >> 0.2 mlops@contoso.com' }, /driftAlerts/],
    ['a driftAlerts destination without a name', { driftAlerts: 'js_distance > 0.1 -> destination:' }, /driftAlerts.*names no destination/],
    [
      'predictionProbabilityColumn on a snapshot',
      { profileType: 'snapshot', predictionProbabilityColumn: 'proba' },
      /Input 'predictionProbabilityColumn' .*: applies to inference-log monitors only/,
    ],
    ['predictionProbabilityColumn not a column name', { predictionProbabilityColumn: 'pro ba;' }, /predictionProbabilityColumn/],
    [
      'predictionProbabilityColumn equal to predictionColumn',
      { predictionProbabilityColumn: 'prediction' },
      /Input 'predictionProbabilityColumn' .*: must differ from predictionColumn/,
    ],
  ];
  for (const [what, inputs, input] of badInputs) {
    it(`bad input (${what}) fails before any request`, async () => {
      const run = await monitor(inputs);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', input);
      assert.deepEqual(ws().requests, []);
    });
  }
});
