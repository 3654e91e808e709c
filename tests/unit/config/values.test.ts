import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { mergeInputs } from '../../../shared/runtime/config/layers';
import { loadConfig } from '../../../shared/runtime/config/load';
import type { TaskName } from '../../../shared/runtime/configSchema';
import { mapInputSource } from '../../../shared/runtime/inputs';
import { buildParameters as createMonitor } from '../../../tasks/DatabricksCreateMonitor/src/parameters';
import { buildParameters as deployServing } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { buildParameters as refreshMonitors } from '../../../tasks/DatabricksRefreshMonitors/src/parameters';
import { buildParameters as registerModel } from '../../../tasks/DatabricksRegisterModel/src/parameters';
import { build, errorsOf, expectError, useTempDir, writeFile } from '../parameters/support';

const RESOURCE_ID = '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w';

describe('config values', () => {
  const dir = useTempDir();
  let counter = 0;
  const file = (text: string) => writeFile(dir(), `config-${++counter}.yml`, text);
  const values = (text: string, task: TaskName, environment = 'dev') => loadConfig(file(text), environment, task).values;
  const value = (text: string, task: TaskName, input: string) => values(text, task).get(input)?.value;

  describe('values as YAML typed them (never turned into input text)', () => {
    it('keeps scalars typed', () => {
      const v = values('environments:\n  dev:\n    retryBudgetSeconds: 60\n    serving:\n      scaleToZero: false\n      canaryPercent: 5\n', 'DatabricksDeployServing');
      assert.deepEqual([v.get('retryBudgetSeconds')?.value, v.get('scaleToZero')?.value, v.get('canaryPercent')?.value], [60, false, 5]);
    });
    it('keeps lists, and locates each element', () => {
      const v = values('environments:\n  dev:\n    monitoring:\n      granularities:\n        - 1 day\n        - 1 week\n', 'DatabricksCreateMonitor');
      const granularities = v.get('granularities');
      assert.deepEqual(granularities?.value, ['1 day', '1 week']);
      assert.deepEqual(
        [0, 1].map((i) => granularities?.locate([i])).map((l) => [l?.path, l?.line]),
        [
          ['environments.dev.monitoring.granularities[0]', 5],
          ['environments.dev.monitoring.granularities[1]', 6],
        ],
      );
    });
    it('keeps strings as they are (comma lists, block scalars)', () => {
      const text =
        'environments:\n  dev:\n    monitoring:\n      notifyEmails: a@contoso.com, b@contoso.com\n      thresholds: |\n        js_distance > 0.1\n        ks_test.pvalue < 0.05\n';
      assert.equal(value(text, 'DatabricksCreateMonitor', 'notifyEmails'), 'a@contoso.com, b@contoso.com');
      assert.equal(value(text, 'DatabricksRefreshMonitors', 'thresholds'), 'js_distance > 0.1\nks_test.pvalue < 0.05\n');
    });
    it('keeps key: value mappings, and locates each key', () => {
      const v = values('environments:\n  dev:\n    serving:\n      tags:\n        team: ml\n        tier: 2\n        public: false\n', 'DatabricksDeployServing');
      assert.deepEqual(v.get('tags')?.value, { team: 'ml', tier: 2, public: false });
      assert.deepEqual(
        ['team', 'tier', 'public'].map((key) => v.get('tags')?.locate([key])).map((l) => [l?.path, l?.line]),
        [
          ['environments.dev.serving.tags.team', 5],
          ['environments.dev.serving.tags.tier', 6],
          ['environments.dev.serving.tags.public', 7],
        ],
      );
    });
    it('keeps rule mappings', () => {
      const text = [
        'environments:',
        '  dev:',
        '    monitoring:',
        '      driftAlerts:',
        '        - { metric: population_stability_index, op: ">=", threshold: 0.2, emails: [a@contoso.com, b@contoso.com] }',
        '        - ks_test.pvalue < 0.05 -> d@contoso.com',
        '      thresholds:',
        '        - { metric: ks_test.pvalue, op: "<", threshold: 0.05 }',
        '        - f1_score < 0.8',
        '',
      ].join('\n');
      assert.deepEqual(value(text, 'DatabricksCreateMonitor', 'driftAlerts'), [
        { metric: 'population_stability_index', op: '>=', threshold: 0.2, emails: ['a@contoso.com', 'b@contoso.com'] },
        'ks_test.pvalue < 0.05 -> d@contoso.com',
      ]);
      assert.deepEqual(value(text, 'DatabricksRefreshMonitors', 'thresholds'), [{ metric: 'ks_test.pvalue', op: '<', threshold: 0.05 }, 'f1_score < 0.8']);
    });
    it('keeps a payload mapping', () => {
      const text = 'environments:\n  dev:\n    serving:\n      smokeTestPayload:\n        inputs: [[1, 2.5, "x"]]\n';
      assert.deepEqual(value(text, 'DatabricksDeployServing', 'smokeTestPayload'), { inputs: [[1, 2.5, 'x']] });
    });
  });

  describe('which keys a task reads', () => {
    const text = [
      'environments:',
      '  dev:',
      '    workspaceUrl: https://adb-1.2.azuredatabricks.net',
      '    registry: { modelName: a.b.registered, tags: { x: "1" }, timeoutMinutes: 10 }',
      '    serving: { endpointName: ep, tags: { y: "2" }, timeoutMinutes: 30, rateLimitPerMinute: 5 }',
      '    inferenceTable: { enabled: true, catalog: c, schema: s, tablePrefix: p }',
      '    monitoring: { tableName: a.b.t, warehouseId: w1, timeoutMinutes: 9, refreshTimeoutMinutes: 99, tables: [a.b.t1] }',
      '',
    ].join('\n');
    const keys = (task: TaskName) => Object.fromEntries([...values(text, task)].map(([k, v]) => [k, v.value]));

    it('RegisterModel: the block and registry', () => {
      assert.deepEqual(keys('DatabricksRegisterModel'), { workspaceUrl: 'https://adb-1.2.azuredatabricks.net', modelName: 'a.b.registered', tags: { x: '1' }, timeoutMinutes: 10 });
    });
    it('DeployServing: serving, inferenceTable under the input names, registry.modelName as a fallback', () => {
      assert.deepEqual(keys('DatabricksDeployServing'), {
        workspaceUrl: 'https://adb-1.2.azuredatabricks.net',
        endpointName: 'ep',
        tags: { y: '2' },
        timeoutMinutes: 30,
        rateLimitPerMinute: 5,
        inferenceTable: true,
        inferenceCatalog: 'c',
        inferenceSchema: 's',
        inferenceTablePrefix: 'p',
        modelName: 'a.b.registered',
      });
    });
    it('CreateMonitor: monitoring with its own timeoutMinutes', () => {
      assert.deepEqual(keys('DatabricksCreateMonitor'), { workspaceUrl: 'https://adb-1.2.azuredatabricks.net', tableName: 'a.b.t', warehouseId: 'w1', timeoutMinutes: 9 });
    });
    it('RefreshMonitors: refreshTimeoutMinutes as timeoutMinutes, tables', () => {
      assert.deepEqual(keys('DatabricksRefreshMonitors'), { workspaceUrl: 'https://adb-1.2.azuredatabricks.net', warehouseId: 'w1', timeoutMinutes: 99, tables: ['a.b.t1'] });
    });
    it('RefreshMonitors falls back to monitoring.tableName, DeployServing prefers serving.modelName', () => {
      const v = values(
        'environments:\n  dev:\n    registry: { modelName: a.b.r }\n    serving: { modelName: a.b.s }\n    monitoring: { tableName: a.b.t }\n',
        'DatabricksRefreshMonitors',
      );
      assert.equal(v.get('tables')?.source.path, 'environments.dev.monitoring.tableName');
      const d = values('environments:\n  dev:\n    registry: { modelName: a.b.r }\n    serving: { modelName: a.b.s }\n', 'DatabricksDeployServing');
      assert.equal(d.get('modelName')?.value, 'a.b.s');
    });
  });

  describe('defaults', () => {
    const text = [
      'defaults:',
      `  workspaceResourceId: ${RESOURCE_ID}`,
      '  serving:',
      '    workloadSize: Small',
      '    modelAlias: champion',
      '    tags: { team: ml }',
      'environments:',
      '  dev:',
      '    serving: { endpointName: ep-dev }',
      '  prod:',
      '    workspaceUrl: https://adb-9.9.azuredatabricks.net',
      '    serving: { endpointName: ep-prod, workloadSize: Large, modelVersion: 7, tags: { tier: gold } }',
      '',
    ].join('\n');

    it('apply under each environment, key by key, with their own path', () => {
      const dev = loadConfig(file(text), 'dev', 'DatabricksDeployServing').values;
      assert.deepEqual(
        [...dev].map(([k, v]) => [k, v.value, v.source.path]),
        [
          ['workspaceResourceId', RESOURCE_ID, 'defaults.workspaceResourceId'],
          ['modelAlias', 'champion', 'defaults.serving.modelAlias'],
          ['tags', { team: 'ml' }, 'defaults.serving.tags'],
          ['workloadSize', 'Small', 'defaults.serving.workloadSize'],
          ['endpointName', 'ep-dev', 'environments.dev.serving.endpointName'],
        ],
      );
    });
    it('are overridden by the environment; a value replaces the default whole (lists and mappings too)', () => {
      const prod = loadConfig(file(text), 'prod', 'DatabricksDeployServing').values;
      assert.equal(prod.get('workloadSize')?.source.path, 'environments.prod.serving.workloadSize');
      assert.deepEqual(prod.get('tags')?.value, { tier: 'gold' });
    });
    it('an environment setting one of a pair drops the default of the other', () => {
      const prod = loadConfig(file(text), 'prod', 'DatabricksDeployServing').values;
      assert.equal(prod.get('workspaceUrl')?.value, 'https://adb-9.9.azuredatabricks.net');
      assert.equal(prod.has('workspaceResourceId'), false);
      assert.equal(prod.get('modelVersion')?.value, 7);
      assert.equal(prod.has('modelAlias'), false);
    });
  });

  describe('task inputs over the file', () => {
    const text = [
      'environments:',
      '  dev:',
      `    workspaceResourceId: ${RESOURCE_ID}`,
      '    registry: { modelName: a.b.m, experimentName: /Shared/x, runFilter: "tags.a = \'1\'" }',
      '    serving: { endpointName: ep, modelAlias: champion, workloadSize: Medium }',
      '',
    ].join('\n');

    it('a task input overrides the file value and is marked as from the task', () => {
      const config = loadConfig(file(text), 'dev', 'DatabricksDeployServing');
      const merged = mergeInputs(mapInputSource({ workloadSize: 'Large' }), config);
      assert.deepEqual(merged.lookup('workloadSize'), { value: 'Large' });
      assert.equal(merged.lookup('endpointName')?.source?.path, 'environments.dev.serving.endpointName');
      assert.equal(merged.get('endpointName'), 'ep');
      assert.equal(merged.lookup('canaryPercent'), undefined);
    });
    it('a task input of a pair drops the file value of the other', () => {
      const config = loadConfig(file(text), 'dev', 'DatabricksDeployServing');
      const merged = mergeInputs(mapInputSource({ workspaceUrl: 'https://adb-1.2.azuredatabricks.net', modelVersion: '4' }), config);
      assert.equal(merged.get('workspaceResourceId'), undefined);
      assert.equal(merged.get('modelAlias'), undefined);
    });
    it('runId on the task drops experimentName and runFilter of the file', () => {
      const config = loadConfig(file(text), 'dev', 'DatabricksRegisterModel');
      const merged = mergeInputs(mapInputSource({ runId: 'abc' }), config);
      assert.deepEqual([merged.get('runId'), merged.get('experimentName'), merged.get('runFilter')], ['abc', undefined, undefined]);
      const p = build(registerModel, { azureSubscription: 'c', configFile: config.file, runId: 'abc' });
      assert.deepEqual(p.source, { kind: 'run', runId: 'abc', experimentName: undefined, runFilter: undefined, modelId: undefined, artifactPath: 'model' });
    });
    it('end to end: the task wins, the file fills the rest', () => {
      const p = build(deployServing, { azureSubscription: 'c', configFile: file(text), workloadSize: 'Large', inferenceTable: 'false', modelName: 'x.y.z' });
      assert.deepEqual([p.workloadSize, p.endpointName, p.modelName, p.model], ['Large', 'ep', 'x.y.z', { kind: 'alias', alias: 'champion' }]);
      assert.deepEqual(p.common.workspace, { kind: 'resourceId', resourceId: RESOURCE_ID });
    });
  });

  describe('errors about values from the file', () => {
    it('name the file, the path and the line of the value', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    serving:\n      endpointName: ep\n      modelVersion: 3\n      canaryPercent: 150\n    inferenceTable: { enabled: false }\n',
      );
      const error = expectError(() => build(deployServing, { azureSubscription: 'c', configFile: path_, modelName: 'a.b.c' }), 'canaryPercent');
      assert.equal(error.message, `Input 'canaryPercent' (from ${path_} at environments.dev.serving.canaryPercent, line 7): must be an integer from 1 to 99; got "150".`);
    });
    it('point at the list element', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    monitoring:\n      tableName: a.b.c\n      outputSchema: a.b\n      notifyEmails:\n        - ok@contoso.com\n        - not-an-address\n',
      );
      const error = expectError(() => build(createMonitor, { azureSubscription: 'c', configFile: path_ }), 'notifyEmails');
      assert.equal(error.message, `Input 'notifyEmails' (from ${path_} at environments.dev.monitoring.notifyEmails[1], line 9): must be an e-mail address; got "not-an-address".`);
    });
    it('point at the mapping entry', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    serving:\n      endpointName: ep\n      modelVersion: 1\n      environmentVars:\n        GOOD: x\n        bad-name: secret-value\n    inferenceTable: { enabled: false }\n',
      );
      const error = expectError(() => build(deployServing, { azureSubscription: 'c', configFile: path_, modelName: 'a.b.c' }), 'environmentVars');
      assert.equal(error.source?.path, 'environments.dev.serving.environmentVars.bad-name');
      assert.equal(error.source?.line, 9);
      assert.ok(!error.message.includes('secret-value'));
    });
    it('name the line inside a block scalar', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    monitoring:\n      tables: a.b.c\n      warehouseId: w1\n      thresholds: |\n        js_distance > 0.1\n        psi > 0.2\n',
      );
      const error = expectError(() => build(refreshMonitors, { azureSubscription: 'c', configFile: path_ }), 'thresholds');
      assert.equal(
        error.message,
        `Input 'thresholds' (from ${path_} at environments.dev.monitoring.thresholds, line 7): line 2: unknown metric "psi"; did you mean population_stability_index?; got "psi > 0.2".`,
      );
    });
    it('name defaults when the value came from there', () => {
      const path_ = file(
        'defaults:\n  monitoring:\n    schedule: "0 0 * * *"\nenvironments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    monitoring: { tableName: a.b.c, outputSchema: a.b }\n',
      );
      const error = expectError(() => build(createMonitor, { azureSubscription: 'c', configFile: path_ }), 'schedule');
      assert.equal(error.source?.path, 'defaults.monitoring.schedule');
      assert.equal(error.source?.line, 3);
    });
    it('disappear when the task overrides the bad value', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    monitoring: { tableName: a.b.c, outputSchema: a.b, timezone: Mars/Base }\n',
      );
      assert.equal(build(createMonitor, { azureSubscription: 'c', configFile: path_, timezone: 'Europe/Amsterdam' }).schedule.timezoneId, 'Europe/Amsterdam');
    });
    it('mix task and file values in one report', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net/path\n    monitoring: { tableName: a.b.c, outputSchema: a.b, granularities: ["2 weeks", "1 month"] }\n',
      );
      const errors = errorsOf(() => build(createMonitor, { azureSubscription: 'c', configFile: path_, granularities: '2 days' }));
      assert.deepEqual(
        errors.map((e) => [e.input, e.source?.path ?? 'task']),
        [
          ['workspaceUrl', 'environments.dev.workspaceUrl'],
          ['granularities', 'task'],
        ],
      );
    });
    it('name the file for cross-field rules on file values', () => {
      const path_ = file(
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    serving: { endpointName: ep, modelName: a.b.c, modelVersion: 2, modelAlias: champion }\n    inferenceTable: { enabled: false }\n',
      );
      const error = expectError(() => build(deployServing, { azureSubscription: 'c', configFile: path_ }), 'modelVersion', 'set only one of modelVersion and modelAlias');
      assert.equal(error.source?.path, 'environments.dev.serving.modelVersion');
    });
  });

  describe('paths in the file', () => {
    it('resolve relative to the config file', () => {
      const sub = path.join(dir(), 'models', 'churn');
      writeFile(sub, 'payload.json', '{"instances": [[1]]}');
      writeFile(sub, 'metrics.yml', '- { name: m, type: aggregate, definition: "avg(x)", input_columns: [x], output_data_type: double }\n');
      const configFile = writeFile(
        sub,
        'mlops.yml',
        'environments:\n  dev:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    serving: { endpointName: ep, modelName: a.b.c, modelVersion: 1, smokeTestPayload: payload.json }\n    inferenceTable: { enabled: false }\n    monitoring: { tableName: a.b.c, outputSchema: a.b, customMetricsFile: metrics.yml }\n',
      );
      const vars = { 'System.DefaultWorkingDirectory': dir() };
      assert.deepEqual(build(deployServing, { azureSubscription: 'c', configFile }, vars).smokeTestPayload, { instances: [[1]] });
      assert.equal(build(createMonitor, { azureSubscription: 'c', configFile }, vars).customMetrics[0].name, 'm');
    });
  });
});

