/** DatabricksRunJob's pure logic: run verdicts and wording, the idempotency token, exit values, polling. */
import assert from 'node:assert/strict';
import type { Run, RunTask } from '../../../shared/api/jobs';
import { latestTaskAttempts } from '../../../shared/api/jobs';
import { mapVariableSource } from '../../../shared/runtime/inputs';
import { idempotencyToken, pipelineStep } from '../../../tasks/DatabricksRunJob/src/idempotency';
import { chooseOutputTask, runIdFromExitValue } from '../../../tasks/DatabricksRunJob/src/mlflowRun';
import { tail } from '../../../tasks/DatabricksRunJob/src/operations';
import { isTerminal, resultState, verdictMessage, verdictOf, type RunVerdict } from '../../../tasks/DatabricksRunJob/src/runState';
import { pollIntervalMs } from '../../../tasks/DatabricksRunJob/src/wait';

describe('DatabricksRunJob logic', () => {
  describe('run state (runs/get status, state deprecated)', () => {
    const cases: Array<[string, Run, boolean, RunVerdict, string]> = [
      [
        'status SUCCESS',
        { status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS', type: 'SUCCESS' } }, state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } },
        true,
        'success',
        'SUCCESS',
      ],
      ['status only, failed', { status: { state: 'TERMINATED', termination_details: { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR' } } }, true, 'failed', 'FAILED'],
      ['status only, user cancel', { status: { state: 'TERMINATED', termination_details: { code: 'USER_CANCELED', type: 'SUCCESS' } } }, true, 'canceled', 'CANCELED'],
      ['legacy SKIPPED', { state: { life_cycle_state: 'SKIPPED' } }, true, 'skipped', 'SKIPPED'],
      ['legacy INTERNAL_ERROR', { state: { life_cycle_state: 'INTERNAL_ERROR' } }, true, 'internalError', 'INTERNAL_ERROR'],
      ['legacy TIMEDOUT', { state: { life_cycle_state: 'TERMINATED', result_state: 'TIMEDOUT' } }, true, 'timedOut', 'TIMEDOUT'],
      [
        'concurrency code',
        { status: { state: 'TERMINATED', termination_details: { code: 'MAX_CONCURRENT_RUNS_EXCEEDED', type: 'CLIENT_ERROR' } } },
        true,
        'concurrencyLimit',
        'MAXIMUM_CONCURRENT_RUNS_REACHED',
      ],
      [
        'with failures',
        { status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS_WITH_FAILURES', type: 'SUCCESS' } } },
        true,
        'successWithFailures',
        'SUCCESS_WITH_FAILURES',
      ],
      ['running (status wins over a stale state)', { status: { state: 'RUNNING' }, state: { life_cycle_state: 'TERMINATED' } }, false, 'failed', 'UNKNOWN'],
      ['legacy running', { state: { life_cycle_state: 'RUNNING' } }, false, 'failed', 'UNKNOWN'],
    ];
    for (const [what, run, terminal, verdict, result] of cases) {
      it(what, () => {
        assert.equal(isTerminal(run), terminal);
        if (terminal) {
          assert.equal(verdictOf(run), verdict);
          assert.equal(resultState(run), result);
        }
      });
    }

    it('words every verdict differently', () => {
      const verdicts: RunVerdict[] = ['success', 'successWithFailures', 'failed', 'canceled', 'timedOut', 'skipped', 'concurrencyLimit', 'internalError'];
      const texts = verdicts.map((v) => verdictMessage(v, 'Run 1', ''));
      assert.equal(new Set(texts).size, verdicts.length);
      assert.match(verdictMessage('concurrencyLimit', 'Run 1', ''), /maximum of concurrent runs/);
      assert.match(verdictMessage('skipped', 'Run 1', ''), /did not run/);
    });
  });

  describe('idempotency token', () => {
    const vars = {
      'System.CollectionId': 'c1',
      'Build.BuildId': '4711',
      'System.StageName': 'Train',
      'System.PhaseName': 'train',
      'System.TaskInstanceName': 'train',
      'System.JobAttempt': '2',
    };
    const step = pipelineStep(mapVariableSource(vars));

    it('is at most 64 characters and the same for every attempt with repairOnRetry', () => {
      const token = idempotencyToken(step, 123, false);
      assert.match(token, /^ado-4711-[0-9a-f]{32}$/);
      assert.ok(token.length <= 64);
      assert.equal(idempotencyToken({ ...step, attempt: 1 }, 123, false), token);
    });

    it('changes with the attempt without repairOnRetry, and with the step, the job or the build', () => {
      const perAttempt = idempotencyToken(step, 123, true);
      assert.match(perAttempt, /^ado-4711-a2-[0-9a-f]{32}$/);
      assert.notEqual(idempotencyToken({ ...step, attempt: 3 }, 123, true), perAttempt);
      const base = idempotencyToken(step, 123, false);
      assert.notEqual(idempotencyToken({ ...step, step: 'train2' }, 123, false), base);
      assert.notEqual(idempotencyToken(step, 124, false), base);
      assert.notEqual(idempotencyToken({ ...step, buildId: '4712' }, 123, false), base);
      assert.ok(idempotencyToken({ ...step, buildId: 'x'.repeat(200) }, 123, true).length <= 64);
    });
  });

  describe('exit value', () => {
    const id = '0123456789abcdef0123456789abcdef';
    it('takes mlflow_run_id, then run_id, or a bare run id', () => {
      assert.deepEqual(runIdFromExitValue(JSON.stringify({ mlflow_run_id: id, run_id: 'other' })), { runId: id, key: 'mlflow_run_id' });
      assert.deepEqual(runIdFromExitValue(JSON.stringify({ run_id: id })), { runId: id, key: 'run_id' });
      assert.deepEqual(runIdFromExitValue(` ${id}\n`), { runId: id });
    });
    it('finds none in other values', () => {
      for (const value of [undefined, '', 'done', '[1,2]', '{"run_id": 5}', '{not json', 'null', JSON.stringify({ run_id: 'a b' })])
        assert.equal(runIdFromExitValue(value), undefined, String(value));
    });
  });

  it('chooses the named task, the only one, or the last to finish', () => {
    const tasks: RunTask[] = [
      { task_key: 'a', end_time: 30 },
      { task_key: 'b', end_time: 50 },
      { task_key: 'c', end_time: 0 },
    ];
    assert.equal(chooseOutputTask(tasks, 'a')?.task_key, 'a');
    assert.equal(chooseOutputTask(tasks, 'x'), undefined);
    assert.equal(chooseOutputTask(tasks, undefined)?.task_key, 'b');
    assert.equal(chooseOutputTask([{ task_key: 'only' }], undefined)?.task_key, 'only');
  });

  it('keeps the latest attempt of each task', () => {
    const tasks: RunTask[] = [
      { task_key: 'a', run_id: 1, attempt_number: 0 },
      { task_key: 'b', run_id: 2 },
      { task_key: 'a', run_id: 3, attempt_number: 1 },
    ];
    assert.deepEqual(
      latestTaskAttempts(tasks).map((t) => t.run_id),
      [3, 2],
    );
  });

  it('polls like the SDK waiters: n seconds capped at 10, plus 50-750 ms jitter', () => {
    assert.equal(
      pollIntervalMs(1, () => 0),
      1050,
    );
    assert.equal(
      pollIntervalMs(3, () => 0.5),
      3400,
    );
    assert.equal(
      pollIntervalMs(50, () => 0.999),
      10_749,
    );
  });

  it('keeps the end of a trace', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const kept = tail(text)!;
    assert.match(kept, /^…\nline 60\n/);
    assert.match(kept, /line 99$/);
    assert.equal(tail('   '), undefined);
    assert.ok(tail('x'.repeat(10_000))!.length <= 4_001);
  });
});
