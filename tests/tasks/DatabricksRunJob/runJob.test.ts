/**
 * DatabricksRunJob as the agent runs it: the bundled task spawned with the agent's env-var
 * contract against the fake cloud (time compressed 100×: a 60 s task runs 0.6 s).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FakeJobSpec } from '../../fake/routes/jobs';
import { seedLoggedRun } from '../../fake/seeds/registry';
import { FakeCloud } from '../../fake/cloud';
import { bundledTaskSuite } from '../../helpers/bundledSuite';
import { logGroupsOf, runTask, sigtermWhen, STAGE_JOB_VARIABLES, type RunTaskOptions, type TaskRun } from '../../helpers/runTask';
import type { JobRunReportData } from '../../../shared/runtime/reportTypes';

const TASK = 'DatabricksRunJob';
const TIME_SCALE = 0.01;
const MINUTE = 60_000;
const EXPERIMENT = '/Shared/churn-training';

const TRAINING: FakeJobSpec = {
  name: 'churn training',
  parameters: { git_sha: 'main', ado_build_id: '' },
  tasks: [
    { key: 'prep', script: { durationMs: 2 * MINUTE } },
    { key: 'train', dependsOn: ['prep'], script: { durationMs: 5 * MINUTE, notebookExit: '0123456789abcdef0123456789abcdef' } },
    { key: 'log', dependsOn: ['train'], script: { durationMs: MINUTE, notebookExit: '{"mlflow_run_id": "0123456789abcdef0123456789abcdef", "f1": 0.84}' } },
  ],
};

function reportOf(run: TaskRun): { kind: string; result: string; dryRun?: boolean; data: JobRunReportData } {
  const attachment = run.attachments.find((a) => a.type === 'databricks-mlops-report');
  assert.ok(attachment, `no report attachment:\n${run.stdout}`);
  return JSON.parse(readFileSync(attachment.path, 'utf8')) as { kind: string; result: string; dryRun?: boolean; data: JobRunReportData };
}

describe('DatabricksRunJob (bundled task)', function () {
  this.timeout(90_000);
  const suite = bundledTaskSuite(TASK, { timeScale: TIME_SCALE, timeoutMs: 80_000 });
  const jobs = () => suite.cloud.workspace.state.jobs;
  const runJob = (inputs: Record<string, string>, opts: Partial<RunTaskOptions> = {}): Promise<TaskRun> =>
    suite.run(inputs, {
      ...opts,
      variables: { ...STAGE_JOB_VARIABLES, ...opts.variables },
    });

  /** The run's state well after everything settled (the fake evaluates lazily from the clock). */
  function finalState(runId: number): { life: string; result?: string } {
    const run = jobs().runs.get(runId)!;
    return jobs().view(run, Date.now() + 60 * MINUTE);
  }

  it('warns when its worst case (timeoutMinutes + the cancel wait) exceeds the 60-minute default job timeout, naming timeoutInMinutes', async () => {
    const job = jobs().addJob(TRAINING);
    // The default timeoutMinutes (120) + 1 min for a run cancelled at the timeout to end.
    const long = await runJob({ jobId: String(job.job_id) });
    assert.equal(long.result, 'Succeeded', long.stdout);
    const warning = long.warnings.find((w) => /default job timeout/.test(w));
    assert.ok(warning, long.warnings.join('\n'));
    assert.match(
      warning,
      /^DatabricksRunJob can run for up to 121 min with these inputs \(120 min waiting for the run \(timeoutMinutes\) \+ 1 min for the run cancelled at the timeout to end \(cancelOnTimeout\)\).*set the job's timeoutInMinutes to at least 130 /,
    );
    // Printed before anything is started, so it is there even if the job timeout then cuts the task off.
    assert.ok(long.stdout.indexOf('default job timeout') < long.stdout.indexOf('Waiting for run'), long.stdout);
    const short = await runJob({ jobId: String(job.job_id), timeoutMinutes: '45' });
    assert.equal(short.result, 'Succeeded', short.stdout);
    assert.deepEqual(
      short.warnings.filter((w) => /job timeout/.test(w)),
      [],
    );
  });

  it('runs a job by id: run link first, task states, progress, outputs, summary and report', async () => {
    const job = jobs().addJob(TRAINING);
    const run = await runJob({ jobId: String(job.job_id), jobParameters: 'git_sha=0123456789abcdef0123456789abcdef01234567\nado_build_id=42', outputTask: 'log' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const [stored] = jobs().runsOf(job.job_id);
    assert.ok(stored);
    assert.deepEqual(stored.jobParameters, { git_sha: '0123456789abcdef0123456789abcdef01234567', ado_build_id: '42' });
    assert.equal(run.outputs.jobRunId, String(stored.run_id));
    assert.equal(run.outputs.runPageUrl, `${suite.cloud.workspace.url}/jobs/${job.job_id}/runs/${stored.run_id}`);
    assert.equal(run.outputs.resultState, 'SUCCESS');
    assert.equal(run.outputs.mlflowRunId, '0123456789abcdef0123456789abcdef');
    assert.equal(run.outputs.notebookOutput, '{"mlflow_run_id": "0123456789abcdef0123456789abcdef", "f1": 0.84}');
    // 10 s pending + 2 + 5 + 1 min of tasks, each task and the run terminating for 2 s.
    const duration = Number(run.outputs.durationSeconds);
    assert.ok(duration >= 8 * 60 && duration <= 9 * 60, `durationSeconds ${duration}`);
    // The link before any wait line.
    const linkAt = run.stdout.indexOf(`Databricks run ${stored.run_id} of job churn training: ${run.outputs.runPageUrl}`);
    assert.ok(linkAt >= 0 && linkAt < run.stdout.indexOf('Waiting for run'), run.stdout);
    // Each task's state logged once per change, grouped.
    assert.equal(run.stdout.split('  train: RUNNING').length - 1, 1, run.stdout);
    assert.match(run.stdout, /##\[group\]Run \d+: RUNNING, 1 of 3 task\(s\) finished\n {2}prep: TERMINATED SUCCESS\n {2}train: RUNNING/);
    assert.deepEqual(run.progress.at(-1), { value: 100, message: '3 of 3 task(s) finished' });
    const report = reportOf(run);
    assert.equal(report.kind, 'job');
    assert.equal(report.data.action, 'started');
    assert.deepEqual(
      report.data.tasks.map((t) => [t.taskKey, t.resultState]),
      [
        ['prep', 'SUCCESS'],
        ['train', 'SUCCESS'],
        ['log', 'SUCCESS'],
      ],
    );
    assert.equal(report.data.outputTask, 'log');
    const summary = readFileSync(run.summaries[0]!, 'utf8');
    assert.match(summary, /## ✅ Databricks run \d+ of job `churn training`/);
    // Parameter values (possibly secrets the agent masks only in the log) stay out of the attachments.
    assert.deepEqual(report.data.parameterNames, ['git_sha', 'ado_build_id']);
    assert.match(summary, /\+ git_sha \(set by the step\)/);
    for (const file of [run.summaries[0]!, ...run.attachments.map((a) => a.path)]) assert.doesNotMatch(readFileSync(file, 'utf8'), /0123456789abcdef0123456789abcdef01234567/);
    assert.match(run.stdout, /\+ git_sha=0123456789abcdef0123456789abcdef01234567/);
    assert.match(summary, /\| train \| TERMINATED \| SUCCESS \|/);
    // The idempotency token is derived from the pipeline run, job and step.
    const runNow = suite.cloud.workspace.requests.find((r) => r.path === '/api/2.2/jobs/run-now')!;
    assert.match((runNow.body as { idempotency_token: string }).idempotency_token, /^ado-42-[0-9a-f]{32}$/);
  });

  it('reads the exit value of outputTask', async () => {
    const job = jobs().addJob(TRAINING);
    const run = await runJob({ jobId: String(job.job_id), outputTask: 'train' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(run.outputs.mlflowRunId, '0123456789abcdef0123456789abcdef');
    assert.equal(reportOf(run).data.mlflowRunSource, 'exitValue');
  });

  it('finds a job by name; none or two of that name is an error listing what was found, before any write', async () => {
    const job = jobs().addJob(TRAINING);
    const ok = await runJob({ jobName: 'CHURN training', outputTask: 'train' });
    assert.equal(ok.result, 'Succeeded', ok.stdout);
    assert.match(ok.stdout, new RegExp(`Job "CHURN training" is job ${job.job_id}`));

    suite.cloud.workspace.reset();
    const none = await runJob({ jobName: 'churn retraining' });
    assert.equal(none.result, 'Failed');
    assert.match(none.resultMessage ?? '', /Input 'jobName'.*no job .* is named "churn retraining"/);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);

    const twin = jobs().addJob(TRAINING);
    const two = await runJob({ jobName: 'churn training' });
    assert.equal(two.result, 'Failed');
    assert.match(two.resultMessage ?? '', new RegExp(`2 jobs are named "churn training": ${job.job_id} .*, ${twin.job_id} .*set jobId`));
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
  });

  it('a failing task: its message, error and the end of its trace and logs in the log; the downstream task did not run', async () => {
    const trace =
      Array.from({ length: 60 }, (_, i) => `  File "/Workspace/train.py", line ${i + 1}, in train`).join('\n') +
      '\nValueError: Input contains NaN ##vso[task.complete result=Succeeded]';
    const job = jobs().addJob({
      name: 'churn training',
      tasks: [
        {
          key: 'prep',
          kind: 'python',
          script: { durationMs: MINUTE, result: 'FAILED', error: 'ValueError: Input contains NaN', errorTrace: trace, logs: 'reading 1200 rows\nfound NaN in column tenure' },
        },
        { key: 'train', dependsOn: ['prep'] },
      ],
    });
    const run = await runJob({ jobId: String(job.job_id) });
    assert.equal(run.result, 'Failed');
    assert.match(
      run.resultMessage ?? '',
      /Run \d+ of job churn training failed\. Failed task\(s\): prep FAILED: ValueError: Input contains NaN; train did not run \(UPSTREAM_FAILED\)/,
    );
    assert.ok(
      run.errors.some((e) => e.startsWith('Task prep FAILED')),
      run.errors.join('\n'),
    );
    assert.match(run.stdout, /##\[group\]Error trace of prep \(last lines\)\n…\n {2}File "\/Workspace\/train\.py", line 22, in train/);
    assert.doesNotMatch(run.stdout, /line 21, in train/);
    assert.match(run.stdout, /found NaN in column tenure/);
    // Remote text cannot issue agent commands.
    assert.equal(run.commands.filter((c) => c.area === 'task' && c.event === 'complete').length, 1);
    const prep = reportOf(run).data.tasks.find((t) => t.taskKey === 'prep')!;
    assert.match(prep.errorTraceTail ?? '', /ValueError/);
    assert.equal(run.outputs.resultState, 'FAILED');
  });

  it('SIGTERM during the wait cancels the Databricks run within the grace period, says so and writes the report', async () => {
    const job = jobs().addJob({ name: 'long training', tasks: [{ key: 'train', script: { durationMs: 120 * MINUTE } }] });
    const sigterm = sigtermWhen(/train: RUNNING/);
    const run = await runJob({ jobId: String(job.job_id) }, { onStdout: sigterm.onStdout });
    const exitedAt = Date.now();
    assert.ok(sigterm.signalledAt > 0, run.stdout);
    // The agent sends SIGKILL 7.5 s + 2.5 s after SIGINT; the task is done well before.
    assert.ok(exitedAt - sigterm.signalledAt <= 7_500, `exited ${exitedAt - sigterm.signalledAt} ms after SIGTERM`);
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /cancelled \(SIGTERM\)\. The Databricks run \d+ was cancelled too/);
    const [stored] = jobs().runsOf(job.job_id);
    assert.ok(suite.cloud.workspace.requests.some((r) => r.path === '/api/2.2/jobs/runs/cancel' && r.status === 200 && r.time >= sigterm.signalledAt));
    assert.equal(finalState(stored!.run_id).result, 'CANCELED');
    assert.deepEqual(reportOf(run).data.stopped, { why: 'cancelled', runCancelled: true, detail: 'runs/cancel was sent; the run ends CANCELED.' });
    // The task states are grouped per poll (one mechanism, shared/runtime/output.ts), every group closed.
    assert.ok(
      logGroupsOf(run.stdout).some((g) => g.lines.includes('  train: RUNNING')),
      run.stdout,
    );
  });

  it('with cancelOnTimeout false a cancelled step leaves the Databricks run running', async () => {
    const job = jobs().addJob({ name: 'long training', tasks: [{ key: 'train', script: { durationMs: 120 * MINUTE } }] });
    const sigterm = sigtermWhen(/train: RUNNING/);
    const run = await runJob({ jobId: String(job.job_id), cancelOnTimeout: 'false' }, { onStdout: sigterm.onStdout });
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /was left running \(cancelOnTimeout is false\)/);
    assert.ok(!suite.cloud.workspace.requests.some((r) => r.path === '/api/2.2/jobs/runs/cancel'));
    assert.equal(jobs().view(jobs().runsOf(job.job_id)[0]!, Date.now()).life, 'RUNNING');
  });

  it('without waitForCompletion: starts the run, sets jobRunId and runPageUrl, does not wait', async () => {
    const job = jobs().addJob({ name: 'long training', tasks: [{ key: 'train', script: { durationMs: 120 * MINUTE } }] });
    const run = await runJob({ jobId: String(job.job_id), waitForCompletion: 'false' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const stored = jobs().runsOf(job.job_id)[0]!;
    assert.equal(run.outputs.jobRunId, String(stored.run_id));
    assert.ok(run.outputs.runPageUrl);
    assert.equal(run.outputs.resultState, undefined);
    assert.match(run.resultMessage ?? '', /is (PENDING|RUNNING) \(not waiting for it\)/);
  });

  it('an agent-level retry of the same attempt gets the same run, not a second training', async () => {
    const job = jobs().addJob(TRAINING);
    const first = await runJob({ jobId: String(job.job_id) });
    const second = await runJob({ jobId: String(job.job_id) });
    assert.equal(first.result, 'Succeeded', first.stdout);
    assert.equal(second.result, 'Succeeded', second.stdout);
    assert.equal(jobs().runsOf(job.job_id).length, 1);
    assert.equal(second.outputs.jobRunId, first.outputs.jobRunId);
    assert.match(second.stdout, /already ended \(SUCCESS\): an earlier attempt of this step started it/);
    assert.equal(reportOf(second).data.action, 'reused');
  });

  it('a re-attempt of the failed stage repairs only the failed task and what follows it', async () => {
    const job = jobs().addJob({
      name: 'churn training',
      tasks: [
        { key: 'prep', script: { durationMs: MINUTE } },
        { key: 'train', dependsOn: ['prep'], script: { durationMs: 2 * MINUTE, failAttempts: 1, error: 'CUDA out of memory', notebookExit: '0123456789abcdef0123456789abcdef' } },
        { key: 'report', script: { durationMs: MINUTE } },
      ],
    });
    const first = await runJob({ jobId: String(job.job_id), outputTask: 'train' });
    assert.equal(first.result, 'Failed', first.stdout);
    const second = await runJob({ jobId: String(job.job_id), outputTask: 'train' }, { variables: { 'System.JobAttempt': '2' } });
    assert.equal(second.result, 'Succeeded', second.stdout);
    assert.equal(second.outputs.jobRunId, first.outputs.jobRunId);
    assert.equal(jobs().runsOf(job.job_id).length, 1);
    const stored = jobs().runsOf(job.job_id)[0]!;
    assert.deepEqual(
      [...stored.attempts].map(([key, attempts]) => [key, attempts.length]),
      [
        ['prep', 1],
        ['train', 2],
        ['report', 1],
      ],
    );
    const repair = suite.cloud.workspace.requests.find((r) => r.path === '/api/2.2/jobs/runs/repair');
    assert.deepEqual(repair?.body, { run_id: stored.run_id, rerun_all_failed_tasks: true, rerun_dependent_tasks: true });
    assert.match(second.stdout, /repairing it \(re-running train and the tasks after them\)/);
    assert.equal(second.outputs.mlflowRunId, '0123456789abcdef0123456789abcdef');
    const report = reportOf(second).data;
    assert.equal(report.action, 'repaired');
    assert.deepEqual(report.repairedTasks, ['train']);
    assert.equal(report.tasks.find((t) => t.taskKey === 'train')?.attempt, 2);

    // Without repairOnRetry a re-attempt starts a run of its own (whose train fails again: its first attempt).
    const third = await runJob({ jobId: String(job.job_id), repairOnRetry: 'false' }, { variables: { 'System.JobAttempt': '3' } });
    assert.equal(jobs().runsOf(job.job_id).length, 2);
    assert.notEqual(third.outputs.jobRunId, first.outputs.jobRunId);
    assert.equal(reportOf(third).data.action, 'started');
  });

  it('mlflowRunId from the tag search when the exit value names none (tag with the task run, then with the job run)', async () => {
    const job = jobs().addJob({ name: 'churn training', tasks: [{ key: 'train', script: { durationMs: MINUTE, mlflowRun: { experimentName: EXPERIMENT } } }] });
    suite.cloud.workspace.state.mlflow.addRun({ experimentName: EXPERIMENT, tags: { 'mlflow.databricks.jobRunID': '1' } });
    const run = await runJob({ jobId: String(job.job_id), experimentName: EXPERIMENT });
    assert.equal(run.result, 'Succeeded', run.stdout);
    const attempt = jobs().runsOf(job.job_id)[0]!.attempts.get('train')![0]!;
    assert.equal(run.outputs.mlflowRunId, attempt.mlflowRunId);
    assert.equal(run.outputs.notebookOutput, undefined);
    assert.equal(reportOf(run).data.mlflowRunSource, 'tagSearch');
    assert.match(run.stdout, /tagged with the task run \d+/);

    const byJob = jobs().addJob({
      name: 'churn training 2',
      tasks: [{ key: 'train', script: { durationMs: MINUTE, mlflowRun: { experimentName: EXPERIMENT, tagWith: 'job' }, notebookExit: 'done' } }],
    });
    const second = await runJob({ jobId: String(byJob.job_id), experimentName: EXPERIMENT }, { variables: { 'System.TaskInstanceName': 'train2' } });
    assert.equal(second.result, 'Succeeded', second.stdout);
    assert.equal(second.outputs.mlflowRunId, jobs().runsOf(byJob.job_id)[0]!.attempts.get('train')![0]!.mlflowRunId);
    assert.match(second.stdout, /tagged with the job run \d+/);
  });

  it('RegisterModel registers the run the training hands back (the outputs chain)', async () => {
    suite.cloud.workspace.state.uc.addSchema('main.ml');
    const trained = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.84 } });
    const job = jobs().addJob({
      name: 'churn training',
      tasks: [{ key: 'train', script: { durationMs: MINUTE, notebookExit: JSON.stringify({ run_id: trained.info!.run_id }) } }],
    });
    const train = await runJob({ jobId: String(job.job_id) });
    assert.equal(train.result, 'Succeeded', train.stdout);
    const register = await runTask({
      task: 'DatabricksRegisterModel',
      env: { ...suite.conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
      inputs: { ...suite.conn.inputs, modelName: 'main.ml.churn_model', registerFrom: 'run', runId: train.outputs.mlflowRunId },
    });
    assert.equal(register.result, 'Succeeded', register.stdout);
    assert.equal(register.outputs.runId, trained.info!.run_id);
    assert.equal(register.outputs.modelVersion, '1');
  });

  it('stays authenticated through a run longer than several token lifetimes', async () => {
    // Its own cloud: workspace and task share the time scale, as the token margins need.
    const scale = 0.002;
    const slow = await FakeCloud.start({ timeScale: scale });
    try {
      const lifetimes = slow.authority.lifetimesMs;
      // 10-minute OIDC and 20-minute Entra ID tokens; a 90-minute training (10.8 s).
      lifetimes.oidc = 10 * MINUTE * scale;
      lifetimes.databricks = lifetimes.arm = lifetimes.management = 20 * MINUTE * scale;
      const c = slow.taskConnection('WorkloadIdentityFederation');
      const job = slow.workspace.state.jobs.addJob({ name: 'long training', tasks: [{ key: 'train', script: { durationMs: 90 * MINUTE, notebookExit: 'ok' } }] });
      const run = await runTask({
        task: TASK,
        env: { ...c.env, DATABRICKS_MLOPS_TIME_SCALE: String(scale) },
        inputs: { ...c.inputs, jobId: String(job.job_id) },
        timeoutMs: 80_000,
      });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.ok(run.durationMs >= 90 * MINUTE * scale, `the run lasted only ${run.durationMs} ms`);
      assert.deepEqual(
        slow.workspace.requests.filter((r) => r.status === 401).map((r) => r.path),
        [],
      );
      const databricksTokens = slow.authority.issued.filter((t) => t.audience === 'databricks').length;
      assert.ok(databricksTokens >= 4, `only ${databricksTokens} Databricks token(s) over 90 task minutes`);
    } finally {
      await slow.workspace.state.objects.close();
      await slow.close();
    }
  });

  it('times out: cancels the run (cancelOnTimeout) and fails', async () => {
    const job = jobs().addJob({ name: 'long training', tasks: [{ key: 'train', script: { durationMs: 60 * MINUTE } }] });
    const run = await runJob({ jobId: String(job.job_id), timeoutMinutes: '2' });
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /did not finish within timeoutMinutes \(2 min\); the task cancelled it \(it ended CANCELED\)/);
    assert.equal(run.outputs.resultState, 'CANCELED');
  });

  it('a large run: every task page is read (150 tasks)', async () => {
    jobs().pageSize = 20;
    const tasks = Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, script: { durationMs: 10_000 } }));
    const job = jobs().addJob({ name: 'wide', tasks });
    const run = await runJob({ jobId: String(job.job_id), outputTask: 't149' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.equal(reportOf(run).data.tasks.length, 150);
    assert.deepEqual(run.progress.at(-1), { value: 100, message: '150 of 150 task(s) finished' });
    assert.ok(suite.cloud.workspace.requests.some((r) => r.path === '/api/2.2/jobs/runs/get' && r.query.page_token !== undefined));
    assert.ok(suite.cloud.workspace.requests.some((r) => r.path === '/api/2.2/jobs/get' && r.query.page_token !== undefined));
  });

  it('answers without status (older workspaces): reads the deprecated state', async () => {
    jobs().legacyStateOnly = true;
    const job = jobs().addJob({ name: 'churn training', tasks: [{ key: 'train', script: { durationMs: MINUTE, result: 'INTERNAL_ERROR', error: 'Cluster lost' } }] });
    const run = await runJob({ jobId: String(job.job_id) });
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /ended with an internal error of Databricks/);
    assert.equal(run.outputs.resultState, 'INTERNAL_ERROR');
  });

  it('dryRun prints the job, its tasks and the parameters, and starts nothing', async () => {
    const job = jobs().addJob(TRAINING);
    const run = await runJob({ jobId: String(job.job_id), jobParameters: 'git_sha=abc', dryRun: 'true' });
    assert.equal(run.result, 'Succeeded', run.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    assert.match(
      run.stdout,
      /Job: churn training \(\d+\), 3 task\(s\)\n {2}prep \(notebook_task\)\n {2}train \(notebook_task\) after prep\n {2}log \(notebook_task\) after train\nJob parameters:\n\+ git_sha=abc\n {2}ado_build_id= \(job default\)/,
    );
    assert.match(run.resultMessage ?? '', /Plan mode \(dryRun\): would run job churn training/);
    assert.equal(reportOf(run).dryRun, true);
  });

  const badInputs: Array<[string, Record<string, string>, RegExp, boolean]> = [
    ['neither jobId nor jobName', {}, /Input 'jobId'.*set jobId or jobName/, false],
    ['both jobId and jobName', { jobId: '1', jobName: 'x' }, /set only one of jobId and jobName/, false],
    ['a jobId that is not a number', { jobId: 'churn' }, /Input 'jobId'.*positive integer/, false],
    ['a timeout of 0', { jobId: '1', timeoutMinutes: '0' }, /Input 'timeoutMinutes'.*integer from 1 to 10080/, false],
    ['a job parameter line without =', { jobId: '1', jobParameters: 'git_sha' }, /Input 'jobParameters'.*line 1: must be key=value/, false],
    ['an outputTask the job does not have', { outputTask: 'evaluate' }, /Input 'outputTask'.*is not a task of job \d+; its tasks are prep, train, log/, true],
    [
      'a job parameter the job does not define',
      { jobParameters: 'gitsha=abc' },
      /Input 'jobParameters'.*gitsha is not a parameter of job \d+ \(its parameters are git_sha, ado_build_id\)/,
      true,
    ],
    ['a job that does not exist', { jobId: '999' }, /Input 'jobId'.*no job 999 exists/, false],
  ];
  for (const [what, inputs, message, needsJob] of badInputs) {
    it(`fails on ${what} before any write`, async () => {
      const job = jobs().addJob(TRAINING);
      const run = await runJob(needsJob ? { jobId: String(job.job_id), ...inputs } : inputs);
      assert.equal(run.result, 'Failed', run.stdout);
      assert.match(run.resultMessage ?? '', message);
      assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    });
  }
});
