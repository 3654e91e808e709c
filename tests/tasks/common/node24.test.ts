/**
 * Every bundled task under Node 24 (the agent's Node24 handler) as well as the Node 20 the rest
 * of the suite runs them on: one representative full run of each task against the fake cloud,
 * started with the Node 24 binary (tests/helpers/runTask.ts node24Binary: the env var
 * DATABRICKS_MLOPS_NODE24, else .tools/node24 from `npm run setup:node24`). Skipped, saying so, when
 * no such binary is there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { FakeCloud } from '../../fake/cloud';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { seedLoggedRun } from '../../fake/seeds/registry';
import { seedModel } from '../../fake/seeds/serving';
import { node24Binary, runTask, STAGE_JOB_VARIABLES, type RunTaskOptions, type TaskRun } from '../../helpers/runTask';
import { seedMonitoredTable } from '../DatabricksRefreshMonitors/seed';

const TIME_SCALE = 0.01;
const MINUTE = 60_000;
const node = node24Binary();

describe('bundled tasks on Node 24', function () {
  this.timeout(90_000);
  let cloud: FakeCloud;
  let conn: ReturnType<FakeCloud['taskConnection']>;

  before(async function () {
    if (!node) {
      console.log('    skipped: no Node 24 binary (run npm run setup:node24, or set DATABRICKS_MLOPS_NODE24 to one)');
      this.skip();
    }
    cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  });
  after(async () => {
    if (!cloud) return;
    await cloud.workspace.state.objects.close();
    await cloud.close();
  });
  beforeEach(() => {
    cloud.workspace.resetAll();
    conn = cloud.taskConnection('WorkloadIdentityFederation');
  });

  function run(task: string, inputs: Record<string, string>, opts: Partial<RunTaskOptions> = {}): Promise<TaskRun> {
    return runTask({ task, node, env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) }, inputs: { ...conn.inputs, ...inputs }, timeoutMs: 80_000, ...opts });
  }

  /** Ran to the end on that binary: a result, no crash on stderr. */
  function ranThrough(r: TaskRun, result = 'Succeeded'): void {
    assert.equal(r.result, result, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /Error|Warning/, r.stderr);
    assert.equal(r.exitCode, 0, r.stderr);
  }

  it(`the binary is Node 24 (${node ?? 'none'})`, () => {
    const version = spawnSync(node!, ['--version'], { encoding: 'utf8' }).stdout.trim();
    assert.match(version, /^v24\./, `${node} is ${version || 'not runnable'}: DATABRICKS_MLOPS_NODE24 must name a Node 24 binary`);
  });

  it("DatabricksRegisterModel: registers a run's model and waits until READY", async () => {
    cloud.workspace.state.uc.addSchema('main.ml');
    const candidate = seedLoggedRun(cloud.workspace);
    const r = await run('DatabricksRegisterModel', { modelName: 'main.ml.churn_model', runId: candidate.info!.run_id! });
    ranThrough(r);
    assert.equal(r.outputs.modelVersion, '1');
    assert.equal(cloud.workspace.state.ucModels.status(cloud.workspace.state.ucModels.getModel('main.ml.churn_model')!.versions.get(1)!), 'READY');
  });

  it('DatabricksDeployServing: creates the endpoint, waits until ready, smoke-tests it', async () => {
    seedModel(cloud.workspace, { fullName: 'main.ml.churn_model', latestVersion: 8, aliases: { champion: 7 } });
    const r = await run('DatabricksDeployServing', {
      endpointName: 'churn-scoring',
      modelName: 'main.ml.churn_model',
      modelAlias: 'champion',
      inferenceCatalog: 'main',
      inferenceSchema: 'ml_logs',
      smokeTestPayload: '{"dataframe_records": [{"tenure": 3, "charges": 70.5}]}',
    });
    ranThrough(r);
    assert.equal(r.outputs.endpointUrl, `${cloud.workspace.url}/serving-endpoints/churn-scoring/invocations`);
    assert.match(r.stdout, /churn-scoring is ready/);
  });

  it('DatabricksCreateMonitor: creates the monitor and waits until ACTIVE', async () => {
    cloud.workspace.state.uc.addSchema('main.ml_mon');
    await cloud.workspace.state.sql.exec(
      'CREATE TABLE main.ml_mon.churn_inference (`timestamp` TIMESTAMP, model_id STRING, tenure DOUBLE, plan STRING, prediction BIGINT, label BIGINT)',
    );
    const r = await run('DatabricksCreateMonitor', {
      tableName: 'main.ml_mon.churn_inference',
      outputSchema: 'main.ml_mon',
      warehouseId: DEFAULT_WAREHOUSE_ID,
      labelColumn: 'label',
      granularities: '1 day',
    });
    ranThrough(r);
    assert.equal(r.outputs.profileMetricsTable, 'main.ml_mon.churn_inference_profile_metrics');
    assert.match(r.stdout, /Monitor of main\.ml_mon\.churn_inference: ACTIVE\./);
  });

  it('DatabricksRefreshMonitors: refreshes a monitor and gates on its drift metrics (DuckDB through the SQL API)', async () => {
    cloud.workspace.state.monitors.refreshPendingMs = 5_000;
    cloud.workspace.state.monitors.refreshDurationMs = 30_000;
    await seedMonitoredTable(cloud.workspace, { table: 'main.ml_mon.churn_inference', pastRefreshes: 2 });
    const r = await run('DatabricksRefreshMonitors', {
      tables: 'main.ml_mon.churn_inference',
      warehouseId: DEFAULT_WAREHOUSE_ID,
      thresholds: 'population_stability_index >= 0.2',
      onDrift: 'fail',
    });
    ranThrough(r);
    assert.deepEqual(JSON.parse(r.outputs.refreshStates!), { 'main.ml_mon.churn_inference': 'SUCCESS' });
  });

  it('DatabricksRunJob: runs a job and follows it to the end', async () => {
    const job = cloud.workspace.state.jobs.addJob({
      name: 'churn training',
      tasks: [{ key: 'train', script: { durationMs: 2 * MINUTE, notebookExit: '0123456789abcdef0123456789abcdef' } }],
    });
    const r = await run('DatabricksRunJob', { jobId: String(job.job_id), timeoutMinutes: '30' }, { variables: STAGE_JOB_VARIABLES });
    ranThrough(r);
    assert.equal(r.outputs.resultState, 'SUCCESS');
    assert.equal(r.outputs.mlflowRunId, '0123456789abcdef0123456789abcdef');
  });
});
