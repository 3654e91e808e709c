/**
 * Reusable zod schemas over task input text. Each `ValueRule<T>` turns a non-empty input
 * string into its parsed form or fails with a rule written for the pipeline author ("must be
 * an integer from 1 to 99"); `required`, `optional` and `withDefault` make a complete input
 * schema out of it (the input is undefined when not set).
 *
 * List rules report every bad element, each with its position: issue path
 * `['line', n]` (multi-line inputs, n = line number counting blank lines) or `['item', n]`
 * (comma lists, n = the n-th non-empty item). Parameters turns that into "line 3: …" or,
 * for values from a YAML list in the config file, into the path of the element.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/** A rule over one input text (the input is set). */
export type ValueRule<T> = z.ZodType<T, string>;

export type PositionKind = 'line' | 'item';

export interface Failure {
  rule: string;
  at?: { kind: PositionKind; index: number };
  /** What to quote as the offending value; defaults to the whole input. */
  got?: string;
  /** Never quote the value (it may hold something private, or is too large to be useful). */
  hideValue?: boolean;
}

export type Check<T> = { ok: true; value: T } | ({ ok: false } & Failure);

export function ok<T>(value: T): Check<T> {
  return { ok: true, value };
}

export function fail(rule: string, details: Omit<Failure, 'rule'> = {}): Check<never> {
  return { ok: false, rule, ...details };
}

/** Marker in a custom issue's params: the value must not be quoted in the message. */
const HIDE_VALUE = 'hideValue';

function addFailure(ctx: z.RefinementCtx<string>, text: string, failure: Failure): void {
  ctx.addIssue({
    code: 'custom',
    message: failure.rule,
    input: failure.got ?? text,
    path: failure.at ? [failure.at.kind, failure.at.index] : [],
    params: failure.hideValue ? { [HIDE_VALUE]: true } : undefined,
  });
}

/** A rule from a check function over the raw input text. */
export function rule<T>(check: (text: string) => Check<T>): ValueRule<T> {
  return z.string().transform((text, ctx) => {
    const result = check(text);
    if (result.ok) return result.value;
    addFailure(ctx, text, result);
    return z.NEVER;
  });
}

/** A rule over the trimmed text with one rule sentence; `parse` returns undefined when invalid. */
export function scalar<T>(ruleText: string, parse: (text: string) => T | undefined): ValueRule<T> {
  return rule((raw) => {
    const value = parse(raw.trim());
    return value === undefined ? fail(ruleText) : ok(value);
  });
}

// ---------------------------------------------------------------------------------------------
// Presence

export function required<T>(valueRule: ValueRule<T>) {
  return z.string({ error: 'is required' }).pipe(valueRule);
}

export function optional<T>(valueRule: ValueRule<T>) {
  return valueRule.optional();
}

/** The default is input text and goes through the rule like a given value. */
export function withDefault<T>(valueRule: ValueRule<T>, defaultText: string) {
  return valueRule.prefault(defaultText);
}

// ---------------------------------------------------------------------------------------------
// Scalars

export function booleanRule(): ValueRule<boolean> {
  return scalar('must be true or false', (t) => {
    const lower = t.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  });
}

export function integerRule(min: number, max: number, ruleText = `must be an integer from ${min} to ${max}`): ValueRule<number> {
  return scalar(ruleText, (t) => {
    if (!/^[+-]?\d+$/.test(t)) return undefined;
    const n = Number(t);
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  });
}

