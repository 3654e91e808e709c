/**
 * Checks the five task.json manifests: against the official tasks.schema.json, against the
 * public contract (task names, inputs and outputs, hard-coded below because those names must
 * never change), against docs/INPUTS.md (types, defaults, visible rules, groups, outputs), and
 * for the consistency rules the Azure DevOps editor and agent rely on.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';

import { BLOCK_FIELDS, SECTIONS } from '../../../shared/runtime/configSchema';
import { FROM_SETTINGS_FILE } from '../../../shared/runtime/inputs';
import { parseInputsDoc } from './inputsDoc';
import type { DocSection } from './inputsDoc';
import { findRepoRoot, loadTask, taskDir, TASK_NAMES } from './manifestFiles';
import type { TaskInput, TaskManifest, TaskName } from './manifestFiles';
import { readPng } from './png';
import { parseVisibleRule } from './visibleRule';

const SCHEMA_URL = 'https://raw.githubusercontent.com/Microsoft/azure-pipelines-task-lib/master/tasks.schema.json';
const HELP_BASE = 'https://github.com/databricks-mlops/azure-pipelines/blob/main/overview.md#';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The public contract: the inputs every task has. */
const INTERFACE_COMMON_INPUTS = ['azureSubscription', 'workspaceUrl', 'workspaceResourceId', 'configFile', 'environment', 'dryRun'];

/** The public contract: each task's own inputs and its output variables. */
const INTERFACE: Record<TaskName, { inputs: string[]; outputs: string[] }> = {
  DatabricksRegisterModel: {
    inputs: [
      'modelName',
      'registerFrom',
      'runId',
      'experimentName',
      'runFilter',
      'artifactPath',
      'modelVersion',
      'description',
      'tags',
      'compareMetric',
      'metricGoal',
      'minImprovement',
      'promoteOnTie',
      'baselineAlias',
      'candidateAliases',
      'promoteAliases',
      'failIfNotImproved',
      'modelId',
      'copyConcurrency',
    ],
    outputs: ['modelVersion', 'modelUri', 'promoted', 'candidateMetric', 'baselineMetric', 'baselineVersion', 'runId'],
  },
  DatabricksDeployServing: {
    inputs: [
      'endpointName',
      'modelName',
      'modelVersion',
      'modelAlias',
      'servedEntityName',
      'workloadSize',
      'workloadType',
      'scaleToZero',
      'environmentVars',
      'trafficMode',
      'canaryPercent',
      'inferenceTable',
      'inferenceCatalog',
      'inferenceSchema',
      'inferenceTablePrefix',
      'rateLimitPerMinute',
      'tags',
      'notifyOnFailure',
      'waitForReady',
      'timeoutMinutes',
      'smokeTestPayload',
      'rollbackOnFailure',
      'warehouseId',
      'inferenceRetentionDays',
    ],
    outputs: ['endpointUrl', 'endpointId', 'servedEntityName', 'servedVersion', 'inferenceTableName'],
  },
  DatabricksCreateMonitor: {
    inputs: [
      'tableName',
      'unpackFromEndpoint',
      'profileType',
      'problemType',
      'predictionColumn',
      'labelColumn',
      'modelIdColumn',
      'timestampColumn',
      'granularities',
      'baselineTableName',
      'slicingExpressions',
      'customMetricsFile',
      'outputSchema',
      'assetsDir',
      'schedule',
      'timezone',
      'notifyEmails',
      'driftAlerts',
      'warehouseId',
      'monitorApi',
      'refreshAfterCreate',
    ],
    outputs: ['profileMetricsTable', 'driftMetricsTable', 'dashboardUrl', 'monitorApiUsed'],
  },
  DatabricksRefreshMonitors: {
    inputs: [
      'tables',
      'schemaName',
      'concurrency',
      'waitForCompletion',
      'timeoutMinutes',
      'warehouseId',
      'driftType',
      'thresholds',
      'columns',
      'excludeColumns',
      'evaluationWindows',
      'violationWindows',
      'onDrift',
      'onInsufficientData',
    ],
    outputs: ['driftDetected', 'driftedColumns', 'refreshStates', 'reportPath'],
  },
  DatabricksRunJob: {
    inputs: ['jobId', 'jobName', 'jobParameters', 'waitForCompletion', 'timeoutMinutes', 'cancelOnTimeout', 'repairOnRetry', 'outputTask', 'experimentName'],
    outputs: ['jobRunId', 'runPageUrl', 'resultState', 'durationSeconds', 'notebookOutput', 'mlflowRunId'],
  },
};

