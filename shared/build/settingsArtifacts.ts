/**
 * Build-time only (scripts/gen-inputs.mjs, never bundled into a task): the settings file's keys,
 * from the `settings` declarations of the input manifests (tasks/<Task>/src/inputs.ts,
 * shared/runtime/commonInputs.ts). Each key is declared in the manifest entry of the input it
 * sets; from all of them the build generates
 * - the field list the tasks load the file with (shared/runtime/settingsFields.generated.ts:
 *   kind, tasks, input, values; no descriptions, so a task's bundle does not carry the others'),
 * - the JSON Schema for editors (schemas/databricks-mlops-config.schema.json), with descriptions.
 * The tasks of a key are those whose manifest declares it; a key several manifests declare must
 * be declared the same by each (else the build fails naming both).
 */
import { SECTION_NAMES, TASK_NAMES, type FieldSpec, type SectionName, type SettingsFields, type TaskName } from '../runtime/configSchema';
import type { InputDeclaration, SettingsDeclaration, TaskInputManifest } from '../runtime/inputManifest';
import { FROM_SETTINGS_FILE } from '../runtime/inputs';
import { allInputs } from './inputArtifacts';

export const SETTINGS_MODULE_FILE = 'shared/runtime/settingsFields.generated.ts';

const KEY = /^[A-Za-z][A-Za-z0-9]*$/;

/** The key's path in an environment block: `serving.timeoutMinutes`, or `retryBudgetSeconds`. */
export function settingsKey(input: string, settings: SettingsDeclaration): string {
  const key = settings.key ?? input;
  return settings.section === undefined ? key : `${settings.section}.${key}`;
}

/** The allowed values: declared, else a pick list's options without the fromFile choice (none for a boolean). */
export function settingsValues(d: InputDeclaration): readonly string[] | undefined {
  if (d.settings?.values !== undefined) return d.settings.values;
  if (d.options === undefined || d.settings?.kind === 'boolean') return undefined;
  return Object.keys(d.options).filter((o) => o !== FROM_SETTINGS_FILE);
}

