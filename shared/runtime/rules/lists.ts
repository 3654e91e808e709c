/**
 * List rules over one input value: one item a line, comma lists, and key=value lines in input
 * text, or the settings file's YAML list (and mapping, for key=value) element by element; every
 * bad element is reported with its position (its line or item number, or its path in the value).
 */
import * as z from 'zod';
import type { Segment, YamlValue } from '../yamlDocument';
import { addFailure, anyValue, issueHidesValue, type Failure, type PositionKind, type ValueRule } from './core';
import { formatRule, ruleMessage, type RuleText } from './messages';

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
  max?: { count: number; noun: RuleText };
  /** Reject repeated items; the key identifies an item. */
  uniqueBy?: (value: T) => string;
}

/** One element of a list: from input text (with its position) or from a YAML list (with its index). */
interface Element {
  value: YamlValue;
  /** Its number in messages: the line or item number, or the element's place in the YAML list from 1. */
  number: number;
  at?: { kind: PositionKind; index: number };
  index?: number;
}

/** The elements of input text (split) or of a YAML list (each element as it is); undefined for anything else. */
function elementsOf(value: YamlValue, kind: PositionKind, split: (text: string) => ListItem[]): Element[] | undefined {
  if (typeof value === 'string') return split(value).map(({ index, text }) => ({ value: text, number: index, at: { kind, index } }));
  if (Array.isArray(value)) return value.map((element: YamlValue, index) => ({ value: element, number: index + 1, index }));
  return undefined;
}

function listRule<T>(kind: PositionKind, split: (text: string) => ListItem[], item: ValueRule<T>, options: ListOptions<T>): ValueRule<T[]> {
  return anyValue().transform((value, ctx) => {
    const items = elementsOf(value, kind, split);
    if (items === undefined) {
      addFailure(ctx, value, { rule: ruleMessage('StringOrStringList') });
      return z.NEVER;
    }
    // A YAML list's elements are named "item N" whatever the field (its "lines" are its elements).
    const named: PositionKind = typeof value === 'string' ? kind : 'item';
    const values: T[] = [];
    const seen = new Map<string, number>();
    let failed = false;
    for (const element of items) {
      const parsed = item.safeParse(element.value, { reportInput: true });
      const quoted = typeof element.value === 'string' ? element.value : undefined;
      if (!parsed.success) {
        failed = true;
        for (const issue of parsed.error.issues) {
          addFailure(ctx, value, {
            rule: issue.message,
            at: element.at,
            path: element.index === undefined ? undefined : [element.index, ...issue.path.map(toSegment)],
            got: typeof issue.input === 'string' ? issue.input : quoted,
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
          addFailure(ctx, value, {
            rule: ruleMessage(named === 'line' ? 'RepeatsLine' : 'RepeatsItem', first),
            at: element.at,
            path: element.index === undefined ? undefined : [element.index],
            got: quoted,
          });
          continue;
        }
        seen.set(key, element.number);
      }
      values.push(parsed.data);
    }
    if (options.max && items.length > options.max.count) {
      failed = true;
      addFailure(ctx, value, { rule: ruleMessage('ListMax', options.max.count, formatRule(options.max.noun), items.length), hideValue: true });
    }
    return failed ? z.NEVER : values;
  });
}

function toSegment(key: PropertyKey): Segment {
  return typeof key === 'number' ? key : String(key);
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
  key: { pattern: RegExp; rule: RuleText; maxLength: number };
  maxValueLength?: number;
  maxEntries?: number;
}

/** One key=value entry before its checks: from a line, a YAML list's `key=value` string, or a mapping entry. */
interface Entry {
  /** The line, or the element's place in the YAML list, from 1 (for "also on line N"). */
  number: number;
  at?: { kind: 'line'; index: number };
  path?: readonly Segment[];
  /** undefined: not key=value. */
  pair?: KeyValue;
}

/** `key=value` text split at the first `=`, both sides trimmed; undefined without a key. */
function splitPair(line: string): KeyValue | undefined {
  const eq = line.indexOf('=');
  return eq <= 0 ? undefined : { key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() };
}

function entriesOf(value: YamlValue): Entry[] {
  if (typeof value === 'string') return splitLines(value).map(({ index, text }) => ({ number: index, at: { kind: 'line', index }, pair: splitPair(text) }));
  if (Array.isArray(value)) {
    return value.map((element: YamlValue, index) => ({ number: index + 1, path: [index], pair: typeof element === 'string' ? splitPair(element.trim()) : undefined }));
  }
  if (typeof value === 'object' && value !== null) {
    // A mapping entry is taken as it is: the key may hold any character, the value line breaks.
    return Object.entries(value as Readonly<Record<string, YamlValue>>).map(([key, entry], index) => ({
      number: index + 1,
      path: [key],
      pair: typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean' ? { key, value: String(entry) } : undefined,
    }));
  }
  return [{ number: 1, pair: undefined }];
}

/**
 * `key=value` lines (split at the first `=`, both sides trimmed); in the settings file also a
 * mapping (each entry as it is) or a list of `key=value` strings. Messages quote the key
 * only: values may be private (environment variables).
 */
export function keyValueLinesRule(options: KeyValueOptions): ValueRule<KeyValue[]> {
  return anyValue().transform((input, ctx) => {
    const pairs: KeyValue[] = [];
    const firstLine = new Map<string, number>();
    let failed = false;
    const report = (failure: Failure) => {
      failed = true;
      addFailure(ctx, input, failure);
    };
    const lines = entriesOf(input);
    for (const { number: index, at, path, pair } of lines) {
      if (pair === undefined) {
        report({ rule: ruleMessage('KeyValueShape'), at, path, hideValue: true });
        continue;
      }
      const { key, value } = pair;
      if (key.length > options.key.maxLength || !options.key.pattern.test(key)) {
        report({ rule: ruleMessage('KeyRule', formatRule(options.key.rule)), at, path, got: key });
        continue;
      }
      if (options.maxValueLength !== undefined && value.length > options.maxValueLength) {
        report({ rule: ruleMessage('ValueMaxCharacters', key, options.maxValueLength), at, path, hideValue: true });
        continue;
      }
      const first = firstLine.get(key);
      if (first !== undefined) {
        report({ rule: ruleMessage('DuplicateKey', first), at, path, got: key });
        continue;
      }
      firstLine.set(key, index);
      pairs.push({ key, value });
    }
    if (options.maxEntries !== undefined && lines.length > options.maxEntries) {
      report({ rule: ruleMessage('MaxEntries', options.maxEntries, lines.length), hideValue: true });
    }
    return failed ? z.NEVER : pairs;
  });
}
