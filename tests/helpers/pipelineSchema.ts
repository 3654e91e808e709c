/**
 * Extends the Azure Pipelines YAML schema (../shared/schemas/service-schema.json, the schema of
 * the azure-pipelines-vscode extension) with this extension's tasks, generated from their
 * task.json files so the schema can never drift from the manifests.
 *
 * The stock schema only knows the built-in tasks: `definitions.task` is an anyOf of one entry
 * per task (`task` pattern + an `inputs` object with additionalProperties: false), and
 * `definitions.task.properties.task.anyOf` lists the accepted `Name@major` values. Each of our
 * tasks gets one entry in both, in the same shape as the built-in ones, including the schema's
 * custom keywords (ignoreCase, firstProperty, aliases) that azure-pipelines-language-service
 * understands.
 *
 * Run as a script (`node out/tests/helpers/pipelineSchema.js [file]`) it writes the extended
 * schema for editors (default dist/azure-pipelines.schema.json; point the Azure Pipelines VS
 * Code extension's `azure-pipelines.customSchemaFile` at it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, sharedDir } from './repo';

/** A JSON Schema node; the service schema is plain JSON, so this is all we need to say about it. */
export type SchemaNode = { [key: string]: unknown };

/** The parts of a task.json the schema is generated from. */
export interface TaskManifestInput {
  name: string;
  label?: string;
  type: string;
  aliases?: string[];
  required?: boolean;
  options?: Record<string, string>;
  properties?: Record<string, string | boolean>;
}

export interface TaskManifest {
  name: string;
  friendlyName?: string;
  description?: string;
  version: { Major: number };
  inputs?: TaskManifestInput[];
}

/** The two schema entries one task contributes. */
export interface TaskSchemaEntries {
  /** Goes into definitions.task.properties.task.anyOf: the accepted `Name@major` value. */
  name: SchemaNode;
  /** Goes into definitions.task.anyOf: the task's inputs. */
  inputs: SchemaNode;
}

/**
 * The input that can supply the other required inputs (docs/INPUTS.md): a task that has
 * it may leave required inputs to the settings file, except service connections, which the
 * file cannot hold.
 */
const SETTINGS_FILE_INPUT = 'configFile';

export function taskReference(manifest: TaskManifest): string {
  return `${manifest.name}@${manifest.version.Major}`;
}

/** The schema of one input, typed like the stock schema types the built-in tasks' inputs. */
export function inputSchema(input: TaskManifestInput): SchemaNode {
  const node: SchemaNode = {};
  const options = input.options ? Object.keys(input.options) : [];
  // An editable pick list (EditableOptions) accepts any text; a closed one only its options.
  const closedList = (input.type === 'pickList' || input.type === 'radio') && options.length > 0 && !isTrue(input.properties?.EditableOptions);
  if (closedList) {
    node.enum = options;
    node.ignoreCase = 'all';
  } else {
    node.type = input.type === 'boolean' ? 'boolean' : 'string';
    node.ignoreCase = 'key';
  }
  if (input.label) node.description = input.label;
  if (input.aliases && input.aliases.length > 0) node.aliases = [...input.aliases];
  return node;
}

export function taskSchemaEntries(manifest: TaskManifest): TaskSchemaEntries {
  const ref = taskReference(manifest);
  const title = manifest.friendlyName ?? manifest.name;
  const inputs = manifest.inputs ?? [];
  const properties: SchemaNode = {};
  for (const input of inputs) properties[input.name] = inputSchema(input);

  const inputsNode: SchemaNode = { description: `${title} inputs`, properties, additionalProperties: false };
  const required = inputs.filter((i) => i.required).map((i) => i.name);
  const fromFile = inputs.some((i) => i.name === SETTINGS_FILE_INPUT);
  if (fromFile) {
    const always = inputs.filter((i) => i.required && i.type.startsWith('connectedService:')).map((i) => i.name);
    const fileCanGive = required.filter((name) => !always.includes(name));
    inputsNode.required = always;
    // Either every required input is on the task, or the settings file may provide them.
    if (fileCanGive.length > 0) inputsNode.anyOf = [{ required: fileCanGive }, { required: [SETTINGS_FILE_INPUT] }];
  } else {
    inputsNode.required = required;
  }

  return {
    name: {
      description: manifest.description ? `${title}\n\n${manifest.description}` : title,
      doNotSuggest: false,
      ignoreCase: 'value',
      enum: [ref],
    },
    inputs: {
      properties: {
        task: { description: title, ignoreCase: 'value', pattern: `^${escapeRegExp(ref)}$` },
        inputs: inputsNode,
      },
      doNotSuggest: false,
      firstProperty: ['task'],
      required: required.length > 0 ? ['task', 'inputs'] : ['task'],
    },
  };
}

