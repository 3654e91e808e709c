/**
 * The reliability suite's own logic (the suite itself runs with `npm run verify`): the judgements
 * it makes on a run, the stages it derives from requests, and the cases it generates.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '../fake/workspace';
import { parseRun, type TaskRun } from '../helpers/runTask';
import { leaks } from './checks/canaries';
import { matrix } from './checks/faults';
import { fuzzCases, injectedCommandLine } from './checks/fuzz';
import { exceeded, leakedException, unclearFailure, writes } from './judge';
import { mapLimit } from './pool';
import { formatLine } from './report';
import { stageOf, stagesOf } from './stages';
import type { PackagedTask } from './vsix';

function run(stdout: string, stderr = ''): TaskRun {
  return parseRun(stdout, stderr, 0, null, 10, mkdtempSync(join(tmpdir(), 'verify-test-')));
}

function failed(message: string): TaskRun {
  return run(`##vso[task.complete result=Failed;]${message}\n`);
}

function request(method: string, path: string): RecordedRequest {
  return { requestId: 'r', method, path, query: {}, time: 0, status: 200, managementHeaders: false, headerNames: [], faults: [] };
}

describe('verify harness', () => {
  describe('judging a failed run', () => {
    it('accepts a message that names the status, the error code or the call', () => {
      assert.equal(unclearFailure(failed('TEMPORARILY_UNAVAILABLE (HTTP 503) on GET /api/2.0/preview/scim/v2/Me: try later.')), undefined);
      assert.equal(unclearFailure(failed('No answer within 5 s (TIMEOUT) on POST /api/2.0/serving-endpoints')), undefined);
    });

    it('refuses vague messages, undefined, [object Object] and stack traces', () => {
      assert.match(unclearFailure(failed('Something went wrong.'))!, /names neither/);
      assert.match(unclearFailure(failed('Failed: undefined'))!, /undefined/);
      assert.match(unclearFailure(failed('HTTP 500: [object Object]'))!, /object Object/);
      assert.match(unclearFailure(run('##vso[task.complete result=Failed;]INTERNAL_ERROR\n', 'TypeError: x\n    at f (/tmp/t/index.js:10:5)\n'))!, /stack trace in stderr/);
      assert.match(leakedException(run('no result here\n'))!, /no task.complete/);
    });
  });

  describe('canaries', () => {
    it('finds a secret in stdout and in files the run wrote, but not in a setsecret command', () => {
      const r = run('##vso[task.setsecret]s3cret-canary\nall good\n');
      assert.deepEqual(leaks(r, [{ kind: 'client secret', value: 's3cret-canary' }]), []);
      writeFileSync(join(r.tempDir, 'report.json'), '{"token":"s3cret-canary"}');
      assert.deepEqual(leaks(r, [{ kind: 'client secret', value: 's3cret-canary' }]), [`client secret in ${join(r.tempDir, 'report.json')}`]);
      assert.deepEqual(leaks(run('Bearer s3cret-canary\n'), [{ kind: 'client secret', value: 's3cret-canary' }]), ['client secret in stdout']);
    });
  });

  describe('stages and the fault matrix', () => {
    it('generalises ids so a stage matches the same call on a freshly seeded workspace', () => {
      const s = stageOf('GET', '/api/2.0/sql/statements/01ef-8a2b-statement-4c5d6e7f8a9b0c1d');
      assert.equal(s.label, '/api/2.0/sql/statements/{id}');
      assert.ok(s.path.test('/api/2.0/sql/statements/01ef-9999-statement-4c5d6e7f8a9b0c1d'));
      assert.ok(!s.path.test('/api/2.0/sql/statements/x/result/chunks/0'));
      const v = stageOf('GET', '/api/2.1/unity-catalog/models/main.ml.churn_model/versions/3');
      assert.ok(v.path.test('/api/2.1/unity-catalog/models/main.ml.churn_model/versions/12'));
      assert.ok(!v.path.test('/api/2.1/unity-catalog/models/main.ml.other/versions/12'));
      assert.ok(stageOf('PUT', '/api/2.0/fs/files/Models/main/ml/m/1/MLmodel').path.test('/api/2.0/fs/files/Models/main/ml/m/2/data/model.pkl'));
      const stages = stagesOf([request('GET', '/api/x/1'), request('GET', '/api/x/2'), request('POST', '/api/x/2')]);
      assert.deepEqual(
        stages.map((st) => `${st.method} ${st.label}`),
        ['GET /api/x/{id}', 'POST /api/x/{id}'],
      );
    });

    it('injects every class at every applicable stage, or each class once in fast mode', () => {
      const stages = stagesOf([request('GET', '/api/a'), request('POST', '/api/b'), request('PUT', '/api/c')]);
      const full = matrix(stages, { fast: false, seed: 1 });
      assert.equal(full.filter((c) => c.fault.name === '500-on-post').length, 1);
      assert.equal(full.filter((c) => c.fault.name === '500-on-get').length, 1);
      assert.equal(full.filter((c) => c.fault.name === '503').length, 3);
      const fast = matrix(stages, { fast: true, seed: 1 });
      assert.equal(fast.length, new Set(fast.map((c) => c.fault.name)).size);
      assert.equal(fast.length, 10);
    });

    it('counts writes except the exempt calls, and resources over the clean run', () => {
      const reqs = [request('GET', '/api/a'), request('POST', '/api/2.0/sql/statements'), request('POST', '/api/b'), request('POST', '/__fake/x')];
      assert.equal(writes(reqs).length, 2);
      assert.equal(writes(reqs, [{ method: 'POST', path: /sql\/statements$/ }]).length, 1);
      assert.deepEqual(exceeded({ versions: 2, aliases: 1 }, { versions: 1, aliases: 1 }), ['versions 2 > 1']);
    });
  });

  describe('fuzzing', () => {
    const task: PackagedTask = {
      name: 'T',
      entry: 'index.js',
      inputs: [
        { name: 'flag', type: 'boolean', defaultValue: 'false' },
        { name: 'mode', type: 'pickList', options: { a: 'A', b: 'B' } },
      ],
    };

    it('generates 1–3 corrupted inputs with values that break their rule, reproducibly by seed', () => {
      const spec = { task: 'T', base: () => ({}), names: ['name'], invalid: { count: ['0'] } };
      const a = fuzzCases(task, spec, { fast: false, seed: 7 });
      assert.equal(a.length, 15);
      assert.deepEqual(fuzzCases(task, spec, { fast: false, seed: 7 }), a);
      for (const c of a) {
        const keys = Object.keys(c.corrupted);
        assert.ok(keys.length >= 1 && keys.length <= 3);
        if (c.corrupted.flag !== undefined) assert.ok(!['true', 'false'].includes(c.corrupted.flag.toLowerCase()));
        if (c.corrupted.mode !== undefined) assert.ok(!['a', 'b'].includes(c.corrupted.mode.trim().toLowerCase()));
        if (c.corrupted.name !== undefined) assert.ok(!/^[A-Za-z0-9_.-]+$/.test(c.corrupted.name), c.corrupted.name);
      }
    });

    it('sees an injected logging command the agent would run, not one quoted inside another command', () => {
      assert.ok(injectedCommandLine('##[error]Input \'x\': bad; got "##vso[task.setvariable variable=VERIFY_INJECTED]pwned"'));
      assert.ok(!injectedCommandLine("##vso[task.complete result=Failed;]Input 'x' got ##vso[task.setvariable variable=VERIFY_INJECTED]pwned"));
    });

    it('never prints a logging command in its own report lines', () => {
      assert.ok(!formatLine({ verdict: 'PASS', check: 'fuzz', task: 'T', detail: 'x="##vso[task.complete result=Failed]"' }).includes('##vso['));
    });
  });

  it('runs at most `limit` jobs at once and keeps the order of results', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5], 2, async (ms, i) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    assert.deepEqual(out, [0, 1, 2, 3]);
    assert.equal(peak, 2);
  });
});
