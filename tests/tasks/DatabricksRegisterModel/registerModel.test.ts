/**
 * DatabricksRegisterModel as the agent runs it: the bundled task in a child process, the AzureRM
 * connection's env vars, the fake cloud. Asserts outputs, the summary and report files, and the
 * requests the workspace saw.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeCloud } from '../../fake/cloud';
import { seedLoggedRun, seedModelVersion } from '../../fake/seeds/registry';
import { runTask, type TaskRun } from '../../helpers/runTask';
import type { RegistrationReportData } from '../../../shared/runtime/reportTypes';

const TASK = 'DatabricksRegisterModel';
const MODEL = 'main.ml.churn_model';
const TIME_SCALE = '0.01';

function reportOf(run: TaskRun): { kind: string; result: string; dryRun?: boolean; data: RegistrationReportData } {
  const attachment = run.attachments.find((a) => a.type === 'databricks-mlops-report');
  assert.ok(attachment, `no report attachment:\n${run.stdout}`);
  return JSON.parse(readFileSync(attachment.path, 'utf8')) as { kind: string; result: string; dryRun?: boolean; data: RegistrationReportData };
}

function summaryOf(run: TaskRun): string {
  assert.equal(run.summaries.length, 1, run.stdout);
  return readFileSync(run.summaries[0]!, 'utf8');
}

describe('DatabricksRegisterModel task (bundled, fake cloud)', function () {
  this.timeout(60_000);
  let cloud: FakeCloud;
  let connection: ReturnType<FakeCloud['taskConnection']>;
  const run = (inputs: Record<string, string>) =>
    runTask({ task: TASK, env: { ...connection.env, DATABRICKS_MLOPS_TIME_SCALE: TIME_SCALE }, inputs: { ...connection.inputs, modelName: MODEL, ...inputs } });

  before(async () => {
    cloud = await FakeCloud.start({ timeScale: Number(TIME_SCALE) });
  });
  after(async () => {
    await cloud.workspace.state.objects.close();
    await cloud.close();
  });
  beforeEach(() => {
    cloud.workspace.resetAll();
    connection = cloud.taskConnection('WorkloadIdentityFederation');
    cloud.workspace.state.uc.addSchema('main.ml');
  });

  it('registers a run\'s model, gates it against the champion and promotes it: outputs, summary and report', async () => {
    const champion = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.81 } });
    seedModelVersion(cloud.workspace, { modelName: MODEL, run: champion, aliases: ['champion'] });
    const candidate = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.84 } });

    const result = await run({ runId: candidate.info!.run_id!, compareMetric: 'f1_score', candidateAliases: 'challenger', description: 'build 42' });

    assert.equal(result.result, 'Succeeded', result.stdout + result.stderr);
    assert.deepEqual(result.outputs, {
      modelVersion: '2',
      modelUri: `models:/${MODEL}/2`,
      promoted: 'true',
      candidateMetric: '0.84',
      baselineMetric: '0.81',
      baselineVersion: '1',
      runId: candidate.info!.run_id!,
    });
    const model = cloud.workspace.state.ucModels.getModel(MODEL)!;
    assert.deepEqual(Object.fromEntries(model.aliases), { champion: 2, challenger: 2 });
    assert.equal(model.versions.get(2)!.description, 'build 42');
    const summary = summaryOf(result);
    assert.match(summary, /^## ✅ main\.ml\.churn\\_model version 2: promoted to champion\./);
    assert.match(summary, /\| f1\\_score \| 0\.84 \| 0\.81 \|/);
    assert.match(summary, /\| champion \| 1 \| 2 \|/);
    assert.match(summary, new RegExp(`\\(https://127\\.0\\.0\\.1:\\d+/explore/data/models/main/ml/churn_model/version/2\\)`));
    assert.match(summary, new RegExp(`/ml/experiments/${candidate.info!.experiment_id}/runs/${candidate.info!.run_id}\\)`));
    const report = reportOf(result);
    assert.equal(report.kind, 'registration');
    assert.equal(report.data.gate?.outcome, 'improved');
    assert.equal(report.data.filesCopied, 5);
    assert.ok(result.progress.length > 0, 'progress reported while copying');
  });

  it('fails before any request at the workspace on bad inputs', async () => {
    const result = await run({ modelName: 'ml.churn_model', runId: 'abc', metricGoal: 'biggest', minImprovement: 'a lot' });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage ?? '', /modelName/);
    assert.match(result.resultMessage ?? '', /metricGoal/);
    assert.match(result.resultMessage ?? '', /minImprovement/);
    assert.deepEqual(cloud.workspace.requests, []);
  });

  it('dryRun prints the plan and writes nothing', async () => {
    const candidate = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.84 } });
    const result = await run({ runId: candidate.info!.run_id!, candidateAliases: 'challenger', dryRun: 'true' });
    assert.equal(result.result, 'Succeeded', result.stdout);
    assert.deepEqual(cloud.workspace.writeRequests().filter((r) => !r.path.endsWith('/credentials-for-read')), []);
    assert.match(result.stdout, /\+ model version main\.ml\.churn_model\/\(new\)/);
    assert.match(summaryOf(result), /\*\*dryRun\*\*/);
    assert.equal(reportOf(result).dryRun, true);
  });

  it('a second run with the same inputs makes zero write calls', async () => {
    const r1 = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.7 } });
    const r2 = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.9 } });
    seedModelVersion(cloud.workspace, { modelName: MODEL, run: r1, aliases: ['champion'] });
    seedModelVersion(cloud.workspace, { modelName: MODEL, run: r2 });
    const inputs = { registerFrom: 'existingVersion', compareMetric: 'f1_score', candidateAliases: 'challenger', tags: 'team=churn' };
    const first = await run(inputs);
    assert.equal(first.result, 'Succeeded', first.stdout);
    cloud.workspace.reset();
    const second = await run(inputs);
    assert.equal(second.result, 'Succeeded', second.stdout);
    assert.deepEqual(cloud.workspace.writeRequests(), []);
    assert.equal(second.outputs.modelVersion, '2');
    assert.equal(second.outputs.promoted, 'true');
  });

  it('fails with an ownership hint when an alias change is refused', async () => {
    const r1 = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.7 } });
    seedModelVersion(cloud.workspace, { modelName: MODEL, run: r1, owner: 'ml-platform-admins' });
    const result = await run({ registerFrom: 'existingVersion' });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage ?? '', /Alias changes need ownership of the registered model/);
  });
});
