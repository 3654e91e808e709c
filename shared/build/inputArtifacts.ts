/**
 * Build-time only (scripts/gen-inputs.mjs, never bundled into a task): what the input manifests
 * (tasks/<Task>/src/inputs.ts, shared/runtime/commonInputs.ts) generate — task.json's `groups`
 * and `inputs`, the tables of docs/INPUTS.md — and the checks of what they cannot generate:
 * the precedence rule, groups, visible rules and defaults. Every failure names the input and the
 * file to fix. The settings file's keys are generated from the manifests too (settingsArtifacts.ts).
 */
import { ADVANCED_GROUP, advancedInputs, CONNECTION_GROUP, connectionInputs } from '../runtime/commonInputs';
import { inputSchemas, taskJsonDefault, type GroupDeclaration, type InputDeclaration, type InputDeclarations, type TaskInputManifest } from '../runtime/inputManifest';
import { FROM_SETTINGS_FILE } from '../runtime/inputs';

export const COMMON_FILE = 'shared/runtime/commonInputs.ts';
export const INPUTS_DOC_FILE = 'docs/INPUTS.md';

export function manifestFile(task: string): string {
  return `tasks/${task}/src/inputs.ts`;
}

/** The inputs that are read before Parameters (they say where the others come from): no rule. */
const READ_BEFORE_PARAMETERS = new Set(['configFile', 'environment']);

export interface TaskJsonInput {
  name: string;
  type: string;
  label: string;
  defaultValue: string;
  required: boolean;
  groupName: string;
  visibleRule?: string;
  options?: Record<string, string>;
  properties?: Record<string, string | boolean>;
  helpMarkDown: string;
}

/** The task's inputs in editor order, the common ones around its own: [name, declaration, file]. */
export function allInputs(manifest: TaskInputManifest): [string, InputDeclaration, string][] {
  const own = manifestFile(manifest.task);
  return [
    ...Object.entries(connectionInputs).map(([n, d]): [string, InputDeclaration, string] => [n, d, COMMON_FILE]),
    ...Object.entries(manifest.inputs as InputDeclarations).map(([n, d]): [string, InputDeclaration, string] => [n, d, own]),
    ...Object.entries(advancedInputs).map(([n, d]): [string, InputDeclaration, string] => [n, d, COMMON_FILE]),
  ];
}

export function allGroups(manifest: TaskInputManifest): GroupDeclaration[] {
  return [CONNECTION_GROUP, ...manifest.groups, ADVANCED_GROUP];
}

export function taskJsonInput(name: string, d: InputDeclaration): TaskJsonInput {
  return {
    name,
    type: d.type,
    label: d.label,
    defaultValue: taskJsonDefault(d),
    // `required` in task.json makes the editor and the agent insist on the step: only for inputs the file cannot set.
    required: d.required === true && d.settings === undefined,
    groupName: d.group,
    ...(d.visibleRule !== undefined ? { visibleRule: d.visibleRule } : {}),
    ...(d.options !== undefined ? { options: { ...d.options } } : {}),
    ...(d.properties !== undefined ? { properties: { ...d.properties } } : {}),
    helpMarkDown: d.help,
  };
}

/** task.json's `groups` and `inputs` of one task. */
export function taskJsonParts(manifest: TaskInputManifest): { groups: GroupDeclaration[]; inputs: TaskJsonInput[] } {
  return {
    groups: allGroups(manifest).map((g) => ({ name: g.name, displayName: g.displayName, isExpanded: g.isExpanded })),
    inputs: allInputs(manifest).map(([name, d]) => taskJsonInput(name, d)),
  };
}

/** task.json with its `groups` and `inputs` replaced (every other key kept, in place). */
export function withGeneratedInputs(taskJson: Record<string, unknown>, manifest: TaskInputManifest): Record<string, unknown> {
  const parts = taskJsonParts(manifest);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(taskJson)) result[key] = key === 'groups' ? parts.groups : key === 'inputs' ? parts.inputs : value;
  if (!('groups' in result)) result.groups = parts.groups;
  if (!('inputs' in result)) result.inputs = parts.inputs;
  return result;
}

// ---------------------------------------------------------------------------------------------
// docs/INPUTS.md