/**
 * A copy of the service schema with the tasks added. Throws when the schema does not have the
 * shape described above (a new upstream layout must be noticed, not silently ignored).
 */
export function extendServiceSchema(serviceSchema: SchemaNode, manifests: readonly TaskManifest[]): SchemaNode {
  const schema = structuredClone(serviceSchema);
  const task = objectAt(schema, ['definitions', 'task']);
  const names = arrayAt(task, ['properties', 'task', 'anyOf']);
  const entries = arrayAt(task, ['anyOf']);
  for (const manifest of manifests) {
    const generated = taskSchemaEntries(manifest);
    names.push(generated.name);
    entries.push(generated.inputs);
  }
  return schema;
}

/** Just the generated entries, for editors or other tools that merge them themselves. */
export function schemaFragment(manifests: readonly TaskManifest[]): { taskNames: SchemaNode[]; tasks: SchemaNode[] } {
  const generated = manifests.map(taskSchemaEntries);
  return { taskNames: generated.map((g) => g.name), tasks: generated.map((g) => g.inputs) };
}

/** Every tasks/<Name>/task.json of the repository, sorted by folder. */
export function loadTaskManifests(root = repoRoot()): TaskManifest[] {
  const tasksDir = join(root, 'tasks');
  return readdirSync(tasksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(tasksDir, d.name, 'task.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(tasksDir, name, 'task.json'), 'utf8')) as TaskManifest);
}

/** ../shared/schemas/service-schema.json, or undefined when the shared folder is absent. */
export function serviceSchemaPath(): string | undefined {
  const shared = sharedDir();
  const file = shared && join(shared, 'schemas', 'service-schema.json');
  return file && existsSync(file) ? file : undefined;
}

export const SERVICE_SCHEMA_MISSING = 'skipped: ../shared/schemas/service-schema.json (the Azure Pipelines YAML schema) is not beside the project';

/** The service schema extended with this repository's tasks; undefined when the schema is absent. */
export function loadExtendedPipelineSchema(root = repoRoot()): SchemaNode | undefined {
  const file = serviceSchemaPath();
  if (!file) return undefined;
  return extendServiceSchema(JSON.parse(readFileSync(file, 'utf8')) as SchemaNode, loadTaskManifests(root));
}

function isTrue(value: string | boolean | undefined): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function objectAt(node: SchemaNode, path: readonly string[]): SchemaNode {
  let current: unknown = node;
  for (const key of path) {
    current = current !== null && typeof current === 'object' ? (current as SchemaNode)[key] : undefined;
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      throw new Error(`service schema: ${path.join('.')} is not an object (at ${key})`);
    }
  }
  return current as SchemaNode;
}

function arrayAt(node: SchemaNode, path: readonly string[]): SchemaNode[] {
  const parent = path.length > 1 ? objectAt(node, path.slice(0, -1)) : node;
  const value = parent[path[path.length - 1]];
  if (!Array.isArray(value)) throw new Error(`service schema: ${path.join('.')} is not an array`);
  return value as SchemaNode[];
}

if (require.main === module) {
  const schema = loadExtendedPipelineSchema();
  if (!schema) {
    console.error(SERVICE_SCHEMA_MISSING);
    process.exit(1);
  }
  const out = process.argv[2] ?? join(repoRoot(), 'dist', 'azure-pipelines.schema.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(schema));
  console.log(`Wrote ${out}`);
}
