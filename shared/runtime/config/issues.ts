/**
 * The settings file's schema issues turned into input errors at their place in the file: zod
 * issues flattened (unknown keys one by one, unions resolved to the branch that matched), a
 * misspelt required key reported once, each error naming the task input the path sets.
 */
import * as z from 'zod';
import { BLOCK_FIELDS, configFileSchema, SECTION_NAMES, SECTIONS } from '../configSchema';
import { InputError } from '../inputError';
import { ruleMessage } from '../rules/messages';
import { closestName } from '../suggest';
import { formatPath, type Segment } from '../yamlDocument';
import type { Locator } from './locator';

/** The errors of a failed validation against configFileSchema, in file order. */
export function schemaErrors(issues: readonly z.core.$ZodIssue[], where: Locator): InputError[] {
  const errors = withoutMisspelledRequiredKeys(flattenIssues(issues, [])).map((issue) => schemaError(issue, where));
  return errors.sort((a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0));
}

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
  const rule = isMissing(issue) && !issue.message.startsWith(ruleMessage('Required')) ? ruleMessage('Required') : issue.message;
  const value = typeof issue.input === 'string' || typeof issue.input === 'number' || typeof issue.input === 'boolean' ? String(issue.input) : undefined;
  return new InputError({ input, rule, source, value });
}

function suggestedKey(path: readonly Segment[]): string | undefined {
  return closestName(String(path[path.length - 1]), objectKeysAt(configFileSchema(), path.slice(0, -1)));
}

function unknownKeyRule(path: readonly Segment[]): string {
  const key = String(path[path.length - 1]);
  const close = suggestedKey(path);
  if (close) return ruleMessage('UnknownKeyDidYouMean', key, close);
  const home = sectionOf(key);
  if (home) return ruleMessage('UnknownKeyBelongs', key, home);
  return ruleMessage('UnknownKeyExpected', key, objectKeysAt(configFileSchema(), path.slice(0, -1)).join(', '));
}

/** Where a key misplaced at another level belongs, e.g. "the serving section". */
function sectionOf(key: string): string | undefined {
  const blockKey = closestName(key, [...Object.keys(BLOCK_FIELDS), ...SECTION_NAMES]);
  if (blockKey) return blockKey === key ? ruleMessage('BlockOrDefaults') : ruleMessage('BlockOrDefaultsAs', blockKey);
  for (const section of SECTION_NAMES) {
    const match = closestName(key, Object.keys(SECTIONS[section]));
    if (match) return match === key ? ruleMessage('SectionNamed', section) : ruleMessage('SectionNamedAs', section, match);
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
