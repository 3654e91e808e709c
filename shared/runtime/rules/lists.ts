/**
 * List rules over one input text: one item a line, comma lists, and key=value lines; every bad
 * element is reported with its position.
 */
import * as z from 'zod';
import { addFailure, issueHidesValue, type Failure, type PositionKind, type ValueRule } from './core';

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
