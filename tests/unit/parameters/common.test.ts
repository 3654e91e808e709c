import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { InputError, InputErrors } from '../../../shared/runtime/inputError';
import { mapInputSource, mapVariableSource } from '../../../shared/runtime/inputs';
import { buildParameters } from '../../../tasks/DatabricksRegisterModel/src/parameters';
import { build, CONNECTION, expectError, useTempDir, writeFile, type Inputs } from './support';

// The common inputs are read by every task; DatabricksRegisterModel carries them here.
const TASK: Inputs = { modelName: 'main.ml.churn', runId: '0123456789abcdef0123456789abcdef' };
const run = (inputs: Inputs, vars: Inputs = {}) => build(buildParameters, { ...CONNECTION, ...TASK, ...inputs }, vars);

describe('common parameters', () => {
  it('applies the defaults', () => {
    const { common } = run({});
    assert.deepEqual(common, {
      azureSubscription: 'arm-connection',
      workspace: { kind: 'url', url: 'https://adb-1234567890123456.7.azuredatabricks.net' },
      dryRun: false,
      retryBudgetSeconds: 300,
      config: undefined,
    });
  });

  describe('azureSubscription', () => {
    it('is required', () => {
      expectError(() => run({ azureSubscription: undefined }), 'azureSubscription', "Input 'azureSubscription': is required.");
    });
    it('counts a blank value as not set', () => {
      expectError(() => run({ azureSubscription: '   ' }), 'azureSubscription', 'is required');
    });
  });

  describe('workspaceUrl', () => {
    for (const [given, url] of [
      ['https://adb-1.2.azuredatabricks.net/', 'https://adb-1.2.azuredatabricks.net'],
      ['https://ADB-1.2.AzureDatabricks.net', 'https://adb-1.2.azuredatabricks.net'],
      ['https://dbx.contoso.internal:8443', 'https://dbx.contoso.internal:8443'],
      ['  https://adb-1.2.azuredatabricks.net  ', 'https://adb-1.2.azuredatabricks.net'],
    ]) {
      it(`accepts ${JSON.stringify(given)} as ${url}`, () => {
        assert.deepEqual(run({ workspaceUrl: given }).common.workspace, { kind: 'url', url });
      });
    }
    for (const bad of [
      'http://adb-1.2.azuredatabricks.net',
      'https://adb-1.2.azuredatabricks.net/api',
      'https://adb-1.2.azuredatabricks.net/?o=123',
      'https://adb-1.2.azuredatabricks.net/?',
      'https://adb-1.2.azuredatabricks.net#x',
      'https://user:secret@adb-1.2.azuredatabricks.net',
      'adb-1.2.azuredatabricks.net',
      'https://',
    ]) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        expectError(() => run({ workspaceUrl: bad }), 'workspaceUrl', "Input 'workspaceUrl' (from the task): must be an https:// URL with a host and no path, query or fragment");
      });
    }
  });

  describe('workspaceResourceId', () => {
    const id = '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml/providers/Microsoft.Databricks/workspaces/dbw-ml';
    it('is accepted instead of workspaceUrl, provider segment case-insensitive, trailing / removed', () => {
      const given = `${id.replace('Microsoft.Databricks', 'microsoft.databricks')}/`;
      assert.deepEqual(run({ workspaceUrl: undefined, workspaceResourceId: given }).common.workspace, {
        kind: 'resourceId',
        resourceId: given.slice(0, -1),
      });
    });
    for (const bad of [
      id.replace('00000000-1111-2222-3333-444444444444', 'not-a-guid'),
      id.replace('Microsoft.Databricks', 'Microsoft.Storage'),
      `${id}/extra`,
      id.replace('/resourceGroups/rg-ml', ''),
      'dbw-ml',
    ]) {
      it(`rejects ${bad}`, () => {
        expectError(() => run({ workspaceUrl: undefined, workspaceResourceId: bad }), 'workspaceResourceId', 'must be an Azure resource id');
      });
    }
    it('needs one of workspaceUrl and workspaceResourceId', () => {
      expectError(() => run({ workspaceUrl: undefined }), 'workspaceUrl', 'set workspaceUrl or workspaceResourceId');
    });
    it('refuses both', () => {
      expectError(() => run({ workspaceResourceId: id }), 'workspaceUrl', 'set only one of workspaceUrl and workspaceResourceId');
    });
  });

  describe('dryRun', () => {
    it('reads true/false case-insensitively', () => {
      assert.equal(run({ dryRun: 'TRUE' }).common.dryRun, true);
      assert.equal(run({ dryRun: 'False' }).common.dryRun, false);
    });
    it('rejects other words', () => {
      expectError(() => run({ dryRun: 'yes' }), 'dryRun', 'must be true or false; got "yes"');
    });
  });

  describe('retryBudgetSeconds', () => {
    it('accepts 10 to 3600', () => {
      assert.equal(run({ retryBudgetSeconds: '10' }).common.retryBudgetSeconds, 10);
      assert.equal(run({ retryBudgetSeconds: '3600' }).common.retryBudgetSeconds, 3600);
    });
    for (const bad of ['9', '3601', '1.5', 'abc', '0x20']) {
      it(`rejects ${bad}`, () => {
        expectError(() => run({ retryBudgetSeconds: bad }), 'retryBudgetSeconds', `must be an integer from 10 to 3600; got "${bad}"`);
      });
    }
  });

  it('reports every invalid input together, common and task ones, one per line', () => {
    let thrown: unknown;
    try {
      run({ azureSubscription: undefined, retryBudgetSeconds: '5', modelName: 'churn', timeoutMinutes: '0' });
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof InputErrors);
    assert.deepEqual(
      thrown.errors.map((e) => e.input),
      ['azureSubscription', 'retryBudgetSeconds', 'modelName', 'timeoutMinutes'],
    );
    const lines = thrown.message.split('\n');
    assert.equal(lines[0], '4 inputs are invalid:');
    assert.equal(lines.length, 5);
    assert.ok(lines.slice(1).every((line) => line.startsWith("- Input '")));
  });

  describe('configFile and environment', () => {
    const dir = useTempDir();
    const config = () =>
      writeFile(dir(), 'model.yml', 'environments:\n  dev:\n    workspaceUrl: https://adb-9.9.azuredatabricks.net\n    registry:\n      modelName: dev.ml.churn\n');

    it('refuses environment without configFile', () => {
      expectError(() => run({ environment: 'dev' }), 'environment', "Input 'environment' (from the task): is set but configFile is not");
    });

    it('resolves a relative configFile against System.DefaultWorkingDirectory', () => {
      config();
      const params = run({ workspaceUrl: undefined, modelName: undefined, configFile: 'model.yml' }, { 'System.DefaultWorkingDirectory': dir() });
      assert.equal(params.modelName, 'dev.ml.churn');
      assert.deepEqual(params.common.config, { file: path.join(dir(), 'model.yml'), environment: 'dev' });
    });

    it("treats the sources directory (the agent's value for an empty filePath input) as not set", () => {
      const params = run({ configFile: dir() }, { 'Build.SourcesDirectory': dir(), 'System.DefaultWorkingDirectory': dir() });
      assert.equal(params.common.config, undefined);
    });
  });
});

