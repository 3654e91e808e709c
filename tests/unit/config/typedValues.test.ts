/**
 * Settings-file values read as YAML typed them: lists element by element, mappings entry by
 * entry, rule mappings and payload mappings as they are, each error at the line of the part it
 * is about. Task input text is read as before (tests/unit/parameters).
 */
import * as assert from 'node:assert/strict';
import { driftAlertRule, thresholdRule } from '../../../shared/monitoring/metricRules';
import { loadConfig } from '../../../shared/runtime/config/load';
import { mergeInputs } from '../../../shared/runtime/config/layers';
import { mapInputSource } from '../../../shared/runtime/inputs';
import { readInputs } from '../../../shared/runtime/params';
import { optional } from '../../../shared/runtime/rules/core';
import { jsonObjectOrFileRule } from '../../../shared/runtime/rules/files';
import { integerRule, textRule } from '../../../shared/runtime/rules/generic';
import { commaListRule, keyValueLinesRule, lineListRule } from '../../../shared/runtime/rules/lists';
import { buildParameters as createMonitor } from '../../../tasks/DatabricksCreateMonitor/src/parameters';
import { buildParameters as deployServing } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { buildParameters as refreshMonitors } from '../../../tasks/DatabricksRefreshMonitors/src/parameters';
import { buildParameters as runJob } from '../../../tasks/DatabricksRunJob/src/parameters';
import { build, errorsOf, expectError, useTempDir, writeFile } from '../parameters/support';
import { ruleText } from '../../../shared/runtime/rules/messages';

const WORKSPACE = '    workspaceUrl: https://adb-1.2.azuredatabricks.net';