/** Output variables added beyond the public contract, each documented in docs/INPUTS.md (none yet). */
const DOCUMENTED_OUTPUT_ADDITIONS: Record<TaskName, string[]> = {
  DatabricksRegisterModel: [],
  DatabricksDeployServing: [],
  DatabricksCreateMonitor: [],
  DatabricksRefreshMonitors: [],
  DatabricksRunJob: [],
};

const root = findRepoRoot();
const schemaPath = join(root, '..', 'shared', 'schemas', 'tasks.schema.json');
const inputsDoc = parseInputsDoc(readFileSync(join(root, 'docs', 'INPUTS.md'), 'utf8'));
const tasks = new Map<TaskName, TaskManifest>(TASK_NAMES.map((name) => [name, loadTask(root, name)]));

function inputsOf(task: TaskManifest): TaskInput[] {
  return task.inputs ?? [];
}

function inputNamed(task: TaskManifest, name: string): TaskInput {
  const input = inputsOf(task).find((candidate) => candidate.name === name);
  assert.ok(input, `${task.name}: no input ${name}`);
  return input;
}

function docSection(name: TaskName): DocSection {
  const section = inputsDoc.tasks.get(name);
  assert.ok(section, `docs/INPUTS.md has no "## ${name}" section`);
  return section;
}

