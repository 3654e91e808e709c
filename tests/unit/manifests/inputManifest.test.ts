/**
 * The input manifests (tasks/<Task>/src/inputs.ts, shared/runtime/commonInputs.ts) against what
 * the build generates from them and checks with them (shared/build/inputArtifacts.ts,
 * settingsArtifacts.ts): the committed task.json inputs, docs/INPUTS.md tables and settings-file
 * field list are the generated ones, every manifest passes the checks, and a forgotten place
 * fails with a message that names the input and the file.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { checkManifest, parametersFile, taskJsonParts, withGeneratedDoc, withGeneratedInputs } from '../../../shared/build/inputArtifacts';
import { renderSettingsModule, SETTINGS_MODULE_FILE, settingsDescription, settingsFields } from '../../../shared/build/settingsArtifacts';
import { connectionInputs } from '../../../shared/runtime/commonInputs';
import { BLOCK_FIELDS, SECTIONS, type FieldSpec } from '../../../shared/runtime/configSchema';
import { defineTaskInputs, type InputDeclaration, type TaskInputManifest } from '../../../shared/runtime/inputManifest';
import { booleanRule, integerRule } from '../../../shared/runtime/rules/generic';
import { CREATE_MONITOR, DEPLOY_SERVING, MANIFESTS } from './inputManifests';
import { findRepoRoot, TASK_NAMES } from './manifestFiles';

/** A copy of a manifest (DeployServing's by default) with one input replaced (or added). */
function deployWith(name: string, declaration: InputDeclaration | undefined, manifest: TaskInputManifest = DEPLOY_SERVING): TaskInputManifest {
  const inputs: Record<string, InputDeclaration> = { ...manifest.inputs };
  if (declaration === undefined) delete inputs[name];
  else inputs[name] = declaration;
  return defineTaskInputs(manifest.task, manifest.groups, inputs);
}

/** The settings problems of all manifests with one of them replaced. */
function settingsProblemsWith(changed: TaskInputManifest): string[] {
  return settingsFields(MANIFESTS.map((m) => (m.task === changed.task ? changed : m))).problems;
}