function docDefault(d: InputDeclaration): string {
  if (d.doc.default !== undefined) return d.doc.default;
  if (d.required) return d.settings !== undefined ? 'required (task or configFile)' : 'required';
  return d.default ? `\`${d.default}\`` : '';
}

function docType(d: InputDeclaration): string {
  if (d.doc.type !== undefined) return d.doc.type;
  if (d.type === 'pickList' && d.options !== undefined)
    return `pickList ${Object.keys(d.options)
      .map((o) => `\`${o}\``)
      .join(' / ')}`;
  return d.type;
}

function docRow(name: string, d: InputDeclaration, withVisibleRule: boolean): string {
  const input = `\`${name}\`${d.doc.note !== undefined ? ` *(${d.doc.note})*` : ''}`;
  const cells = [input, docType(d), docDefault(d), ...(withVisibleRule ? [d.visibleRule ?? ''] : []), d.doc.rule];
  return `| ${cells.join(' | ')} |`.replace(/ {2,}\|/g, ' |');
}

function marker(key: string, source: string): { begin: string; end: string } {
  return {
    begin: `<!-- inputs:${key} begin: generated by the build from ${source}; edit there -->`,
    end: `<!-- inputs:${key} end -->`,
  };
}

export function commonDocBlock(): string {
  const rows = Object.entries({ ...connectionInputs, ...advancedInputs }).map(([n, d]) => docRow(n, d, false));
  return ['| input | type | default | rule |', '|---|---|---|---|', ...rows].join('\n');
}

