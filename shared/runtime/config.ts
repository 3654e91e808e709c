/**
 * Loads the settings file (`configFile`) for one task and environment, and merges it under
 * the task's own inputs.
 *
 * 1. The file is parsed with the `yaml` package (syntax errors name the line and column) and
 *    validated against configFileSchema as a whole, every environment included: a mistake in
 *    prod is found by the dev run. Unknown keys are errors, with a "did you mean".
 * 2. The environment is picked: the `environment` input, or the only one the file has.
 * 3. `defaults:` is merged under the environment key by key; then the keys the task reads are
 *    turned into input text, each remembering its file, path and line, so a value that breaks
 *    an input rule later is reported at its place in the file.
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
import * as fs from 'node:fs';
import type { Document, LineCounter } from 'yaml';

import { yaml } from './yaml';
import { z } from 'zod';
import { BLOCK_FIELDS, configFileSchema, SECTION_NAMES, SECTIONS, type FieldSpec, type SectionName, type TaskName } from './configSchema';
import { InputError, InputErrors, type ConfigLocation } from './inputError';
import { taskInputsOnly, type InputSource, type InputValue, type ProvenancedInputSource } from './inputs';
import { closestName } from './suggest';

export interface ConfigValue extends InputValue {
  source: ConfigLocation;
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

type Segment = string | number;
type Mapping = Record<string, unknown>;

export function loadConfig(file: string, environment: string | undefined, task: TaskName): ConfigValues {
  const text = readConfigText(file);
  const { LineCounter: Lines, parseDocument } = yaml();
  const lineCounter = new Lines();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = new Locator(file, doc, lineCounter);
  if (doc.errors.length > 0) {
    throw new InputErrors(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return fileError(`is not valid YAML: ${firstLine(error.message)}`, { file, path: '', line, column: col });
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputErrors([fileError(`is not valid YAML: ${(error as Error).message}`, { file, path: '' })]);
  }
  if (data == null) throw new InputErrors([fileError('is empty; it needs an environments: mapping', { file, path: '' })]);

  const result = configFileSchema().safeParse(data, { reportInput: true });
  if (!result.success) {
    const errors = withoutMisspelledRequiredKeys(flattenIssues(result.error.issues, [])).map((issue) => schemaError(issue, where));
    throw new InputErrors(errors.sort((a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0)));
  }

  const document = data as { defaults?: Mapping; environments: Record<string, Mapping> };
  const environments = Object.keys(document.environments);
  const chosen = pickEnvironment(file, environments, environment);
  const values = taskValues(task, document.defaults, document.environments[chosen], chosen, where);
  return { file, environment: chosen, environments, task, values };
}

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

function readConfigText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const rule = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read: ${(error as Error).message}`;
    throw new InputErrors([new InputError({ input: 'configFile', rule, value: file, fromTask: true })]);
  }
}

function fileError(rule: string, source: ConfigLocation): InputError {
  return new InputError({ input: 'configFile', rule, source });
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function pickEnvironment(file: string, environments: readonly string[], requested: string | undefined): string {
  const list = environments.join(', ');
  const wanted = requested?.trim();
  if (wanted === undefined) {
    if (environments.length === 1) return environments[0];
    throw new InputErrors([
      new InputError({ input: 'environment', rule: `is required: ${file} defines ${environments.length} environments (${list})` }),
    ]);
  }
  if (environments.includes(wanted)) return wanted;
  const close = closestName(wanted, environments);
  const hint = close ? `did you mean "${close}"? ` : '';
  throw new InputErrors([
    new InputError({ input: 'environment', rule: `is not an environment of ${file}; ${hint}available: ${list}`, value: wanted, fromTask: true }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Schema issues → errors at file paths

interface FlatIssue {
  path: Segment[];
  message: string;
  input: unknown;
  /** The problem is the key itself (unknown or badly named), not its value. */
  aboutKey: boolean;
}