describe('task.json manifests', () => {
  describe('tasks.schema.json validation', () => {
    for (const name of TASK_NAMES) {
      it(`${name} validates against tasks.schema.json`, function () {
        if (!existsSync(schemaPath)) {
          console.log(`      skipped: ${schemaPath} is absent (the shared schemas folder is not beside the repository)`);
          this.skip();
        }
        // unicodeRegExp: false because the schema's pattern ^connectedService\:.+$ escapes ':',
        // which is legal in JavaScript regular expressions but not with the 'u' flag.
        const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
        const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
        const valid = validate(tasks.get(name));
        assert.ok(valid, `${name}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
      });
    }
  });

  it('have distinct lower-case GUID ids', () => {
    const ids = TASK_NAMES.map((name) => tasks.get(name)!.id);
    for (const id of ids) assert.match(id, GUID);
    assert.equal(new Set(ids).size, ids.length, `duplicate task ids: ${ids.join(', ')}`);
  });

  it('share one help URL base with a distinct anchor each', () => {
    const anchors = TASK_NAMES.map((name) => {
      const helpUrl = tasks.get(name)!.helpUrl ?? '';
      assert.ok(helpUrl.startsWith(HELP_BASE), `${name}: helpUrl ${helpUrl} does not start with ${HELP_BASE}`);
      return helpUrl.slice(HELP_BASE.length);
    });
    assert.equal(new Set(anchors).size, anchors.length);
  });

  for (const name of TASK_NAMES) {
    describe(name, () => {
      const task = tasks.get(name)!;
      const inputs = inputsOf(task);
      const names = inputs.map((input) => input.name);
      const doc = docSection(name);

      it('is named after its folder and is version 1 with the common metadata', () => {
        assert.equal(task.name, name);
        assert.equal(task.$schema, SCHEMA_URL);
        assert.deepEqual(task.version, { Major: 1, Minor: 0, Patch: 0 });
        assert.equal(task.minimumAgentVersion, '4.248.0');
        assert.equal(task.category, 'Deploy', "like Microsoft's deployment tasks (AzureCLIV2)");
        assert.ok(task.description && task.helpMarkDown && task.author, 'description, helpMarkDown and author are set');
      });

      it('has a friendlyName of at most 40 characters', () => {
        assert.ok(task.friendlyName.length > 0 && task.friendlyName.length <= 40, `"${task.friendlyName}" is ${task.friendlyName.length} long`);
      });

      it('has an instanceNameFormat that references existing inputs only', () => {
        const references = [...task.instanceNameFormat.matchAll(/\$\(([^)]+)\)/g)].map((m) => m[1]);
        assert.ok(references.length > 0, 'instanceNameFormat should show at least one input');
        for (const reference of references) assert.ok(names.includes(reference), `$(${reference}) is not an input`);
      });

      it('declares the Node20_1 and Node24 handlers over the same bundle', () => {
        assert.deepEqual(Object.keys(task.execution ?? {}).sort(), ['Node20_1', 'Node24']);
        assert.equal(task.execution!.Node20_1.target, 'index.js');
        assert.equal(task.execution!.Node24.target, task.execution!.Node20_1.target);
      });

      it('has every input of the public contract', () => {
        for (const required of [...INTERFACE_COMMON_INPUTS, ...INTERFACE[name].inputs]) {
          assert.ok(names.includes(required), `missing input ${required}`);
        }
      });

      it('has exactly the inputs of docs/INPUTS.md, without duplicates', () => {
        assert.equal(new Set(names).size, names.length, `duplicate input names in ${names.join(', ')}`);
        const documented = [...inputsDoc.common.inputs, ...doc.inputs].map((input) => input.name);
        assert.deepEqual([...names].sort(), [...documented].sort());
      });

      it('follows docs/INPUTS.md for every input: type, pick-list values, default, required, visibleRule, group', () => {
        const groupOverrides = new Map(inputsDoc.common.inputs.map((input) => [input.name, input.group]));
        for (const documented of [...inputsDoc.common.inputs, ...doc.inputs]) {
          const input = inputNamed(task, documented.name);
          const where = `${name}.${documented.name}`;
          assert.equal(input.type, documented.type, `${where}: type`);
          if (documented.options) {
            assert.deepEqual(Object.keys(input.options ?? {}), documented.options, `${where}: pick-list values`);
          }
          const def = documented.default;
          assert.equal(input.required === true, def.kind === 'required', `${where}: required`);
          if (def.kind === 'literal' && fileSettable(name).has(documented.name)) {
            // The built-in default, applied by the task (task.json carries none: see precedence).
            const help = input.helpMarkDown ?? '';
            const stated =
              def.value === 'true'
                ? /Default: on/.test(help)
                : def.value === 'false'
                  ? /Default: off/.test(help)
                  : help.includes(`\`${def.value}\``) || help.includes(`${def.value} (default`) || help.includes(`Default: ${def.value}`);
            assert.ok(stated, `${where}: the help text states the built-in default ${def.value}`);
            if (input.type === 'pickList') assert.ok(Object.keys(input.options ?? {}).includes(def.value), `${where}: the default ${def.value} is an option`);
          } else if (def.kind === 'literal') {
            assert.equal(input.defaultValue, def.value, `${where}: defaultValue`);
          } else {
            // Computed defaults are filled in by the task; a placeholder here would reach it as a value
            // (`fromFile`, a pick list's "not set on the step", is no value).
            const notSet = input.defaultValue === undefined || input.defaultValue === '' || (fileSettable(name).has(documented.name) && input.defaultValue === FROM_SETTINGS_FILE);
            assert.ok(notSet, `${where}: defaultValue should be empty`);
          }
          assert.equal(input.visibleRule, documented.visibleRule, `${where}: visibleRule`);
          const group = groupOverrides.get(documented.name);
          if (group !== undefined) assert.equal(input.groupName, group, `${where}: group`);
        }
      });

      it('has the groups of docs/INPUTS.md, each used, with connection expanded and advanced collapsed', () => {
        const groups = task.groups ?? [];
        assert.deepEqual(
          groups.map((group) => group.name),
          doc.groups.map((group) => group.name),
        );
        for (const documented of doc.groups) {
          const group = groups.find((candidate) => candidate.name === documented.name)!;
          assert.ok(group.displayName, `group ${group.name} has no displayName`);
          if (documented.displayName) assert.equal(group.displayName, documented.displayName);
          assert.equal(typeof group.isExpanded, 'boolean', `group ${group.name}: isExpanded`);
          assert.ok(
            inputs.some((input) => input.groupName === group.name),
            `group ${group.name} has no input`,
          );
        }
        assert.equal(groups.find((group) => group.name === 'connection')?.isExpanded, true);
        assert.equal(groups.find((group) => group.name === 'advanced')?.isExpanded, false);
      });

      it('puts every input in an existing group', () => {
        const groupNames = new Set((task.groups ?? []).map((group) => group.name));
        for (const input of inputs) {
          assert.ok(input.groupName && groupNames.has(input.groupName), `${input.name}: group "${input.groupName}" does not exist`);
        }
      });

      it('has visibleRules the editor can read, over existing inputs and their possible values', () => {
        for (const input of inputs.filter((candidate) => candidate.visibleRule !== undefined)) {
          const rule = parseVisibleRule(input.visibleRule!);
          for (const predicate of rule.predicates) {
            const where = `${input.name}.visibleRule "${input.visibleRule}"`;
            assert.notEqual(predicate.input, input.name, `${where} refers to itself`);
            const target = inputNamed(task, predicate.input);
            if (target.type === 'boolean') {
              assert.ok(['true', 'false'].includes(predicate.value), `${where}: a boolean is true or false`);
            }
            if (target.type === 'pickList' && target.properties?.EditableOptions !== 'True' && predicate.value !== '') {
              assert.ok(Object.keys(target.options ?? {}).includes(predicate.value), `${where}: ${predicate.value} is not an option of ${target.name}`);
            }
          }
        }
      });

      it('gives every input a label and useful helpMarkDown', () => {
        for (const input of inputs) {
          assert.ok(input.label, `${input.name}: no label`);
          assert.ok((input.helpMarkDown ?? '').length >= 40, `${input.name}: helpMarkDown is missing or too short`);
        }
      });

      it('has pick-list defaults among the options and boolean defaults "true"/"false"', () => {
        for (const input of inputs) {
          if (input.type === 'pickList' && input.properties?.EditableOptions !== 'True') {
            const options = Object.keys(input.options ?? {});
            assert.ok(options.length > 0, `${input.name}: a fixed pick list needs options`);
            // No defaultValue: the task applies the default (an input the settings file can set).
            if (input.defaultValue !== undefined) assert.ok(options.includes(String(input.defaultValue)), `${input.name}: default ${String(input.defaultValue)} is not an option`);
          }
          if (input.type === 'boolean') {
            assert.ok(input.defaultValue === 'true' || input.defaultValue === 'false', `${input.name}: boolean default must be "true" or "false"`);
          }
        }
      });

      it('makes multi-line inputs resizable with a row count', () => {
        for (const input of inputs.filter((candidate) => candidate.type === 'multiLine')) {
          assert.equal(input.properties?.resizable, true, `${input.name}: resizable`);
          assert.match(String(input.properties?.rows), /^\d+$/, `${input.name}: rows`);
        }
      });

      it('binds the service connection and the workspace pick list', () => {
        const connection = inputNamed(task, 'azureSubscription');
        assert.equal(connection.type, 'connectedService:AzureRM');
        assert.equal(connection.label, 'Azure Resource Manager connection');
        assert.equal(connection.required, true);
        // Management-group connections have no subscription for the workspace pick list (tests/unit/manifests/workspacePickList.test.ts).
        assert.equal(connection.properties?.EndpointFilterRule, 'ScopeLevel != ManagementGroup');

        const workspace = inputNamed(task, 'workspaceResourceId');
        assert.equal(workspace.properties?.EditableOptions, 'True');
        const bindings = task.dataSourceBindings ?? [];
        assert.equal(bindings.length, 1);
        const [binding] = bindings;
        assert.equal(binding.target, 'workspaceResourceId');
        assert.equal(binding.endpointId, '$(azureSubscription)');
        // With or without a trailing '/' on the connection URL (tests/unit/manifests/workspacePickList.test.ts).
        assert.ok(
          binding.endpointUrl?.startsWith('{{{endpoint.url}}}/subscriptions/{{{endpoint.subscriptionId}}}/providers/Microsoft.Databricks/workspaces?api-version='),
          `endpointUrl ${binding.endpointUrl}`,
        );
        assert.equal(binding.resultSelector, 'jsonpath:$.value[*]');
        const template = JSON.parse((binding.resultTemplate ?? '').replace(/\{\{\{(\w+)\}\}\}/g, '$1')) as Record<string, string>;
        assert.deepEqual(template, { Value: 'id', DisplayValue: 'name (location)' });
      });

      it('declares exactly the contract output variables, described', () => {
        const outputs = task.outputVariables ?? [];
        assert.deepEqual(outputs.map((output) => output.name).sort(), [...INTERFACE[name].outputs, ...DOCUMENTED_OUTPUT_ADDITIONS[name]].sort());
        assert.deepEqual(outputs.map((output) => output.name).sort(), [...doc.outputs].sort(), 'docs/INPUTS.md lists the same outputs');
        for (const output of outputs) assert.ok(output.description, `${output.name}: no description`);
      });

      it('lets the task set its output variables if it restricts settable variables', () => {
        const allowed = task.restrictions?.settableVariables?.allowed;
        if (allowed === undefined) return;
        for (const output of task.outputVariables ?? []) {
          assert.ok(allowed.includes(output.name), `settableVariables.allowed lacks output ${output.name}`);
        }
      });

      it('has a 32×32 PNG icon', () => {
        const icon = readPng(readFileSync(join(taskDir(root, name), 'icon.png')));
        assert.deepEqual([icon.width, icon.height], [32, 32]);
      });
    });
  }
});

