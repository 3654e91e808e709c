/**
 * The input manifest: every task input declared once, with everything each place needs.
 *
 * - task.json `inputs` and `groups` are generated from it by the build (scripts/gen-inputs.mjs,
 *   run by scripts/build.mjs), and so are the tables of docs/INPUTS.md (between markers);
 * - the Parameters reader (readTaskInputs in commonParameters.ts) reads exactly the declared
 *   inputs, each with its rule and its built-in default;
 * - the settings-file key (`settings`) is checked by the build against the settings-file schema
 *   (shared/runtime/configSchema.ts), both ways, and so are its pick-list values.
 *
 * The agent passes every task.json `defaultValue` for an input the step leaves out, so the
 * task.json default is derived, never written: an input the settings file can set has none
 * (a pick list gets the `fromFile` choice), so that an explicit value always wins over the file
 * and an omitted one lets the file speak (docs/INPUTS.md, Precedence). `default` is the built-in
 * default, applied by the reader.
 */
import type * as z from 'zod';
import { FROM_SETTINGS_FILE } from './inputs';
import { optional, required as requiredRule, withDefault, type ValueRule } from './rules/core';
import { booleanRule } from './rules/generic';

/** What a rule may need from the run: where relative paths are resolved. */
export interface RuleContext {
  /** System.DefaultWorkingDirectory (else the cwd): base of paths given on the task. */
  workingDirectory: string;
  /** Base directory of a relative path input: the settings file's folder when it came from there. */
  baseDirectoryOf(input: string): string;
}

export type InputType = 'string' | 'multiLine' | 'boolean' | 'filePath' | 'pickList' | 'connectedService:AzureRM';

/** The docs/INPUTS.md cells that are prose (the rest is generated from the declaration). */
export interface InputDoc {
  /** The "rule" column. */
  rule: string;
  /** The "type" column when the task.json type alone says too little, e.g. `string (comma list)`. */
  type?: string;
  /** The "default" column when the default is computed by the task (no `default`), e.g. `<model>-<version>`. */
  default?: string;
  /** A note after the name, e.g. `added` or `added, group advanced`. */
  note?: string;
}

export interface InputDeclaration<T = unknown> {
  type: InputType;
  label: string;
  group: string;
  /** helpMarkDown; for an input with a built-in default, it states that default. */
  help: string;
  visibleRule?: string;
  /** Pick-list values → display names, in order (the `fromFile` choice first when the file can set it). */
  options?: Readonly<Record<string, string>>;
  properties?: Readonly<Record<string, string | boolean>>;
  /** Required: reported by Parameters when neither the step nor the settings file gives it. */
  required?: boolean;
  /** The built-in default (input text), applied by Parameters when the step and the file give none. */
  default?: string;
  /**
   * The settings-file key that can set this input: `section.key` (e.g. `serving.timeoutMinutes`)
   * or a key of the environment block itself (e.g. `retryBudgetSeconds`). Absent: the file cannot.
   */
  settings?: string;
  /**
   * true: the typed value goes into the task's Parameters as it is, under the input's name
   * (ManifestParameters, directParameters); otherwise parameters.ts shapes it (nested, renamed,
   * computed).
   */
  parameter?: true;
  /** The rule that turns the input text into its typed value; absent for inputs read before Parameters (configFile, environment). */
  rule?: (context: RuleContext) => ValueRule<T>;
  doc: InputDoc;
}

export type InputDeclarations = Readonly<Record<string, InputDeclaration>>;

export interface GroupDeclaration {
  name: string;
  displayName: string;
  isExpanded: boolean;
}

export interface TaskInputManifest<M extends InputDeclarations = InputDeclarations> {
  task: string;
  /** The task's own groups (the common `connection` group comes first, `advanced` last). */
  groups: readonly GroupDeclaration[];
  /** The task's own inputs, in editor order (the common inputs are added around them). */
  inputs: M;
}

/** What a boolean the settings file can set declares; settableBoolean adds the rest. */
export interface SettableBooleanDeclaration {
  label: string;
  group: string;
  help: string;
  /** The built-in default; absent: left out, nothing is changed (the help says what). */
  default?: 'true' | 'false';
  settings: string;
  visibleRule?: string;
  parameter?: true;
  doc?: InputDoc;
}