const withoutDescriptions = (fields: Readonly<Record<string, FieldSpec>>) => Object.fromEntries(Object.entries(fields).map(([key, { description: _, ...spec }]) => [key, spec]));

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

  it('generate the committed settings-file field list (npm run build writes it), which the tasks load the file with', () => {
    const { fields, problems } = settingsFields(MANIFESTS);
    assert.deepEqual(problems, []);
    assert.equal(readFileSync(join(root, SETTINGS_MODULE_FILE), 'utf8'), renderSettingsModule(fields));
    assert.deepEqual(BLOCK_FIELDS, withoutDescriptions(fields.block));
    for (const [section, specs] of Object.entries(fields.sections)) assert.deepEqual(SECTIONS[section as keyof typeof SECTIONS], withoutDescriptions(specs), section);
  });

  it("derive a settings description from the help's first sentence, without the editor's bold labels", () => {
    const declaration = (help: string): InputDeclaration => ({
      type: 'string',
      label: 'x',
      group: 'model',
      help,
      settings: { section: 'serving', kind: 'text' },
      doc: { rule: '' },
    });
    assert.equal(
      settingsDescription(declaration('The endpoint, e.g. `churn-scoring`, i.e. a name. It is created when missing.')),
      'The endpoint, e.g. `churn-scoring`, i.e. a name.',
    );
    assert.equal(settingsDescription(declaration('Needs **SQL warehouse ID**. `auto` picks one.')), 'Needs SQL warehouse ID.');
    assert.equal(settingsDescription(declaration('One sentence without a stop')), 'One sentence without a stop');
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

    it('a new settings key becomes a field of its task, described by the first sentence of its help', () => {
      const { fields, problems } = settingsFields(
        MANIFESTS.map((m) => (m === DEPLOY_SERVING ? deployWith('pollSeconds', settable({ settings: { section: 'serving', kind: 'integer' } })) : m)),
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(fields.sections.serving.pollSeconds, {
        kind: 'integer',
        tasks: ['DatabricksDeployServing'],
        description: 'A help text long enough for the editor, stating what the input does.',
      });
      assert.deepEqual(fields.sections.inferenceTable.catalog, {
        kind: 'text',
        tasks: ['DatabricksDeployServing'],
        input: 'inferenceCatalog',
        description: 'Catalog of the inference table (required when enabled).',
      });
    });

    it('the tasks of a key are the manifests that declare it (the common inputs: every task)', () => {
      const { fields } = settingsFields(MANIFESTS);
      assert.deepEqual(fields.block.retryBudgetSeconds.tasks, [...TASK_NAMES]);
      assert.deepEqual(fields.sections.monitoring.warehouseId.tasks, ['DatabricksCreateMonitor', 'DatabricksRefreshMonitors']);
      // A fallback (registry.modelName for DeployServing, shared/runtime/config/layers.ts) is not a key the task declares.
      assert.deepEqual(fields.sections.registry.modelName.tasks, ['DatabricksRegisterModel']);
      assert.deepEqual(fields.sections.monitoring.timeoutMinutes.tasks, ['DatabricksCreateMonitor']);
      assert.deepEqual(fields.sections.monitoring.refreshTimeoutMinutes, {
        kind: 'integer',
        tasks: ['DatabricksRefreshMonitors'],
        input: 'timeoutMinutes',
        description: 'DatabricksRefreshMonitors: minutes to wait for the refreshes (1-1440, default 60).',
      });
      assert.deepEqual(fields.sections.serving.workloadSize.values, ['Small', 'Medium', 'Large']);
    });

    it('a key two manifests declare differently (kind, input, values or description), naming both', () => {
      const warehouseId = CREATE_MONITOR.inputs.warehouseId;
      assert.deepEqual(settingsProblemsWith(deployWith('warehouseId', { ...warehouseId, settings: { ...warehouseId.settings, kind: 'integer' } }, CREATE_MONITOR)), [
        'settings key monitoring.warehouseId is declared differently by tasks/DatabricksCreateMonitor/src/inputs.ts (DatabricksCreateMonitor input warehouseId: kind integer, description "SQL warehouse for the dashboard, the view, the alerts and the drift gate.") and tasks/DatabricksRefreshMonitors/src/inputs.ts (DatabricksRefreshMonitors input warehouseId: kind text, description "SQL warehouse for the dashboard, the view, the alerts and the drift gate."); declare it once (a shared constant, as shared/monitoring/settings.ts does) and use it in both',
      ]);
      const monitorApi = CREATE_MONITOR.inputs.monitorApi;
      assert.match(
        settingsProblemsWith(deployWith('monitorApi', { ...monitorApi, options: { ...monitorApi.options, v2: 'Version 2' } }, CREATE_MONITOR)).join('\n'),
        /settings key monitoring.monitorApi is declared differently by .*CreateMonitor input monitorApi: kind text, values auto\/dataQuality\/legacy\/v2.* and .*RefreshMonitors input monitorApi: kind text, values auto\/dataQuality\/legacy,/,
      );
      // A key of another task set on a different input.
      assert.match(
        settingsProblemsWith(deployWith('pollSeconds', settable({ settings: { section: 'job', key: 'jobId', kind: 'integer' } }))).join('\n'),
        /settings key job.jobId is declared differently by tasks\/DatabricksDeployServing\/src\/inputs.ts \(DatabricksDeployServing input pollSeconds: kind integer, description .*\) and tasks\/DatabricksRunJob\/src\/inputs.ts \(DatabricksRunJob input jobId/,
      );
    });

    it('a key two inputs of one task declare, a kind that does not fit the input, values beside options', () => {
      assert.deepEqual(settingsProblemsWith(deployWith('pollSeconds', settable({ settings: { section: 'serving', key: 'canaryPercent', kind: 'integer' } }))), [
        'tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds declares settings key serving.canaryPercent, which input canaryPercent (tasks/DatabricksDeployServing/src/inputs.ts) declares too',
      ]);
      const waitForReady = DEPLOY_SERVING.inputs.waitForReady;
      assert.deepEqual(settingsProblemsWith(deployWith('waitForReady', { ...waitForReady, settings: { section: 'serving', kind: 'text' } })), [
        'tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input waitForReady: an on/off pick list has settings kind boolean, not text (use settableBoolean)',
      ]);
      const workloadSize = DEPLOY_SERVING.inputs.workloadSize;
      assert.deepEqual(settingsProblemsWith(deployWith('workloadSize', { ...workloadSize, settings: { ...workloadSize.settings, values: ['Small'] } })), [
        "tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input workloadSize: settings values are the pick list's options; leave values out",
      ]);
      assert.deepEqual(settingsProblemsWith(deployWith('pollSeconds', settable({ default: 'soon', settings: { section: 'serving', kind: 'integer' } }))), [
        'tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds: settings kind integer, but the default "soon" is not one (the kind must fit the rule)',
      ]);
      assert.deepEqual(settingsProblemsWith(deployWith('pollSeconds', settable({ settings: { section: 'serving', key: 'pollSeconds', kind: 'integer' } }))), [
        "tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input pollSeconds: settings key 'pollSeconds' is the input's name; leave key out",
      ]);
    });

    it('a settings description that states another default than the manifest', () => {
      const timeoutMinutes = DEPLOY_SERVING.inputs.timeoutMinutes;
      const problems = settingsProblemsWith(deployWith('timeoutMinutes', { ...timeoutMinutes, default: '50', help: 'Minutes to wait for readiness, `50` when not set anywhere.' }));
      assert.deepEqual(problems, [
        "tasks/DatabricksDeployServing/src/inputs.ts: DatabricksDeployServing input timeoutMinutes: the settings description states the default 45, the manifest's default is 50",
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
