import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildParameters } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { build, CONNECTION, errorsOf, expectError, useTempDir, writeFile, type Inputs } from './support';

const BASE: Inputs = { endpointName: 'churn-ep', modelName: 'main.ml.churn', modelVersion: '3', inferenceCatalog: 'main', inferenceSchema: 'ml_logs' };
const run = (inputs: Inputs, vars: Inputs = {}) => build(buildParameters, { ...CONNECTION, ...BASE, ...inputs }, vars);

describe('DatabricksDeployServing parameters', () => {
  it('applies every default', () => {
    const p = run({});
    assert.equal(p.endpointName, 'churn-ep');
    assert.equal(p.modelName, 'main.ml.churn');
    assert.deepEqual(p.model, { kind: 'version', version: 3 });
    assert.equal(p.servedEntityName, undefined);
    assert.equal(p.workloadSize, 'Small');
    assert.equal(p.workloadType, 'CPU');
    assert.equal(p.scaleToZero, true);
    assert.deepEqual(p.environmentVars, []);
    assert.deepEqual(p.traffic, { mode: 'replace' });
    assert.deepEqual(p.inferenceTable, { catalog: 'main', schema: 'ml_logs', tablePrefix: 'churn_ep' });
    assert.equal(p.rateLimitPerMinute, undefined);
    assert.deepEqual(p.tags, []);
    assert.deepEqual(p.notifyOnFailure, []);
    assert.equal(p.waitForReady, true);
    assert.equal(p.timeoutMinutes, 45);
    assert.equal(p.smokeTestPayload, undefined);
    assert.equal(p.rollbackOnFailure, true);
  });

  describe('endpointName and servedEntityName', () => {
    it('endpointName is required', () => {
      expectError(() => run({ endpointName: undefined }), 'endpointName', 'is required');
    });
    for (const bad of ['churn endpoint', 'churn.ep', 'x'.repeat(64)]) {
      it(`rejects endpointName ${JSON.stringify(bad.slice(0, 20))}`, () => {
        expectError(() => run({ endpointName: bad }), 'endpointName', 'must be 1 to 63 letters, digits, - or _');
      });
    }
    it('takes 63 characters', () => {
      assert.equal(run({ endpointName: 'e'.repeat(63) }).endpointName.length, 63);
    });
    it('servedEntityName follows the same rule', () => {
      assert.equal(run({ servedEntityName: 'churn-3' }).servedEntityName, 'churn-3');
      expectError(() => run({ servedEntityName: 'churn 3' }), 'servedEntityName', 'must be 1 to 63 letters');
    });
  });

  describe('the served model', () => {
    it('modelName is a required three-part name', () => {
      expectError(() => run({ modelName: undefined }), 'modelName', 'is required');
      expectError(() => run({ modelName: 'ml.churn' }), 'modelName', 'three-part name');
    });
    it('takes modelAlias instead of modelVersion', () => {
      assert.deepEqual(run({ modelVersion: undefined, modelAlias: 'champion' }).model, { kind: 'alias', alias: 'champion' });
    });
    it('needs one of modelVersion and modelAlias', () => {
      expectError(() => run({ modelVersion: undefined }), 'modelVersion', 'set modelVersion or modelAlias');
    });
    it('refuses both', () => {
      expectError(() => run({ modelAlias: 'champion' }), 'modelVersion', 'set only one of modelVersion and modelAlias');
    });
    for (const bad of ['0', '-2', 'latest', '1.0']) {
      it(`rejects modelVersion ${bad}`, () => {
        expectError(() => run({ modelVersion: bad }), 'modelVersion', 'must be a positive integer');
      });
    }
    it('rejects a bad alias', () => {
      expectError(() => run({ modelVersion: undefined, modelAlias: 'latest' }), 'modelAlias', 'must be an alias name');
    });
  });

  describe('compute', () => {
    it('reads the pick lists case-insensitively into their canonical spelling', () => {
      const p = run({ workloadSize: 'medium', workloadType: 'gpu_small' });
      assert.equal(p.workloadSize, 'Medium');
      assert.equal(p.workloadType, 'GPU_SMALL');
    });
    it('rejects an unknown workloadSize', () => {
      expectError(() => run({ workloadSize: 'XLarge' }), 'workloadSize', 'must be one of Small, Medium, Large; got "XLarge"');
    });
    it('rejects an unknown workloadType', () => {
      expectError(
        () => run({ workloadType: 'TPU' }),
        'workloadType',
        'must be one of CPU, CPU_MEDIUM, CPU_LARGE, GPU_SMALL, GPU_MEDIUM, GPU_LARGE, GPU_XLARGE, GPU_XLARGE_8, MULTIGPU_MEDIUM',
      );
    });
    it('reads scaleToZero', () => {
      assert.equal(run({ scaleToZero: 'false' }).scaleToZero, false);
      expectError(() => run({ scaleToZero: 'off' }), 'scaleToZero', 'must be true or false');
    });
  });

  describe('environmentVars', () => {
    it('reads KEY=value lines, secrets references included', () => {
      assert.deepEqual(run({ environmentVars: 'API_URL=https://x.example.com/a?b=c\nTOKEN={{secrets/scope/key}}' }).environmentVars, [
        { key: 'API_URL', value: 'https://x.example.com/a?b=c' },
        { key: 'TOKEN', value: '{{secrets/scope/key}}' },
      ]);
    });
    it('rejects a key that is not a variable name, without quoting the value', () => {
      const error = expectError(() => run({ environmentVars: 'MY-VAR=s3cret' }), 'environmentVars', 'line 1: key must be a variable name', 'got "MY-VAR"');
      assert.ok(!error.message.includes('s3cret'));
    });
    it('never quotes a line without =', () => {
      const error = expectError(() => run({ environmentVars: 's3cret' }), 'environmentVars', 'line 1: must be key=value');
      assert.ok(!error.message.includes('s3cret'));
    });
    it('detects duplicate keys', () => {
      expectError(() => run({ environmentVars: 'A=1\nB=2\nA=3' }), 'environmentVars', 'line 3: duplicate key (also on line 1)');
    });
    it('takes at most 30 entries', () => {
      const lines = (n: number) => Array.from({ length: n }, (_, i) => `V${i}=x`).join('\n');
      assert.equal(run({ environmentVars: lines(30) }).environmentVars.length, 30);
      expectError(() => run({ environmentVars: lines(31) }), 'environmentVars', 'must have at most 30 entries, not 31');
    });
  });

  describe('traffic', () => {
    it('canary takes canaryPercent (default 10)', () => {
      assert.deepEqual(run({ trafficMode: 'canary' }).traffic, { mode: 'canary', percent: 10 });
      assert.deepEqual(run({ trafficMode: 'canary', canaryPercent: '99' }).traffic, { mode: 'canary', percent: 99 });
      assert.deepEqual(run({ trafficMode: 'promote' }).traffic, { mode: 'promote' });
    });
    for (const bad of ['0', '100', '150', '12.5', 'ten']) {
      it(`rejects canaryPercent ${bad}`, () => {
        expectError(
          () => run({ trafficMode: 'canary', canaryPercent: bad }),
          'canaryPercent',
          `Input 'canaryPercent' (from the task): must be an integer from 1 to 99; got "${bad}".`,
        );
      });
    }
    it('rejects an unknown trafficMode', () => {
      expectError(() => run({ trafficMode: 'blue-green' }), 'trafficMode', 'must be one of replace, canary, promote');
    });
  });

  describe('inference table', () => {
    it('is left out when disabled, and then needs no catalog or schema', () => {
      assert.equal(run({ inferenceTable: 'false', inferenceCatalog: undefined, inferenceSchema: undefined }).inferenceTable, undefined);
    });
    it('needs catalog and schema when enabled', () => {
      const errors = errorsOf(() => run({ inferenceCatalog: undefined, inferenceSchema: undefined }));
      assert.deepEqual(
        errors.map((e) => e.message),
        ["Input 'inferenceCatalog': is required when inferenceTable is true.", "Input 'inferenceSchema': is required when inferenceTable is true."],
      );
    });
    it('takes a prefix', () => {
      assert.equal(run({ inferenceTablePrefix: 'churn_v2' }).inferenceTable?.tablePrefix, 'churn_v2');
    });
    it('validates the names', () => {
      const errors = errorsOf(() => run({ inferenceCatalog: 'main.x', inferenceSchema: 'ml logs', inferenceTablePrefix: 'churn-ep', inferenceTable: 'maybe' }));
      assert.deepEqual(
        errors.map((e) => e.input),
        ['inferenceTable', 'inferenceCatalog', 'inferenceSchema', 'inferenceTablePrefix'],
      );
      assert.match(errors[1].message, /must be an identifier of letters, digits, _ or -/);
      assert.match(errors[3].message, /must be letters, digits or _/);
    });
  });

  describe('gateway, tags, notifications, readiness', () => {
    const tempDir = useTempDir();
    it('reads rateLimitPerMinute', () => {
      assert.equal(run({ rateLimitPerMinute: '600' }).rateLimitPerMinute, 600);
      expectError(() => run({ rateLimitPerMinute: '0' }), 'rateLimitPerMinute', 'must be a positive integer');
    });
    it('reads usageTracking: on, off, or left to the endpoint (omitted or fromFile)', () => {
      assert.equal(run({ usageTracking: 'true' }).usageTracking, true);
      assert.equal(run({ usageTracking: 'false' }).usageTracking, false);
      assert.equal(run({}).usageTracking, undefined);
      assert.equal(run({ usageTracking: 'fromFile' }).usageTracking, undefined);
      expectError(() => run({ usageTracking: 'yes please' }), 'usageTracking', 'must be true or false');
    });
    it('takes usageTracking from the settings file unless the step sets it', () => {
      const file = writeFile(tempDir(), 'mlops.yml', 'environments:\n  prod:\n    workspaceUrl: https://adb-1.2.azuredatabricks.net\n    serving:\n      usageTracking: true\n');
      const fromFile = (inputs: Inputs) => build(buildParameters, { azureSubscription: CONNECTION.azureSubscription, ...BASE, configFile: file, ...inputs });
      assert.equal(fromFile({}).usageTracking, true);
      assert.equal(fromFile({ usageTracking: 'fromFile' }).usageTracking, true);
      assert.equal(fromFile({ usageTracking: 'false' }).usageTracking, false, 'an explicit value on the step wins over the file');
    });
    it('reads endpoint tags', () => {
      assert.deepEqual(run({ tags: 'team=ml\nenv = prod' }).tags, [
        { key: 'team', value: 'ml' },
        { key: 'env', value: 'prod' },
      ]);
      expectError(() => run({ tags: 'team' }), 'tags', 'line 1: must be key=value');
    });
    it('reads notifyOnFailure e-mails', () => {
      assert.deepEqual(run({ notifyOnFailure: 'a@contoso.com, b.c@contoso.co.uk' }).notifyOnFailure, ['a@contoso.com', 'b.c@contoso.co.uk']);
      expectError(() => run({ notifyOnFailure: 'a@contoso.com; b@contoso.com' }), 'notifyOnFailure', 'item 1: must be an e-mail address');
    });
    it('reads waitForReady, timeoutMinutes, rollbackOnFailure', () => {
      const p = run({ waitForReady: 'false', timeoutMinutes: '720', rollbackOnFailure: 'false' });
      assert.deepEqual([p.waitForReady, p.timeoutMinutes, p.rollbackOnFailure], [false, 720, false]);
      const errors = errorsOf(() => run({ waitForReady: 'no', timeoutMinutes: '721', rollbackOnFailure: '0' }));
      assert.deepEqual(
        errors.map((e) => e.input),
        ['waitForReady', 'timeoutMinutes', 'rollbackOnFailure'],
      );
    });
  });

  describe('smokeTestPayload', () => {
    const dir = useTempDir();

    it('parses JSON text', () => {
      assert.deepEqual(run({ smokeTestPayload: '{\n  "dataframe_records": [{"x": 1}]\n}' }).smokeTestPayload, { dataframe_records: [{ x: 1 }] });
    });
    it('reads a file, relative to System.DefaultWorkingDirectory', () => {
      writeFile(dir(), 'smoke/payload.json', '{"inputs": [[1, 2]]}');
      const p = run({ smokeTestPayload: 'smoke/payload.json' }, { 'System.DefaultWorkingDirectory': dir() });
      assert.deepEqual(p.smokeTestPayload, { inputs: [[1, 2]] });
    });
    it('rejects text that is not JSON', () => {
      expectError(() => run({ smokeTestPayload: '{"inputs": [1,}' }), 'smokeTestPayload', 'the JSON text is not valid JSON');
    });
    it('rejects a missing file', () => {
      expectError(
        () => run({ smokeTestPayload: 'nope.json' }, { 'System.DefaultWorkingDirectory': dir() }),
        'smokeTestPayload',
        `there is no file ${path.join(dir(), 'nope.json')}`,
      );
    });
    it('rejects a file that is not JSON', () => {
      const file = writeFile(dir(), 'bad.json', 'inputs: [1]');
      expectError(() => run({ smokeTestPayload: file }), 'smokeTestPayload', `the file ${file} is not valid JSON`);
    });
    it('rejects an array and an object without a known key', () => {
      expectError(() => run({ smokeTestPayload: '[1, 2]' }), 'smokeTestPayload', 'must be a JSON object');
      expectError(() => run({ smokeTestPayload: '{"rows": []}' }), 'smokeTestPayload', 'must have one of the keys dataframe_records, dataframe_split, instances, inputs');
    });
  });

  it('reports every invalid input together with their names', () => {
    const errors = errorsOf(() => run({ endpointName: 'my endpoint', canaryPercent: '150', workloadSize: 'Huge', smokeTestPayload: 'not json', modelAlias: 'champion' }));
    assert.deepEqual(
      errors.map((e) => e.input),
      ['endpointName', 'workloadSize', 'canaryPercent', 'smokeTestPayload', 'modelVersion'],
    );
  });
});
