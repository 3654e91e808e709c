/**
 * Validates Quartz cron expressions, the schedule syntax of Databricks monitors and alerts,
 * before the service sees them: a typo then fails the pipeline with the field and the reason
 * instead of a 400 from the API after other changes were made.
 *
 * Grammar (Quartz CronExpression):
 *   seconds minutes hours day-of-month month day-of-week [year]
 *   seconds, minutes 0-59; hours 0-23; day-of-month 1-31; month 1-12 or JAN-DEC;
 *   day-of-week 1-7 or SUN-SAT (1 = Sunday); year 1970-2099.
 *   Each field: `*`, or a comma list of `v`, `a-b`, `v/step`, `a-b/step`, or `*` with a
 *   `/step`.
 *   day-of-month alone may also be `?`, `L`, `L-n`, `LW` or `nW`;
 *   day-of-week alone may also be `?`, `L`, `nL` or `n#k`.
 *   Exactly one of day-of-month and day-of-week is `?`.
 * Ranges may wrap (e.g. hours 22-2, FRI-MON), as Quartz 2 allows; the year range may not.
 */
import { fail, ok, rule, type ValueRule } from '../runtime/rules/core';
import { ruleMessage } from '../runtime/rules/messages';

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names for values min, min+1, … (months, days of the week). */
  names?: readonly string[];
  /** Wrap-around ranges (a > b) are allowed. */
  wraps: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59, wraps: true },
  { name: 'minutes', min: 0, max: 59, wraps: true },
  { name: 'hours', min: 0, max: 23, wraps: true },
  { name: 'day-of-month', min: 1, max: 31, wraps: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, wraps: true },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, wraps: true },
  { name: 'year', min: 1970, max: 2099, wraps: false },
];

const DAY_OF_MONTH = 3;
const DAY_OF_WEEK = 5;
const SHAPE = 'seconds minutes hours day-of-month month day-of-week [year]';

/** Returns why the expression is not valid Quartz cron, or undefined when it is. */
export function quartzCronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 5) {
    return ruleMessage('CronFiveFields', SHAPE);
  }
  if (fields.length < 6 || fields.length > 7) return ruleMessage('CronFieldCount', fields.length, SHAPE);
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldProblem(i, fields[i]);
    if (problem) return ruleMessage('CronField', FIELDS[i].name, fields[i], problem);
  }
  const domAny = fields[DAY_OF_MONTH] === '?';
  const dowAny = fields[DAY_OF_WEEK] === '?';
  if (domAny && dowAny) return ruleMessage('CronBothAny');
  if (!domAny && !dowAny) {
    return ruleMessage('CronOneAny');
  }
  return undefined;
}

function fieldProblem(position: number, text: string): string | undefined {
  const spec = FIELDS[position];
  if (text === '?') {
    return position === DAY_OF_MONTH || position === DAY_OF_WEEK ? undefined : ruleMessage('CronQuestionMark');
  }
  if (position === DAY_OF_MONTH) {
    const special = dayOfMonthSpecial(text);
    if (special !== null) return special;
  }
  if (position === DAY_OF_WEEK) {
    const special = dayOfWeekSpecial(spec, text);
    if (special !== null) return special;
  }
  for (const item of text.split(',')) {
    const problem = itemProblem(spec, item);
    if (problem) return problem;
  }
  return undefined;
}

/** null when the text is not one of the day-of-month specials; else the problem or undefined. */
function dayOfMonthSpecial(text: string): string | undefined | null {
  const upper = text.toUpperCase();
  if (upper === 'L' || upper === 'LW') return undefined;
  const lastOffset = /^L-(\d+)$/.exec(upper);
  if (lastOffset) return Number(lastOffset[1]) <= 30 ? undefined : ruleMessage('CronLastOffset');
  const weekday = /^(\d+)W$/.exec(upper);
  if (weekday) return inRange(Number(weekday[1]), 1, 31) ? undefined : ruleMessage('CronWeekday');
  if (/[LW]/.test(upper)) return ruleMessage('CronLwAlone');
  return null;
}

function dayOfWeekSpecial(spec: FieldSpec, text: string): string | undefined | null {
  const upper = text.toUpperCase();
  if (upper === 'L') return undefined;
  const last = /^([A-Z0-9]+)L$/.exec(upper);
  if (last) return valueOf(spec, last[1]) === undefined ? ruleMessage('CronNotDayOfWeek', last[1]) : undefined;
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(upper);
  if (nth) {
    if (valueOf(spec, nth[1]) === undefined) return ruleMessage('CronNotDayOfWeek', nth[1]);
    return inRange(Number(nth[2]), 1, 5) ? undefined : ruleMessage('CronNth');
  }
  if (/[L#]/.test(upper)) return ruleMessage('CronLHashAlone');
  return null;
}

function itemProblem(spec: FieldSpec, item: string): string | undefined {
  if (item === '') return ruleMessage('CronEmptyItem');
  const [range, step, ...extra] = item.split('/');
  if (extra.length > 0) return ruleMessage('CronTwoSlashes', item);
  if (step !== undefined) {
    const stepMax = spec.wraps ? spec.max : spec.max - spec.min;
    if (!/^\d+$/.test(step) || !inRange(Number(step), 1, stepMax)) return ruleMessage('CronIncrement', step, stepMax);
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return ruleMessage('CronNotRange', range);
  const values: number[] = [];
  for (const bound of bounds) {
    const value = valueOf(spec, bound);
    if (value === undefined) return ruleMessage('CronNotAllowed', bound, allowedValues(spec));
    values.push(value);
  }
  if (values.length === 2 && values[0] > values[1] && !spec.wraps) return ruleMessage('CronRangeBackwards', range);
  return undefined;
}

function valueOf(spec: FieldSpec, text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return inRange(n, spec.min, spec.max) ? n : undefined;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  return index < 0 ? undefined : spec.min + index;
}

function allowedValues(spec: FieldSpec): string {
  if (!spec.names) return ruleMessage('CronValueRange', spec.min, spec.max);
  return ruleMessage('CronValueRangeNames', spec.min, spec.max, spec.names[0], spec.names[spec.names.length - 1]);
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** A Quartz cron input; returned with single spaces between fields. */
export function quartzCronRule(): ValueRule<string> {
  return rule((raw) => {
    const expression = raw.trim().replace(/\s+/g, ' ');
    const problem = quartzCronProblem(expression);
    return problem === undefined ? ok(expression) : fail(ruleMessage('CronExpression', problem));
  });
}