describe('visibleRule parser', () => {
  it('reads single predicates, joins and the empty-string comparison', () => {
    assert.deepEqual(parseVisibleRule('registerFrom = run'), {
      join: null,
      predicates: [{ input: 'registerFrom', operator: '=', value: 'run' }],
    });
    assert.deepEqual(parseVisibleRule("compareMetric != ''").predicates, [{ input: 'compareMetric', operator: '!=', value: '' }]);
    const rule = parseVisibleRule('action = Create Or Update || scope != Resource Group');
    assert.equal(rule.join, '||');
    assert.deepEqual(
      rule.predicates.map((p) => p.value),
      ['Create Or Update', 'Resource Group'],
    );
  });

  it('rejects what the editor cannot read', () => {
    assert.throws(() => parseVisibleRule('a = b && c = d || e = f'), /mixes/);
    assert.throws(() => parseVisibleRule('workloadType = GPU_SMALL'), /unreadable/);
    assert.throws(() => parseVisibleRule('just words'), /unreadable/);
  });
});

/** The task inputs the settings file can set (file keys renamed to their inputs). */
function fileSettable(task: TaskName): Set<string> {
  const names = new Set<string>();
  for (const fields of [BLOCK_FIELDS, ...Object.values(SECTIONS)]) {
    for (const [key, spec] of Object.entries(fields)) if (spec.tasks.includes(task)) names.add(spec.input ?? key);
  }
  return names;
}

