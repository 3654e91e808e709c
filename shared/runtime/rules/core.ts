/**
 * Reusable zod schemas over task input text. Each `ValueRule<T>` turns a non-empty input
 * string into its parsed form or fails with a rule written for the pipeline author ("must be
 * an integer from 1 to 99"); `required`, `optional` and `withDefault` make a complete input
 * schema out of it (the input is undefined when not set).
 *
 * This file holds the machinery (Check, rule, scalar, presence); the rules themselves are in
 * generic.ts (numbers, choices, text, e-mail, time zones), databricks.ts (workspace, Unity
 * Catalog, MLflow and serving names), lists.ts (line and comma lists, key=value lines) and
 * files.ts (files to read or write).
 *
 * List rules report every bad element, each with its position: issue path
 * `['line', n]` (multi-line inputs, n = line number counting blank lines) or `['item', n]`
 * (comma lists, n = the n-th non-empty item). Parameters turns that into "line 3: …" or,
 * for values from a YAML list in the config file, into the path of the element.
 */
import * as z from 'zod';

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

export function addFailure(ctx: z.RefinementCtx<string>, text: string, failure: Failure): void {
  ctx.addIssue({
    code: 'custom',
    message: failure.rule,
    input: failure.got ?? text,
    path: failure.at ? [failure.at.kind, failure.at.index] : [],
    params: failure.hideValue ? { [HIDE_VALUE]: true } : undefined,
  });
}

/** True when the issue says its value must not be quoted. */
export function issueHidesValue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.[HIDE_VALUE] === true;
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
