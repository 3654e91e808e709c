/**
 * The input manifests (tasks/<Task>/src/inputs.ts, shared/runtime/commonInputs.ts) against what
 * the build generates from them and checks with them (shared/build/inputArtifacts.ts): the
 * committed task.json inputs, docs/INPUTS.md tables and settings JSON Schema are the generated
 * ones, every manifest passes the checks, and a forgotten place fails with a message that names
 * the input and the file.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { checkManifest, parametersFile, taskJsonParts, withGeneratedDoc, withGeneratedInputs } from '../../../shared/build/inputArtifacts';
import { connectionInputs } from '../../../shared/runtime/commonInputs';
import { defineTaskInputs, type InputDeclaration, type TaskInputManifest } from '../../../shared/runtime/inputManifest';
import { booleanRule, integerRule } from '../../../shared/runtime/rules/generic';
import { INPUTS as CREATE_MONITOR } from '../../../tasks/DatabricksCreateMonitor/src/inputs';
import { INPUTS as DEPLOY_SERVING } from '../../../tasks/DatabricksDeployServing/src/inputs';
import { INPUTS as REFRESH_MONITORS } from '../../../tasks/DatabricksRefreshMonitors/src/inputs';
import { INPUTS as REGISTER_MODEL } from '../../../tasks/DatabricksRegisterModel/src/inputs';
import { INPUTS as RUN_JOB } from '../../../tasks/DatabricksRunJob/src/inputs';
import { findRepoRoot, TASK_NAMES } from './manifestFiles';

const MANIFESTS: readonly TaskInputManifest[] = [REGISTER_MODEL, DEPLOY_SERVING, CREATE_MONITOR, REFRESH_MONITORS, RUN_JOB];

/** A copy of DeployServing's manifest with one input replaced (or added). */
function deployWith(name: string, declaration: InputDeclaration | undefined): TaskInputManifest {
  const inputs: Record<string, InputDeclaration> = { ...DEPLOY_SERVING.inputs };
  if (declaration === undefined) delete inputs[name];
  else inputs[name] = declaration;
  return defineTaskInputs(DEPLOY_SERVING.task, DEPLOY_SERVING.groups, inputs);
}

const HELP = 'A help text long enough for the editor, stating what the input does.';

