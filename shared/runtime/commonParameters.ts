/**
 * The part of Parameters every task shares: the settings file is loaded first (configFile +
 * environment) and merged under the task inputs, then the connection inputs are read along
 * with the task's own, and every failure of both is reported together.
 */
import * as path from 'node:path';
import { loadConfig } from './config/load';
import { mergeInputs, type ConfigValues } from './config/layers';
import type { TaskName } from './configSchema';
import { InputError, InputErrors } from './inputError';
import type { advancedInputs, connectionInputs } from './commonInputs';
import { commonInputDeclarations } from './commonInputs';
import { inputSchemas, type InputDeclarations, type ManifestValues, type RuleContext, type TaskInputManifest } from './inputManifest';
import { FROM_SETTINGS_FILE, type InputSource, type ProvenancedInputSource, type VariableSource } from './inputs';
import { readInputs, type CrossFieldRule, type When } from './params';
import { ruleMessage } from './rules/messages';

export type WorkspaceTarget = { kind: 'url'; url: string } | { kind: 'resourceId'; resourceId: string };

export interface CommonParameters {
  /** The AzureRM service connection id. */
  azureSubscription: string;
  workspace: WorkspaceTarget;
  dryRun: boolean;
  retryBudgetSeconds: number;
  /** The settings file in use, for logs and the summary. */
  config?: { file: string; environment: string };
}

/** A task's inputs, the config file merged in, ready to be read. */
export interface TaskInputs<M extends InputDeclarations = InputDeclarations> {
  task: TaskName;
  /** The task's input manifest (its own inputs; the common ones are in commonInputs.ts). */
  manifest: TaskInputManifest<M>;
  source: ProvenancedInputSource;
  vars: VariableSource;
  config?: ConfigValues;
  /** Base of relative paths given on the task: System.DefaultWorkingDirectory, else the cwd. */
  workingDirectory: string;
}

/**
 * Loads the settings file (when configFile is set) and merges it under the task inputs.
 * Errors in the file are thrown here, before any other input is read: the other inputs'
 * values depend on it.
 */
export function openTaskInputs<M extends InputDeclarations>(manifest: TaskInputManifest<M>, inputs: InputSource, vars: VariableSource): TaskInputs<M> {
  const task = manifest.task as TaskName;
  const workingDirectory = vars.get('System.DefaultWorkingDirectory') ?? process.cwd();
  // Inputs of type filePath: the agent passes the repository root when they are left empty.
  const filePathInputs = new Set(
    Object.entries({ ...commonInputDeclarations, ...manifest.inputs })
      .filter(([, declaration]) => declaration.type === 'filePath')
      .map(([name]) => name),
  );
  const taskInputs = withoutSettingsFileChoice(withoutAgentFilePathDefaults(inputs, vars, workingDirectory, filePathInputs));
  const configFile = taskInputs.get(CONFIG_FILE);
  const environment = taskInputs.get(ENVIRONMENT);
  if (configFile === undefined && environment !== undefined) {
    throw new InputErrors([new InputError({ input: 'environment', rule: ruleMessage('EnvironmentWithoutConfigFile'), value: environment, fromTask: true })]);
  }
  const config = configFile === undefined ? undefined : loadConfig(path.resolve(workingDirectory, configFile.trim()), environment, task);
  return { task, manifest, source: mergeInputs(taskInputs, config), vars, config, workingDirectory };
}

/**
 * The agent roots filePath inputs at the sources directory, and an empty one arrives as that
 * directory itself; such a value means "not set" (as task-lib's filePathSupplied decides).
 */