export function positiveIntegerRule(): ValueRule<number> {
  return integerRule(1, Number.MAX_SAFE_INTEGER, 'must be a positive integer');
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A finite decimal number (no hex, no Infinity, no empty text). */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function nonNegativeNumberRule(): ValueRule<number> {
  return scalar('must be a number ≥ 0', (t) => {
    const n = parseDecimal(t);
    return n !== undefined && n >= 0 ? n : undefined;
  });
}

/** One of fixed values; matched case-insensitively and returned in its canonical spelling. */
export function choiceRule<const V extends string>(values: readonly V[]): ValueRule<V> {
  const byLower = new Map(values.map((v) => [normalizeChoice(v), v]));
  return scalar(`must be one of ${values.join(', ')}`, (t) => byLower.get(normalizeChoice(t)));
}

function normalizeChoice(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** Free text, trimmed, with an optional length limit. */
export function textRule(maxLength?: number): ValueRule<string> {
  if (maxLength === undefined) return scalar('must not be empty', (t) => t);
  return scalar(`must be at most ${maxLength} characters`, (t) => (t.length <= maxLength ? t : undefined));
}

export function patternRule(pattern: RegExp, ruleText: string, maxLength = Infinity): ValueRule<string> {
  return scalar(ruleText, (t) => (t.length <= maxLength && pattern.test(t) ? t : undefined));
}

export function endpointNameRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1 to 63 letters, digits, - or _');
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ALIAS_RULE = 'must be an alias name: a letter or _ then letters, digits, _ or -, at most 255 characters, not "latest"';

function isAliasName(text: string): boolean {
  return text.length <= 255 && ALIAS.test(text) && text.toLowerCase() !== 'latest';
}

export function aliasRule(): ValueRule<string> {
  return scalar(ALIAS_RULE, (t) => (isAliasName(t) ? t : undefined));
}

/** A Unity Catalog identifier such as a catalog or schema name. */
export function identifierRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]+$/, 'must be an identifier of letters, digits, _ or -', 255);
}

/** Column names are plain identifiers: the tasks put them into SQL and monitor definitions. */
export function columnNameRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a column name: a letter or _ then letters, digits or _', 255);
}

export function warehouseIdRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9]+$/, 'must be a SQL warehouse id (letters and digits)');
}

export function metricKeyRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_.\-/ ]+$/, 'must be an MLflow metric key of letters, digits, _ . - / or spaces, at most 250 characters', 250);
}

export function runIdRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]+$/, 'must be an MLflow run id (letters, digits, _ or -)');
}

const EMAIL = /^[^\s@,;<>"()]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text);
}

export function emailRule(): ValueRule<string> {
  return scalar('must be an e-mail address', (t) => (isEmailAddress(t) ? t : undefined));
}

const NAME_PART = /^(?:`([A-Za-z0-9_-]+)`|([A-Za-z0-9_-]+))$/;

/**
 * A Unity Catalog name of `parts` dot-separated parts; a part may be wrapped in backticks.
 * Returned without backticks, as the REST APIs take it.
 */
export function ucNameRule(parts: 2 | 3, shape: string): ValueRule<string> {
  const count = parts === 2 ? 'a two-part' : 'a three-part';
  return scalar(`must be ${count} name ${shape}, each part letters, digits, _ or - (backticks allowed around a part)`, (t) => {
    const split = t.split('.');
    if (split.length !== parts) return undefined;
    const clean: string[] = [];
    for (const part of split) {
      const m = NAME_PART.exec(part);
      if (!m) return undefined;
      clean.push(m[1] ?? m[2]);
    }
    return clean.join('.');
  });
}

/** `latest` or a positive integer version number. */
export function versionOrLatestRule(): ValueRule<number | 'latest'> {
  return scalar<number | 'latest'>('must be "latest" or a positive integer version', (t) => {
    if (t.toLowerCase() === 'latest') return 'latest';
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
  });
}

