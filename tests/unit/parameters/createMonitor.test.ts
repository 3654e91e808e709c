import * as assert from 'node:assert/strict';
import { buildParameters } from '../../../tasks/DatabricksCreateMonitor/src/parameters';
import { build, CONNECTION, errorsOf, expectError, useTempDir, writeFile, type Inputs } from './support';

const BASE: Inputs = { tableName: 'main.ml.churn_predictions', outputSchema: 'main.monitoring' };
const run = (inputs: Inputs, vars: Inputs = {}) => build(buildParameters, { ...CONNECTION, ...BASE, ...inputs }, vars);

describe('DatabricksCreateMonitor parameters', () => {
  it('applies every default', () => {
    const p = run({});
    assert.equal(p.tableName, 'main.ml.churn_predictions');
    assert.equal(p.unpackFromEndpoint, undefined);
    assert.deepEqual(p.profile, {
      type: 'inferenceLog',
      problemType: 'classification',
      predictionColumn: 'prediction',
      labelColumn: undefined,
      modelIdColumn: 'model_id',
      timestampColumn: 'timestamp',
      granularities: ['1 day'],
    });
    assert.equal(p.baselineTableName, undefined);
    assert.deepEqual(p.slicingExpressions, []);
    assert.deepEqual(p.customMetrics, []);
    assert.equal(p.outputSchema, 'main.monitoring');
    assert.equal(p.assetsDir, '/Workspace/Shared/lakehouse_monitoring/main.ml.churn_predictions');
    assert.deepEqual(p.schedule, { quartzCronExpression: '0 0 0 * * ?', timezoneId: 'UTC' });
    assert.deepEqual(p.notifyEmails, []);
    assert.deepEqual(p.driftAlerts, []);
    assert.equal(p.warehouseId, undefined);
    assert.equal(p.monitorApi, 'auto');
    assert.equal(p.refreshAfterCreate, false);
    assert.equal(p.timeoutMinutes, 15);
  });

  describe('tables and schemas', () => {
    it('tableName is a required three-part name', () => {
      expectError(() => run({ tableName: undefined }), 'tableName', 'is required');
      expectError(() => run({ tableName: 'ml.churn' }), 'tableName', 'must be a three-part name catalog.schema.table');
    });
    it('outputSchema is a required two-part name', () => {
      expectError(() => run({ outputSchema: undefined }), 'outputSchema', 'is required');
      for (const bad of ['main', 'main.monitoring.x', 'main monitoring']) {
        expectError(() => run({ outputSchema: bad }), 'outputSchema', 'must be a two-part name catalog.schema');
      }
    });
    it('baselineTableName is a three-part name other than tableName', () => {
      assert.equal(run({ baselineTableName: 'main.ml.`churn_training`' }).baselineTableName, 'main.ml.churn_training');
      expectError(() => run({ baselineTableName: 'training' }), 'baselineTableName', 'three-part name');
      expectError(() => run({ baselineTableName: 'main.ml.churn_predictions' }), 'baselineTableName', 'must differ from tableName');
    });
    it('unpackFromEndpoint is an endpoint name and needs warehouseId', () => {
      assert.equal(run({ unpackFromEndpoint: 'churn-ep', warehouseId: 'abc123' }).unpackFromEndpoint, 'churn-ep');
      expectError(() => run({ unpackFromEndpoint: 'churn ep', warehouseId: 'abc123' }), 'unpackFromEndpoint', 'must be 1 to 63 letters');
      expectError(() => run({ unpackFromEndpoint: 'churn-ep' }), 'warehouseId', 'is required by unpackFromEndpoint');
      expectError(() => run({ unpackFromEndpoint: 'churn-ep', warehouseId: 'abc123', labelColumn: 'label' }), 'labelColumn', 'cannot be used with unpackFromEndpoint');
    });
    it('warehouseId is letters and digits', () => {
      expectError(() => run({ warehouseId: 'abc-123' }), 'warehouseId', 'must be a SQL warehouse id');
    });
  });

  describe('profile', () => {
    it('reads an inference-log profile', () => {
      const p = run({
        problemType: 'regression',
        predictionColumn: 'price_hat',
        labelColumn: 'price',
        modelIdColumn: 'version',
        timestampColumn: 'ts',
        granularities: '1 hour, 1 day,1 week',
      });
      assert.deepEqual(p.profile, {
        type: 'inferenceLog',
        problemType: 'regression',
        predictionColumn: 'price_hat',
        labelColumn: 'price',
        modelIdColumn: 'version',
        timestampColumn: 'ts',
        granularities: ['1 hour', '1 day', '1 week'],
      });
    });
    it('reads time-series and snapshot profiles', () => {
      assert.deepEqual(run({ profileType: 'timeSeries', granularities: '30 minutes' }).profile, {
        type: 'timeSeries',
        timestampColumn: 'timestamp',
        granularities: ['30 minutes'],
      });
      assert.deepEqual(run({ profileType: 'SNAPSHOT' }).profile, { type: 'snapshot' });
    });
    it('rejects unknown pick-list values', () => {
      const errors = errorsOf(() => run({ profileType: 'streaming', problemType: 'ranking', monitorApi: 'v2' }));
      assert.deepEqual(
        errors.map((e) => e.rule),
        ['must be one of inferenceLog, timeSeries, snapshot', 'must be one of classification, regression', 'must be one of auto, dataQuality, legacy'],
      );
    });
    it('rejects bad column names', () => {
      const errors = errorsOf(() => run({ predictionColumn: 'pred col', labelColumn: '1label', modelIdColumn: 'model.id', timestampColumn: '`ts`' }));
      assert.deepEqual(
        errors.map((e) => e.input),
        ['predictionColumn', 'labelColumn', 'modelIdColumn', 'timestampColumn'],
      );
      assert.ok(errors.every((e) => e.rule.startsWith('must be a column name')));
    });
    it('refuses one column in two roles', () => {
      expectError(() => run({ labelColumn: 'prediction' }), 'labelColumn', 'must differ from predictionColumn (both are "prediction")');
    });
    it('allows one column in two roles outside inference logs', () => {
      assert.deepEqual(run({ profileType: 'snapshot', labelColumn: 'prediction' }).profile, { type: 'snapshot' });
    });
    for (const bad of ['2 days', '1 days', 'daily', '7 days']) {
      it(`rejects granularity ${JSON.stringify(bad)}`, () => {
        expectError(
          () => run({ granularities: `1 day, ${bad}` }),
          'granularities',
          'item 2: must be one of 5 minutes, 30 minutes, 1 hour, 1 day, 1 week, 2 weeks, 3 weeks, 4 weeks, 1 month, 1 year',
          `got "${bad}"`,
        );
      });
    }
    it('normalises granularity spelling and refuses duplicates', () => {
      assert.deepEqual(run({ granularities: '1  Day\n1 WEEK' }).profile, {
        type: 'inferenceLog',
        problemType: 'classification',
        predictionColumn: 'prediction',
        labelColumn: undefined,
        modelIdColumn: 'model_id',
        timestampColumn: 'timestamp',
        granularities: ['1 day', '1 week'],
      });
      expectError(() => run({ granularities: '1 day, 1 Day' }), 'granularities', 'item 2: repeats item 1');
    });
  });

  it('reads slicing expressions one a line', () => {
    assert.deepEqual(run({ slicingExpressions: 'region\n\n# tenure buckets\nage > 40\n' }).slicingExpressions, ['region', 'age > 40']);
  });

  describe('assetsDir', () => {
    it('takes workspace paths, without a trailing slash', () => {
      assert.equal(run({ assetsDir: '/Workspace/Users/ml@contoso.com/monitors/' }).assetsDir, '/Workspace/Users/ml@contoso.com/monitors');
      assert.equal(run({ assetsDir: '/Shared/monitors' }).assetsDir, '/Shared/monitors');
      assert.equal(run({ assetsDir: '/Users/ml@contoso.com/monitors' }).assetsDir, '/Users/ml@contoso.com/monitors');
    });
    for (const bad of ['Workspace/x', '/Repos/x', '/Workspace', '/Workspace/a/../b', '/Workspace//a']) {
      it(`rejects ${bad}`, () => {
        expectError(() => run({ assetsDir: bad }), 'assetsDir', 'must be an absolute workspace path');
      });
    }
  });

  describe('schedule and timezone', () => {
    it('reads a Quartz expression and normalises its spacing', () => {
      assert.deepEqual(run({ schedule: ' 0  30 6 ? * MON-FRI ', timezone: 'Europe/Amsterdam' }).schedule, {
        quartzCronExpression: '0 30 6 ? * MON-FRI',
        timezoneId: 'Europe/Amsterdam',
      });
    });
    it('rejects an invalid Quartz expression, naming the field', () => {
      expectError(() => run({ schedule: '0 0 25 * * ?' }), 'schedule', 'must be a Quartz cron expression: hours field "25": "25" is not a value from 0 to 23');
    });
    it('explains a Unix cron expression', () => {
      expectError(() => run({ schedule: '0 0 * * *' }), 'schedule', 'has 5 fields (Unix cron); Quartz needs 6 or 7');
    });
    for (const bad of ['Mars/Olympus', 'GMT+25', '+01:00', 'utc/']) {
      it(`rejects timezone ${bad}`, () => {
        expectError(() => run({ timezone: bad }), 'timezone', 'must be an IANA time zone id');
      });
    }
  });

  describe('notifyEmails', () => {
    it('takes up to 5 addresses', () => {
      const five = ['a', 'b', 'c', 'd', 'e'].map((n) => `${n}@contoso.com`);
      assert.deepEqual(run({ notifyEmails: five.join(', ') }).notifyEmails, five);
    });
    it('rejects six', () => {
      const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `${n}@contoso.com`).join(',');
      expectError(() => run({ notifyEmails: six }), 'notifyEmails', 'must list at most 5 e-mail addresses, not 6');
    });
    it('rejects a bad address and a repeated one', () => {
      const errors = errorsOf(() => run({ notifyEmails: 'ml@contoso.com, ops@, ML@contoso.com' }));
      assert.deepEqual(
        errors.map((e) => e.message),
        [
          `Input 'notifyEmails' (from the task): item 2: must be an e-mail address; got "ops@".`,
          `Input 'notifyEmails' (from the task): item 3: repeats item 1; got "ML@contoso.com".`,
        ],
      );
    });
  });

  describe('driftAlerts', () => {
    it('parses rules into typed alerts', () => {
      const p = run({
        warehouseId: 'abc123',
        driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com\n# p-values\nks_test.pvalue<0.05 -> a@contoso.com, b@contoso.com',
      });
      assert.deepEqual(p.driftAlerts, [
        {
          metric: 'population_stability_index',
          field: undefined,
          table: 'drift',
          scope: 'column',
          category: 'drift',
          column: 'population_stability_index',
          op: '>=',
          value: 0.2,
          text: 'population_stability_index >= 0.2 -> mlops@contoso.com',
          emails: ['mlops@contoso.com'],
          destinations: [],
        },
        {
          metric: 'ks_test',
          field: 'pvalue',
          table: 'drift',
          scope: 'column',
          category: 'drift',
          column: 'ks_test.pvalue',
          op: '<',
          value: 0.05,
          text: 'ks_test.pvalue < 0.05 -> a@contoso.com, b@contoso.com',
          destinations: [],
          emails: ['a@contoso.com', 'b@contoso.com'],
        },
      ]);
    });
    it('need warehouseId', () => {
      expectError(() => run({ driftAlerts: 'js_distance > 0.1 -> a@contoso.com' }), 'warehouseId', 'is required by driftAlerts');
    });
    it('report each rule that does not parse with its line', () => {
      const errors = errorsOf(() =>
        run({
          warehouseId: 'abc123',
          driftAlerts: ['js_distance > 0.1', 'js_distance > 0.1 ->', 'js_distance > 0.1 -> not-an-email', 'f1_score < 0.8 -> a@contoso.com', 'psi >= 0.2 -> a@contoso.com'].join(
            '\n',
          ),
        }),
      );
      assert.deepEqual(
        errors.map((e) => e.rule),
        [
          'line 1: must look like "<metric>[.<field>] <op> <number>" with <op> one of <, <=, >, >= then "-> <email or destination:<name>>[, …]"',
          'line 2: needs at least one recipient after "->": an e-mail address or destination:<notification destination name>',
          'line 3: "not-an-email" is neither an e-mail address nor destination:<notification destination name>',
          'line 4: f1_score is a profile table metric; only drift table metrics are allowed here: population_stability_index, js_distance, ks_test, chi_squared_test, wasserstein_distance, tv_distance, l_infinity_distance, count_delta, avg_delta, percent_null_delta, percent_zeros_delta, percent_distinct_delta',
          'line 5: unknown metric "psi"; did you mean population_stability_index?',
        ],
      );
      assert.equal(errors[4].value, 'psi >= 0.2 -> a@contoso.com');
    });
  });

  describe('customMetricsFile', () => {
    const dir = useTempDir();
    const metrics = `
- name: log_avg_price
  type: aggregate
  definition: avg(log(abs(\`{{input_column}}\`) + 1))
  input_columns: [price]
  output_data_type: double
- name: pct_high_value
  type: derived
  definition: "{{high_value_count}} / {{count}}"
  input_columns: [":table"]
  output_data_type: '{"name":"output","type":"double","nullable":true,"metadata":{}}'
`;

    it('loads a YAML list, relative to System.DefaultWorkingDirectory, and converts type names', () => {
      writeFile(dir(), 'monitoring/metrics.yml', metrics);
      const p = run({ customMetricsFile: 'monitoring/metrics.yml' }, { 'System.DefaultWorkingDirectory': dir() });
      assert.deepEqual(p.customMetrics, [
        {
          name: 'log_avg_price',
          type: 'aggregate',
          definition: 'avg(log(abs(`{{input_column}}`) + 1))',
          inputColumns: ['price'],
          outputDataType: '{"name":"output","type":"double","nullable":true,"metadata":{}}',
        },
        {
          name: 'pct_high_value',
          type: 'derived',
          definition: '{{high_value_count}} / {{count}}',
          inputColumns: [':table'],
          outputDataType: '{"name":"output","type":"double","nullable":true,"metadata":{}}',
        },
      ]);
    });
    it('loads JSON too', () => {
      const file = writeFile(dir(), 'metrics.json', JSON.stringify([{ name: 'm', type: 'drift', definition: '{{a}} - {{b}}', input_columns: ['x'], output_data_type: 'bigint' }]));
      assert.equal(run({ customMetricsFile: file }).customMetrics[0].outputDataType, '{"name":"output","type":"long","nullable":true,"metadata":{}}');
    });
    it('treats the sources directory (an empty filePath input on the agent) as not set', () => {
      assert.deepEqual(run({ customMetricsFile: dir() }, { 'Build.SourcesDirectory': dir() }).customMetrics, []);
    });
    it('rejects a missing file', () => {
      expectError(() => run({ customMetricsFile: 'missing.yml' }, { 'System.DefaultWorkingDirectory': dir() }), 'customMetricsFile', 'there is no file');
    });
    it('rejects YAML syntax errors with the line', () => {
      const file = writeFile(dir(), 'broken.yml', '- name: a\n  type: [aggregate\n');
      expectError(() => run({ customMetricsFile: file }), 'customMetricsFile', `${file} line 3 is not valid YAML or JSON`);
    });
    for (const [label, text, expected] of [
      ['not a list', 'name: a', 'case.yml, line 1: must be a list of custom metrics'],
      ['a bad type', metrics.replace('type: derived', 'type: ratio'), 'at [1].type, line 8: must be one of aggregate, derived, drift'],
      ['an unknown key', metrics.replace('type: derived', 'type: derived\n  window: 7'), 'at [1].window, line 9: unknown key'],
      ['no input columns', metrics.replace('input_columns: [price]', 'input_columns: []'), 'at [0].input_columns, line 5: must list at least one column'],
      ['an unknown output type', metrics.replace('output_data_type: double', 'output_data_type: decimal'), 'at [0].output_data_type, line 6: must be one of double'],
      ['bad StructField JSON', metrics.replace('output_data_type: double', 'output_data_type: \'{"name": 1\''), 'must be StructField JSON with a "type"'],
      ['an empty definition', metrics.replace('definition: avg(log(abs(`{{input_column}}`) + 1))', 'definition: " "'), 'at [0].definition, line 4: must not be empty'],
      ['a bad name', metrics.replace('name: log_avg_price', 'name: log avg'), 'at [0].name, line 2: must be a name of letters, digits and _'],
      ['a name used twice', metrics.replace('name: pct_high_value', 'name: log_avg_price'), 'the metric name "log_avg_price" is used twice'],
    ]) {
      it(`rejects ${label}`, () => {
        const file = writeFile(dir(), 'case.yml', text);
        expectError(() => run({ customMetricsFile: file }), 'customMetricsFile', expected);
      });
    }
  });

  it('reads monitorApi, refreshAfterCreate and timeoutMinutes', () => {
    const p = run({ monitorApi: 'legacy', refreshAfterCreate: 'true', timeoutMinutes: '120' });
    assert.deepEqual([p.monitorApi, p.refreshAfterCreate, p.timeoutMinutes], ['legacy', true, 120]);
    const errors = errorsOf(() => run({ refreshAfterCreate: 'yes', timeoutMinutes: '121' }));
    assert.deepEqual(
      errors.map((e) => e.input),
      ['refreshAfterCreate', 'timeoutMinutes'],
    );
  });

  it('reports every invalid input together with their names', () => {
    const errors = errorsOf(() =>
      run({ granularities: '2 days', notifyEmails: 'a@b.co,b@b.co,c@b.co,d@b.co,e@b.co,f@b.co', schedule: '0 0 0 * * *', outputSchema: 'main', driftAlerts: 'oops' }),
    );
    assert.deepEqual(
      errors.map((e) => e.input),
      ['granularities', 'outputSchema', 'schedule', 'notifyEmails', 'driftAlerts'],
    );
  });
});
