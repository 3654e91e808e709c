/**
 * RunJob's phases called directly with a stub client: the plan (parameter values kept out of
 * the summary's lines), the planned outcome, and what a cancellation or a timeout leaves.
 */
import { recordingLog } from '../../helpers/recordingLog';
import assert from 'node:assert/strict';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, DatabricksApiError } from '../../../shared/client/errors';
import { createClock } from '../../../shared/runtime/clock';
import type { TaskContext } from '../../../shared/runtime/task';
import { cancelled, planRunJob, plannedRunJob, timedOut, type RunJobPlan } from '../../../tasks/DatabricksRunJob/src/operations';
import { buildParameters } from '../../../tasks/DatabricksRunJob/src/parameters';
import { testDeps } from '../../helpers/taskPhases';
import { build, CONNECTION } from '../parameters/support';

const JOB = {
  job_id: 42,
  settings: {
    name: 'churn training',
    tasks: [{ task_key: 'train', notebook_task: {} }],
    parameters: [
      { name: 'git_sha', default: 'main' },
      { name: 'secret', default: '' },
    ],
  },
};

function ctx(): { log: ReturnType<typeof recordingLog>; ctx: TaskContext } {
  const log = recordingLog();
  return { log, ctx: { log, signal: new AbortController().signal, clock: createClock(1), variable: () => undefined } };
}

function stub(post: (path: string) => unknown = () => ({})): { client: DatabricksClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    workspaceUrl: 'https://w',
    readOnly: false,
    link: (path: string) => `https://w${path}`,
    get: async (path: string) => (calls.push(`GET ${path}`), JOB),
    post: async (path: string) => (calls.push(`POST ${path}`), post(path)),
  } as unknown as DatabricksClient;
  return { client, calls };
}

async function plan(inputs: Record<string, string>): Promise<RunJobPlan> {
  const { client } = stub();
  return planRunJob(testDeps(client, ctx().ctx), build(buildParameters, { ...CONNECTION, jobId: '42', ...inputs }));
}

describe('RunJob phases (direct)', () => {
  it('plan: the summary lines name the parameters the step sets, the log lines carry their values', async () => {
    const p = await plan({ jobParameters: 'git_sha=abc\nsecret=hunter2' });
    assert.ok(p.planLines.includes('+ secret (set by the step)'));
    assert.ok(!p.planLines.join('\n').includes('hunter2'));
    assert.ok(p.logLines.includes('+ secret=hunter2'));
    assert.deepEqual(p.report.parameterNames, ['git_sha', 'secret']);
  });

  it('planned: nothing started, the counts in the message', async () => {
    const o = plannedRunJob(await plan({ jobParameters: 'git_sha=abc' }));
    assert.equal(o.result, 'Succeeded');
    assert.equal(o.message, 'Plan mode (dryRun): would run job churn training (42) with 1 task(s) and 1 parameter(s); nothing was started.');
    assert.equal(o.report.action, 'planned');
  });

  it('cancelled with cancelOnTimeout false: the run is left running, no cancel request', async () => {
    const p = await plan({ cancelOnTimeout: 'false' });
    const { client, calls } = stub();
    const o = await cancelled({ client, ctx: ctx().ctx }, p, 7, new CancelledError('The pipeline cancelled the step.'));
    assert.equal(o.result, 'Failed');
    assert.match(o.message, /^The pipeline cancelled the step\. The Databricks run 7 was left running \(cancelOnTimeout is false\)/);
    assert.deepEqual(calls, []);
    assert.deepEqual(o.report.stopped, { why: 'cancelled', runCancelled: false, detail: 'cancelOnTimeout is false: the Databricks run was left running.' });
  });

  it('cancelled, and runs/cancel refused: the failure says so and where to cancel it', async () => {
    const p = await plan({});
    const { client, calls } = stub(() => {
      const request = { method: 'POST', url: new URL('https://w/api/2.2/jobs/runs/cancel'), headers: new Headers() };
      throw new DatabricksApiError({ statusCode: 403, errorCode: 'PERMISSION_DENIED', message: 'no CAN_MANAGE_RUN', request: request as never, response: {} as never });
    });
    const o = await cancelled({ client, ctx: ctx().ctx }, p, 7, new CancelledError('The pipeline cancelled the step.'));
    assert.equal(o.message, 'The pipeline cancelled the step. Cancelling Databricks run 7 failed (PERMISSION_DENIED: no CAN_MANAGE_RUN); cancel it in the workspace:');
    assert.equal(calls.length, 1);
    assert.equal(o.report.stopped?.runCancelled, false);
  });

  it('timed out with cancelOnTimeout false: Failed, the run left running and read once', async () => {
    const p = await plan({ cancelOnTimeout: 'false', timeoutMinutes: '5' });
    const { client, calls } = stub();
    const o = await timedOut({ client, ctx: ctx().ctx }, p, 7);
    assert.equal(o.result, 'Failed');
    assert.match(o.message, /^Run 7 of job churn training did not finish within timeoutMinutes \(5 min\); cancelOnTimeout is false, so it was left running/);
    assert.ok(calls.every((c) => c.startsWith('GET ')));
  });
});