/** A workspace URL: https, a host, nothing else. Returned as the origin (no trailing slash). */
export function workspaceUrlRule(): ValueRule<string> {
  return scalar(
    'must be an https:// URL with a host and no path, query or fragment, e.g. https://adb-1234567890123456.7.azuredatabricks.net',
    (t) => {
      let url: URL;
      try {
        url = new URL(t);
      } catch {
        return undefined;
      }
      const bare = !url.username && !url.password && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
      // `new URL` drops an empty "?" or "#"; the text must not carry one either.
      return url.protocol === 'https:' && url.hostname !== '' && bare && !/[?#]/.test(t) ? url.origin : undefined;
    },
  );
}

const RESOURCE_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[^/\s]+\/providers\/Microsoft\.Databricks\/workspaces\/[^/\s]+\/?$/i;

export function workspaceResourceIdRule(): ValueRule<string> {
  return scalar(
    'must be an Azure resource id /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>',
    (t) => (RESOURCE_ID.test(t) ? t.replace(/\/$/, '') : undefined),
  );
}

/** An absolute workspace path (assets directories). Returned without a trailing slash. */
export function workspacePathRule(): ValueRule<string> {
  return scalar('must be an absolute workspace path starting with /Workspace/, /Users/ or /Shared/, without empty or .. segments', (t) => {
    const trimmed = t.replace(/\/+$/, '');
    const m = /^\/(?:Workspace|Users|Shared)(\/.+)$/.exec(trimmed);
    if (!m) return undefined;
    return m[1].split('/').slice(1).every((s) => s !== '' && s !== '..') ? trimmed : undefined;
  });
}

/** A path inside an MLflow run's artifacts. */
export function artifactPathRule(): ValueRule<string> {
  return scalar('must be a relative path inside the run (no leading /, no empty or .. segments)', (t) => {
    if (t.startsWith('/')) return undefined;
    return t.split('/').every((s) => s !== '' && s !== '..') ? t : undefined;
  });
}

/** A file to write; resolved against `baseDir`. An existing directory is refused. */
export function outputFileRule(baseDir: string): ValueRule<string> {
  return rule((raw) => {
    const resolved = path.resolve(baseDir, raw.trim());
    if (fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) return fail('is a directory; give the path of a file');
    return ok(resolved);
  });
}

function isKnownTimeZone(zone: string): boolean {
  // ECMA-402 requires every implementation to know UTC; the first Intl.DateTimeFormat costs
  // ~20 ms of time-zone data loading at task start, for the default value.
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** An IANA zone id as Java (Databricks) and Intl both know it: letters first, no offsets. */
export function timeZoneRule(): ValueRule<string> {
  return scalar('must be an IANA time zone id such as UTC or Europe/Amsterdam', (t) =>
    /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(t) && isKnownTimeZone(t) ? t : undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// Lists

export interface ListItem {
  /** Line number (multi-line inputs) or item number (comma lists), from 1. */
  index: number;
  text: string;
}

/** One item a line; blank lines and lines starting with # are skipped but still counted. */
export function splitLines(text: string): ListItem[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ index: i + 1, text: line.trim() }))
    .filter((item) => item.text !== '' && !item.text.startsWith('#'));
}

/** Items separated by commas and/or new lines, trimmed, empties dropped. */
export function splitCommaList(text: string): ListItem[] {
  return text
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s, i) => ({ index: i + 1, text: s }));
}

export interface ListOptions<T> {
  /** Most items allowed, with the noun for the message ("e-mail addresses"). */
  max?: { count: number; noun: string };
  /** Reject repeated items; the key identifies an item. */
  uniqueBy?: (value: T) => string;
}

function listRule<T>(kind: PositionKind, split: (text: string) => ListItem[], item: ValueRule<T>, options: ListOptions<T>): ValueRule<T[]> {
  return z.string().transform((text, ctx) => {
    const items = split(text);
    const values: T[] = [];
    const seen = new Map<string, number>();
    let failed = false;
    for (const { index, text: itemText } of items) {
      const parsed = item.safeParse(itemText, { reportInput: true });
      if (!parsed.success) {
        failed = true;
        for (const issue of parsed.error.issues) {
          addFailure(ctx, text, {
            rule: issue.message,
            at: { kind, index },
            got: typeof issue.input === 'string' ? issue.input : itemText,
            hideValue: issueHidesValue(issue),
          });
        }
        continue;
      }
      const key = options.uniqueBy?.(parsed.data);
      if (key !== undefined) {
        const first = seen.get(key);
        if (first !== undefined) {
          failed = true;
          addFailure(ctx, text, { rule: `repeats ${kind} ${first}`, at: { kind, index }, got: itemText });
          continue;
        }
        seen.set(key, index);
      }
      values.push(parsed.data);
    }
    if (options.max && items.length > options.max.count) {
      failed = true;
      addFailure(ctx, text, { rule: `must list at most ${options.max.count} ${options.max.noun}, not ${items.length}`, hideValue: true });
    }
    return failed ? z.NEVER : values;
  });
}

