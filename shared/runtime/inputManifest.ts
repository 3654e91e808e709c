/**
 * The input manifest: every task input declared once, with everything each place needs.
 *
 * - task.json `inputs` and `groups` are generated from it by the build (scripts/gen-inputs.mjs,
 *   run by scripts/build.mjs), and so are the tables of docs/INPUTS.md (between markers);
 * - the Parameters reader (readTaskInputs in commonParameters.ts) reads exactly the declared
 *   inputs, each with its rule and its built-in default;
 * - the settings-file key (`settings`: section, key, YAML kind, values, description) is where
 *   the settings file's fields come from: the build generates the runtime's field list
 *   (shared/runtime/settingsFields.generated.ts: kind, tasks, input, values) and the JSON Schema
 *   for editors (with the descriptions) from every manifest that declares a key.
 *
 * The agent passes every task.json `defaultValue` for an input the step leaves out, so the
 * task.json default is derived, never written: an input the settings file can set has none
 * (a pick list gets the `fromFile` choice), so that an explicit value always wins over the file
 * and an omitted one lets the file speak (docs/INPUTS.md, Precedence). `default` is the built-in
 * default, applied by the reader.
 */
import type * as z from 'zod';
import type { FieldKind, SectionName } from './configSchema';
import { FROM_SETTINGS_FILE } from './inputs';
import type { InputSchema } from './params';
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

/**
 * Where the settings file sets an input, and what it may write there. The build turns every
 * declaration into a settings-file field (shared/runtime/settingsFields.generated.ts and the JSON
 * Schema): the tasks that read a key are those whose manifest declares it, and a key declared by
 * several tasks (the common inputs, monitoring.warehouseId) must be declared the same by each.
 */
export interface SettingsDeclaration {
  /** The section of the environment block, e.g. `serving` for `serving.timeoutMinutes`; absent: a key of the block itself (`retryBudgetSeconds`). */
  section?: SectionName;
  /** The key in the file when it is not the input's name, e.g. `catalog` (`inferenceTable.catalog`) for the input inferenceCatalog. */
  key?: string;
  /** The YAML value the file may give and how it becomes the input's text (configSchema.ts, FieldKind). */
  kind: FieldKind;
  /** Allowed values of the scalar or of each list element, for an input without options; a pick list's are its options (minus fromFile). */
  values?: readonly string[];
  /** The key's description in the JSON Schema for editors; absent: the first sentence of the help. */
  description?: string;
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
  /** The settings-file key that can set this input (see SettingsDeclaration). Absent: the file cannot. */
  settings?: SettingsDeclaration;
  /**
   * true: the typed value goes into the task's Parameters as it is, under the input's name
   * (ManifestParameters, directParameters); otherwise parameters.ts shapes it (nested, renamed,
   * computed).
   */
  parameter?: true;
  /** The rule that turns the input text (or the settings file's typed value) into its typed value; absent for inputs read before Parameters (configFile, environment). */
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
  /** The kind is boolean. */
  settings: Omit<SettingsDeclaration, 'kind' | 'values'>;
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
    settings: { ...d.settings, kind: 'boolean' },
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

/** The complete input schemas (input text, a typed settings-file value, or undefined → value) of the inputs that have a rule. */
export function inputSchemas(inputs: InputDeclarations, context: RuleContext): Record<string, InputSchema> {
  const schemas: Record<string, InputSchema> = {};
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