/** The description for editors: declared, else the help's first sentence (without the editor's bold labels). */
export function settingsDescription(d: InputDeclaration): string {
  if (d.settings?.description !== undefined) return d.settings.description;
  const help = d.help.replace(/\*\*([^*]+)\*\*/g, '$1').trim();
  const end = /(?<!\be\.g|\bi\.e)\.(?=\s+[A-Z`(]|\s*$)/.exec(help);
  return end === null ? help : help.slice(0, end.index + 1);
}

interface Declared {
  task: TaskName;
  input: string;
  file: string;
  d: InputDeclaration & { settings: SettingsDeclaration };
}

/** What must be the same wherever a key is declared. */
function fieldOf(declared: Declared): Omit<FieldSpec, 'tasks'> {
  const { input, d } = declared;
  const key = d.settings.key ?? input;
  const values = settingsValues(d);
  return {
    kind: d.settings.kind,
    ...(key !== input ? { input } : {}),
    ...(values !== undefined ? { values } : {}),
    description: settingsDescription(d),
  };
}

function declarationText(declared: Declared, field: Omit<FieldSpec, 'tasks'>): string {
  const values = field.values ? `, values ${field.values.join('/')}` : '';
  return `${declared.file} (${declared.task} input ${declared.input}: kind ${field.kind}${values}, description "${field.description}")`;
}

/** An on/off pick list (settableBoolean): fromFile, true, false. */
function isOnOff(d: InputDeclaration): boolean {
  const choices = Object.keys(d.options ?? {}).filter((o) => o !== FROM_SETTINGS_FILE);
  return choices.length === 2 && choices.includes('true') && choices.includes('false');
}

/** The problems of one declaration on its own. */
function declarationProblems({ task, input, file, d }: Declared): string[] {
  const at = `${file}: ${task} input ${input}`;
  const problems: string[] = [];
  const s = d.settings;
  if (s.section !== undefined && !(SECTION_NAMES as readonly string[]).includes(s.section)) {
    problems.push(`${at}: settings section '${s.section}' is not a section of the settings file (${SECTION_NAMES.join(', ')})`);
  }
  const key = s.key ?? input;
  if (!KEY.test(key)) problems.push(`${at}: settings key '${key}' must be letters and digits, starting with a letter`);
  if (s.section === undefined && (SECTION_NAMES as readonly string[]).includes(key)) problems.push(`${at}: settings key '${key}' is the name of a section`);
  if (s.key === input) problems.push(`${at}: settings key '${key}' is the input's name; leave key out`);
  const onOff = isOnOff(d);
  if ((s.kind === 'boolean') !== onOff) {
    problems.push(
      `${at}: ${s.kind === 'boolean' ? 'settings kind boolean needs the on/off pick list (settableBoolean)' : `an on/off pick list has settings kind boolean, not ${s.kind} (use settableBoolean)`}`,
    );
  }
  if (s.values !== undefined && d.options !== undefined) problems.push(`${at}: settings values are the pick list's options; leave values out`);
  if (settingsValues(d)?.length === 0) problems.push(`${at}: settings values are empty`);
  if (d.options !== undefined && !onOff && s.kind !== 'text') problems.push(`${at}: a pick list sets settings kind text, not ${s.kind}`);
  // A number the file writes becomes the input's text: the built-in default must be one too.
  const numeric = s.kind === 'integer' ? /^-?\d+$/ : s.kind === 'number' ? /^-?\d+(\.\d+)?$/ : undefined;
  if (numeric && d.default !== undefined && d.default !== '' && !numeric.test(d.default)) {
    problems.push(`${at}: settings kind ${s.kind}, but the default ${JSON.stringify(d.default)} is not one (the kind must fit the rule)`);
  }
  const description = settingsDescription(d);
  if (description.length < 10) problems.push(`${at}: the settings description "${description}" is missing or too short`);
  const described = describedDefault(description);
  if (d.default !== undefined && d.default !== '' && described !== undefined && described !== d.default) {
    problems.push(`${at}: the settings description states the default ${described}, the manifest's default is ${d.default}`);
  }
  return problems;
}

/** The default a settings description states ("(1-720, default 45)", "Small (default), …"), if any. */
function describedDefault(description: string): string | undefined {
  const value = /default:? ([^),;]+)[),;]/.exec(description)?.[1] ?? /(\S+) \(default\)/.exec(description)?.[1];
  return value?.replace(/^"|"$/g, '').split(' = ')[0].trim();
}

function same(a: Omit<FieldSpec, 'tasks'>, b: Omit<FieldSpec, 'tasks'>): boolean {
  return a.kind === b.kind && a.input === b.input && a.description === b.description && (a.values ?? []).join('\n') === (b.values ?? []).join('\n');
}

/**
 * The settings file's keys from the manifests, in the order of TASK_NAMES and of each manifest's
 * inputs, with descriptions; and every problem, naming the input and the file (both files for a
 * key two manifests declare differently).
 */
export function settingsFields(manifests: readonly TaskInputManifest[]): { fields: SettingsFields; problems: string[] } {
  const problems: string[] = [];
  const declared: Declared[] = [];
  const ordered = [...manifests].sort((a, b) => TASK_NAMES.indexOf(a.task as TaskName) - TASK_NAMES.indexOf(b.task as TaskName));
  for (const manifest of ordered) {
    if (!(TASK_NAMES as readonly string[]).includes(manifest.task)) {
      problems.push(`shared/runtime/configSchema.ts: TASK_NAMES does not list ${manifest.task}`);
      continue;
    }
    const ofTask = new Map<string, Declared>();
    for (const [input, d, file] of allInputs(manifest)) {
      if (d.settings === undefined) continue;
      const entry: Declared = { task: manifest.task as TaskName, input, file, d: d as Declared['d'] };
      const key = settingsKey(input, d.settings);
      const twice = ofTask.get(key);
      if (twice) problems.push(`${file}: ${entry.task} input ${input} declares settings key ${key}, which input ${twice.input} (${twice.file}) declares too`);
      ofTask.set(key, entry);
      problems.push(...declarationProblems(entry));
      declared.push(entry);
    }
  }

  const byKey = new Map<string, { first: Declared; field: Omit<FieldSpec, 'tasks'>; tasks: TaskName[] }>();
  for (const entry of declared) {
    const key = settingsKey(entry.input, entry.d.settings);
    const field = fieldOf(entry);
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, { first: entry, field, tasks: [entry.task] });
      continue;
    }
    if (known.tasks.includes(entry.task)) continue; // two inputs of one task: reported above
    if (!same(known.field, field)) {
      problems.push(
        `settings key ${key} is declared differently by ${declarationText(known.first, known.field)} and ${declarationText(entry, field)}; declare it once (a shared constant, as shared/monitoring/settings.ts does) and use it in both`,
      );
    }
    known.tasks.push(entry.task);
  }

  const block: Record<string, FieldSpec> = {};
  const sections = Object.fromEntries(SECTION_NAMES.map((name) => [name, {} as Record<string, FieldSpec>])) as Record<SectionName, Record<string, FieldSpec>>;
  for (const [key, { first, field, tasks }] of byKey) {
    const target = first.d.settings.section === undefined ? block : sections[first.d.settings.section];
    if (target === undefined) continue;
    target[key.split('.').pop()!] = {
      kind: field.kind,
      tasks,
      ...(field.input !== undefined ? { input: field.input } : {}),
      ...(field.values ? { values: field.values } : {}),
      description: field.description,
    };
  }
  return { fields: { block, sections }, problems };
}

