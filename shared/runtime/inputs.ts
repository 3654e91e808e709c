/**
 * Where task inputs and pipeline variables come from. The tasks read them through these
 * small interfaces so Parameters can be tested with plain records, and so a value can carry
 * its provenance (the task, or a place in the config file) into error messages.
 */
import type * as TaskLib from 'azure-pipelines-task-lib/task';
import type { ConfigLocation } from './inputError';
import type { Segment, YamlValue } from './yamlDocument';

/**
 * The first option of every pick list the settings file can also set, and its task.json
 * default: "the settings file's value, else the built-in default". The agent passes task.json
 * defaults for omitted inputs, so an input the file can set carries no other default: any
 * other value on the step is explicit and wins over the file (docs/INPUTS.md, Precedence).
 */
export const FROM_SETTINGS_FILE = 'fromFile';

/** A task input by name; undefined when not set or blank. */
export interface InputSource {
  get(name: string): string | undefined;
}

/** A pipeline variable by name (e.g. Build.SourceVersion); undefined when not set or blank. */
export interface VariableSource {
  get(name: string): string | undefined;
}

/**
 * One input's value: the task's input text, or the settings file's value as YAML typed it
 * (string, number, boolean, list or mapping), which the rules read as it is; nothing from the
 * file is turned into input text to be parsed again.
 */
export interface InputValue {
  value: YamlValue;
  /** Set when the value came from the config file; absent when it was given on the task. */
  source?: ConfigLocation;
  /**
   * For values from the config file: where a part of the value is (`[3]`: the fourth list
   * element, `['FOO']`: the mapping key FOO), so that an error about it points at its line.
   */
  locate?(subPath: readonly Segment[]): ConfigLocation;
}

/** Inputs that remember where each value came from. */
export interface ProvenancedInputSource {
  /** The value alone: input text, or the settings file's typed value. */
  get(name: string): YamlValue | undefined;
  lookup(name: string): InputValue | undefined;
}

function blankToUndefined(value: string | undefined | null): string | undefined {
  return value == null || value.trim() === '' ? undefined : value;
}

/**
 * task-lib is loaded on first use: importing it has side effects (it reads and scrubs
 * secret environment variables), which unit tests that use record-backed sources avoid.
 */
function taskLib(): typeof TaskLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('azure-pipelines-task-lib/task') as typeof TaskLib;
}

export function taskLibInputSource(): InputSource {
  return { get: (name) => blankToUndefined(taskLib().getInput(name, false)) };
}

export function taskLibVariableSource(): VariableSource {
  return { get: (name) => blankToUndefined(taskLib().getVariable(name)) };
}

export function mapInputSource(record: Readonly<Record<string, string | undefined>>): InputSource {
  return { get: (name) => (Object.hasOwn(record, name) ? blankToUndefined(record[name]) : undefined) };
}

/** Variables are looked up case-insensitively, as the agent does. */
export function mapVariableSource(record: Readonly<Record<string, string | undefined>>): VariableSource {
  const byLowerName = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => blankToUndefined(byLowerName.get(name.toLowerCase())) };
}

/** Task inputs with no config file behind them: every value comes from the task. */
export function taskInputsOnly(inputs: InputSource): ProvenancedInputSource {
  return {
    get: (name) => inputs.get(name),
    lookup: (name) => {
      const value = inputs.get(name);
      return value === undefined ? undefined : { value };
    },
  };
}
