import * as assert from 'node:assert/strict';
import { buildParameters, lineageTags } from '../../../tasks/DatabricksRegisterModel/src/parameters';
import { mapVariableSource } from '../../../shared/runtime/inputs';
import { build, CONNECTION, errorsOf, expectError, type Inputs } from './support';

const RUN_ID = '0123456789abcdef0123456789abcdef';
const run = (inputs: Inputs, vars: Inputs = {}) => build(buildParameters, { ...CONNECTION, modelName: 'main.ml.churn', runId: RUN_ID, ...inputs }, vars);

describe('DatabricksRegisterModel parameters', () => {
  it('applies every default', () => {
    const p = run({});
    assert.equal(p.modelName, 'main.ml.churn');
    assert.deepEqual(p.source, { kind: 'run', runId: RUN_ID, experimentName: undefined, runFilter: undefined, modelId: undefined, artifactPath: 'model' });
    assert.equal(p.description, undefined);
    assert.deepEqual(p.tags, []);
    assert.equal(p.comparison, undefined);
    assert.deepEqual(p.candidateAliases, []);
    assert.deepEqual(p.promoteAliases, ['champion']);
    assert.equal(p.timeoutMinutes, 20);
    assert.deepEqual(p.lineageTags, []);
  });

  describe('modelName', () => {
    it('is required', () => {
      expectError(() => run({ modelName: undefined }), 'modelName', 'is required');
    });
    it('takes backticks around a part and drops them', () => {
      assert.equal(run({ modelName: '`ml-prod`.churn.`model_v2`' }).modelName, 'ml-prod.churn.model_v2');
    });
    for (const bad of ['churn', 'main.churn', 'a.b.c.d', 'main.ml.churn model', 'main..churn', 'main.ml.`churn`x', 'main.ml.chürn']) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        expectError(() => run({ modelName: bad }), 'modelName', 'must be a three-part name catalog.schema.model', `got ${JSON.stringify(bad)}`);
      });
    }
  });

  describe('registerFrom and the model source', () => {
    it('existingVersion uses modelVersion (default latest) and ignores the run inputs', () => {
      assert.deepEqual(run({ registerFrom: 'existingVersion' }).source, { kind: 'existingVersion', version: 'latest' });
      assert.deepEqual(run({ registerFrom: 'ExistingVersion', modelVersion: '7' }).source, { kind: 'existingVersion', version: 7 });
      assert.deepEqual(run({ registerFrom: 'existingVersion', modelVersion: 'LATEST' }).source, { kind: 'existingVersion', version: 'latest' });
    });
    it('rejects another mode', () => {
      expectError(() => run({ registerFrom: 'copy' }), 'registerFrom', 'must be one of run, existingVersion; got "copy"');
    });
    for (const bad of ['0', '-1', '1.5', 'v2']) {
      it(`rejects modelVersion ${bad}`, () => {
        expectError(() => run({ registerFrom: 'existingVersion', modelVersion: bad }), 'modelVersion', 'must be "latest" or a positive integer version');
      });
    }
    it('run mode takes experimentName + runFilter instead of runId', () => {
      const p = run({ runId: undefined, experimentName: '/Shared/churn', runFilter: "tags.git_sha = 'abc'" });
      assert.deepEqual(p.source, { kind: 'run', runId: undefined, experimentName: '/Shared/churn', runFilter: "tags.git_sha = 'abc'", modelId: undefined, artifactPath: 'model' });
    });
    it('run mode needs runId or experimentName', () => {
      expectError(() => run({ runId: undefined }), 'runId', 'registerFrom is run: set runId, experimentName or modelId');
    });
    it('run mode refuses both runId and experimentName', () => {
      expectError(() => run({ experimentName: '/Shared/churn' }), 'runId', 'set runId or experimentName, not both');
    });
    it('run mode takes a logged model id (modelId) instead of a run', () => {
      const p = run({ runId: undefined, modelId: 'm-0123456789abcdef0123456789abcdef' });
      assert.equal(p.source.kind === 'run' && p.source.modelId, 'm-0123456789abcdef0123456789abcdef');
    });
    it('modelId is an m-… id, and not given together with a run', () => {
      expectError(() => run({ runId: undefined, modelId: 'model-1' }), 'modelId', 'must be an MLflow logged model id');
      expectError(() => run({ modelId: 'm-0123' }), 'modelId', 'set modelId, or runId/experimentName (+ artifactPath), not both');
    });
    it('copyConcurrency: default 4, 1 to 16', () => {
      assert.equal(run({}).copyConcurrency, 4);
      assert.equal(run({ copyConcurrency: '16' }).copyConcurrency, 16);
      expectError(() => run({ copyConcurrency: '0' }), 'copyConcurrency', 'must be an integer from 1 to 16');
      expectError(() => run({ copyConcurrency: '17' }), 'copyConcurrency', 'must be an integer from 1 to 16');
    });
    it('runFilter needs experimentName', () => {
      expectError(() => run({ runFilter: "tags.x = '1'" }), 'runFilter', 'applies only with experimentName');
    });
    it('rejects a malformed runId', () => {
      expectError(() => run({ runId: 'run 1' }), 'runId', 'must be an MLflow run id');
    });
  });

  describe('artifactPath', () => {
    it('takes a relative path', () => {
      assert.deepEqual(run({ artifactPath: 'models/churn' }).source, {
        kind: 'run',
        runId: RUN_ID,
        experimentName: undefined,
        runFilter: undefined,
        modelId: undefined,
        artifactPath: 'models/churn',
      });
    });
    for (const bad of ['/model', '../model', 'a/../b', 'a//b']) {
      it(`rejects ${bad}`, () => {
        expectError(() => run({ artifactPath: bad }), 'artifactPath', 'must be a relative path inside the run');
      });
    }
  });

  describe('description', () => {
    it('keeps up to 5000 characters', () => {
      assert.equal(run({ description: 'x'.repeat(5000) }).description?.length, 5000);
    });
    it('rejects more', () => {
      expectError(() => run({ description: 'x'.repeat(5001) }), 'description', 'must be at most 5000 characters');
    });
  });

  describe('tags', () => {
    it('reads key=value lines, skipping blanks and comments', () => {
      assert.deepEqual(run({ tags: '# lineage\nteam = ml-platform\n\nticket=ML-1=2\nempty=' }).tags, [
        { key: 'team', value: 'ml-platform' },
        { key: 'ticket', value: 'ML-1=2' },
        { key: 'empty', value: '' },
      ]);
    });
    it('reports every bad line with its number, quoting only the key', () => {
      const errors = errorsOf(() => run({ tags: 'a=1\nno separator\nbad:key=1\na=2\n' + `long=${'v'.repeat(5001)}` }));
      assert.deepEqual(
        errors.map((e) => e.message),
        [
          "Input 'tags' (from the task): line 2: must be key=value.",
          'Input \'tags\' (from the task): line 3: key must be letters, digits, _ . - / or spaces, at most 250 characters; got "bad:key".',
          'Input \'tags\' (from the task): line 4: duplicate key (also on line 1); got "a".',
          'Input \'tags\' (from the task): line 5: the value of "long" must be at most 5000 characters.',
        ],
      );
    });
    it('limits keys to 250 characters', () => {
      expectError(() => run({ tags: `${'k'.repeat(251)}=v` }), 'tags', 'line 1: key must be');
    });
  });

  describe('the champion/challenger gate', () => {
    it('is off without compareMetric', () => {
      assert.equal(run({ metricGoal: 'minimize' }).comparison, undefined);
    });
    it('reads compareMetric with its defaults', () => {
      assert.deepEqual(run({ compareMetric: 'val/f1 score' }).comparison, {
        metric: 'val/f1 score',
        goal: 'maximize',
        minImprovement: 0,
        promoteOnTie: false,
        baselineAlias: 'champion',
        failIfNotImproved: false,
      });
    });
    it('reads every gate input', () => {
      const p = run({ compareMetric: 'rmse', metricGoal: 'minimize', minImprovement: '1e-3', promoteOnTie: 'true', baselineAlias: 'prod_model', failIfNotImproved: 'TRUE' });
      assert.deepEqual(p.comparison, { metric: 'rmse', goal: 'minimize', minImprovement: 0.001, promoteOnTie: true, baselineAlias: 'prod_model', failIfNotImproved: true });
    });
    it('rejects a compareMetric with other characters', () => {
      expectError(() => run({ compareMetric: 'f1@score' }), 'compareMetric', 'must be an MLflow metric key');
    });
    it('rejects a metricGoal other than the two values', () => {
      expectError(() => run({ compareMetric: 'f1', metricGoal: 'max' }), 'metricGoal', 'must be one of maximize, minimize; got "max"');
    });
    for (const bad of ['abc', '-0.1', 'Infinity', '0x10', '1,5']) {
      it(`rejects minImprovement ${bad}`, () => {
        expectError(() => run({ compareMetric: 'f1', minImprovement: bad }), 'minImprovement', 'must be a number ≥ 0');
      });
    }
    it('rejects non-boolean promoteOnTie and failIfNotImproved', () => {
      const errors = errorsOf(() => run({ promoteOnTie: '1', failIfNotImproved: 'no' }));
      assert.deepEqual(
        errors.map((e) => [e.input, e.rule]),
        [
          ['promoteOnTie', 'must be true or false'],
          ['failIfNotImproved', 'must be true or false'],
        ],
      );
    });
    for (const bad of ['latest', 'Latest', '1champion', 'champ ion', 'a'.repeat(256)]) {
      it(`rejects baselineAlias ${JSON.stringify(bad.slice(0, 20))}`, () => {
        expectError(() => run({ baselineAlias: bad }), 'baselineAlias', 'must be an alias name');
      });
    }
  });

  describe('aliases', () => {
    it('reads comma lists (commas and/or new lines)', () => {
      const p = run({ candidateAliases: 'challenger, latest-model', promoteAliases: 'champion\nprod,\n' });
      assert.deepEqual(p.candidateAliases, ['challenger', 'latest-model']);
      assert.deepEqual(p.promoteAliases, ['champion', 'prod']);
    });
    it('names the bad item', () => {
      expectError(() => run({ candidateAliases: 'challenger, latest' }), 'candidateAliases', 'item 2: must be an alias name', 'got "latest"');
    });
    it('refuses a repeated alias', () => {
      expectError(() => run({ promoteAliases: 'champion, champion' }), 'promoteAliases', 'item 2: repeats item 1');
    });
    it('refuses an alias both in candidateAliases and promoteAliases', () => {
      expectError(() => run({ candidateAliases: 'challenger, champion' }), 'candidateAliases', '"champion" is also in promoteAliases');
    });
    it('refuses the baselineAlias among candidateAliases when the gate is on', () => {
      expectError(() => run({ compareMetric: 'f1', baselineAlias: 'prod', candidateAliases: 'prod' }), 'candidateAliases', 'must not contain the baselineAlias "prod"');
    });
  });

  describe('timeoutMinutes', () => {
    it('takes 1 to 720', () => {
      assert.equal(run({ timeoutMinutes: '1' }).timeoutMinutes, 1);
      assert.equal(run({ timeoutMinutes: '720' }).timeoutMinutes, 720);
    });
    for (const bad of ['0', '721', 'ten']) {
      it(`rejects ${bad}`, () => {
        expectError(() => run({ timeoutMinutes: bad }), 'timeoutMinutes', 'must be an integer from 1 to 720');
      });
    }
  });

  describe('lineage tags', () => {
    it('come from the build variables', () => {
      const p = run(
        {},
        {
          'Build.SourceVersion': 'a1b2c3',
          'Build.SourceBranch': 'refs/heads/feature/gate',
          'Build.BuildId': '417',
          'System.CollectionUri': 'https://dev.azure.com/contoso/',
          'System.TeamProject': 'ML Platform',
        },
      );
      assert.deepEqual(p.lineageTags, [
        { key: 'git_sha', value: 'a1b2c3' },
        { key: 'branch', value: 'feature/gate' },
        { key: 'build_id', value: '417' },
        { key: 'pipeline_url', value: 'https://dev.azure.com/contoso/ML%20Platform/_build/results?buildId=417' },
      ]);
    });
    it('keep other refs as they are and add a slash to the collection URI', () => {
      const tags = lineageTags(
        mapVariableSource({
          'Build.SourceBranch': 'refs/pull/12/merge',
          'Build.BuildId': '9',
          'System.CollectionUri': 'https://tfs.contoso.com/tfs/Default',
          'System.TeamProject': 'p',
        }),
      );
      assert.deepEqual(tags, [
        { key: 'branch', value: 'refs/pull/12/merge' },
        { key: 'build_id', value: '9' },
        { key: 'pipeline_url', value: 'https://tfs.contoso.com/tfs/Default/p/_build/results?buildId=9' },
      ]);
    });
  });

  it('reports every invalid input together with their names', () => {
    const errors = errorsOf(() =>
      run({ modelName: 'churn', registerFrom: 'run', runId: undefined, metricGoal: 'best', minImprovement: 'x', compareMetric: 'f1', timeoutMinutes: '0' }),
    );
    assert.deepEqual(
      errors.map((e) => e.input),
      ['modelName', 'metricGoal', 'minImprovement', 'timeoutMinutes', 'runId'],
    );
  });
});