describe('precedence: the step over the settings file over the built-in default', () => {
  const locate = () => ({ file: 'c.yml', path: '' });
  const config = {
    file: 'c.yml',
    environment: 'prod',
    environments: ['prod'],
    task: 'DatabricksDeployServing' as const,
    values: new Map([
      ['canaryPercent', { value: 25, source: { file: 'c.yml', path: 'environments.prod.serving.canaryPercent' }, locate }],
      ['workloadSize', { value: 'Large', source: { file: 'c.yml', path: 'environments.prod.serving.workloadSize' }, locate }],
    ]),
  };

  it('a value on the step wins, even when it equals the built-in default', () => {
    // The agent passes no default for these inputs, so '10' was written on the step.
    const merged = mergeInputs(mapInputSource({ canaryPercent: '10', workloadSize: 'Medium' }), config);
    assert.equal(merged.get('canaryPercent'), '10');
    assert.equal(merged.lookup('canaryPercent')?.source, undefined, 'from the task');
    assert.equal(merged.get('workloadSize'), 'Medium');
  });

  it('an input left out takes the file value; nothing in either leaves it to the built-in default', () => {
    const merged = mergeInputs(mapInputSource({ canaryPercent: '', workloadSize: undefined }), config);
    assert.equal(merged.get('canaryPercent'), 25);
    assert.equal(merged.lookup('canaryPercent')?.source?.path, 'environments.prod.serving.canaryPercent');
    assert.equal(merged.get('workloadSize'), 'Large');
    assert.equal(merged.get('timeoutMinutes'), undefined, 'Parameters applies the built-in default');
  });
});