describe('input manifests', () => {
  const root = findRepoRoot();

  it('declare every task, each once', () => {
    assert.deepEqual(MANIFESTS.map((m) => m.task).sort(), [...TASK_NAMES].sort());
  });

  for (const manifest of MANIFESTS) {
    describe(manifest.task, () => {
      const taskJsonFile = join(root, 'tasks', manifest.task, 'task.json');
      const taskJson = JSON.parse(readFileSync(taskJsonFile, 'utf8')) as Record<string, unknown> & { instanceNameFormat?: string };

      it('pass every build check', () => {
        const parametersSource = readFileSync(join(root, parametersFile(manifest.task)), 'utf8');
        assert.deepEqual(checkManifest(manifest, { instanceNameFormat: taskJson.instanceNameFormat, parametersSource }), []);
      });

      it('generate the committed task.json inputs and groups (npm run build writes them)', () => {
        assert.equal(readFileSync(taskJsonFile, 'utf8'), `${JSON.stringify(withGeneratedInputs(taskJson, manifest), null, 2)}\n`);
      });

      it("put the common inputs around the task's own, connection first and advanced last", () => {
        const { inputs, groups } = taskJsonParts(manifest);
        assert.deepEqual(
          inputs.slice(0, Object.keys(connectionInputs).length).map((i) => i.name),
          Object.keys(connectionInputs),
        );
        assert.equal(inputs.at(-1)?.name, 'retryBudgetSeconds');
        assert.equal(groups[0].name, 'connection');
        assert.equal(groups.at(-1)?.name, 'advanced');
      });
    });
  }

  it('generate the committed input tables of docs/INPUTS.md', () => {
    const doc = readFileSync(join(root, 'docs', 'INPUTS.md'), 'utf8');
    assert.equal(doc, withGeneratedDoc(doc, MANIFESTS));
  });

  it('give no task.json default to an input the settings file can set (the file is never hidden)', () => {
    for (const manifest of MANIFESTS) {
      const declarations = { ...connectionInputs, ...manifest.inputs } as Record<string, InputDeclaration>;
      for (const input of taskJsonParts(manifest).inputs) {
        if (declarations[input.name]?.settings === undefined) continue;
        assert.ok(input.defaultValue === '' || input.defaultValue === 'fromFile', `${manifest.task}.${input.name}: ${input.defaultValue}`);
        assert.equal(input.required, false, `${manifest.task}.${input.name}: required in task.json would insist on the step`);
      }
    }
  });

  describe('a forgotten place fails the build, naming the input and the file', () => {
    const settable = (extra: Partial<InputDeclaration>): InputDeclaration => ({
      type: 'string',
      label: 'Poll interval',
      group: 'rollout',
      help: `${HELP} Default: \`30\`.`,
      default: '30',
      rule: () => integerRule(5, 300),
      doc: { rule: 'integer 5–300' },
      ...extra,
    });

    it('a settings key the settings-file schema does not have', () => {
      const problems = checkManifest(deployWith('pollSeconds', settable({ settings: 'serving.pollSeconds' })));
      assert.deepEqual(problems, [
        "tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds: settings key 'serving.pollSeconds' is not declared in shared/runtime/configSchema.ts (BLOCK_FIELDS, or SECTIONS.<section>.<key>)",
      ]);
    });

    it('a settings-file key whose input is missing, or does not name the key', () => {
      assert.deepEqual(checkManifest(deployWith('canaryPercent', undefined)), [
        'shared/runtime/configSchema.ts: SECTIONS.serving.canaryPercent is read by DatabricksDeployServing as input canaryPercent, which tasks/DatabricksDeployServing/src/inputs.ts does not declare',
      ]);
      assert.deepEqual(checkManifest(deployWith('canaryPercent', { ...DEPLOY_SERVING.inputs.canaryPercent, settings: undefined })), [
        "tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input canaryPercent should declare settings: 'serving.canaryPercent' (shared/runtime/configSchema.ts SECTIONS.serving.canaryPercent sets it)",
      ]);
    });

    it('a key of another task, or a renamed key set on the wrong input', () => {
      assert.match(
        checkManifest(deployWith('pollSeconds', settable({ settings: 'job.jobId' })))[0],
        /pollSeconds: shared\/runtime\/configSchema\.ts SECTIONS\.job\.jobId does not list DatabricksDeployServing/,
      );
      assert.ok(
        checkManifest(deployWith('pollSeconds', settable({ settings: 'inferenceTable.catalog' }))).some((p) =>
          p.includes('SECTIONS.inferenceTable.catalog sets input inferenceCatalog, not pollSeconds'),
        ),
      );
    });

    it("pick-list values that differ from the settings file's", () => {
      const workloadSize = DEPLOY_SERVING.inputs.workloadSize;
      const problems = checkManifest(deployWith('workloadSize', { ...workloadSize, options: { ...workloadSize.options, Huge: 'Huge' } }));
      assert.match(problems[0], /workloadSize: the pick-list values \(Small, Medium, Large, Huge\) differ from shared\/runtime\/configSchema\.ts SECTIONS\.serving\.workloadSize/);
    });

    it('a default that differs from the one the settings-file schema describes', () => {
      const problems = checkManifest(
        deployWith('timeoutMinutes', { ...DEPLOY_SERVING.inputs.timeoutMinutes, default: '50', help: 'Minutes to wait for readiness, `50` when not set anywhere.' }),
      );
      assert.deepEqual(problems, [
        "tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input timeoutMinutes: shared/runtime/configSchema.ts SECTIONS.serving.timeoutMinutes describes the default as 45, the manifest's default is 50",
      ]);
    });

    it('a checkbox, a default the help does not state, or a first option other than fromFile, on an input the file can set', () => {
      const waitForReady = DEPLOY_SERVING.inputs.waitForReady;
      assert.ok(
        checkManifest(deployWith('waitForReady', { ...waitForReady, type: 'boolean', options: undefined })).some((p) => /waitForReady: a checkbox cannot say "not set"/.test(p)),
      );
      assert.ok(
        checkManifest(deployWith('waitForReady', { ...waitForReady, help: HELP })).some((p) => /waitForReady: the help must state the built-in default \(Default: on\)/.test(p)),
      );
      assert.ok(
        checkManifest(deployWith('waitForReady', { ...waitForReady, options: { true: 'On', false: 'Off' } })).some((p) =>
          /waitForReady: the settings file can set it, so its first option must be fromFile/.test(p),
        ),
      );
    });

    it('an input without a rule (Parameters would never read it), a bad default, an unknown group or visibleRule input', () => {
      const problems = checkManifest(
        deployWith('pollSeconds', {
          type: 'string',
          label: 'Poll interval',
          group: 'nowhere',
          help: HELP,
          visibleRule: 'waitForIt = true',
          doc: { rule: 'integer' },
        }),
      );
      assert.deepEqual(problems, [
        'tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds: group nowhere is not a group of tasks/DatabricksDeployServing/src/inputs.ts (connection, model, compute, traffic, inference, rollout, advanced)',
        'tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds: has no rule, so Parameters would never read it',
        'tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds: visibleRule refers to waitForIt, which is not an input of DatabricksDeployServing',
      ]);
      assert.match(
        checkManifest(deployWith('pollSeconds', settable({ default: 'soon', help: HELP })))[0],
        /pollSeconds: the default "soon" fails its own rule \(must be an integer from 5 to 300\)/,
      );
    });

    it('an input declared twice (a task input named like a common one)', () => {
      const problems = checkManifest(
        deployWith('dryRun', { type: 'string', label: 'x', group: 'rollout', help: HELP, default: 'false', rule: () => booleanRule(), doc: { rule: '' } }),
      );
      assert.match(
        problems[0],
        /^tasks\/DatabricksDeployServing\/src\/inputs\.ts: input dryRun is declared twice for DatabricksDeployServing \(also in shared\/runtime\/commonInputs\.ts\)/,
      );
    });

    it('an instanceNameFormat that shows a missing input', () => {
      assert.deepEqual(checkManifest(DEPLOY_SERVING, { instanceNameFormat: 'Deploy $(modelNam)' }), [
        'tasks/DatabricksDeployServing/task.json: instanceNameFormat shows $(modelNam), which is not an input',
      ]);
    });

    it('an input Parameters reads but neither passes on nor maps', () => {
      const parametersSource = readFileSync(join(root, parametersFile(DEPLOY_SERVING.task)), 'utf8');
      const { parameter: _, ...notPassed } = DEPLOY_SERVING.inputs.rateLimitPerMinute;
      assert.deepEqual(checkManifest(deployWith('rateLimitPerMinute', notPassed), { parametersSource }), [
        'tasks/DatabricksDeployServing/src/parameters.ts: DatabricksDeployServing input rateLimitPerMinute is read but never used; map it into the Parameters there, or mark it parameter: true in tasks/DatabricksDeployServing/src/inputs.ts',
      ]);
    });

    it('docs/INPUTS.md without the markers of a task', () => {
      assert.throws(
        () => withGeneratedDoc('# Task inputs\n', MANIFESTS),
        /docs\/INPUTS\.md: the markers of the common inputs are missing; add the lines\n<!-- inputs:common begin/,
      );
    });
  });
});
