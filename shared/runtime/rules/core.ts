/**
 * Reusable zod schemas over input values. Each `ValueRule<T>` turns a set input into its parsed
 * form or fails with a rule written for the pipeline author ("must be an integer from 1 to 99");
 * `required`, `optional` and `withDefault` make a complete input schema out of it (the input is
 * undefined when not set). A value is the task's input text, or a settings-file value as YAML
 * typed it: a YAML string is read like input text, a number or boolean by the rules of that
 * kind directly (the settings-file schema has already refused a wrong YAML type), and lists
 * and mappings by the list, key=value, JSON and metric rules element by element.
 *
 * This file holds the machinery (Check, rule, scalar, presence); the rules themselves are in
 * generic.ts (numbers, choices, text, e-mail, time zones), databricks.ts (workspace, Unity
 * Catalog, MLflow and serving names), lists.ts (line and comma lists, key=value lines) and
 * files.ts (files to read or write).
 *
 * List rules report every bad element, each with its position. In input text the issue path is
 * `['line', n]` (multi-line inputs, n = line number counting blank lines) or `['item', n]`
 * (comma lists, n = the n-th non-empty item), which Parameters shows as "line 3: …". In a typed
 * value it is the path inside the value (`[2]`, `['FOO']`, `[0, 'emails', 1]`), which
 * Parameters turns into that part's place in the settings file.
 *
 * Rule sentences are localizable (shared/runtime/rules/messages.json, rules/messages.ts), and
 * rules are built when a module loads — `integerRule(1, 99)` in a task's input manifest — which
 * in the packaged task is before the entry calls useTaskStrings, so tl.loc could not answer yet.
 * So a rule built ahead carries its sentence as a RuleText (message key + arguments) and the
 * sentence is formatted when an input breaks it: `scalar` formats its RuleText in the failing
 * check, `required` through zod's error function; a check that fails (`fail`) is already at
 * parse time and passes the sentence formatted (ruleMessage). Issues therefore hold finished
 * text, in the agent's culture, and InputError renders its frame the same way.
 */
import * as z from 'zod';
import type { Segment, YamlValue } from '../yamlDocument';
import { formatRule, ruleMessage, type RuleText } from './messages';

/** A rule over one input value (the input is set): input text, or a typed settings-file value. */
export type ValueRule<T> = z.ZodType<T, YamlValue>;

export type PositionKind = 'line' | 'item';

export interface Failure {
  rule: string;
  /** The position in input text. */
  at?: { kind: PositionKind; index: number };
  /** The part of a typed value (list index, mapping key…) the failure is about. */
  path?: readonly Segment[];
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

export function addFailure(ctx: z.RefinementCtx<YamlValue>, input: YamlValue, failure: Failure): void {
  ctx.addIssue({
    code: 'custom',
    message: failure.rule,
    input: failure.got ?? input,
    path: failure.at ? [failure.at.kind, failure.at.index] : [...(failure.path ?? [])],
    params: failure.hideValue ? { [HIDE_VALUE]: true } : undefined,
  });
}

/** True when the issue says its value must not be quoted. */
export function issueHidesValue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.[HIDE_VALUE] === true;
}

/** Any value, as zod's input of a rule (the rules check what they take themselves). */
export function anyValue() {
  return z.custom<YamlValue>();
}

/**
 * A rule from a check function over the raw input text (or a YAML string); `typed` checks the
 * other settings-file values (numbers, booleans, lists, mappings), else those are refused.
 */
export function rule<T>(check: (text: string) => Check<T>, typed?: (value: Exclude<YamlValue, string>) => Check<T>): ValueRule<T> {
  return anyValue().transform((value, ctx) => {
    const result = typeof value === 'string' ? check(value) : typed ? typed(value) : fail(ruleMessage('MustBeString'));
    if (result.ok) return result.value;
    addFailure(ctx, value, result);
    return z.NEVER;
  });
}

/**
 * A rule over the trimmed text with one rule sentence (formatted when broken); `parse` returns
 * undefined when invalid. `typed` takes a YAML number or boolean directly (without going through
 * text); without it, or when it returns undefined, such a value breaks the rule.
 */
export function scalar<T>(ruleText: RuleText, parse: (text: string) => T | undefined, typed?: (value: number | boolean) => T | undefined): ValueRule<T> {
  return rule(
    (raw) => {
      const value = parse(raw.trim());
      return value === undefined ? fail(formatRule(ruleText)) : ok(value);
    },
    (yamlValue) => {
      const value = typed && (typeof yamlValue === 'number' || typeof yamlValue === 'boolean') ? typed(yamlValue) : undefined;
      return value === undefined ? fail(formatRule(ruleText)) : ok(value);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Presence

export function required<T>(valueRule: ValueRule<T>) {
  return z.custom<YamlValue>((value) => value !== undefined, { error: () => ruleMessage('Required') }).pipe(valueRule);
}

export function optional<T>(valueRule: ValueRule<T>) {
  return valueRule.optional();
}

/** The default is input text and goes through the rule like a given value. */
export function withDefault<T>(valueRule: ValueRule<T>, defaultText: string) {
  return valueRule.prefault(defaultText);
}