/**
 * Flattens zod issues: unknown keys one by one, record-key errors with their own message,
 * and unions resolved to the branch whose type matched (so a list element with a bad `op`
 * says so, rather than "must be a string or a list").
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: Segment[]): FlatIssue[] {
  const flat: FlatIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map(toSegment)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) flat.push({ path: [...path, key], message: '', input: undefined, aboutKey: true });
    } else if (issue.code === 'invalid_key') {
      flat.push({ path, message: issue.issues[0]?.message ?? issue.message, input: issue.input, aboutKey: true });
    } else if (issue.code === 'invalid_union') {
      const matched = issue.errors.find((branch) => !branch.every((i) => i.path.length === 0 && i.code === 'invalid_type'));
      if (matched) flat.push(...flattenIssues(matched, path));
      else flat.push({ path, message: issue.message, input: issue.input, aboutKey: false });
    } else {
      flat.push({ path, message: issue.message, input: issue.input, aboutKey: false });
    }
  }
  return flat;
}

/** A required key that is missing because it is misspelled is reported once, as the unknown key. */
function withoutMisspelledRequiredKeys(issues: FlatIssue[]): FlatIssue[] {
  const intended = new Set<string>();
  for (const issue of issues) {
    if (!isUnknownKey(issue)) continue;
    const suggestion = suggestedKey(issue.path);
    if (suggestion) intended.add(formatPath([...issue.path.slice(0, -1), suggestion]));
  }
  return issues.filter((issue) => !(isMissing(issue) && intended.has(formatPath(issue.path))));
}

function isUnknownKey(issue: FlatIssue): boolean {
  return issue.aboutKey && issue.message === '';
}

/** A value issue without a value: the key is absent (YAML null arrives as null). */
function isMissing(issue: FlatIssue): boolean {
  return !issue.aboutKey && issue.input === undefined;
}

function toSegment(key: PropertyKey): Segment {
  return typeof key === 'number' ? key : String(key);
}

function schemaError(issue: FlatIssue, where: Locator): InputError {
  const source = where.locate(issue.path, issue.aboutKey);
  if (isUnknownKey(issue)) return new InputError({ input: 'configFile', rule: unknownKeyRule(issue.path), source });
  const input = issue.aboutKey ? 'configFile' : inputForPath(issue.path);
  const rule = isMissing(issue) && !issue.message.startsWith('is required') ? 'is required' : issue.message;
  const value = typeof issue.input === 'string' || typeof issue.input === 'number' || typeof issue.input === 'boolean' ? String(issue.input) : undefined;
  return new InputError({ input, rule, source, value });
}

function suggestedKey(path: readonly Segment[]): string | undefined {
  return closestName(String(path[path.length - 1]), objectKeysAt(configFileSchema(), path.slice(0, -1)));
}

function unknownKeyRule(path: readonly Segment[]): string {
  const key = String(path[path.length - 1]);
  const close = suggestedKey(path);
  if (close) return `unknown key "${key}"; did you mean "${close}"?`;
  const home = sectionOf(key);
  if (home) return `unknown key "${key}" here; it belongs in ${home}`;
  return `unknown key "${key}"; expected one of ${objectKeysAt(configFileSchema(), path.slice(0, -1)).join(', ')}`;
}

/** Where a key misplaced at another level belongs, e.g. "the serving section". */
function sectionOf(key: string): string | undefined {
  const spelled = (match: string) => (match === key ? '' : ` (as "${match}")`);
  const blockKey = closestName(key, [...Object.keys(BLOCK_FIELDS), ...SECTION_NAMES]);
  if (blockKey) return `an environment block or defaults${spelled(blockKey)}`;
  for (const section of SECTION_NAMES) {
    const match = closestName(key, Object.keys(SECTIONS[section]));
    if (match) return `the ${section} section${spelled(match)}`;
  }
  return undefined;
}

/** The keys the schema allows at `path` (through optionals, records, arrays and unions). */
function objectKeysAt(schema: z.ZodType, path: readonly Segment[]): string[] {
  let candidates = expand([schema]);
  for (const segment of path) {
    candidates = expand(
      candidates.flatMap((s): z.ZodType[] => {
        if (s instanceof z.ZodObject && typeof segment === 'string') return segment in s.shape ? [s.shape[segment] as z.ZodType] : [];
        if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
        if (s instanceof z.ZodArray && typeof segment === 'number') return [s.element as z.ZodType];
        return [];
      }),
    );
  }
  return [...new Set(candidates.flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : [])))];
}

function expand(schemas: z.ZodType[]): z.ZodType[] {
  return schemas.flatMap((s): z.ZodType[] => {
    if (s instanceof z.ZodOptional) return expand([s.unwrap() as z.ZodType]);
    if (s instanceof z.ZodUnion) return expand([...(s.options as readonly z.ZodType[])]);
    return [s];
  });
}

