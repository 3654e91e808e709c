/**
 * The fuzz specs' own invalid values, each alone over the spec's valid inputs, must be refused
 * by the task's Parameters, naming that input: a value the task accepts (e.g. a custom metric
 * name, which only the monitor can refuse) would make the fuzz check fail now and then, on the
 * seeds that pick it.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildParameters as createMonitor } from '../../tasks/DatabricksCreateMonitor/src/parameters';
import { buildParameters as deployServing } from '../../tasks/DatabricksDeployServing/src/parameters';
import { buildParameters as refreshMonitors } from '../../tasks/DatabricksRefreshMonitors/src/parameters';
import { buildParameters as registerModel } from '../../tasks/DatabricksRegisterModel/src/parameters';
import { buildParameters as runJob } from '../../tasks/DatabricksRunJob/src/parameters';
import { InputErrors } from '../../shared/runtime/inputError';
import { mapInputSource, mapVariableSource, type InputSource, type VariableSource } from '../../shared/runtime/inputs';
import { repoRoot } from '../helpers/repo';
import { COMMON_INVALID } from './checks/fuzz';
import { fuzzSpecs } from './scenarios';

const BUILDERS: Record<string, (inputs: InputSource, vars: VariableSource) => unknown> = {
  DatabricksCreateMonitor: createMonitor,
  DatabricksDeployServing: deployServing,
  DatabricksRefreshMonitors: refreshMonitors,
  DatabricksRegisterModel: registerModel,
  DatabricksRunJob: runJob,
};

const CONNECTION = { azureSubscription: 'arm-connection', workspaceUrl: 'https://adb-1234567890123456.7.azuredatabricks.net' };

/** task.json's defaults, as the agent passes them. */
function defaults(task: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot(), 'tasks', task, 'task.json'), 'utf8')) as { inputs: { name: string; defaultValue?: unknown }[] };
  return Object.fromEntries(manifest.inputs.map((i) => [i.name, String(i.defaultValue ?? '')]));
}

describe('fuzz specs', () => {
  for (const spec of fuzzSpecs) {
    const build = BUILDERS[spec.task];
    it(`${spec.task}: the valid inputs are accepted and every invalid value is refused by Parameters, naming its input`, () => {
      assert.ok(build, `no Parameters builder for ${spec.task}`);
      const valid = { ...defaults(spec.task), ...CONNECTION, ...spec.base(undefined as never) };
      build(mapInputSource(valid), mapVariableSource({}));
      const accepted: string[] = [];
      for (const [input, values] of [...Object.entries(COMMON_INVALID), ...Object.entries(spec.invalid)]) {
        for (const value of values) {
          try {
            build(mapInputSource({ ...valid, [input]: value }), mapVariableSource({}));
            accepted.push(`${input}=${JSON.stringify(value)}`);
          } catch (error) {
            assert.ok(error instanceof InputErrors, `${input}=${JSON.stringify(value)}: ${String(error)}`);
            assert.ok(
              error.errors.some((e) => e.input === input),
              `${input}=${JSON.stringify(value)} refused for other inputs: ${error.message}`,
            );
          }
        }
      }
      assert.deepEqual(accepted, [], 'accepted before any request');
    });
  }
});
