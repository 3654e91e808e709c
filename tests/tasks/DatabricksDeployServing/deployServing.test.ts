/**
 * DatabricksDeployServing as the agent runs it: the bundled task spawned with the agent's env-var
 * contract against the fake cloud (time compressed 100×: a 60 s rollout takes 0.6 s).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeCloud } from '../../fake/cloud';
import { seedModel, seedServingEndpoint } from '../../fake/seeds/serving';
import { runTask, sigtermWhen, type TaskRun } from '../../helpers/runTask';

const TASK = 'DatabricksDeployServing';
const TIME_SCALE = 0.01;
const EP = 'churn-scoring';
const MODEL = 'main.ml.churn_model';

describe('DatabricksDeployServing (bundled task)', function () {
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
    seedModel(cloud.workspace, { fullName: MODEL, latestVersion: 8, aliases: { champion: 7 } });
  });

  function deploy(inputs: Record<string, string>, opts: Partial<Parameters<typeof runTask>[0]> = {}): Promise<TaskRun> {
    return runTask({
      task: TASK,
      env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
      inputs: {
        ...conn.inputs,
        endpointName: EP,
        modelName: MODEL,
        inferenceCatalog: 'main',
        inferenceSchema: 'ml_logs',
        tags: 'owner=mlops',
        smokeTestPayload: '{"dataframe_records": [{"tenure": 3, "charges": 70.5}]}',
        ...inputs,
      },
      ...opts,
    });
  }

  function report(run: TaskRun): { kind: string; result: string; data: { action: string; after: Array<{ name: string; trafficPercent: number }>; rollback?: { succeeded: boolean } } } {
    const a = run.attachments.find((x) => x.type === 'databricks-mlops-report');
    assert.ok(a, 'a report attachment');
    return JSON.parse(readFileSync(a.path, 'utf8'));
  }

  it('creates the endpoint: outputs, summary and report', async () => {
    const run = await deploy({ modelAlias: 'champion', rateLimitPerMinute: '100' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(run.outputs, {
      endpointUrl: `${cloud.workspace.url}/serving-endpoints/${EP}/invocations`,
      endpointId: cloud.workspace.state.serving.get(EP)!.id,
      servedEntityName: 'churn_model-7',
      servedVersion: '7',
      inferenceTableName: 'main.ml_logs.churn_scoring_payload',
    });
    const summary = readFileSync(run.summaries[0]!, 'utf8');
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
    cloud.workspace.reset();
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(cloud.workspace.writeRequests(), []);
    assert.match(run.resultMessage ?? '', /nothing changed/);
  });

  it('canary then promote', async () => {
    seedServingEndpoint(cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }], inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' }, tags: [{ key: 'owner', value: 'mlops' }] });
    const canary = await deploy({ modelVersion: '8', trafficMode: 'canary', canaryPercent: '20' });
    assert.equal(canary.result, 'Succeeded', canary.stdout);
    assert.deepEqual(report(canary).data.after.map((e) => [e.name, e.trafficPercent]), [['churn_model-7', 80], ['churn_model-8', 20]]);
    const promote = await deploy({ modelVersion: '8', trafficMode: 'promote' });
    assert.equal(promote.result, 'Succeeded', promote.stdout);
    assert.deepEqual(report(promote).data.after.map((e) => [e.name, e.trafficPercent]), [['churn_model-8', 100]]);
  });

  it('a failed update is explained and rolled back', async () => {
    seedServingEndpoint(cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    cloud.workspace.state.serving.failNextRollout(EP, { message: 'Container build failed ##vso[task.complete result=Succeeded]' });
    const run = await deploy({ modelVersion: '8' });
    assert.equal(run.result, 'Failed');
    // task-lib escapes % as %AZP25 in ##vso messages; the runTask helper unescapes it.
    assert.match(run.resultMessage ?? '', /Rolled back: churn-scoring serves churn_model-7 \(v7\) 100% again/);
    assert.ok(run.errors.some((e) => e.includes('churn_model-8: DEPLOYMENT_FAILED: Container build failed')), run.errors.join('\n'));
    // Remote text cannot issue agent commands.
    assert.equal(run.commands.filter((c) => c.area === 'task' && c.event === 'complete').length, 1);
    assert.equal(report(run).data.rollback?.succeeded, true);
  });

  it('another update replaces ours with version 9 under the same entity name during the wait: fails and rolls back', async () => {
    seedModel(cloud.workspace, { fullName: MODEL, latestVersion: 9 });
    seedServingEndpoint(cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }], inferenceTable: { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' }, tags: [{ key: 'owner', value: 'mlops' }] });
    const serving = cloud.workspace.state.serving;
    const configPath = `/api/2.0/serving-endpoints/${EP}/config`;
    let replaced = false;
    // Once the task's own update was accepted, someone else's rollout takes its place: the same
    // entity name, version 9 (an interloper the service would have let in after ours).
    cloud.workspace.onAnswered((r) => {
      if (replaced || r.method !== 'PUT' || r.path !== configPath || r.status !== 200) return;
      replaced = true;
      const ours = serving.detailed(serving.get(EP)!).pending_config!.served_entities!.find((e) => e.name === 'churn_model-8')!;
      serving.startRollout(EP, [{ name: 'churn_model-8', entity_name: MODEL, entity_version: '9', workload_size: ours.workload_size, scale_to_zero_enabled: ours.scale_to_zero_enabled }]);
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
    seedModel(cloud.workspace, { fullName: MODEL, latestVersion: 9 });
    const serving = cloud.workspace.state.serving;
    let replaced = false;
    cloud.workspace.onAnswered((r) => {
      if (replaced || r.method !== 'POST' || r.path !== '/api/2.0/serving-endpoints' || r.status !== 200) return;
      replaced = true;
      serving.startRollout(EP, [{ name: 'churn_model-8', entity_name: MODEL, entity_version: '9', workload_size: 'Small', scale_to_zero_enabled: true }]);
    });
    const run = await deploy({ modelVersion: '8' });
    assert.ok(replaced, 'the interloping update happened');
    assert.equal(run.result, 'Failed', run.stdout);
    assert.match(run.resultMessage ?? '', /serves churn_model-8=v9 instead of churn_model-8=v8/);
    assert.doesNotMatch(run.resultMessage ?? '', /Rolled back/);
    assert.equal(cloud.workspace.writeRequests().filter((r) => r.path.endsWith('/config')).length, 0, 'no rollback write');
  });

  it('SIGTERM during the wait: exits within 5 s and writes nothing after the signal', async () => {
    seedServingEndpoint(cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    cloud.workspace.state.serving.updateDurationMs = 60 * 60_000;
    const sigterm = sigtermWhen(`${EP}: config_update IN_PROGRESS`);
    const run = await deploy({ modelVersion: '8' }, { onStdout: sigterm.onStdout });
    const exitedAt = Date.now();
    const { signalledAt } = sigterm;
    assert.ok(signalledAt > 0, `no status line: ${run.stdout}`);
    assert.ok(exitedAt - signalledAt <= 5_000, `exited ${exitedAt - signalledAt} ms after SIGTERM`);
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /cancelled \(SIGTERM\)/);
    assert.deepEqual(cloud.workspace.writeRequests().filter((r) => r.time >= signalledAt), []);
  });

  it('dryRun writes nothing and prints the plan', async () => {
    seedServingEndpoint(cloud.workspace, { name: EP, served: [{ model: MODEL, version: 7 }] });
    const run = await deploy({ modelVersion: '8', trafficMode: 'canary', dryRun: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(cloud.workspace.writeRequests(), []);
    assert.match(run.stdout, /\+ churn_model-8 \(main\.ml\.churn_model v8, Small CPU scale to zero\) 10%/);
  });

  const badInputs: Array<[string, Record<string, string>, RegExp]> = [
    ['canaryPercent 0', { trafficMode: 'canary', canaryPercent: '0' }, /canaryPercent/],
    ['canaryPercent 100', { trafficMode: 'canary', canaryPercent: '100' }, /canaryPercent/],
    ['canaryPercent 150', { trafficMode: 'canary', canaryPercent: '150' }, /canaryPercent/],
    ['an unknown workloadSize', { workloadSize: 'Huge' }, /workloadSize/],
    ['an endpoint name with spaces', { endpointName: 'churn scoring' }, /endpointName/],
    ['a smokeTestPayload that is not JSON', { smokeTestPayload: '{"dataframe_records": [' }, /smokeTestPayload/],
  ];
  for (const [what, inputs, message] of badInputs) {
    it(`fails on ${what} before any request`, async () => {
      const run = await deploy({ modelVersion: '8', ...inputs });
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', message);
      assert.deepEqual(cloud.workspace.requests, []);
    });
  }
});
