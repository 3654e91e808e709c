/**
 * DeployServing's inference retention (inferenceRetentionDays) as the agent runs the task: the
 * Databricks-side daily job and its SQL file created, left unchanged, updated and removed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seedModel } from '../../fake/seeds/serving';
import { bundledTaskSuite } from '../../helpers/bundledSuite';
import type { TaskRun } from '../../helpers/runTask';
import type { DeploymentReportData } from '../../../shared/runtime/reportTypes';

const TASK = 'DatabricksDeployServing';
const TIME_SCALE = 0.01;
const EP = 'churn-scoring';
const MODEL = 'main.ml.churn_model';
const JOB_NAME = `[mlops] ${EP} inference retention`;
const SQL_PATH = `/Shared/databricks-mlops/retention/${EP}.sql`;

describe('DatabricksDeployServing inference retention (bundled task)', function () {
  this.timeout(90_000);
  const suite = bundledTaskSuite(TASK, {
    timeScale: TIME_SCALE,
    timeoutMs: 80_000,
    inputs: () => ({ endpointName: EP, modelName: MODEL, modelVersion: '8', inferenceCatalog: 'main', inferenceSchema: 'ml_logs', warehouseId: 'abcdef1234567890' }),
    seed: (cloud) => seedModel(cloud.workspace, { fullName: MODEL, latestVersion: 8, aliases: { champion: 7 } }),
  });
  const deploy = (inputs: Record<string, string>): Promise<TaskRun> => suite.run(inputs);

  function report(run: TaskRun): DeploymentReportData {
    const a = run.attachments.find((x) => x.type === 'databricks-mlops-report');
    assert.ok(a, run.stdout);
    return (JSON.parse(readFileSync(a.path, 'utf8')) as { data: DeploymentReportData }).data;
  }

  const ourJobs = () => [...suite.cloud.workspace.state.jobs.jobs.values()].filter((j) => j.settings.name === JOB_NAME);
  const retentionWrites = () => suite.cloud.workspace.writeRequests().filter((r) => r.path.startsWith('/api/2.2/jobs') || r.path.startsWith('/api/2.0/workspace'));

  it('created, unchanged, updated and removed', async () => {
    // Created: the SQL file, then the job that runs it daily.
    const created = await deploy({ inferenceRetentionDays: '90' });
    assert.equal(created.result, 'Succeeded', created.stdout);
    const [job] = ourJobs();
    assert.ok(job, 'the retention job exists');
    assert.deepEqual(job.settings.tags, { 'managed-by': 'databricks-mlops-azure-pipelines', 'mlops-endpoint': EP, 'mlops-purpose': 'inference-retention' });
    assert.deepEqual(job.settings.schedule, { quartz_cron_expression: '0 0 3 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' });
    assert.deepEqual(job.settings.tasks?.[0]?.sql_task, { warehouse_id: 'abcdef1234567890', file: { path: SQL_PATH, source: 'WORKSPACE' } });
    const sql = suite.cloud.workspace.state.workspaceFiles.text(SQL_PATH) ?? '';
    assert.match(sql, /DELETE FROM `main`\.`ml_logs`\.`churn_scoring_payload` WHERE request_date < date_sub\(current_date\(\), 90\);/);
    // The payload table appears with the first logged request: the DELETE only runs once it exists.
    assert.match(
      sql,
      /IF EXISTS \(SELECT 1 FROM `main`\.information_schema\.tables\s+WHERE lower\(table_schema\) = lower\('ml_logs'\) AND lower\(table_name\) = lower\('churn_scoring_payload'\)\) THEN/,
    );
    const r1 = report(created).retention!;
    assert.equal(r1.action, 'create');
    assert.equal(r1.jobId, job.job_id);
    assert.match(
      readFileSync(created.summaries[0]!, 'utf8'),
      /Inference retention: 90 day\(s\): job \\\[mlops\\\] churn-scoring inference retention \(\d+\) deletes older rows of main\.ml\\_logs\.churn\\_scoring\\_payload daily at 03:00 UTC/,
    );

    // Unchanged: nothing written.
    suite.cloud.workspace.reset();
    const again = await deploy({ inferenceRetentionDays: '90' });
    assert.equal(again.result, 'Succeeded', again.stdout);
    assert.deepEqual(retentionWrites(), []);
    assert.equal(report(again).retention?.action, 'noop');

    // Updated: a new window rewrites the file only; a new warehouse resets the job.
    suite.cloud.workspace.reset();
    const shorter = await deploy({ inferenceRetentionDays: '30' });
    assert.equal(shorter.result, 'Succeeded', shorter.stdout);
    assert.match(suite.cloud.workspace.state.workspaceFiles.text(SQL_PATH) ?? '', /date_sub\(current_date\(\), 30\)/);
    assert.deepEqual(
      retentionWrites().map((r) => r.path),
      ['/api/2.0/workspace/mkdirs', '/api/2.0/workspace/import'],
    );
    assert.match(
      shorter.stdout,
      /~ retention job "\[mlops\] churn-scoring inference retention"\n {4}- delete rows older than \(days\): 90\n {4}\+ delete rows older than \(days\): 30/,
    );
    assert.equal(report(shorter).retention?.action, 'update');
    suite.cloud.workspace.reset();
    const moved = await deploy({ inferenceRetentionDays: '30', warehouseId: '0123456789abcdef' });
    assert.equal(moved.result, 'Succeeded', moved.stdout);
    assert.deepEqual(
      retentionWrites().map((r) => r.path),
      ['/api/2.2/jobs/reset'],
    );
    assert.equal(ourJobs()[0]!.settings.tasks?.[0]?.sql_task?.warehouse_id, '0123456789abcdef');
    assert.equal(ourJobs().length, 1);

    // Removed: 0 deletes the job and its file.
    suite.cloud.workspace.reset();
    const off = await deploy({ inferenceRetentionDays: '0' });
    assert.equal(off.result, 'Succeeded', off.stdout);
    assert.deepEqual(ourJobs(), []);
    assert.equal(suite.cloud.workspace.state.workspaceFiles.text(SQL_PATH), undefined);
    assert.equal(report(off).retention?.action, 'delete');
    suite.cloud.workspace.reset();
    const stillOff = await deploy({});
    assert.equal(stillOff.result, 'Succeeded', stillOff.stdout);
    assert.deepEqual(retentionWrites(), []);
  });

  it('plan mode shows the retention job it would create and writes nothing', async () => {
    const run = await deploy({ inferenceRetentionDays: '90', dryRun: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    assert.match(
      run.stdout,
      /\+ retention job "\[mlops\] churn-scoring inference retention"\n {4}\+ delete rows older than \(days\): 90\n {4}\+ table: main\.ml_logs\.churn_scoring_payload\n {4}\+ warehouse: abcdef1234567890\n {4}\+ schedule: daily at 03:00 UTC/,
    );
    assert.equal(report(run).retention?.action, 'create');
  });

  it('a job of the same name that the task does not manage is left alone', async () => {
    suite.cloud.workspace.state.jobs.addJob({ name: JOB_NAME, tasks: [{ key: 'other' }] });
    const run = await deploy({ inferenceRetentionDays: '90' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(ourJobs().length, 2);
    assert.ok(
      run.warnings.some((w) => /is also named .* not managed by this task/.test(w)),
      run.warnings.join('\n'),
    );
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['retention without a warehouse', { inferenceRetentionDays: '90', warehouseId: '' }, /Input 'warehouseId'.*required when inferenceRetentionDays is more than 0/],
    ['retention without an inference table', { inferenceRetentionDays: '90', inferenceTable: 'false' }, /Input 'inferenceRetentionDays'.*needs inferenceTable true/],
    ['a negative retention', { inferenceRetentionDays: '-1' }, /Input 'inferenceRetentionDays'.*integer from 0 to 3650/],
  ];
  for (const [what, inputs, message] of bad) {
    it(`fails on ${what} before any request`, async () => {
      const run = await deploy(inputs);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', message);
      assert.deepEqual(suite.cloud.workspace.requests, []);
    });
  }
});
