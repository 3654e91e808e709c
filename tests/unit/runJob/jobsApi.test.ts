/**
 * shared/api/jobs.ts against the fake Jobs API 2.2: list by name over pages, task pages of a big
 * run and job, idempotency tokens, the state machine, get-output, cancel and repair rules.
 */
import assert from 'node:assert/strict';
import { getJobAllPages, getRun, getRunAllPages, getRunOutput, latestTaskAttempts, listJobsByName, repairRun, runNow, cancelRun } from '../../../shared/api/jobs';
import { DatabricksApiError } from '../../../shared/client/errors';
import { startTestWorkspace, type TestWorkspace } from '../../helpers/testWorkspace';

const SCALE = 0.001;

describe('Jobs API module against the fake Jobs API 2.2', function () {
  this.timeout(30_000);
  let t: TestWorkspace;
  before(async () => {
    t = await startTestWorkspace({ timeScale: SCALE });
  });
  after(() => t.close());
  beforeEach(() => t.reset());

  const jobs = () => t.ws.state.jobs;
  const settle = (runId: number) => jobs().view(jobs().runs.get(runId)!, Date.now() + 3_600_000);
  /** Reads until the run is in `life`; the 20 s bound is a give-up for a broken fake, not a window the test depends on. */
  async function until(runId: number, life: string): Promise<void> {
    for (const giveUp = Date.now() + 20_000; Date.now() < giveUp;) {
      const r = await getRun(t.client(), runId);
      if ((r.status?.state ?? r.state?.life_cycle_state) === life) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`run ${runId} never reached ${life}`);
  }

  it('lists every job of a name across pages, exact and case-insensitive', async () => {
    for (let i = 0; i < 130; i++) jobs().addJob({ name: 'Train', tasks: [{ key: 't' }] });
    jobs().addJob({ name: 'Train 2', tasks: [{ key: 't' }] });
    const found = await listJobsByName(t.client(), 'train');
    assert.equal(found.length, 130);
    assert.ok(t.ws.requests.some((r) => r.path === '/api/2.2/jobs/list' && r.query.page_token !== undefined));
  });

  it('reads all task pages of a job and of a run; later pages carry empty parameter arrays', async () => {
    jobs().pageSize = 7;
    const job = jobs().addJob({ name: 'wide', parameters: { a: '1' }, tasks: Array.from({ length: 20 }, (_, i) => ({ key: `t${i}`, script: { durationMs: 1000 } })) });
    const full = await getJobAllPages(t.client(), job.job_id);
    assert.equal(full.settings?.tasks?.length, 20);
    assert.deepEqual(full.settings?.parameters, [{ name: 'a', default: '1' }]);
    const { run_id } = await runNow(t.client(), { job_id: job.job_id });
    const first = await getRun(t.client(), run_id!);
    assert.equal(first.tasks?.length, 7);
    assert.equal(first.has_more, true);
    const all = await getRunAllPages(t.client(), run_id!);
    assert.equal(all.tasks?.length, 20);
    assert.equal(all.job_parameters?.length, 1);
  });

  it('returns the same run for the same idempotency token, and refuses a token over 64 characters', async () => {
    const job = jobs().addJob({ name: 'j', tasks: [{ key: 't' }] });
    const a = await runNow(t.client(), { job_id: job.job_id, idempotency_token: 'tok-1' });
    const b = await runNow(t.client(), { job_id: job.job_id, idempotency_token: 'tok-1' });
    const c = await runNow(t.client(), { job_id: job.job_id, idempotency_token: 'tok-2' });
    assert.equal(a.run_id, b.run_id);
    assert.notEqual(a.run_id, c.run_id);
    await assert.rejects(runNow(t.client(), { job_id: job.job_id, idempotency_token: 'x'.repeat(65) }), (e: unknown) => e instanceof DatabricksApiError && e.statusCode === 400);
    await assert.rejects(
      runNow(t.client(), { job_id: 12345 }),
      (e: unknown) => e instanceof DatabricksApiError && e.statusCode === 404 && /Job 12345 does not exist/.test(e.serviceMessage),
    );
  });

  it('moves a run PENDING → RUNNING → TERMINATED, queues a second run behind the first', async () => {
    // 5 min pending (300 ms here), not the usual 10 s (10 ms): the first read comes well inside it;
    // a 25-minute task (1.5 s), so the second run's own pending phase ends while the first still runs.
    jobs().pendingMs = 5 * 60_000;
    const job = jobs().addJob({ name: 'j', tasks: [{ key: 't', script: { durationMs: 25 * 60_000 } }] });
    const { run_id } = await runNow(t.client(), { job_id: job.job_id, queue: { enabled: true } });
    assert.equal((await getRun(t.client(), run_id!)).status?.state, 'PENDING');
    await until(run_id!, 'RUNNING');
    const second = await runNow(t.client(), { job_id: job.job_id, queue: { enabled: true } });
    await until(second.run_id!, 'QUEUED');
    assert.equal((await getRun(t.client(), second.run_id!)).status?.queue_details?.code, 'MAX_CONCURRENT_RUNS_REACHED');
    await until(run_id!, 'TERMINATED');
    const ended = await getRun(t.client(), run_id!);
    assert.equal(ended.state?.result_state, 'SUCCESS');
    assert.equal(ended.status?.termination_details?.code, 'SUCCESS');
    await until(second.run_id!, 'RUNNING');
    const skipped = await runNow(t.client(), { job_id: job.job_id, queue: { enabled: false } });
    const s = await getRun(t.client(), skipped.run_id!);
    assert.equal(s.state?.life_cycle_state, 'SKIPPED');
    assert.equal(s.status?.termination_details?.code, 'MAX_CONCURRENT_RUNS_EXCEEDED');
  });

  it('get-output: the exit value of a task run; error and trace of a failed one; 400 for a multi-task job run', async () => {
    const job = jobs().addJob({
      name: 'j',
      tasks: [
        { key: 'a', script: { durationMs: 1000, notebookExit: 'hello' } },
        { key: 'b', dependsOn: ['a'], kind: 'python', script: { durationMs: 1000, result: 'FAILED', error: 'boom', errorTrace: 'trace', logs: 'out' } },
      ],
    });
    const { run_id } = await runNow(t.client(), { job_id: job.job_id });
    await until(run_id!, 'TERMINATED');
    const run = await getRunAllPages(t.client(), run_id!);
    const [a, b] = latestTaskAttempts(run.tasks);
    assert.equal((await getRunOutput(t.client(), a!.run_id!)).notebook_output?.result, 'hello');
    const failed = await getRunOutput(t.client(), b!.run_id!);
    assert.deepEqual([failed.error, failed.error_trace, failed.logs], ['boom', 'trace', 'out']);
    await assert.rejects(getRunOutput(t.client(), run_id!), (e: unknown) => e instanceof DatabricksApiError && e.statusCode === 400 && /multiple tasks/.test(e.serviceMessage));
  });

  it('cancel ends the run CANCELED; repair re-runs the failed tasks and needs latest_repair_id the second time', async () => {
    const job = jobs().addJob({
      name: 'j',
      tasks: [
        { key: 'a', script: { durationMs: 1000 } },
        { key: 'b', dependsOn: ['a'], script: { durationMs: 100_000 } },
      ],
    });
    const { run_id } = await runNow(t.client(), { job_id: job.job_id });
    await until(run_id!, 'RUNNING');
    await assert.rejects(repairRun(t.client(), { run_id: run_id!, rerun_all_failed_tasks: true }), /in progress/);
    await cancelRun(t.client(), run_id!);
    await until(run_id!, 'TERMINATED');
    assert.equal(settle(run_id!).result, 'CANCELED');
    const first = await repairRun(t.client(), { run_id: run_id!, rerun_all_failed_tasks: true, rerun_dependent_tasks: true });
    const run = await getRunAllPages(t.client(), run_id!, { includeHistory: true });
    assert.deepEqual(
      run.repair_history?.map((h) => h.type),
      ['ORIGINAL', 'REPAIR'],
    );
    assert.equal(run.repair_history?.[1]?.id, first.repair_id);
    await cancelRun(t.client(), run_id!);
    await until(run_id!, 'TERMINATED');
    await assert.rejects(repairRun(t.client(), { run_id: run_id!, rerun_all_failed_tasks: true }), /latest_repair_id/);
    await repairRun(t.client(), { run_id: run_id!, rerun_all_failed_tasks: true, latest_repair_id: first.repair_id });
  });
});
