/**
 * Environment layering of the settings file, and the file under the task's own inputs:
 *
 * 1. The environment is picked: the `environment` input, or the only one the file has.
 * 2. `defaults:` is merged under the environment key by key; the keys the task reads keep their
 *    YAML value as it is (string, number, boolean, list or mapping: never turned into input
 *    text to be parsed again), each with its file, path and line and a way to locate any part
 *    of it (a list element, a mapping key), so a rule's error about that part names its line
 *    (loading: load.ts). The input rules take input text and these typed values alike
 *    (shared/runtime/rules/core.ts).
 * 3. `mergeInputs` puts the task's inputs over the file's values.
 *
 * Where the keys go (same name as the task input unless listed):
 *
 * | file key                              | task(s)                         | input                  |
 * |---------------------------------------|---------------------------------|------------------------|
 * | workspaceUrl, workspaceResourceId, retryBudgetSeconds | all             | same                   |
 * | registry.*                            | RegisterModel                   | same                   |
 * | registry.modelName                    | DeployServing, when serving.modelName is unset | modelName |
 * | serving.* (rateLimitPerMinute too)    | DeployServing                   | same                   |
 * | inferenceTable.enabled                | DeployServing                   | inferenceTable         |
 * | inferenceTable.catalog                | DeployServing                   | inferenceCatalog       |
 * | inferenceTable.schema                 | DeployServing                   | inferenceSchema        |
 * | inferenceTable.tablePrefix            | DeployServing                   | inferenceTablePrefix   |
 * | inferenceTable.retentionDays          | DeployServing                   | inferenceRetentionDays |
 * | job.*                                 | RunJob                          | same                   |
 * | monitoring.warehouseId                | CreateMonitor, RefreshMonitors  | warehouseId            |
 * | monitoring.timeoutMinutes             | CreateMonitor                   | timeoutMinutes         |
 * | monitoring.refreshTimeoutMinutes      | RefreshMonitors                 | timeoutMinutes         |
 * | monitoring.tableName                  | RefreshMonitors, when monitoring.tables is unset | tables |
 * | other monitoring.* keys               | the task that has the input     | same                   |
 *
 * Relative paths in the file (serving.smokeTestPayload, monitoring.customMetricsFile) resolve
 * against the file's folder; paths given on the task against System.DefaultWorkingDirectory.
 *
 * Inputs that exclude each other travel together: a task (or environment) that sets
 * workspaceUrl also drops the file's (or defaults') workspaceResourceId, and the reverse;
 * likewise modelVersion/modelAlias (DeployServing), jobId/jobName (RunJob) and runId vs experimentName + runFilter
 * (RegisterModel). Otherwise task inputs override the file one by one.
 */
import type { TaskName } from '../configSchema';
import { BLOCK_FIELDS, SECTION_NAMES, SECTIONS, type SectionName } from '../configSchema';
import { InputError, InputErrors, type ConfigLocation } from '../inputError';
import { taskInputsOnly, type InputSource, type InputValue, type ProvenancedInputSource } from '../inputs';
import { ruleMessage } from '../rules/messages';
import { closestName } from '../suggest';
import type { Segment, YamlValue } from '../yamlDocument';
import type { Locator } from './locator';

export interface ConfigValue extends InputValue {
  source: ConfigLocation;
  locate(subPath: readonly Segment[]): ConfigLocation;
}

export interface ConfigValues {
  file: string;
  environment: string;
  /** Every environment the file defines. */
  environments: readonly string[];
  task: TaskName;
  /** Task input name → value from the file (defaults merged). */
  values: ReadonlyMap<string, ConfigValue>;
}

interface Fallback {
  task: TaskName;
  input: string;
  section: SectionName;
  key: string;
}

/** Values used only when the task's own key is not set in the file. */
const FALLBACKS: readonly Fallback[] = [
  { task: 'DatabricksDeployServing', input: 'modelName', section: 'registry', key: 'modelName' },
  { task: 'DatabricksRefreshMonitors', input: 'tables', section: 'monitoring', key: 'tableName' },
];

const WORKSPACE_OVERRIDES = { workspaceUrl: ['workspaceResourceId'], workspaceResourceId: ['workspaceUrl'] };

/** Setting the key input on a higher layer also clears these inputs of lower layers. */
const INPUT_OVERRIDES: Readonly<Record<TaskName, Readonly<Record<string, readonly string[]>>>> = {
  DatabricksRegisterModel: {
    ...WORKSPACE_OVERRIDES,
    runId: ['experimentName', 'runFilter', 'modelId'],
    experimentName: ['runId', 'modelId'],
    modelId: ['runId', 'experimentName', 'runFilter'],
  },
  DatabricksDeployServing: { ...WORKSPACE_OVERRIDES, modelVersion: ['modelAlias'], modelAlias: ['modelVersion'] },
  DatabricksCreateMonitor: WORKSPACE_OVERRIDES,
  DatabricksRefreshMonitors: WORKSPACE_OVERRIDES,
  DatabricksRunJob: { ...WORKSPACE_OVERRIDES, jobId: ['jobName'], jobName: ['jobId'] },
};

