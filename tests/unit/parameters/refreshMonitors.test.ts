import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildParameters } from '../../../tasks/DatabricksRefreshMonitors/src/parameters';
import { build, CONNECTION, errorsOf, expectError, useTempDir, type Inputs } from './support';

const run = (inputs: Inputs, vars: Inputs = {}) => build(buildParameters, { ...CONNECTION, tables: 'main.ml.churn_predictions', ...inputs }, vars);

describe('DatabricksRefreshMonitors parameters', () => {
  it('applies every default', () => {
    const p = run({});
    assert.deepEqual(p.tables, ['main.ml.churn_predictions']);
    assert.equal(p.schemaName, undefined);
    assert.equal(p.concurrency, 5);
    assert.equal(p.waitForCompletion, true);
    assert.equal(p.timeoutMinutes, 60);
    assert.equal(p.warehouseId, undefined);
    assert.equal(p.driftType, 'BASELINE');
    assert.deepEqual(p.thresholds, []);
    assert.deepEqual(p.columns, []);
    assert.deepEqual(p.excludeColumns, []);
    assert.equal(p.evaluationWindows, 1);
    assert.equal(p.violationWindows, 1);
    assert.equal(p.onDrift, 'fail');
    assert.equal(p.onInsufficientData, 'warn');
    assert.equal(p.reportPath, path.join(os.tmpdir(), 'databricks-drift-report.json'));
  });

  describe('targets', () => {
    it('reads tables one a line', () => {
      assert.deepEqual(run({ tables: 'main.ml.a\n\n# staging\nmain.ml.`b`' }).tables, ['main.ml.a', 'main.ml.b']);
    });
    it('takes schemaName alone or with tables', () => {
      assert.equal(run({ tables: undefined, schemaName: 'main.ml' }).schemaName, 'main.ml');
      assert.deepEqual(run({ schemaName: 'main.ml' }).tables, ['main.ml.churn_predictions']);
    });
    it('needs tables or schemaName', () => {
      expectError(() => run({ tables: undefined }), 'tables', 'set tables and/or schemaName');
    });
    it('reports bad and repeated tables by line', () => {
      const errors = errorsOf(() => run({ tables: 'main.ml.a\nmain.ml\nmain.ml.a' }));
      assert.deepEqual(
        errors.map((e) => e.rule),
        ['line 2: must be a three-part name catalog.schema.table, each part letters, digits, _ or - (backticks allowed around a part)', 'line 3: repeats line 1'],
      );
    });
    it('rejects a schemaName that is not two parts', () => {
      expectError(() => run({ schemaName: 'main' }), 'schemaName', 'must be a two-part name catalog.schema');
    });
  });

  describe('refresh', () => {
    it('reads concurrency 1 to 50', () => {
      assert.equal(run({ concurrency: '50' }).concurrency, 50);
      expectError(() => run({ concurrency: '0' }), 'concurrency', 'must be an integer from 1 to 50');
      expectError(() => run({ concurrency: '51' }), 'concurrency', 'must be an integer from 1 to 50');
    });
    it('reads waitForCompletion and timeoutMinutes 1 to 1440', () => {
      const p = run({ waitForCompletion: 'false', timeoutMinutes: '1440' });
      assert.deepEqual([p.waitForCompletion, p.timeoutMinutes], [false, 1440]);
      const errors = errorsOf(() => run({ waitForCompletion: 'nope', timeoutMinutes: '1441' }));
      assert.deepEqual(
        errors.map((e) => e.input),
        ['waitForCompletion', 'timeoutMinutes'],
      );
    });
  });

  describe('thresholds', () => {
    it('parse drift and model-quality rules', () => {
      const p = run({ warehouseId: 'abc123', thresholds: 'population_stability_index >= 0.2\nks_test.pvalue < 0.05\nf1_score < 0.8\nr2_score<=0.5' });
      assert.deepEqual(
        p.thresholds.map((t) => [t.table, t.scope, t.column, t.op, t.value]),
        [
          ['drift', 'column', 'population_stability_index', '>=', 0.2],
          ['drift', 'column', 'ks_test.pvalue', '<', 0.05],
          ['profile', 'model', 'f1_score.macro', '<', 0.8],
          ['profile', 'model', 'r2_score', '<=', 0.5],
        ],
      );
    });
    it('need warehouseId', () => {
      expectError(() => run({ thresholds: 'js_distance > 0.1' }), 'warehouseId', 'is required by thresholds');
    });
    it('report each bad rule with its line and text', () => {
      const errors = errorsOf(() => run({ warehouseId: 'abc123', thresholds: 'psi >> 0.2\nwasserstien_distance > 1\njs_distance > high\nks_test < 0.05\njs_distance' }));
      assert.deepEqual(
        errors.map((e) => e.message),
        [
          `Input 'thresholds' (from the task): line 1: unknown metric "psi"; did you mean population_stability_index?; got "psi >> 0.2".`,
          `Input 'thresholds' (from the task): line 2: unknown metric "wasserstien_distance"; did you mean wasserstein_distance?; got "wasserstien_distance > 1".`,
          `Input 'thresholds' (from the task): line 3: the threshold "high" is not a number; got "js_distance > high".`,
          `Input 'thresholds' (from the task): line 4: ks_test is a struct; name a field: ks_test.pvalue or ks_test.statistic; got "ks_test < 0.05".`,
          `Input 'thresholds' (from the task): line 5: needs a comparison after the metric: "<metric>[.<field>] <op> <number>" with <op> one of <, <=, >, >=; got "js_distance".`,
        ],
      );
    });
    it('reject an unknown operator', () => {
      expectError(() => run({ warehouseId: 'abc123', thresholds: 'population_stability_index >> 0.2' }), 'thresholds', 'line 1: unknown operator ">>"; use <, <=, > or >=');
    });
  });

  describe('gate settings', () => {
    it('reads driftType, columns, windows, outcomes', () => {
      const p = run({
        driftType: 'consecutive',
        columns: 'age, income\nregion',
        excludeColumns: 'id',
        evaluationWindows: '5',
        violationWindows: '3',
        onDrift: 'warn',
        onInsufficientData: 'pass',
      });
      assert.deepEqual(
        [p.driftType, p.columns, p.excludeColumns, p.evaluationWindows, p.violationWindows, p.onDrift, p.onInsufficientData],
        ['CONSECUTIVE', ['age', 'income', 'region'], ['id'], 5, 3, 'warn', 'pass'],
      );
    });
    it('rejects bad values', () => {
      const errors = errorsOf(() =>
        run({
          driftType: 'ROLLING',
          columns: 'age, 2nd col',
          excludeColumns: 'id, id',
          evaluationWindows: '101',
          violationWindows: '0',
          onDrift: 'stop',
          onInsufficientData: 'skip',
        }),
      );
      assert.deepEqual(
        errors.map((e) => e.input),
        ['driftType', 'columns', 'excludeColumns', 'evaluationWindows', 'violationWindows', 'onDrift', 'onInsufficientData'],
      );
    });
    it('needs violationWindows ≤ evaluationWindows', () => {
      expectError(() => run({ evaluationWindows: '2', violationWindows: '3' }), 'violationWindows', 'must be at most evaluationWindows (2)');
    });
    it('refuses a column both counted and excluded', () => {
      expectError(() => run({ columns: 'age, income', excludeColumns: 'income' }), 'excludeColumns', '"income" is also in columns');
    });
  });

  describe('reportPath', () => {
    const dir = useTempDir();
    it('defaults under Agent.TempDirectory', () => {
      assert.equal(run({}, { 'Agent.TempDirectory': dir() }).reportPath, path.join(dir(), 'databricks-drift-report.json'));
    });
    it('resolves a relative path against System.DefaultWorkingDirectory', () => {
      assert.equal(run({ reportPath: 'reports/drift.json' }, { 'System.DefaultWorkingDirectory': dir() }).reportPath, path.join(dir(), 'reports', 'drift.json'));
    });
    it('rejects a directory', () => {
      expectError(() => run({ reportPath: dir() }), 'reportPath', 'is a directory; give the path of a file');
    });
  });

  it('reports every invalid input together with their names', () => {
    const errors = errorsOf(() => run({ tables: 'x', concurrency: '100', thresholds: 'psi >> 0.2', onDrift: 'explode' }));
    assert.deepEqual(
      errors.map((e) => e.input),
      ['tables', 'concurrency', 'thresholds', 'onDrift'],
    );
  });
});