/**
 * A boolean the settings file can set (docs/INPUTS.md, Precedence): not a checkbox, whose
 * task.json default would hide the file, but an editable pick list `Settings file, else on|off` /
 * On / Off (editable, so `$(variable)` values still work), read with the boolean rule.
 */
export function settableBoolean<const D extends SettableBooleanDeclaration>(d: D) {
  const otherwise = d.default === undefined ? 'unchanged' : d.default === 'true' ? 'on' : 'off';
  return {
    ...d,
    type: 'pickList',
    options: { [FROM_SETTINGS_FILE]: `Settings file, else ${otherwise}`, true: 'On', false: 'Off' },
    properties: { EditableOptions: 'True' },
    rule: () => booleanRule(),
    doc: d.doc ?? { rule: '' },
  } as const satisfies InputDeclaration;
}

/** Declares a task's inputs; the value types of Parameters are inferred from the rules. */
export function defineTaskInputs<const M extends InputDeclarations>(task: string, groups: readonly GroupDeclaration[], inputs: M): TaskInputManifest<M> {
  return { task, groups, inputs };
}

/** Declares inputs (the common ones, in shared/runtime/commonInputs.ts). */
export function defineInputs<const M extends InputDeclarations>(inputs: M): M {
  return inputs;
}

type RuleOutput<D> = D extends { rule: (context: RuleContext) => infer R } ? (R extends z.ZodType ? z.output<R> : never) : never;
type Readable<M extends InputDeclarations> = { [K in keyof M as M[K] extends { rule: unknown } ? K : never]: M[K] };
type Always<M> = { [K in keyof M as M[K] extends { required: true } | { default: string } ? K : never]: RuleOutput<M[K]> };
type Maybe<M> = { [K in keyof M as M[K] extends { required: true } | { default: string } ? never : K]: RuleOutput<M[K]> | undefined };

/** The typed values of the readable inputs of M: required ones and ones with a default are always there. */
export type ManifestValues<M extends InputDeclarations> = Always<Readable<M>> & Maybe<Readable<M>>;

type Direct<M extends InputDeclarations> = { [K in keyof M as M[K] extends { parameter: true; rule: unknown } ? K : never]: M[K] };
type Present<M> = { [K in keyof M as M[K] extends { required: true } | { default: string } ? K : never]: RuleOutput<M[K]> };
type Absent<M> = { [K in keyof M as M[K] extends { required: true } | { default: string } ? never : K]?: RuleOutput<M[K]> };

/** The part of a task's Parameters that the inputs marked `parameter: true` give as they are. */
export type ManifestParameters<M extends InputDeclarations> = Present<Direct<M>> & Absent<Direct<M>>;

/** The values of the inputs marked `parameter: true`, for the task's Parameters. */
export function directParameters<M extends InputDeclarations>(manifest: TaskInputManifest<M>, values: ManifestValues<M>): ManifestParameters<M> {
  const direct: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(manifest.inputs)) {
    if (declaration.parameter) direct[name] = (values as Record<string, unknown>)[name];
  }
  return direct as ManifestParameters<M>;
}

/** The complete input schemas (raw text or undefined → value) of the inputs that have a rule. */
export function inputSchemas(inputs: InputDeclarations, context: RuleContext): Record<string, z.ZodType<unknown, string | undefined>> {
  const schemas: Record<string, z.ZodType<unknown, string | undefined>> = {};
  for (const [name, declaration] of Object.entries(inputs)) {
    if (!declaration.rule) continue;
    const valueRule = declaration.rule(context);
    schemas[name] = declaration.required ? requiredRule(valueRule) : declaration.default !== undefined ? withDefault(valueRule, declaration.default) : optional(valueRule);
  }
  return schemas;
}

/** The task.json `defaultValue` the agent passes for an omitted input (derived: see the module comment). */
export function taskJsonDefault(declaration: InputDeclaration): string {
  if (declaration.settings === undefined) return declaration.default ?? '';
  return declaration.options !== undefined && Object.hasOwn(declaration.options, FROM_SETTINGS_FILE) ? FROM_SETTINGS_FILE : '';
}
