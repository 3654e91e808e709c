/** Generic input rules: booleans, numbers, choices, free text, e-mail addresses, time zones. */
import { scalar, type ValueRule } from './core';
import { ruleText, type RuleText } from './messages';

export function booleanRule(): ValueRule<boolean> {
  return scalar(
    ruleText('MustBeBoolean'),
    (t) => {
      const lower = t.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : undefined;
    },
    (v) => (typeof v === 'boolean' ? v : undefined),
  );
}

export function integerRule(min: number, max: number, sentence: RuleText = ruleText('IntegerRange', min, max)): ValueRule<number> {
  const inRange = (n: number) => (Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined);
  return scalar(
    sentence,
    (t) => (/^[+-]?\d+$/.test(t) ? inRange(Number(t)) : undefined),
    (v) => (typeof v === 'number' ? inRange(v) : undefined),
  );
}

export function positiveIntegerRule(): ValueRule<number> {
  return integerRule(1, Number.MAX_SAFE_INTEGER, ruleText('PositiveInteger'));
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A finite decimal number (no hex, no Infinity, no empty text). */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function nonNegativeNumberRule(): ValueRule<number> {
  const nonNegative = (n: number | undefined) => (n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined);
  return scalar(
    ruleText('NonNegativeNumber'),
    (t) => nonNegative(parseDecimal(t)),
    (v) => (typeof v === 'number' ? nonNegative(v) : undefined),
  );
}

/** One of fixed values; matched case-insensitively and returned in its canonical spelling. */
export function choiceRule<const V extends string>(values: readonly V[]): ValueRule<V> {
  const byLower = new Map(values.map((v) => [normalizeChoice(v), v]));
  return scalar(ruleText('OneOf', values.join(', ')), (t) => byLower.get(normalizeChoice(t)));
}

function normalizeChoice(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** Free text, trimmed, with an optional length limit. */
export function textRule(maxLength?: number): ValueRule<string> {
  if (maxLength === undefined) return scalar(ruleText('NotEmpty'), (t) => t);
  return scalar(ruleText('MaxCharacters', maxLength), (t) => (t.length <= maxLength ? t : undefined));
}

export function patternRule(pattern: RegExp, sentence: RuleText, maxLength = Infinity): ValueRule<string> {
  return scalar(sentence, (t) => (t.length <= maxLength && pattern.test(t) ? t : undefined));
}

const EMAIL = /^[^\s@,;<>"()]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text);
}

export function emailRule(): ValueRule<string> {
  return scalar(ruleText('EmailAddress'), (t) => (isEmailAddress(t) ? t : undefined));
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
  return scalar(ruleText('TimeZone'), (t) => (/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(t) && isKnownTimeZone(t) ? t : undefined));
}