export type Mapping = Record<string, unknown>;

/**
 * Task inputs over file values, each value keeping its provenance. An input given on the step
 * always wins, even when it equals the built-in default: inputs the file can set carry no
 * task.json default (or the `fromFile` choice, read as "not given"), so whatever the agent
 * passes was written on the step. Built-in defaults are applied afterwards, by Parameters.
 */
export function mergeInputs(taskInputs: InputSource, config: ConfigValues | undefined): ProvenancedInputSource {
  if (!config) return taskInputsOnly(taskInputs);
  const overrides = INPUT_OVERRIDES[config.task];
  const lookup = (name: string): InputValue | undefined => {
    const given = taskInputs.get(name);
    if (given !== undefined) return { value: given };
    const clearedByTask = Object.entries(overrides).some(([setter, cleared]) => cleared.includes(name) && taskInputs.get(setter) !== undefined);
    if (clearedByTask) return undefined;
    return config.values.get(name);
  };
  return { get: (name) => lookup(name)?.value, lookup };
}

export function pickEnvironment(file: string, environments: readonly string[], requested: string | undefined): string {
  const list = environments.join(', ');
  const wanted = requested?.trim();
  if (wanted === undefined) {
    if (environments.length === 1) return environments[0];
    throw new InputErrors([new InputError({ input: 'environment', rule: ruleMessage('EnvironmentRequired', file, environments.length, list) })]);
  }
  if (environments.includes(wanted)) return wanted;
  const close = closestName(wanted, environments);
  const rule = close ? ruleMessage('NotAnEnvironmentDidYouMean', file, close, list) : ruleMessage('NotAnEnvironment', file, list);
  throw new InputErrors([new InputError({ input: 'environment', rule, value: wanted, fromTask: true })]);
}

export function taskValues(task: TaskName, defaults: Mapping | undefined, environment: Mapping, name: string, where: Locator): Map<string, ConfigValue> {
  const lower = blockValues(task, defaults, ['defaults'], where);
  const upper = blockValues(task, environment, ['environments', name], where);
  const overrides = INPUT_OVERRIDES[task];
  const values = overlay(lower.primary, upper.primary, overrides);
  const fallbacks = overlay(lower.fallback, upper.fallback, overrides);
  for (const [input, value] of fallbacks) if (!values.has(input)) values.set(input, value);
  return values;
}

function blockValues(task: TaskName, block: Mapping | undefined, base: Segment[], where: Locator) {
  const primary = new Map<string, ConfigValue>();
  const fallback = new Map<string, ConfigValue>();
  if (!block) return { primary, fallback };
  const take = (target: Map<string, ConfigValue>, input: string, value: unknown, path: Segment[]) => {
    if (value !== undefined) target.set(input, configValue(value as YamlValue, path, where));
  };
  for (const [key, spec] of Object.entries(BLOCK_FIELDS)) {
    if (spec.tasks.includes(task)) take(primary, spec.input ?? key, block[key], [...base, key]);
  }
  for (const section of SECTION_NAMES) {
    const values = block[section] as Mapping | undefined;
    if (!values) continue;
    for (const [key, spec] of Object.entries(SECTIONS[section])) {
      if (spec.tasks.includes(task)) take(primary, spec.input ?? key, values[key], [...base, section, key]);
    }
    for (const fb of FALLBACKS) {
      if (fb.task === task && fb.section === section) take(fallback, fb.input, values[fb.key], [...base, section, fb.key]);
    }
  }
  return { primary, fallback };
}

function overlay(
  lower: ReadonlyMap<string, ConfigValue>,
  upper: ReadonlyMap<string, ConfigValue>,
  overrides: Readonly<Record<string, readonly string[]>>,
): Map<string, ConfigValue> {
  const result = new Map(lower);
  for (const name of upper.keys()) for (const cleared of overrides[name] ?? []) result.delete(cleared);
  for (const [name, value] of upper) result.set(name, value);
  return result;
}

/** A value as the file gives it (the schema has checked its YAML type), with the place of it and of its parts. */
function configValue(value: YamlValue, path: readonly Segment[], where: Locator): ConfigValue {
  return { value, source: where.locate(path), locate: (subPath) => where.locate([...path, ...subPath]) };
}
