/**
 * DatabricksDeployServing as the agent runs it: the bundled task spawned with the agent's env-var
 * contract against the fake cloud (time compressed 100×: a 60 s rollout takes 0.6 s).
 */
import assert from 'node:assert/strict';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { seedModel, seedServingEndpoint } from '../../fake/seeds/serving';
import { bundledTaskSuite, reportOf, summaryOf } from '../../helpers/bundledSuite';
import { logGroupsOf, sigtermWhen, type RunTaskOptions, type TaskRun } from '../../helpers/runTask';
import { readRecord } from '../../../tasks/DatabricksDeployServing/src/rollbackRecord';

const TASK = 'DatabricksDeployServing';
const TIME_SCALE = 0.01;
const EP = 'churn-scoring';
const MODEL = 'main.ml.churn_model';

describe('DatabricksDeployServing (bundled task)', function () {
  this.timeout(60_000);
  const suite = bundledTaskSuite(TASK, {
    timeScale: TIME_SCALE,
    inputs: () => ({
      endpointName: EP,
      modelName: MODEL,
      inferenceCatalog: 'main',
      inferenceSchema: 'ml_logs',
      tags: 'owner=mlops',
      smokeTestPayload: '{"dataframe_records": [{"tenure": 3, "charges": 70.5}]}',
    }),
    seed: (cloud) => seedModel(cloud.workspace, { fullName: MODEL, latestVersion: 8, aliases: { champion: 7 } }),
  });
  const deploy = (inputs: Record<string, string>, opts: Partial<RunTaskOptions> = {}): Promise<TaskRun> => suite.run(inputs, opts);
  const report = (run: TaskRun) => reportOf<{ action: string; after: Array<{ name: string; trafficPercent: number }>; rollback?: { succeeded: boolean } }>(run);

  it('creates the endpoint: outputs, summary and report', async () => {
    const run = await deploy({ modelAlias: 'champion', rateLimitPerMinute: '100' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(run.outputs, {
      endpointUrl: `${suite.cloud.workspace.url}/serving-endpoints/${EP}/invocations`,
      endpointId: suite.cloud.workspace.state.serving.get(EP)!.id,
      servedEntityName: 'churn_model-7',
      servedVersion: '7',
      inferenceTableName: 'main.ml_logs.churn_scoring_payload',
    });
    const summary = summaryOf(run);
    assert.deepEqual(run.summaryTitles, ['Databricks - deploy churn-scoring'], 'the run page titles the section by what the step did');
    assert.match(summary, /## ✅ Serving endpoint `churn-scoring`/);
    assert.match(summary, /\| churn\\_model-7 \| main\.ml\.churn\\_model \| 7 \| 100% \| DEPLOYMENT\\_READY \|/);
    assert.match(summary, /\*\*Inference table:\*\* `main\.ml\\_logs\.churn\\_scoring\\_payload`/);
    assert.match(summary, /\*\*Time to ready:\*\* 1 min \d+ s/);
    assert.match(summary, /\/ml\/endpoints\/churn-scoring\)/);
    const r = report(run);
    assert.equal(r.kind, 'deployment');
    assert.equal(r.data.action, 'create');
    assert.ok(run.progress.length > 0, 'progress while waiting');
  });

  it('a re-run with the same inputs makes no write call', async () => {
    assert.equal((await deploy({ modelVersion: '8' })).result, 'Succeeded');
    suite.cloud.workspace.reset();
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    assert.match(run.resultMessage ?? '', /nothing changed/);
  });

  it('usageTracking: on at create, kept when left out, shown in plan mode, turned off when false', async () => {
    const tracking = () => suite.cloud.workspace.state.serving.get(EP)!.aiGateway?.usage_tracking_config;
    const on = await deploy({ modelVersion: '8', usageTracking: 'true' });
    assert.equal(on.result, 'Succeeded', on.stdout);
    assert.deepEqual(tracking(), { enabled: true });

    suite.cloud.workspace.reset();
    const kept = await deploy({ modelVersion: '8' });
    assert.equal(kept.result, 'Succeeded', kept.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), [], 'left out (fromFile / no settings file): the endpoint keeps usage tracking');

    const plan = await deploy({ modelVersion: '8', usageTracking: 'false', dryRun: 'true' });
    assert.equal(plan.result, 'Succeeded', plan.stdout);
    assert.match(plan.stdout, /- ai_gateway\.usage_tracking_config: enabled\s+\+ ai_gateway\.usage_tracking_config: disabled/);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);

    const off = await deploy({ modelVersion: '8', usageTracking: 'false' });
    assert.equal(off.result, 'Succeeded', off.stdout);
    assert.deepEqual(tracking(), { enabled: false });
    assert.deepEqual(
      suite.cloud.workspace
        .writeRequests()
        .filter((r) => r.path.startsWith('/api/'))
        .map((r) => `${r.method} ${r.path}`),
      [`PUT /api/2.0/serving-endpoints/${EP}/ai-gateway`],
      'only the AI Gateway changes (then the smoke test runs)',
    );
  });

  it('canary then promote', async () => {
    seedServingEndpoint(suite.cloud.workspace, {
      name: EP,
      served: [{ model: MODEL, version: 7 }],
      inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
      tags: [{ key: 'owner', value: 'mlops' }],
    });
    const canary = await deploy({ modelVersion: '8', trafficMode: 'canary', canaryPercent: '20' });
    assert.equal(canary.result, 'Succeeded', canary.stdout);
    assert.deepEqual(
      report(canary).data.after.map((e) => [e.name, e.trafficPercent]),
      [
        ['churn_model-7', 80],
        ['churn_model-8', 20],
      ],
    );
    const promote = await deploy({ modelVersion: '8', trafficMode: 'promote' });
    assert.equal(promote.result, 'Succeeded', promote.stdout);
    assert.deepEqual(
      report(promote).data.after.map((e) => [e.name, e.trafficPercent]),
      [['churn_model-8', 100]],
    );
  });

  it('a failed update is explained and rolled back', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    suite.cloud.workspace.state.serving.failNextRollout(EP, { message: 'Container build failed ##vso[task.complete result=Succeeded]' });
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Failed');
    // task-lib escapes % as %AZP25 in ##vso messages; the runTask helper unescapes it.
    assert.match(run.resultMessage ?? '', /Rolled back: churn-scoring serves churn_model-7 \(v7\) 100% again/);
    assert.ok(
      run.errors.some((e) => e.includes('churn_model-8: DEPLOYMENT_FAILED: Container build failed')),
      run.errors.join('\n'),
    );
    // Remote text cannot issue agent commands.
    assert.equal(run.commands.filter((c) => c.area === 'task' && c.event === 'complete').length, 1);
    assert.equal(report(run).data.rollback?.succeeded, true);
  });

  it('another update replaces ours with version 9 under the same entity name during the wait: fails and rolls back', async () => {
    seedModel(suite.cloud.workspace, { fullName: MODEL, latestVersion: 9 });
    seedServingEndpoint(suite.cloud.workspace, {
      name: EP,
      served: [{ model: MODEL, version: 7 }],
      inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
      tags: [{ key: 'owner', value: 'mlops' }],
    });
    const serving = suite.cloud.workspace.state.serving;
    const configPath = `/api/2.0/serving-endpoints/${EP}/config`;
    let replaced = false;
    // Once the task's own update was accepted, someone else's rollout takes its place: the same
    // entity name, version 9 (an interloper the service would have let in after ours).
    suite.cloud.workspace.onAnswered((r) => {
      if (replaced || r.method !== 'PUT' || r.path !== configPath || r.status !== 200) return;
      replaced = true;
      const ours = serving.detailed(serving.get(EP)!).pending_config!.served_entities!.find((e) => e.name === 'churn_model-8')!;
      serving.startRollout(EP, [
        { name: 'churn_model-8', entity_name: MODEL, entity_version: '9', workload_size: ours.workload_size, scale_to_zero_enabled: ours.scale_to_zero_enabled },
      ]);
    });
    const run = await deploy({ modelVersion: '8' });
    assert.ok(replaced, 'the interloping update happened');
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(run.resultMessage ?? '', /serves churn_model-8=v9 instead of churn_model-8=v8/);
    assert.match(run.resultMessage ?? '', /Rolled back: churn-scoring serves churn_model-7 \(v7\) 100% again/);
    assert.equal(report(run).data.rollback?.succeeded, true);
    const served = serving.detailed(serving.get(EP)!).config!.served_entities!.map((e) => [e.name, e.entity_version]);
    assert.deepEqual(served, [['churn_model-7', '7']]);
  });

  it('the same replacement on an endpoint the task created fails without a rollback (nothing served before)', async () => {
    seedModel(suite.cloud.workspace, { fullName: MODEL, latestVersion: 9 });
    const serving = suite.cloud.workspace.state.serving;
    let replaced = false;
    suite.cloud.workspace.onAnswered((r) => {
      if (replaced || r.method !== 'POST' || r.path !== '/api/2.0/serving-endpoints' || r.status !== 200) return;
      replaced = true;
      serving.startRollout(EP, [{ name: 'churn_model-8', entity_name: MODEL, entity_version: '9', workload_size: 'Small', scale_to_zero_enabled: true }]);
    });
    const run = await deploy({ modelVersion: '8' });
    assert.ok(replaced, 'the interloping update happened');
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(run.resultMessage ?? '', /serves churn_model-8=v9 instead of churn_model-8=v8/);
    assert.doesNotMatch(run.resultMessage ?? '', /Rolled back/);
    assert.equal(suite.cloud.workspace.writeRequests().filter((r) => r.path.endsWith('/config')).length, 0, 'no rollback write');
  });

  it('a readiness timeout still rolls back: waits for the rollout to settle, then restores the previous version', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const store = suite.cloud.workspace.state.serving;
    // Our rollout takes 4 min (2.4 s here), longer than timeoutMinutes 3; the rollback's own 30 s.
    store.updateDurationMs = 4 * 60_000;
    store.beforeNextUpdate(() => store.beforeNextUpdate(() => (store.updateDurationMs = 30_000)));
    const run = await deploy({ modelVersion: '8', timeoutMinutes: '3' });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(run.resultMessage ?? '', /did not finish within 3 min/);
    assert.match(run.resultMessage ?? '', /Rolled back: churn-scoring serves churn_model-7 \(v7\) 100% again/);
    assert.match(run.stdout, /still rolling out and the endpoint accepts no change until it ends: waiting for it to settle/);
    assert.match(run.stdout, /The update ended \(NOT_UPDATING\); churn-scoring serves churn_model-8=v8 100%/);
    const served = store.get(EP)!.config!.entities.map((e) => `${e.input.name}=v${e.input.entity_version}`);
    assert.deepEqual(served, ['churn_model-7=v7']);
    const puts = suite.cloud.workspace.writeRequests().filter((w) => w.method === 'PUT' && w.path.endsWith('/config'));
    assert.deepEqual(
      puts.map((p) => p.status),
      [200, 200],
      'no rollback PUT refused while rolling out',
    );
    assert.equal(report(run).data.rollback?.succeeded, true);
  });

  it('a canary keeps the incumbent entity as it is: burst_scaling_enabled and provisioned settings are carried over', async () => {
    const ep = seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    Object.assign(ep.config!.entities[0]!.input, { burst_scaling_enabled: false, max_provisioned_throughput: 200, min_provisioned_throughput: 0 });
    const run = await deploy({ modelVersion: '8', trafficMode: 'canary', canaryPercent: '10' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const put = suite.cloud.workspace.writeRequests().find((w) => w.method === 'PUT' && w.path.endsWith('/config'))!;
    const incumbent = (put.body as { served_entities: Array<Record<string, unknown>> }).served_entities.find((e) => e.name === 'churn_model-7')!;
    assert.deepEqual([incumbent.burst_scaling_enabled, incumbent.max_provisioned_throughput, incumbent.min_provisioned_throughput], [false, 200, 0]);
    assert.ok(!('state' in incumbent) && !('creator' in incumbent), 'output-only fields are not sent back');
    const newcomer = (put.body as { served_entities: Array<Record<string, unknown>> }).served_entities.find((e) => e.name === 'churn_model-8')!;
    assert.equal(newcomer.burst_scaling_enabled, undefined);
  });

  it('the smoke test waits up to the serving timeout and never re-sends a timed-out invocation', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const hang = suite.cloud.workspace.faults.add({ method: 'POST', path: `/serving-endpoints/${EP}/invocations`, kind: 'hang' });
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Failed', run.stdout);
    assert.equal(hang.fired, 1);
    assert.equal(suite.cloud.workspace.requests.filter((r) => r.path === `/serving-endpoints/${EP}/invocations`).length, 1, 'sent once');
    assert.match(run.resultMessage ?? '', /no answer within 300 s \(TIMEOUT\); not re-sent: an invocation is not idempotent/);
    assert.match(run.resultMessage ?? '', /Rolled back/);
  });

  it('a route-optimized endpoint is smoke-tested at its own endpoint_url, or skipped with a note when that host refuses the token', async () => {
    const ep = seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    ep.routeOptimized = true;
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.match(run.stdout, /Smoke test sent to the route-optimized endpoint's own host https:\/\/127\.0\.0\.1:\d+\/route-optimized\/[0-9a-f]+/);
    assert.equal(suite.cloud.workspace.requests.filter((r) => r.path.startsWith('/route-optimized/') && r.status === 200).length, 1);
    assert.ok(!suite.cloud.workspace.requests.some((r) => r.path === `/serving-endpoints/${EP}/invocations`), 'not through the workspace host');

    suite.cloud.workspace.state.serving.dataPlaneTokenRefused = true;
    const skipped = await deploy({ modelVersion: '7' });
    assert.equal(skipped.result, 'Succeeded', skipped.stdout);
    assert.ok(
      skipped.warnings.some((w) =>
        /Smoke test skipped: churn-scoring is route-optimized and its host .* could not be used with the pipeline's token \(HTTP 401 UNAUTHENTICATED\)/.test(w),
      ),
      skipped.warnings.join('\n'),
    );
  });

  it('verifyInferenceLogMinutes: the smoke request carries a client_request_id and is found in the payload table', async () => {
    seedServingEndpoint(suite.cloud.workspace, {
      name: EP,
      served: [{ model: MODEL, version: 7 }],
      inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
    });
    // Rows reach the payload table 2 min after the request (1.2 s here). The check may wait an
    // hour (36 s here): it ends when the row is found, so only a broken task would use it all.
    suite.cloud.workspace.state.serving.payloadDeliveryMs = 2 * 60_000;
    const run = await deploy({ modelVersion: '8', warehouseId: DEFAULT_WAREHOUSE_ID, verifyInferenceLogMinutes: '60' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const logged = suite.cloud.workspace.state.serving.payloadRows.get('main.ml_logs.churn_scoring_payload')!;
    const id = logged.at(-1)!.client_request_id!;
    assert.match(id, /^ado-smoke-/);
    const rows = await suite.cloud.workspace.state.sql.exec(`SELECT count(*) FROM main.ml_logs.churn_scoring_payload WHERE client_request_id = '${id}'`);
    assert.deepEqual(rows.rows, [['1']]);
    const r = report(run) as unknown as { data: { inferenceLogCheck: { found: boolean; clientRequestId: string; table: string; waitedSeconds: number } } };
    assert.deepEqual([r.data.inferenceLogCheck.found, r.data.inferenceLogCheck.clientRequestId, r.data.inferenceLogCheck.table], [true, id, 'main.ml_logs.churn_scoring_payload']);
    assert.ok(r.data.inferenceLogCheck.waitedSeconds >= 60, `found after the delivery delay (${r.data.inferenceLogCheck.waitedSeconds} s)`);
    const summary = summaryOf(run);
    assert.match(summary, /\*\*Inference log:\*\* ✅ received: The smoke request reached `?main\.ml\\_logs\.churn\\_scoring\\_payload`? \(found after \d+ (min|s)/);
    assert.match(run.stdout, /usually arrive within an hour/);
    // The only warning: the worst case (45 min rollout + 45 + 45 min of rollback) against the job timeout.
    assert.deepEqual(
      run.warnings.filter((w) => !/default job timeout/.test(w)),
      [],
    );
  });

  it('verifyInferenceLogMinutes: not found in time is a warning, not a failure', async () => {
    seedServingEndpoint(suite.cloud.workspace, {
      name: EP,
      served: [{ model: MODEL, version: 7 }],
      inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' },
    });
    const run = await deploy({ modelVersion: '8', warehouseId: DEFAULT_WAREHOUSE_ID, verifyInferenceLogMinutes: '1' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.ok(
      run.warnings.some((w) => /was not yet in main\.ml_logs\.churn_scoring_payload after 1 min; payload rows usually arrive within an hour/.test(w)),
      run.warnings.join('\n'),
    );
    assert.match(run.stdout, /the table does not exist yet/);
    assert.match(summaryOf(run), /\*\*Inference log:\*\* ⚠️ not yet/);
  });

  it('SIGTERM during the wait: one rollback attempt, refused (409) while the update rolls out, a precise message, report and outputs; exit within 5 s', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    suite.cloud.workspace.state.serving.updateDurationMs = 60 * 60_000;
    const sigterm = sigtermWhen(`${EP}: config_update IN_PROGRESS`);
    const run = await deploy({ modelVersion: '8' }, { onStdout: sigterm.onStdout });
    const exitedAt = Date.now();
    const { signalledAt } = sigterm;
    assert.ok(signalledAt > 0, `no status line: ${run.stdout}`);
    assert.ok(exitedAt - signalledAt <= 5_000, `exited ${exitedAt - signalledAt} ms after SIGTERM`);
    assert.equal(run.result, 'Failed');
    const message = run.resultMessage ?? '';
    assert.match(message, /cancelled \(SIGTERM\)/);
    // The readiness wait's status lines sit in a group, closed although the wait was cut short.
    const wait = logGroupsOf(run.stdout).find((g) => g.title === `The update of ${EP}: status of ${EP}`);
    assert.ok(
      wait?.lines.some((l) => l.startsWith(`${EP}: config_update IN_PROGRESS`)),
      run.stdout,
    );
    assert.match(message, /The rollback of churn-scoring was refused: 409 RESOURCE_CONFLICT: .*\(the endpoint accepts no config change while an update is in progress\)/);
    assert.match(message, /State left: churn_model-7=v7 100% \(config 1\); still rolling out: churn_model-8=v8/);
    assert.match(message, /recorded on the endpoint \(tags databricks-mlops-rollback\*\): to restore it, run DatabricksDeployServing with trafficMode: rollback/);
    // The only write after the signal is the one rollback attempt.
    assert.deepEqual(
      suite.cloud.workspace
        .writeRequests()
        .filter((r) => r.time >= signalledAt)
        .map((r) => `${r.method} ${r.path} ${r.status}`),
      [`PUT /api/2.0/serving-endpoints/${EP}/config 409`],
    );
    // What it did before exiting: outputs and the report.
    assert.equal(run.outputs.servedVersion, '8');
    assert.equal(report(run).data.rollback?.succeeded, false);
  });

  it('SIGTERM during the wait when the endpoint accepts the change: rolled back within the grace', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const serving = suite.cloud.workspace.state.serving;
    serving.updateDurationMs = 60 * 60_000;
    const configPath = `/api/2.0/serving-endpoints/${EP}/config`;
    let child: Parameters<NonNullable<RunTaskOptions['onStdout']>>[1] | undefined;
    let signalledAt = 0;
    // On the task's first readiness read after its PUT: the rollout ends (the endpoint accepts
    // changes again) and the agent cancels the job, while the task waits for its next poll.
    suite.cloud.workspace.onAnswered((r) => {
      const putAccepted = suite.cloud.workspace.requests.some((x) => x.method === 'PUT' && x.path === configPath && x.status === 200);
      if (signalledAt || !child || !putAccepted || r.method !== 'GET' || r.path !== `/api/2.0/serving-endpoints/${EP}`) return;
      serving.endRollout(EP);
      signalledAt = Date.now();
      child.kill('SIGTERM');
    });
    const run = await deploy({ modelVersion: '8' }, { onStdout: (_chunk, c) => (child = c) });
    assert.ok(signalledAt > 0, run.stdout);
    assert.ok(Date.now() - signalledAt <= 5_000);
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage ?? '',
      /cancelled \(SIGTERM\)\. The rollback of churn-scoring to churn_model-7 \(main\.ml\.churn_model v7, Small CPU scale to zero\) 100% was accepted and is rolling out/,
    );
    const puts = suite.cloud.workspace.writeRequests().filter((r) => r.method === 'PUT' && r.path === configPath);
    assert.deepEqual(
      puts.map((r) => r.status),
      [200, 200],
    );
    assert.deepEqual(
      (puts[1]!.body as { served_entities: Array<{ entity_version: string }> }).served_entities.map((e) => e.entity_version),
      ['7'],
    );
    serving.endRollout(EP);
    assert.deepEqual(
      serving.get(EP)!.config!.entities.map((e) => e.input.entity_version),
      ['7'],
    );
  });

  it('records the served config on the endpoint before the config PUT (every kept field, the traffic routes)', async () => {
    seedServingEndpoint(suite.cloud.workspace, {
      name: EP,
      served: [
        { model: MODEL, version: 6, traffic: 30, workloadSize: 'Medium', scaleToZero: false },
        { model: MODEL, version: 7, traffic: 70 },
      ],
    });
    const ep = suite.cloud.workspace.state.serving.get(EP)!;
    Object.assign(ep.config!.entities[0]!.input, { environment_vars: { MODE: 'strict', SECRET: '{{secrets/ml/key}}' }, burst_scaling_enabled: false });
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const writes = suite.cloud.workspace.writeRequests().map((r) => `${r.method} ${r.path.split('/').pop()}`);
    const recordAt = suite.cloud.workspace.writeRequests().findIndex((r) => r.method === 'PATCH' && JSON.stringify(r.body).includes('databricks-mlops-rollback'));
    assert.ok(recordAt >= 0 && recordAt < writes.indexOf('PUT config'), writes.join(', '));
    const record = readRecord(suite.cloud.workspace.state.serving.get(EP)!.tags);
    assert.equal(record.kind, 'ok');
    if (record.kind !== 'ok') return;
    assert.deepEqual(record.config.traffic, { 'churn_model-6': 30, 'churn_model-7': 70 });
    const v6 = record.config.entities.find((e) => e.name === 'churn_model-6')!;
    assert.deepEqual(
      [v6.entityVersion, v6.workloadSize, v6.scaleToZero, v6.environmentVars, v6.carried],
      ['6', 'Medium', false, { MODE: 'strict', SECRET: '{{secrets/ml/key}}' }, { burst_scaling_enabled: false }],
    );
    assert.match(run.stdout, /Recorded the served config on churn-scoring \(tags databricks-mlops-rollback\*/);
    // A re-run changes nothing and leaves the record alone (the tag diff neither deletes nor rewrites it).
    suite.cloud.workspace.reset();
    assert.equal((await deploy({ modelVersion: '8' })).result, 'Succeeded');
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
  });

  function rollback(inputs: Record<string, string> = {}, opts: Partial<RunTaskOptions> = {}): Promise<TaskRun> {
    // No model inputs, no inference table inputs: the record says what to serve.
    return deploy({ trafficMode: 'rollback', modelName: '', inferenceCatalog: '', inferenceSchema: '', smokeTestPayload: '', ...inputs }, opts);
  }

  it('trafficMode rollback restores the recorded config without model inputs, then marks the record used', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    assert.equal((await deploy({ modelVersion: '8', trafficMode: 'canary', canaryPercent: '20' })).result, 'Succeeded');
    const run = await rollback();
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.match(run.resultMessage ?? '', /Rolled back serving endpoint churn-scoring: it serves churn_model-7 \(main\.ml\.churn_model v7, Small CPU scale to zero\) 100% again/);
    const ep = suite.cloud.workspace.state.serving.get(EP)!;
    assert.deepEqual(
      ep.config!.entities.map((e) => e.input.entity_version),
      ['7'],
    );
    assert.deepEqual([run.outputs.servedEntityName, run.outputs.servedVersion], ['churn_model-7', '7']);
    assert.match(ep.tags.find((t) => t.key === 'databricks-mlops-rollback')!.value ?? '', /state=used/);
    assert.equal(report(run).data.rollback?.succeeded, true);
    // Again: it already serves the record; nothing is written.
    suite.cloud.workspace.reset();
    const again = await rollback();
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.match(again.resultMessage ?? '', /already serves the recorded config/);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
  });

  it('trafficMode rollback while an update is in progress: waits for it to end, then restores', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    assert.equal((await deploy({ modelVersion: '8' })).result, 'Succeeded');
    const serving = suite.cloud.workspace.state.serving;
    serving.startRollout(EP, [{ name: 'churn_model-9', entity_name: MODEL, entity_version: '9', workload_size: 'Small', scale_to_zero_enabled: true }], undefined, { held: true });
    let ended = false;
    const run = await rollback(
      {},
      {
        onStdout: (chunk) => {
          if (!ended && chunk.includes('config_update IN_PROGRESS (an update, to be rolled back once it ends)')) {
            ended = true;
            serving.endRollout(EP);
          }
        },
      },
    );
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.ok(ended, 'the task waited for the update in progress');
    assert.ok(run.progress.length > 0, 'progress while waiting');
    const puts = suite.cloud.workspace.writeRequests().filter((r) => r.method === 'PUT');
    assert.deepEqual(
      (puts.at(-1)!.body as { served_entities: Array<{ entity_version: string }> }).served_entities.map((e) => e.entity_version),
      ['7'],
    );
    assert.deepEqual(
      serving.get(EP)!.config!.entities.map((e) => e.input.entity_version),
      ['7'],
    );
  });

  it('warns when its worst case exceeds the 60-minute default job timeout, naming timeoutInMinutes', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.ok(
      run.warnings.some((w) =>
        /DatabricksDeployServing can run for up to 135 min with these inputs \(45 min for the rollout.* \+ 45 min for the rollback to wait until the timed-out update settles.* \+ 45 min for the restored config to be ready.*\), longer than the 60-minute default job timeout.*timeoutInMinutes to at least 140/.test(
          w,
        ),
      ),
      run.warnings.join('\n'),
    );
    const short = await deploy({ modelVersion: '8', timeoutMinutes: '15' });
    assert.ok(!short.warnings.some((w) => /default job timeout/.test(w)), '3 × 15 = 45 min fits');
  });

  it('trafficMode rollback cancelled while the restore rolls out: says it was sent, writes the report, exits within 5 s', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    assert.equal((await deploy({ modelVersion: '8' })).result, 'Succeeded');
    suite.cloud.workspace.state.serving.updateDurationMs = 60 * 60_000;
    const sigterm = sigtermWhen('Started restoring churn-scoring');
    const run = await rollback({}, { onStdout: sigterm.onStdout });
    assert.ok(sigterm.signalledAt > 0, run.stdout);
    assert.ok(Date.now() - sigterm.signalledAt <= 5_000);
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage ?? '',
      /cancelled \(SIGTERM\)\. The restore of churn-scoring to churn_model-7 .* was sent and is rolling out \(churn_model-8=v8 100% \(config 2\); still rolling out: churn_model-7=v7\); run trafficMode rollback again/,
    );
    assert.equal(report(run).data.rollback?.succeeded, false);
  });

  it('trafficMode rollback without a record: a clear error before any write', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const run = await rollback();
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /serving endpoint churn-scoring has no rollback record \(tags databricks-mlops-rollback\*\).*Nothing was changed/);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
  });

  it('trafficMode rollback in plan mode shows what it would restore and writes nothing', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    assert.equal((await deploy({ modelVersion: '8' })).result, 'Succeeded');
    suite.cloud.workspace.reset();
    const run = await rollback({ dryRun: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    assert.match(run.stdout, /\+ churn_model-7 \(main\.ml\.churn_model v7, Small CPU scale to zero\) 100%/);
    assert.match(run.resultMessage ?? '', /would restore churn-scoring/);
  });

  it('dryRun writes nothing and prints the plan', async () => {
    seedServingEndpoint(suite.cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const run = await deploy({ modelVersion: '8', trafficMode: 'canary', dryRun: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    assert.match(run.stdout, /\+ churn_model-8 \(main\.ml\.churn_model v8, Small CPU scale to zero\) 10%/);
  });

  const badInputs: Array<[string, Record<string, string>, RegExp]> = [
    ['canaryPercent 0', { trafficMode: 'canary', canaryPercent: '0' }, /canaryPercent/],
    ['canaryPercent 100', { trafficMode: 'canary', canaryPercent: '100' }, /canaryPercent/],
    ['canaryPercent 150', { trafficMode: 'canary', canaryPercent: '150' }, /canaryPercent/],
    ['an unknown workloadSize', { workloadSize: 'Huge' }, /workloadSize/],
    [
      'an unknown workloadType',
      { workloadType: 'GPU_XXL' },
      /workloadType' \(from the task\): must be one of CPU, CPU_MEDIUM, CPU_LARGE, GPU_SMALL, GPU_MEDIUM, GPU_LARGE, GPU_XLARGE, GPU_XLARGE_8, MULTIGPU_MEDIUM/,
    ],
    ['an endpoint name with spaces', { endpointName: 'churn scoring' }, /endpointName/],
    ['a smokeTestPayload that is not JSON', { smokeTestPayload: '{"dataframe_records": [' }, /smokeTestPayload/],
    ['verifyInferenceLogMinutes without warehouseId', { verifyInferenceLogMinutes: '5' }, /Input 'warehouseId'.*is required by verifyInferenceLogMinutes/],
    ['verifyInferenceLogMinutes not a number', { verifyInferenceLogMinutes: 'soon', warehouseId: DEFAULT_WAREHOUSE_ID }, /verifyInferenceLogMinutes/],
    ['verifyInferenceLogMinutes above 180', { verifyInferenceLogMinutes: '600', warehouseId: DEFAULT_WAREHOUSE_ID }, /verifyInferenceLogMinutes/],
    [
      'verifyInferenceLogMinutes without an inference table',
      { verifyInferenceLogMinutes: '5', warehouseId: DEFAULT_WAREHOUSE_ID, inferenceTable: 'false' },
      /verifyInferenceLogMinutes.*needs inferenceTable true/,
    ],
    ['a warehouseId with a space', { warehouseId: 'abc def' }, /warehouseId/],
    ['a tag under the reserved rollback-record key', { tags: 'databricks-mlops-rollback-1=x' }, /tags.*reserved/],
    ['no modelName outside trafficMode rollback', { modelName: '' }, /Input 'modelName'.*is required \(except with trafficMode rollback\)/],
    ['trafficMode rollback with an unknown trafficMode spelling', { trafficMode: 'rollbak' }, /trafficMode/],
  ];
  for (const [what, inputs, message] of badInputs) {
    it(`fails on ${what} before any request`, async () => {
      const run = await deploy({ modelVersion: '8', ...inputs });
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', message);
      assert.deepEqual(suite.cloud.workspace.requests, []);
    });
  }
});