describe('InputError messages', () => {
  it('names the input, the task as the origin, the rule and the value', () => {
    const error = new InputError({ input: 'canaryPercent', rule: 'must be an integer from 1 to 99', fromTask: true, value: '150' });
    assert.equal(error.message, `Input 'canaryPercent' (from the task): must be an integer from 1 to 99; got "150".`);
  });
  it('names the file, the path and the line for values from the config file', () => {
    const error = new InputError({
      input: 'canaryPercent',
      rule: 'must be an integer from 1 to 99',
      source: { file: 'config.yml', path: 'environments.prod.serving.canaryPercent', line: 12 },
      value: '150',
    });
    assert.equal(error.message, `Input 'canaryPercent' (from config.yml at environments.prod.serving.canaryPercent, line 12): must be an integer from 1 to 99; got "150".`);
    assert.deepEqual(error.source, { file: 'config.yml', path: 'environments.prod.serving.canaryPercent', line: 12 });
  });
  it('does not repeat multi-line values and shortens long ones', () => {
    assert.equal(new InputError({ input: 'x', rule: 'bad', value: 'a\nb' }).message, "Input 'x': bad.");
    assert.match(new InputError({ input: 'x', rule: 'bad', value: 'y'.repeat(500) }).message, /got "y{120}…"\.$/);
  });
  it("InputErrors with one error has that error's message", () => {
    const error = new InputError({ input: 'x', rule: 'bad' });
    assert.equal(new InputErrors([error]).message, error.message);
  });
});

describe('input sources', () => {
  it('map sources treat blank values as not set', () => {
    const inputs = mapInputSource({ a: ' ', b: 'x', c: undefined });
    assert.equal(inputs.get('a'), undefined);
    assert.equal(inputs.get('b'), 'x');
    assert.equal(inputs.get('c'), undefined);
    assert.equal(inputs.get('toString'), undefined);
  });
  it('variables are looked up case-insensitively, as on the agent', () => {
    assert.equal(mapVariableSource({ 'Build.SourceVersion': 'abc' }).get('BUILD.SOURCEVERSION'), 'abc');
  });
  it('the task-lib sources read INPUT_ and variable environment variables', () => {
    const script = `
      const { taskLibInputSource, taskLibVariableSource } = require(${JSON.stringify(require.resolve('../../../shared/runtime/inputs'))});
      const inputs = taskLibInputSource();
      const vars = taskLibVariableSource();
      process.stdout.write('\\n' + JSON.stringify([inputs.get('modelName'), inputs.get('blank') ?? null, vars.get('Build.BuildId')]));`;
    const output = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, INPUT_MODELNAME: ' main.ml.churn ', INPUT_BLANK: '  ', BUILD_BUILDID: '42' },
      encoding: 'utf8',
    });
    // task-lib writes ##vso debug lines to stdout first; the answer is the last line. Values
    // are not trimmed here: each rule trims what it reads (line numbers stay right).
    assert.deepEqual(JSON.parse(output.trim().split('\n').pop()!), [' main.ml.churn ', null, '42']);
  });
});