export function issueHidesValue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.[HIDE_VALUE] === true;
}

export function lineListRule<T>(item: ValueRule<T>, options: ListOptions<T> = {}): ValueRule<T[]> {
  return listRule('line', splitLines, item, options);
}

export function commaListRule<T>(item: ValueRule<T>, options: ListOptions<T> = {}): ValueRule<T[]> {
  return listRule('item', splitCommaList, item, options);
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface KeyValueOptions {
  key: { pattern: RegExp; rule: string; maxLength: number };
  maxValueLength?: number;
  maxEntries?: number;
}

/**
 * `key=value` lines (split at the first `=`, both sides trimmed). Messages quote the key
 * only: values may be private (environment variables).
 */
export function keyValueLinesRule(options: KeyValueOptions): ValueRule<KeyValue[]> {
  return z.string().transform((text, ctx) => {
    const pairs: KeyValue[] = [];
    const firstLine = new Map<string, number>();
    let failed = false;
    const report = (failure: Failure) => {
      failed = true;
      addFailure(ctx, text, failure);
    };
    const lines = splitLines(text);
    for (const { index, text: line } of lines) {
      const at = { kind: 'line' as const, index };
      const eq = line.indexOf('=');
      if (eq <= 0) {
        report({ rule: 'must be key=value', at, hideValue: true });
        continue;
      }
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key.length > options.key.maxLength || !options.key.pattern.test(key)) {
        report({ rule: `key ${options.key.rule}`, at, got: key });
        continue;
      }
      if (options.maxValueLength !== undefined && value.length > options.maxValueLength) {
        report({ rule: `the value of "${key}" must be at most ${options.maxValueLength} characters`, at, hideValue: true });
        continue;
      }
      const first = firstLine.get(key);
      if (first !== undefined) {
        report({ rule: `duplicate key (also on line ${first})`, at, got: key });
        continue;
      }
      firstLine.set(key, index);
      pairs.push({ key, value });
    }
    if (options.maxEntries !== undefined && lines.length > options.maxEntries) {
      report({ rule: `must have at most ${options.maxEntries} entries, not ${lines.length}`, hideValue: true });
    }
    return failed ? z.NEVER : pairs;
  });
}

export type JsonObject = { [key: string]: unknown };

/**
 * JSON object text, or the path (resolved against `baseDir`) of a file holding one. `check`
 * adds the caller's own rule over the parsed object.
 */
export function jsonObjectOrFileRule(baseDir: string, check: (value: JsonObject) => string | undefined): ValueRule<JsonObject> {
  return rule((raw) => {
    const text = raw.trim();
    let json = text;
    let origin = 'the JSON text';
    if (!text.startsWith('{')) {
      if (text.startsWith('[')) return fail('must be a JSON object ({…}), not an array', { hideValue: true });
      const file = path.resolve(baseDir, text);
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        return fail(`must be JSON object text or the path of an existing file holding one; there is no file ${file}`);
      }
      origin = `the file ${file}`;
      try {
        json = fs.readFileSync(file, 'utf8');
      } catch (error) {
        return fail(`${origin} cannot be read: ${(error as Error).message}`, { hideValue: true });
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      return fail(`${origin} is not valid JSON: ${(error as Error).message}`, { hideValue: true });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(`${origin} must hold a JSON object ({…})`, { hideValue: true });
    }
    const problem = check(value as JsonObject);
    return problem === undefined ? ok(value as JsonObject) : fail(`${origin} ${problem}`, { hideValue: true });
  });
}