// ---------------------------------------------------------------------------------------------
// shared/runtime/settingsFields.generated.ts

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function constantName(tasks: readonly TaskName[]): string {
  if (tasks.length === TASK_NAMES.length && TASK_NAMES.every((t) => tasks.includes(t))) return 'ALL_TASKS';
  return tasks
    .map((t) =>
      t
        .replace(/^Databricks/, '')
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .toUpperCase(),
    )
    .join('_AND_');
}

/** The generated module's text: what the tasks need of each key (no descriptions). */
export function renderSettingsModule(fields: SettingsFields): string {
  const constants = new Map<string, readonly TaskName[]>();
  // One line per key, or prettier's layout of a longer one (printWidth 180), so that the file passes npm run lint.
  const entry = (indent: string, key: string, spec: FieldSpec): string[] => {
    const name = constantName(spec.tasks);
    constants.set(name, spec.tasks);
    const parts = [`kind: ${quote(spec.kind)}`, `tasks: ${name}`];
    if (spec.input !== undefined) parts.push(`input: ${quote(spec.input)}`);
    if (spec.values !== undefined) parts.push(`values: [${spec.values.map(quote).join(', ')}]`);
    const line = `${indent}${key}: { ${parts.join(', ')} },`;
    return line.length <= 180 ? [line] : [`${indent}${key}: {`, ...parts.map((part) => `${indent}  ${part},`), `${indent}},`];
  };
  const block = Object.entries(fields.block).flatMap(([key, spec]) => entry('  ', key, spec));
  const sections = SECTION_NAMES.flatMap((name) => {
    const rows = Object.entries(fields.sections[name]).flatMap(([key, spec]) => entry('    ', key, spec));
    return rows.length === 0 ? [`  ${name}: {},`] : [`  ${name}: {`, ...rows, '  },'];
  });
  return [
    `// Generated by the build (scripts/gen-inputs.mjs, shared/build/settingsArtifacts.ts) from the`,
    `// \`settings\` of the input manifests (tasks/<Task>/src/inputs.ts, shared/runtime/commonInputs.ts):`,
    `// edit those and run npm run build. What the tasks need of each settings-file key: its YAML`,
    `// kind, the tasks that read it, the input it sets when named differently, its allowed values.`,
    `// The descriptions are only in the JSON Schema for editors (schemas/databricks-mlops-config.schema.json).`,
    `import type { FieldSpec, SectionName, TaskName } from './configSchema';`,
    '',
    ...[...constants].map(([name, tasks]) => `const ${name}: readonly TaskName[] = [${tasks.map(quote).join(', ')}];`),
    '',
    'export const BLOCK_FIELDS: Readonly<Record<string, FieldSpec>> = {',
    ...block,
    '};',
    '',
    'export const SECTIONS: Readonly<Record<SectionName, Readonly<Record<string, FieldSpec>>>> = {',
    ...sections,
    '};',
    '',
  ].join('\n');
}