describe('typed settings-file values', () => {
  const dir = useTempDir();
  let counter = 0;
  /** A settings file with one dev environment; `lines` are its block's lines after workspaceUrl. */
  const settings = (...lines: string[]) => writeFile(dir(), `typed-${++counter}.yml`, ['environments:', '  dev:', WORKSPACE, ...lines, ''].join('\n'));

  describe('lists', () => {
    it('an element that breaks the rule is reported at its own line, without an item number', () => {
      const file = settings('    monitoring:', '      tables:', '        - a.b.one', '        - a.b.two', '        - not-a-table');
      const error = expectError(() => build(refreshMonitors, { azureSubscription: 'c', configFile: file }), 'tables');
      assert.equal(error.source?.path, 'environments.dev.monitoring.tables[2]');
      assert.equal(error.source?.line, 8);
      assert.match(error.message, /line 8\): must be a three-part name catalog\.schema\.table/);
      assert.doesNotMatch(error.message, /item \d|line 3:/);
    });

    it('a repeated element names the first one and sits at its own line', () => {
      const file = settings('    registry:', '      modelName: a.b.m', '      candidateAliases: [challenger, canary, challenger]');
      const rule = optional(commaListRule(textRule(), { uniqueBy: (a) => a }));
      const config = loadConfig(file, 'dev', 'DatabricksRegisterModel');
      const thrown = errorsOf(() => readInputs(mergeInputs(mapInputSource({}), config), { candidateAliases: rule }));
      assert.deepEqual(
        thrown.map((e) => [e.rule, e.source?.path]),
        [['repeats item 1', 'environments.dev.registry.candidateAliases[2]']],
      );
    });

    it('a comma inside an element of a comma-list field is part of the element', () => {
      const file = settings('    monitoring:', '      tables: [a.b.t]', '      notifyDestinations: ["Slack, MLOps on-call", Teams]');
      const p = build(refreshMonitors, { azureSubscription: 'c', configFile: file });
      assert.deepEqual(p.notifyDestinations, ['Slack, MLOps on-call', 'Teams']);
      // Input text on the step is still split at commas.
      assert.deepEqual(build(refreshMonitors, { azureSubscription: 'c', configFile: file, notifyDestinations: 'Slack, MLOps on-call' }).notifyDestinations, [
        'Slack',
        'MLOps on-call',
      ]);
    });

    it('a YAML list given to a line-list rule is read element by element (a # is no comment)', () => {
      const rule = lineListRule(textRule());
      assert.deepEqual(rule.parse(['region', '# not a comment', 'age > 40']), ['region', '# not a comment', 'age > 40']);
      assert.deepEqual(rule.parse('region\n# a comment\nage > 40'), ['region', 'age > 40']);
    });
  });

  describe('key: value mappings', () => {
    const kv = keyValueLinesRule({ key: { pattern: /^.+$/s, rule: ruleText('NotEmpty'), maxLength: 100 } });

    it('keep a key with = whole (it is not split into key and value)', () => {
      assert.deepEqual(kv.parse({ 'a=b': 'c' }), [{ key: 'a=b', value: 'c' }]);
      // Input text splits at the first =, as before.
      assert.deepEqual(kv.parse('a=b=c'), [{ key: 'a', value: 'b=c' }]);
    });

    it('keep a value with a line break, and its spaces', () => {
      assert.deepEqual(kv.parse({ query: 'SELECT 1\nFROM t', sep: ' ', n: 3, on: true }), [
        { key: 'query', value: 'SELECT 1\nFROM t' },
        { key: 'sep', value: ' ' },
        { key: 'n', value: '3' },
        { key: 'on', value: 'true' },
      ]);
    });

    it('accept a list of key=value strings, each split like a line', () => {
      assert.deepEqual(kv.parse(['a=1', ' b = x=y ']), [
        { key: 'a', value: '1' },
        { key: 'b', value: 'x=y' },
      ]);
    });

    it('a key with = is refused by the key rule, quoted whole, at its line', () => {
      const file = settings(
        '    serving:',
        '      endpointName: ep',
        '      modelName: a.b.c',
        '      modelVersion: 1',
        '      environmentVars:',
        '        GOOD: x',
        '        "A=B": secret',
        '    inferenceTable: { enabled: false }',
      );
      const error = expectError(() => build(deployServing, { azureSubscription: 'c', configFile: file }), 'environmentVars');
      assert.equal(error.source?.path, 'environments.dev.serving.environmentVars["A=B"]');
      assert.equal(error.source?.line, 10);
      assert.equal(error.value, 'A=B');
      assert.match(error.rule, /^key must be a variable name/);
      assert.ok(!error.message.includes('secret'));
    });

    it('job parameters from a mapping reach Parameters as they are', () => {
      const file = settings('    job:', '      jobId: 7', '      jobParameters:', '        query: "SELECT 1\\nFROM t"', '        sep: " "', '        filter: "a=b"');
      const p = build(runJob, { azureSubscription: 'c', configFile: file });
      assert.deepEqual(p.jobParameters, [
        { key: 'query', value: 'SELECT 1\nFROM t' },
        { key: 'sep', value: ' ' },
        { key: 'filter', value: 'a=b' },
      ]);
    });
  });

  describe('JSON mappings', () => {
    it('are the object itself, not JSON text parsed again', () => {
      const payload = { inputs: [[1, 2.5, 'x']], zero: -0 };
      const rule = jsonObjectOrFileRule(dir(), () => undefined);
      const parsed = rule.parse(payload);
      assert.equal(parsed, payload);
      assert.ok(Object.is(parsed.zero, -0), 'a JSON round trip would make it 0');
    });

    it("the caller's check names the mapping", () => {
      const rule = jsonObjectOrFileRule(dir(), (v) => (Object.keys(v).length === 0 ? 'must not be empty' : undefined));
      const result = rule.safeParse({});
      assert.equal(result.success, false);
      assert.equal(result.error?.issues[0]?.message, 'the mapping must not be empty');
    });

    it('a payload mapping in the settings file becomes smokeTestPayload', () => {
      const file = settings(
        '    serving:',
        '      endpointName: ep',
        '      modelName: a.b.c',
        '      modelVersion: 1',
        '      smokeTestPayload:',
        '        dataframe_records: [{ text: "a, b\\nc" }]',
        '    inferenceTable: { enabled: false }',
      );
      assert.deepEqual(build(deployServing, { azureSubscription: 'c', configFile: file }).smokeTestPayload, { dataframe_records: [{ text: 'a, b\nc' }] });
    });
  });

  describe('rule mappings', () => {
    it('a drift alert mapping with an e-mail list, a destination name holding a comma', () => {
      const rule = driftAlertRule();
      const alert = rule.parse({ metric: 'population_stability_index', op: '>=', threshold: 0.2, emails: ['mlops@contoso.com', 'destination:Slack, MLOps on-call'] });
      assert.deepEqual(
        [alert.text, alert.emails, alert.destinations, alert.value],
        ['population_stability_index >= 0.2 -> mlops@contoso.com, destination:Slack, MLOps on-call', ['mlops@contoso.com'], ['Slack, MLOps on-call'], 0.2],
      );
      // emails as one string is a comma list, as in the rule text.
      assert.deepEqual(rule.parse({ metric: 'js_distance', op: '>', threshold: 0.1, emails: 'a@contoso.com, b@contoso.com' }).emails, ['a@contoso.com', 'b@contoso.com']);
      // The rule text form is unchanged.
      assert.deepEqual(rule.parse('js_distance > 0.1 -> a@contoso.com, b@contoso.com').emails, ['a@contoso.com', 'b@contoso.com']);
    });

    it('a bad recipient in the e-mail list is reported at its line', () => {
      const file = settings(
        '    monitoring:',
        '      tableName: a.b.c',
        '      outputSchema: a.b',
        '      warehouseId: w1',
        '      driftAlerts:',
        '        - metric: js_distance',
        '          op: ">"',
        '          threshold: 0.1',
        '          emails:',
        '            - mlops@contoso.com',
        '            - not-an-address',
      );
      const error = expectError(() => build(createMonitor, { azureSubscription: 'c', configFile: file }), 'driftAlerts');
      assert.equal(error.source?.path, 'environments.dev.monitoring.driftAlerts[0].emails[1]');
      assert.equal(error.source?.line, 14);
      assert.match(error.rule, /"not-an-address" is neither an e-mail address nor destination:/);
    });

    it('a threshold mapping: its number is used as it is; a bad metric is reported at the metric key', () => {
      const rule = thresholdRule();
      const condition = rule.parse({ metric: 'ks_test.pvalue', op: '<', threshold: 1e-7 });
      assert.deepEqual([condition.column, condition.op, condition.value, condition.text], ['ks_test.pvalue', '<', 1e-7, 'ks_test.pvalue < 1e-7']);

      const file = settings(
        '    monitoring:',
        '      tables: [a.b.t]',
        '      warehouseId: w1',
        '      thresholds:',
        '        - f1_score < 0.8',
        '        - { metric: psi, op: ">", threshold: 0.2 }',
      );
      const error = expectError(() => build(refreshMonitors, { azureSubscription: 'c', configFile: file }), 'thresholds');
      assert.equal(error.source?.path, 'environments.dev.monitoring.thresholds[1].metric');
      assert.equal(error.source?.line, 9);
      assert.equal(error.rule, 'unknown metric "psi"; did you mean population_stability_index?');
      assert.equal(error.value, 'psi');
    });

    it('a failure of a rule mapping names the key it is about', () => {
      const issues = (value: Record<string, unknown>) =>
        (thresholdRule().safeParse(value as never, { reportInput: true }).error?.issues ?? []).map((i) => [i.path, i.message, i.input]);
      assert.deepEqual(issues({ metric: 'ks_test.pvalue', op: '=~', threshold: 0.05 }), [[['op'], 'unknown operator "=~"; use <, <=, > or >=', '=~']]);
      assert.deepEqual(issues({ metric: 'ks_test.pvalue', op: '<', threshold: Infinity }), [
        [['threshold'], 'the threshold "Infinity" is not a number', { metric: 'ks_test.pvalue', op: '<', threshold: Infinity }],
      ]);
      assert.deepEqual(issues({ metric: 'js_distance >= 3', op: '<', threshold: 1 }), [
        [['metric'], 'must be a metric name, e.g. population_stability_index or ks_test.pvalue', 'js_distance >= 3'],
      ]);
      assert.deepEqual(issues({ metric: 'js_distance.pvalue', op: '<', threshold: 1 }), [[['metric'], 'js_distance is a number and has no field "pvalue"', 'js_distance.pvalue']]);
    });

    it('RefreshMonitors and CreateMonitor read the mapping form into the same rules as the text form', () => {
      const file = settings(
        '    monitoring:',
        '      tableName: a.b.c',
        '      outputSchema: a.b',
        '      tables: [a.b.t]',
        '      warehouseId: w1',
        '      thresholds: [{ metric: js_distance, op: ">", threshold: 0.1 }]',
        '      driftAlerts: [{ metric: js_distance, op: ">", threshold: 0.1, emails: [a@contoso.com] }]',
      );
      const refresh = build(refreshMonitors, { azureSubscription: 'c', configFile: file });
      const text = build(refreshMonitors, { azureSubscription: 'c', configFile: file, thresholds: 'js_distance > 0.1' });
      assert.deepEqual(refresh.thresholds, text.thresholds);
      const create = build(createMonitor, { azureSubscription: 'c', configFile: file });
      const fromText = build(createMonitor, { azureSubscription: 'c', configFile: file, driftAlerts: 'js_distance > 0.1 -> a@contoso.com' });
      assert.deepEqual(create.driftAlerts, fromText.driftAlerts);
    });
  });

  describe('YAML scalars', () => {
    it('an integer field takes the YAML integer directly; out of range is quoted as the number', () => {
      assert.equal(integerRule(1, 99).parse(42), 42);
      assert.equal(integerRule(1, 99).safeParse(2.5).success, false);
      assert.equal(integerRule(1, 99).safeParse(true).success, false);
      const file = settings(
        '    serving:',
        '      endpointName: ep',
        '      modelName: a.b.c',
        '      modelVersion: 1',
        '      canaryPercent: 150',
        '    inferenceTable: { enabled: false }',
      );
      const error = expectError(() => build(deployServing, { azureSubscription: 'c', configFile: file }), 'canaryPercent');
      assert.equal(error.message, `Input 'canaryPercent' (from ${file} at environments.dev.serving.canaryPercent, line 8): must be an integer from 1 to 99; got "150".`);
    });

    it('a wrong YAML type is still refused by the schema, at its file and line', () => {
      const file = settings('    serving:', '      canaryPercent: "10"', '      scaleToZero: "yes"');
      const errors = errorsOf(() => build(deployServing, { azureSubscription: 'c', configFile: file }));
      assert.deepEqual(
        errors.map((e) => [e.input, e.rule, e.source?.file, e.source?.line]),
        [
          ['canaryPercent', 'must be an integer', file, 5],
          ['scaleToZero', 'must be true or false', file, 6],
        ],
      );
    });
  });
});