/** The task input a file path sets, for naming it in errors; 'configFile' for structure. */
function inputForPath(path: readonly Segment[]): string {
  const rest = path[0] === 'defaults' ? path.slice(1) : path[0] === 'environments' ? path.slice(2) : [];
  const [first, second] = rest;
  if (typeof first !== 'string') return 'configFile';
  if (Object.hasOwn(BLOCK_FIELDS, first)) return first;
  const section = SECTION_NAMES.find((name) => name === first);
  if (section && typeof second === 'string' && Object.hasOwn(SECTIONS[section], second)) return SECTIONS[section][second].input ?? second;
  return 'configFile';
}

// ---------------------------------------------------------------------------------------------
// Locations

class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** The file path and line of a value (or of its key). */
  locate(path: readonly Segment[], key = false): ConfigLocation {
    const location: ConfigLocation = { file: this.file, path: formatPath(path) };
    const offset = key ? this.keyOffset(path) : this.valueOffset(path);
    if (offset !== undefined) location.line = this.lineCounter.linePos(offset).line;
    return location;
  }

  private valueOffset(path: readonly Segment[]): number | undefined {
    // A missing value (e.g. a required key) is reported at its parent.
    for (let length = path.length; length >= 0; length--) {
      const node: unknown = this.doc.getIn(path.slice(0, length), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return range[0];
    }
    return undefined;
  }

  private keyOffset(path: readonly Segment[]): number | undefined {
    const parent: unknown = this.doc.getIn(path.slice(0, -1), true);
    const last = String(path[path.length - 1]);
    const { isMap, isScalar } = yaml();
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range) return range[0];
    }
    return this.valueOffset(path.slice(0, -1));
  }
}

export function formatPath(path: readonly Segment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Values for one task

function taskValues(task: TaskName, defaults: Mapping | undefined, environment: Mapping, name: string, where: Locator): Map<string, ConfigValue> {
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
  const take = (target: Map<string, ConfigValue>, input: string, spec: FieldSpec, value: unknown, path: Segment[]) => {
    if (value !== undefined) target.set(input, toInputValue(spec, value, path, where));
  };
  for (const [key, spec] of Object.entries(BLOCK_FIELDS)) {
    if (spec.tasks.includes(task)) take(primary, spec.input ?? key, spec, block[key], [...base, key]);
  }
  for (const section of SECTION_NAMES) {
    const values = block[section] as Mapping | undefined;
    if (!values) continue;
    for (const [key, spec] of Object.entries(SECTIONS[section])) {
      if (spec.tasks.includes(task)) take(primary, spec.input ?? key, spec, values[key], [...base, section, key]);
    }
    for (const fb of FALLBACKS) {
      if (fb.task === task && fb.section === section) take(fallback, fb.input, SECTIONS[section][fb.key], values[fb.key], [...base, section, fb.key]);
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

interface RuleMapping {
  metric: string;
  op: string;
  threshold: number;
  emails?: string | string[];
}

/** The input text of a validated YAML value, with the location of each list element. */
function toInputValue(spec: FieldSpec, value: unknown, path: Segment[], where: Locator): ConfigValue {
  const source = where.locate(path);
  if (typeof value !== 'object' || value === null) return { value: String(value), source };
  if (spec.kind === 'json') return { value: JSON.stringify(value), source };

  const lines: string[] = [];
  const items: ConfigLocation[] = [];
  if (Array.isArray(value)) {
    value.forEach((element: unknown, index) => {
      lines.push(typeof element === 'object' && element !== null ? ruleText(element as RuleMapping) : String(element));
      items.push(where.locate([...path, index]));
    });
  } else {
    // keyValue mapping: one key=value line per entry.
    for (const [key, entry] of Object.entries(value as Mapping)) {
      lines.push(`${key}=${String(entry)}`);
      items.push(where.locate([...path, key]));
    }
  }
  return { value: lines.join('\n'), source, items };
}

function ruleText(rule: RuleMapping): string {
  const condition = `${rule.metric} ${rule.op} ${rule.threshold}`;
  if (rule.emails === undefined) return condition;
  return `${condition} -> ${Array.isArray(rule.emails) ? rule.emails.join(', ') : rule.emails}`;
}