export function taskDocBlock(manifest: TaskInputManifest): string {
  const groups = allGroups(manifest)
    .map((g) => (g === CONNECTION_GROUP || g === ADVANCED_GROUP ? `\`${g.name}\`` : `\`${g.name}\` (${g.displayName})`))
    .join(', ');
  const rows = Object.entries(manifest.inputs as InputDeclarations).map(([n, d]) => docRow(n, d, true));
  return [`Groups: ${groups}.`, '', '| input | type | default | visibleRule | rule |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** docs/INPUTS.md with every generated block replaced; throws naming a missing marker. */
export function withGeneratedDoc(markdown: string, manifests: readonly TaskInputManifest[]): string {
  const blocks: [string, string, string][] = [
    ['common', COMMON_FILE, commonDocBlock()],
    ...manifests.map((m): [string, string, string] => [m.task, manifestFile(m.task), taskDocBlock(m)]),
  ];
  let text = markdown;
  for (const [key, source, block] of blocks) {
    const { begin, end } = marker(key, source);
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start) throw new Error(`${INPUTS_DOC_FILE}: the markers of the ${key} inputs are missing; add the lines\n${begin}\n${end}`);
    text = `${text.slice(0, start + begin.length)}\n${block}\n${text.slice(stop)}`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Checks

/** The task's files the checks read: task.json's instanceNameFormat and the source of parameters.ts. */
export interface TaskSources {
  instanceNameFormat?: string;
  parametersSource?: string;
}

export function parametersFile(task: string): string {
  return `tasks/${task}/src/parameters.ts`;
}

/** Every problem of one task's manifest, each naming the input and the file to fix. */
export function checkManifest(manifest: TaskInputManifest, sources: TaskSources = {}): string[] {
  const problems: string[] = [];
  const task = manifest.task;
  const inputs = allInputs(manifest);
  const names = new Map<string, string>();
  for (const [name, , file] of inputs) {
    if (names.has(name)) problems.push(`${file}: input ${name} is declared twice for ${task} (also in ${names.get(name)})`);
    names.set(name, file);
  }
  const groups = new Set(allGroups(manifest).map((g) => g.name));
  const context = { workingDirectory: process.cwd(), baseDirectoryOf: () => process.cwd() };

  for (const [name, d, file] of inputs) {
    const at = `${file}: ${task} input ${name}`;
    if (!groups.has(d.group)) problems.push(`${at}: group ${d.group} is not a group of ${manifestFile(task)} (${[...groups].join(', ')})`);
    if (d.rule === undefined && !READ_BEFORE_PARAMETERS.has(name)) problems.push(`${at}: has no rule, so Parameters would never read it`);
    if (d.help.length < 40) problems.push(`${at}: help is missing or too short`);
    if (d.options !== undefined && d.default !== undefined && !Object.hasOwn(d.options, d.default)) {
      problems.push(`${at}: the default ${d.default} is not one of the options (${Object.keys(d.options).join(', ')})`);
    }
    if (d.default !== undefined && d.rule !== undefined) {
      const parsed = inputSchemas({ [name]: d }, context)[name].safeParse(undefined);
      if (!parsed.success) problems.push(`${at}: the default ${JSON.stringify(d.default)} fails its own rule (${parsed.error.issues[0]?.message})`);
    }
    if (d.visibleRule !== undefined) {
      for (const referenced of d.visibleRule.split(/&&|\|\|/).map((p) => /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=|!=)/.exec(p)?.[1])) {
        if (referenced === undefined) problems.push(`${at}: visibleRule "${d.visibleRule}" cannot be read`);
        else if (!names.has(referenced)) problems.push(`${at}: visibleRule refers to ${referenced}, which is not an input of ${task}`);
      }
    }
    if (d.settings !== undefined) problems.push(...checkSettable(at, d));
  }

  // An input Parameters reads but nothing uses was forgotten half-way: the manifest gives it to
  // Parameters as it is (parameter: true), or parameters.ts maps it (reads `<values>.<name>`).
  if (sources.parametersSource !== undefined) {
    for (const [name, d] of Object.entries(manifest.inputs as InputDeclarations)) {
      if (d.rule === undefined || d.parameter) continue;
      if (!new RegExp(`\\.${name}\\b`).test(sources.parametersSource)) {
        problems.push(
          `${parametersFile(task)}: ${task} input ${name} is read but never used; map it into the Parameters there, or mark it parameter: true in ${manifestFile(task)}`,
        );
      }
    }
  }

  for (const reference of [...(sources.instanceNameFormat ?? '').matchAll(/\$\(([^)]+)\)/g)].map((m) => m[1])) {
    if (!names.has(reference)) problems.push(`tasks/${task}/task.json: instanceNameFormat shows $(${reference}), which is not an input`);
  }
  return problems;
}

/** The precedence rule (docs/INPUTS.md) on an input the settings file can set. */
function checkSettable(at: string, d: InputDeclaration): string[] {
  const problems: string[] = [];
  const choices = d.options === undefined ? undefined : Object.keys(d.options).filter((o) => o !== FROM_SETTINGS_FILE);
  const onOff = choices !== undefined && choices.length === 2 && choices.includes('true') && choices.includes('false');
  // Precedence (docs/INPUTS.md): nothing the agent passes for an omitted input may hide the file.
  if (d.type === 'boolean') problems.push(`${at}: a checkbox cannot say "not set"; the settings file can set it, so make it a ${FROM_SETTINGS_FILE} / true / false pick list`);
  if (d.options !== undefined) {
    const [first] = Object.keys(d.options);
    if (first !== FROM_SETTINGS_FILE) problems.push(`${at}: the settings file can set it, so its first option must be ${FROM_SETTINGS_FILE}`);
    else if (!/^Settings file, else .+/.test(d.options[FROM_SETTINGS_FILE]))
      problems.push(`${at}: the ${FROM_SETTINGS_FILE} option's label must read "Settings file, else <the default>"`);
    if (onOff && d.properties?.EditableOptions !== 'True')
      problems.push(`${at}: an on/off pick list must be editable (properties.EditableOptions 'True') so YAML's unquoted true/false is accepted`);
  }
  if (d.default !== undefined && d.default !== '') {
    const stated =
      d.default === 'true'
        ? /Default: on/.test(d.help)
        : d.default === 'false'
          ? /Default: off/.test(d.help)
          : d.help.includes(`\`${d.default}\``) || d.help.includes(`${d.default} (default`) || d.help.includes(`Default: ${d.default}`);
    if (!stated)
      problems.push(
        `${at}: the help must state the built-in default (${d.default === 'true' ? 'Default: on' : d.default === 'false' ? 'Default: off' : `\`${d.default}\``}): task.json carries none`,
      );
  }
  return problems;
}