describe('precedence: an input given on the step always wins over the settings file', () => {
  it('no input the settings file can set carries a task.json default the agent would pass for an omitted input', () => {
    const root = findRepoRoot();
    for (const name of TASK_NAMES) {
      const settable = fileSettable(name);
      for (const input of loadTask(root, name).inputs ?? []) {
        if (!settable.has(input.name)) continue;
        const d = (input as { defaultValue?: string | boolean }).defaultValue;
        if (input.type === 'pickList' && d !== undefined && d !== '') {
          assert.equal(d, FROM_SETTINGS_FILE, `${name}.${input.name}: a pick list the file can set defaults to ${FROM_SETTINGS_FILE}`);
          const options = Object.keys((input as { options?: Record<string, string> }).options ?? {});
          assert.equal(options[0], FROM_SETTINGS_FILE, `${name}.${input.name}: ${FROM_SETTINGS_FILE} is the first option`);
        } else {
          assert.ok(d === undefined || d === '', `${name}.${input.name} has the task.json default ${JSON.stringify(d)}, which would hide the settings file`);
        }
        // A checkbox cannot say "not set": booleans the file can set are pick lists, editable so
        // that YAML's unquoted true/false is accepted by the pipeline editor's schema.
        assert.notEqual(input.type, 'boolean', `${name}.${input.name} is a boolean the settings file can set; make it a ${FROM_SETTINGS_FILE} / true / false pick list`);
        const options = Object.keys((input as { options?: Record<string, string> }).options ?? {});
        if (options.includes('true') && options.includes('false')) {
          assert.equal((input as { properties?: Record<string, string> }).properties?.EditableOptions, 'True', `${name}.${input.name}: an on/off pick list is editable`);
        }
      }
    }
  });

  it('every fromFile choice names the built-in default that applies without a settings file', () => {
    const root = findRepoRoot();
    for (const name of TASK_NAMES) {
      for (const input of loadTask(root, name).inputs ?? []) {
        const label = (input as { options?: Record<string, string> }).options?.[FROM_SETTINGS_FILE];
        if (label !== undefined) assert.match(label, /^Settings file, else .+/, `${name}.${input.name}`);
      }
    }
  });
});