function withoutAgentFilePathDefaults(inputs: InputSource, vars: VariableSource, workingDirectory: string, filePathInputs: ReadonlySet<string>): InputSource {
  const roots = [vars.get('Build.SourcesDirectory'), vars.get('System.DefaultWorkingDirectory')]
    .filter((root): root is string => root !== undefined)
    .map((root) => comparablePath(path.resolve(root)));
  return {
    get: (name) => {
      const value = inputs.get(name);
      if (value === undefined || !filePathInputs.has(name)) return value;
      return roots.includes(comparablePath(path.resolve(workingDirectory, value.trim()))) ? undefined : value;
    },
  };
}

/** `fromFile` (a pick list's "settings file, else default" choice) means the step does not set the input. */
function withoutSettingsFileChoice(inputs: InputSource): InputSource {
  return {
    get: (name) => {
      const value = inputs.get(name);
      return value?.trim() === FROM_SETTINGS_FILE ? undefined : value;
    },
  };
}

function comparablePath(p: string): string {
  return process.platform === 'win32' ? p.toLowerCase() : p;
}

/** Base directory for a relative path input: the config file's folder when it came from there. */
export function baseDirectoryOf(inputs: TaskInputs, name: string): string {
  const file = inputs.source.lookup(name)?.source?.file;
  return file === undefined ? inputs.workingDirectory : path.dirname(path.resolve(inputs.workingDirectory, file));
}

/** The two inputs read before the others (they say where the rest may come from). */
const CONFIG_FILE: keyof typeof connectionInputs = 'configFile';
const ENVIRONMENT: keyof typeof connectionInputs = 'environment';

type CommonValues = ManifestValues<typeof connectionInputs & typeof advancedInputs>;

function commonRules(when: When<CommonValues>): CrossFieldRule<CommonValues>[] {
  return [
    when(['workspaceUrl', 'workspaceResourceId'], (v) => {
      if (v.workspaceUrl === undefined && v.workspaceResourceId === undefined) {
        return { input: 'workspaceUrl', rule: ruleMessage('WorkspaceRequired') };
      }
      if (v.workspaceUrl !== undefined && v.workspaceResourceId !== undefined) {
        return { input: 'workspaceUrl', rule: ruleMessage('WorkspaceOnlyOne') };
      }
      return undefined;
    }),
  ];
}

/**
 * Reads the common inputs and the task's own (those of its manifest, with their cross-field
 * rules) and throws the failures of both as one InputErrors.
 */
export function readTaskInputs<M extends InputDeclarations>(
  inputs: TaskInputs<M>,
  crossRules?: (when: When<ManifestValues<M>>) => CrossFieldRule<ManifestValues<M>>[],
): { common: CommonParameters; values: ManifestValues<M> } {
  const context: RuleContext = { workingDirectory: inputs.workingDirectory, baseDirectoryOf: (name) => baseDirectoryOf(inputs, name) };
  const errors: InputError[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof InputErrors)) throw error;
      errors.push(...error.errors);
      return undefined;
    }
  };
  const common = attempt(() => readInputs(inputs.source, inputSchemas(commonInputDeclarations, context), commonRules as never) as CommonValues);
  const values = attempt(() => readInputs(inputs.source, inputSchemas(inputs.manifest.inputs, context), crossRules as never) as ManifestValues<M>);
  if (common === undefined || values === undefined) throw new InputErrors(errors);
  return { common: toCommonParameters(common, inputs.config), values };
}

function toCommonParameters(values: CommonValues, config: ConfigValues | undefined): CommonParameters {
  return {
    azureSubscription: values.azureSubscription,
    workspace: workspaceTarget(values),
    dryRun: values.dryRun,
    retryBudgetSeconds: values.retryBudgetSeconds,
    config: config && { file: config.file, environment: config.environment },
  };
}

function workspaceTarget(values: CommonValues): WorkspaceTarget {
  if (values.workspaceUrl !== undefined) return { kind: 'url', url: values.workspaceUrl };
  if (values.workspaceResourceId !== undefined) return { kind: 'resourceId', resourceId: values.workspaceResourceId };
  throw new Error('unreachable: the workspace rule requires workspaceUrl or workspaceResourceId');
}
