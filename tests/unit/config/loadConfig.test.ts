import * as assert from 'node:assert/strict';
import { loadConfig } from '../../../shared/runtime/config/load';
import type { TaskName } from '../../../shared/runtime/configSchema';
import type { InputError } from '../../../shared/runtime/inputError';
import { errorsOf, useTempDir, writeFile } from '../parameters/support';

const VALID_BLOCK = '    workspaceUrl: https://adb-1.2.azuredatabricks.net\n';

describe('loadConfig: validation errors', () => {
  const dir = useTempDir();
  let counter = 0;
  const file = (text: string) => writeFile(dir(), `config-${++counter}.yml`, text);
  const load = (path: string, environment?: string, task: TaskName = 'DatabricksDeployServing') => loadConfig(path, environment, task);

  /** The single error loading `text` gives. */
  function only(text: string, environment = 'dev'): InputError & { file: string } {
    const path = file(text);
    const errors = errorsOf(() => load(path, environment));
    assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
    return Object.assign(errors[0], { file: path });
  }

  describe('reading the file', () => {
    it('reports a missing file as the configFile input', () => {
      const errors = errorsOf(() => load(`${dir()}/missing.yml`));
      assert.equal(errors[0].input, 'configFile');
      assert.equal(errors[0].message, `Input 'configFile' (from the task): file not found; got "${dir()}/missing.yml".`);
    });
    it('reports a directory', () => {
      assert.equal(errorsOf(() => load(dir()))[0].rule, 'is a directory, not a file');
    });
    it('reports YAML syntax errors with the file, line and column', () => {
      const e = only('environments:\n  dev:\n    serving: [1, 2\n  prod: {}\n');
      assert.equal(e.input, 'configFile');
      assert.deepEqual(e.source, { file: e.file, path: '', line: 4, column: 3 });
      assert.match(e.message, new RegExp(`^Input 'configFile' \\(from ${e.file}, line 4, column 3\\): is not valid YAML: `));
    });
    it('reports duplicate keys as a YAML error', () => {
      const e = only('environments:\n  dev: {}\n  dev: {}\n');
      assert.deepEqual([e.source?.line, e.source?.column], [3, 3]);
      assert.match(e.rule, /is not valid YAML: Map keys must be unique/);
    });
    it('reports every syntax error', () => {
      const path = file('environments:\n  dev: {}\n  dev: {}\ndefaults: {}\ndefaults: {}\n');
      assert.deepEqual(
        errorsOf(() => load(path)).map((e) => e.source?.line),
        [3, 5],
      );
    });
    it('reports an alias without its anchor', () => {
      assert.match(only('environments:\n  dev: *missing\n').rule, /is not valid YAML/);
    });
    it('reports an empty file', () => {
      const e = only('# nothing yet\n');
      assert.equal(e.rule, 'is empty; it needs an environments: mapping');
    });
  });

  describe('structure', () => {
    it('needs a mapping at the top', () => {
      const e = only('- dev\n- prod\n');
      assert.deepEqual([e.input, e.rule, e.source?.path], ['configFile', 'must be a mapping with environments (and optionally defaults)', '']);
    });
    it('needs environments', () => {
      const e = only('defaults:\n  workspaceUrl: https://x.example.com\n');
      assert.deepEqual([e.rule, e.source?.path, e.source?.line], ['is required: a mapping of environment name to settings', 'environments', 1]);
    });
    it('needs at least one environment', () => {
      assert.equal(only('environments: {}\n').rule, 'must define at least one environment');
    });
    it('needs environment blocks to be mappings', () => {
      const e = only('environments:\n  dev:\n');
      assert.deepEqual([e.rule, e.source?.path, e.source?.line], ['must be a mapping of settings (write {} for an empty block)', 'environments.dev', 2]);
    });
    it('restricts environment names', () => {
      const e = only('environments:\n  "prod eu": {}\n');
      assert.deepEqual([e.input, e.rule, e.source?.path, e.source?.line], ['configFile', 'environment names must be letters, digits, _ or -', 'environments["prod eu"]', 2]);
    });
    it('needs sections to be mappings', () => {
      const e = only('environments:\n  dev:\n    serving: Small\n');
      assert.deepEqual([e.rule, e.source?.path, e.value], ['must be a mapping', 'environments.dev.serving', 'Small']);
    });
  });

  describe('unknown keys', () => {
    it('at the top, with a suggestion', () => {
      const e = only('environment:\n  dev: {}\n');
      assert.equal(e.message, `Input 'configFile' (from ${e.file} at environment, line 1): unknown key "environment"; did you mean "environments"?`);
    });
    it('in a section, with a suggestion', () => {
      const e = only(`environments:\n  dev:\n${VALID_BLOCK}    serving:\n      canaryPercnt: 5\n`);
      assert.deepEqual([e.rule, e.source?.path, e.source?.line], ['unknown key "canaryPercnt"; did you mean "canaryPercent"?', 'environments.dev.serving.canaryPercnt', 5]);
    });
    it('in snake_case, suggesting the input name', () => {
      assert.equal(only('environments:\n  dev:\n    serving:\n      endpoint_name: x\n').rule, 'unknown key "endpoint_name"; did you mean "endpointName"?');
    });
    it('in the wrong section, naming the right one', () => {
      assert.equal(only('environments:\n  dev:\n    monitoring:\n      canaryPercent: 5\n').rule, 'unknown key "canaryPercent" here; it belongs in the serving section');
      assert.equal(only('environments:\n  dev:\n    endpointName: x\n').rule, 'unknown key "endpointName" here; it belongs in the serving section');
      assert.equal(only('serving:\n  endpointName: x\nenvironments:\n  dev: {}\n').rule, 'unknown key "serving" here; it belongs in an environment block or defaults');
    });
    it('inside a rule mapping', () => {
      const e = only('environments:\n  dev:\n    monitoring:\n      driftAlerts:\n        - { metric: js_distance, op: ">", threshold: 0.1, email: a@b.co }\n');
      assert.deepEqual([e.rule, e.source?.path, e.source?.line], ['unknown key "email"; did you mean "emails"?', 'environments.dev.monitoring.driftAlerts[0].email', 5]);
    });
    it('listing the keys when nothing is close', () => {
      assert.equal(
        only('environments:\n  dev:\n    inferenceTable:\n      keepForever: true\n').rule,
        'unknown key "keepForever"; expected one of enabled, catalog, schema, tablePrefix, retentionDays',
      );
    });
  });

  describe('value types', () => {
    const cases: [string, string, string, string, string | undefined][] = [
      // [yaml under environments.dev, input, rule, path, got]
      ['serving:\n      canaryPercent: ten', 'canaryPercent', 'must be an integer', 'environments.dev.serving.canaryPercent', 'ten'],
      ['serving:\n      canaryPercent: 12.5', 'canaryPercent', 'must be an integer', 'environments.dev.serving.canaryPercent', '12.5'],
      ['serving:\n      scaleToZero: yes', 'scaleToZero', 'must be true or false', 'environments.dev.serving.scaleToZero', 'yes'],
      ['serving:\n      workloadSize: Huge', 'workloadSize', 'must be one of Small, Medium, Large', 'environments.dev.serving.workloadSize', 'Huge'],
      ['serving:\n      endpointName: 42', 'endpointName', 'must be a string', 'environments.dev.serving.endpointName', '42'],
      ['registry:\n      minImprovement: "0.1"', 'minImprovement', 'must be a number', 'environments.dev.registry.minImprovement', '0.1'],
      ['registry:\n      modelVersion: 1.5', 'modelVersion', 'must be a version number or "latest"', 'environments.dev.registry.modelVersion', '1.5'],
      ['inferenceTable:\n      catalog: [a, b]', 'inferenceCatalog', 'must be a string', 'environments.dev.inferenceTable.catalog', undefined],
      ['monitoring:\n      refreshTimeoutMinutes: soon', 'timeoutMinutes', 'must be an integer', 'environments.dev.monitoring.refreshTimeoutMinutes', 'soon'],
      ['monitoring:\n      granularities: 7', 'granularities', 'must be a string or a list of strings', 'environments.dev.monitoring.granularities', '7'],
      [
        'monitoring:\n      granularities: ["1 day", "2 days"]',
        'granularities',
        'must be one of 5 minutes, 30 minutes, 1 hour, 1 day, 1 week, 2 weeks, 3 weeks, 4 weeks, 1 month, 1 year',
        'environments.dev.monitoring.granularities[1]',
        '2 days',
      ],
      [
        'monitoring:\n      notifyEmails: ["a@b.co\\nc@d.co"]',
        'notifyEmails',
        'list elements must be non-empty single lines',
        'environments.dev.monitoring.notifyEmails[0]',
        'a@b.co\nc@d.co',
      ],
      [
        'monitoring:\n      slicingExpressions: ["region", ""]',
        'slicingExpressions',
        'list elements must be non-empty single lines',
        'environments.dev.monitoring.slicingExpressions[1]',
        '',
      ],
      [
        'monitoring:\n      thresholds: [{ metric: js_distance, op: "=", threshold: 0.1 }]',
        'thresholds',
        'must be one of <, <=, >, >=',
        'environments.dev.monitoring.thresholds[0].op',
        '=',
      ],
      [
        'monitoring:\n      thresholds: [{ metric: js_distance, op: ">", threshold: high }]',
        'thresholds',
        'must be a number',
        'environments.dev.monitoring.thresholds[0].threshold',
        'high',
      ],
      ['monitoring:\n      thresholds: [{ metric: js_distance, op: ">" }]', 'thresholds', 'is required', 'environments.dev.monitoring.thresholds[0].threshold', undefined],
      [
        'monitoring:\n      driftAlerts: [42]',
        'driftAlerts',
        'each alert must be a rule string or a mapping {metric, op, threshold, emails}',
        'environments.dev.monitoring.driftAlerts[0]',
        '42',
      ],
      ['serving:\n      tags: { team: [ml] }', 'tags', 'must be a string, number or boolean', 'environments.dev.serving.tags.team', undefined],
      ['serving:\n      smokeTestPayload: 5', 'smokeTestPayload', 'must be JSON text, a file path, or a mapping', 'environments.dev.serving.smokeTestPayload', '5'],
      ['retryBudgetSeconds: lots', 'retryBudgetSeconds', 'must be an integer', 'environments.dev.retryBudgetSeconds', 'lots'],
    ];
    for (const [yaml, input, rule, path, got] of cases) {
      it(`${path}: ${rule}`, () => {
        const e = only(`environments:\n  dev:\n    ${yaml}\n`);
        assert.deepEqual([e.input, e.rule, e.source?.path, e.value], [input, rule, path, got]);
        assert.equal(e.source?.file, e.file);
        assert.ok(e.source?.line !== undefined && e.source.line >= 3, `line ${String(e.source?.line)}`);
      });
    }

    it('checks every environment and defaults, reporting all errors in line order', () => {
      const path = file('environments:\n  dev:\n    serving: { canaryPercent: x }\n  prod:\n    serving: { scaleToZero: 1 }\ndefaults:\n  registry: { metricGoal: best }\n');
      const errors = errorsOf(() => load(path, 'dev'));
      assert.deepEqual(
        errors.map((e) => [e.input, e.source?.path, e.source?.line]),
        [
          ['canaryPercent', 'environments.dev.serving.canaryPercent', 3],
          ['scaleToZero', 'environments.prod.serving.scaleToZero', 5],
          ['metricGoal', 'defaults.registry.metricGoal', 7],
        ],
      );
    });
  });

  describe('choosing the environment', () => {
    const twoEnvironments = 'environments:\n  dev: {}\n  prod: {}\n';
    it('uses the only environment when none is given', () => {
      const path = file('environments:\n  test: {}\n');
      assert.equal(load(path, undefined).environment, 'test');
    });
    it('needs environment when there are several', () => {
      const path = file(twoEnvironments);
      const errors = errorsOf(() => load(path, undefined));
      assert.equal(errors[0].message, `Input 'environment': is required: ${path} defines 2 environments (dev, prod).`);
    });
    it('lists the available environments for an unknown one', () => {
      const path = file(twoEnvironments);
      const errors = errorsOf(() => load(path, 'staging'));
      assert.equal(errors[0].message, `Input 'environment' (from the task): is not an environment of ${path}; available: dev, prod; got "staging".`);
    });
    it('suggests a close name', () => {
      const path = file(twoEnvironments);
      assert.match(errorsOf(() => load(path, 'Prod'))[0].rule, /did you mean "prod"\? available: dev, prod/);
    });
    it('returns the environments and the chosen one', () => {
      const path = file(twoEnvironments);
      const config = load(path, ' prod ');
      assert.deepEqual([config.environment, config.environments, config.file], ['prod', ['dev', 'prod'], path]);
    });
  });
});
