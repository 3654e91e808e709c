/**
 * Threshold rules (`<metric>[.<field>] <op> <number>`) and drift-alert rules (the same, then
 * `-> <email>[, <email>…]`) over the metric tables of a data profiling monitor, parsed into
 * typed conditions that say which table and column to read (the metrics: metrics.ts). The
 * settings file may also give a rule as a mapping `{metric, op, threshold[, emails]}`, read as
 * it is (metricConditionOf, driftAlertOf) rather than turned into rule text.
 *
 * The monitor's custom metrics are named as they are (thresholds only): a name that is neither a
 * known metric nor close to one is kept as a custom metric, and checked against each monitor's
 * custom metrics once the monitors are read (aggregate and derived ones are in the profile
 * table, drift ones in the drift table).
 */
import { type Check, fail, ok, rule, type ValueRule } from '../runtime/rules/core';
import { isEmailAddress, parseDecimal } from '../runtime/rules/generic';
import { splitCommaList } from '../runtime/rules/lists';
import { closestName } from '../runtime/suggest';
import type { Segment, YamlValue } from '../runtime/yamlDocument';
import { COMPARISON_OPS, type ComparisonOp } from './choices';
import { METRICS, SHORTHANDS, type MetricCategory, type MetricInfo, type MetricScope, type MetricTable } from './metrics';
import { ruleMessage } from '../runtime/rules/messages';

export interface MetricCondition {
  metric: string;
  field?: string;
  /** For a custom metric, where it is once the monitor says its type (until then `profile`). */
  table: MetricTable;
  scope: MetricScope;
  category: MetricCategory;
  /** What to select from the table, e.g. `ks_test.pvalue`, `f1_score.macro`. */
  column: string;
  op: ComparisonOp;
  value: number;
  /** The rule in canonical spelling, for messages and reports. */
  text: string;
}

export interface DriftAlertRule extends MetricCondition {
  emails: string[];
  /** Notification destinations by display name (`destination:<name>` recipients). */
  destinations: string[];
}

/** A recipient naming a notification destination: `destination:<display name>`. */
const DESTINATION_PREFIX = /^destination:\s*/i;

/** The shape of a condition, for messages (formatted when a rule fails). */
const conditionShape = () => ruleMessage('ConditionShape');

/** "a or b or c", for messages. */
const alternatives = (items: readonly string[]) => items.reduce((text, item) => ruleMessage('EitherOr', text, item));

/** A custom metric until the monitor says what it is (resolveCustomMetric). */
const CUSTOM: MetricInfo = { table: 'profile', scope: 'column', category: 'custom' };

/** A condition in the settings file's mapping form: `{ metric, op, threshold }`. */
export interface ConditionMapping {
  metric: string;
  op: string;
  threshold: number;
}

/** A drift alert in the settings file's mapping form: `{ metric, op, threshold, emails }`. */
export interface DriftAlertMapping extends ConditionMapping {
  /** A comma list, or a list with one recipient an element. */
  emails: string | readonly string[];
}

interface MetricName {
  metric: string;
  field?: string;
  info: MetricInfo;
}

export function parseMetricCondition(text: string, tables: readonly MetricTable[], allowCustom = false): Check<MetricCondition> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*(.*)$/s.exec(text.trim());
  if (!m) return fail(ruleMessage('MustLookLikeCondition', conditionShape()));
  const name = metricName(m[1], m[2], tables, allowCustom);
  if (!name.ok) return name;

  const rest = /^([<>=!]+)\s*(.*)$/s.exec(m[3]);
  if (!rest) return fail(ruleMessage('NeedsComparison', conditionShape()));
  const op = COMPARISON_OPS.find((o) => o === rest[1]);
  if (!op) return fail(unknownOperator(rest[1]));
  const valueText = rest[2].trim();
  const value = parseDecimal(valueText);
  if (value === undefined) return fail(notANumber(valueText));
  return ok(condition(name.value, op, value, valueText));
}

/**
 * The mapping form of a condition, read as it is (its threshold is the YAML number); a failure
 * names the key it is about (`metric`, `op` or `threshold`).
 */
export function metricConditionOf(mapping: ConditionMapping, tables: readonly MetricTable[], allowCustom = false): Check<MetricCondition> {
  const m = typeof mapping.metric === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/.exec(mapping.metric.trim()) : null;
  if (!m)
    return fail(ruleMessage('MustBeMetricName'), {
      path: ['metric'],
      got: typeof mapping.metric === 'string' ? mapping.metric : undefined,
    });
  const name = metricName(m[1], m[2], tables, allowCustom);
  if (!name.ok) return { ...name, path: ['metric'], got: mapping.metric };
  const op = COMPARISON_OPS.find((o) => o === mapping.op);
  if (!op) return fail(unknownOperator(String(mapping.op)), { path: ['op'], got: String(mapping.op) });
  const value = mapping.threshold;
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(notANumber(String(value)), { path: ['threshold'] });
  return ok(condition(name.value, op, value, String(value)));
}

function metricName(metricText: string, fieldText: string | undefined, tables: readonly MetricTable[], allowCustom: boolean): Check<MetricName> {
  // Custom metric names keep their case (they are column names of the metric tables).
  const metric = METRICS[metricText.toLowerCase()] ? metricText.toLowerCase() : metricText;
  let info: MetricInfo | undefined = METRICS[metric];
  if (!info && allowCustom && !suggestionFor(metric.toLowerCase(), tables)) info = CUSTOM;
  if (!info || !tables.includes(info.table)) return fail(unknownMetric(metric.toLowerCase(), tables));

  let field: string | undefined = fieldText?.toLowerCase();
  if (info.fields) {
    field ??= info.defaultField;
    if (field === undefined) return fail(ruleMessage('MetricIsStruct', metric, alternatives(info.fields.map((f) => `${metric}.${f}`))));
    if (!info.fields.includes(field)) return fail(ruleMessage('MetricNoSuchField', metric, field, alternatives(info.fields.map((f) => `${metric}.${f}`))));
  } else if (field !== undefined) {
    return fail(ruleMessage('MetricIsNumber', metric, field));
  }
  return ok({ metric, field, info });
}

function unknownOperator(op: string): string {
  return ruleMessage('UnknownOperator', op);
}

function notANumber(valueText: string): string {
  return ruleMessage('ThresholdNotNumber', valueText);
}

function condition({ metric, field, info }: MetricName, op: ComparisonOp, value: number, valueText: string): MetricCondition {
  const name = field === undefined ? metric : `${metric}.${field}`;
  return {
    metric,
    field,
    table: info.table,
    scope: info.scope,
    category: info.category,
    column: field === undefined ? (info.column ?? metric) : `${info.column ?? metric}.${field}`,
    op,
    value,
    text: `${name} ${op} ${valueText}`,
  };
}

function unknownMetric(metric: string, tables: readonly MetricTable[]): string {
  const known = Object.keys(METRICS).filter((name) => tables.includes(METRICS[name].table));
  const otherTable: MetricInfo | undefined = METRICS[metric];
  if (otherTable) {
    return ruleMessage('OtherTableMetric', metric, otherTable.table, known.join(', '));
  }
  const suggestion = suggestionFor(metric, tables);
  if (suggestion) return ruleMessage('UnknownMetricDidYouMean', metric, suggestion);
  return ruleMessage('UnknownMetricKnown', metric, known.join(', '));
}

/** The known metric a misspelt name probably means. */
function suggestionFor(metric: string, tables: readonly MetricTable[]): string | undefined {
  const known = Object.keys(METRICS).filter((name) => tables.includes(METRICS[name].table));
  return SHORTHANDS[metric] ?? closestName(metric, known);
}

/** A monitor's custom metric, as the gate needs it. */
export interface CustomMetricInfo {
  name: string;
  type: 'aggregate' | 'derived' | 'drift';
  inputColumns: readonly string[];
}

/**
 * A custom-metric rule made concrete for one monitor: aggregate and derived metrics are profile
 * table columns, drift metrics drift table columns; `[":table"]` inputs give one table-level
 * value per window. Undefined when the monitor has no custom metric of that name.
 */
export function resolveCustomMetric(rule: MetricCondition, customMetrics: readonly CustomMetricInfo[]): MetricCondition | undefined {
  if (rule.category !== 'custom') return rule;
  const found = customMetrics.find((c) => c.name === rule.metric) ?? customMetrics.find((c) => c.name.toLowerCase() === rule.metric.toLowerCase());
  if (!found) return undefined;
  const tableLevel = found.inputColumns.length === 1 && found.inputColumns[0] === ':table';
  return { ...rule, metric: found.name, column: found.name, table: found.type === 'drift' ? 'drift' : 'profile', scope: tableLevel && found.type !== 'drift' ? 'model' : 'column' };
}

/** Why a custom-metric rule matches none of the monitors, with a suggestion. */
export function unknownCustomMetric(rule: MetricCondition, customNames: readonly string[]): string {
  const suggestion = closestName(rule.metric, [...customNames, ...Object.keys(METRICS)]);
  const known = customNames.length ? ruleMessage('MonitorsCustomMetrics', customNames.join(', ')) : ruleMessage('MonitorsNoCustomMetrics');
  return suggestion ? ruleMessage('UnknownCustomMetricDidYouMean', rule.metric, known, suggestion) : ruleMessage('UnknownCustomMetric', rule.metric, known);
}

export function parseDriftAlert(text: string): Check<DriftAlertRule> {
  const arrow = text.indexOf('->');
  if (arrow < 0) return fail(ruleMessage('DriftAlertShape', conditionShape()));
  const condition = parseMetricCondition(text.slice(0, arrow), ['drift']);
  if (!condition.ok) return condition;
  const recipients = splitCommaList(text.slice(arrow + 2)).map((item) => ({ text: item.text }));
  if (recipients.length === 0) return fail(ruleMessage('NeedsRecipient'));
  return withRecipients(condition.value, recipients);
}

/**
 * The mapping form of a drift alert, read as it is: `emails` a comma list, or a list with one
 * recipient an element (so a destination's display name may hold a comma).
 */
export function driftAlertOf(mapping: DriftAlertMapping): Check<DriftAlertRule> {
  const condition = metricConditionOf(mapping, ['drift']);
  if (!condition.ok) return condition;
  const { emails } = mapping;
  const recipients: Recipient[] =
    typeof emails === 'string'
      ? splitCommaList(emails).map((item) => ({ text: item.text, path: ['emails'] }))
      : Array.isArray(emails)
        ? emails.map((email: unknown, index) => ({ text: String(email).trim(), path: ['emails', index] }))
        : [];
  if (recipients.length === 0) return fail(ruleMessage('NeedsRecipientInEmails'), { path: ['emails'] });
  return withRecipients(condition.value, recipients);
}

interface Recipient {
  text: string;
  /** In the mapping form: where the recipient is (`['emails', 1]`). */
  path?: readonly Segment[];
}

function withRecipients(condition: MetricCondition, recipients: readonly Recipient[]): Check<DriftAlertRule> {
  const emails: string[] = [];
  const destinations: string[] = [];
  for (const { text: r, path } of recipients) {
    const at = path && { path, got: r };
    if (DESTINATION_PREFIX.test(r)) {
      const name = r.replace(DESTINATION_PREFIX, '').trim();
      if (name === '') return fail(ruleMessage('NoDestinationName', r), at);
      if (!destinations.includes(name)) destinations.push(name);
    } else if (isEmailAddress(r)) {
      if (!emails.some((e) => e.toLowerCase() === r.toLowerCase())) emails.push(r);
    } else {
      return fail(ruleMessage('NotARecipient', r), at);
    }
  }
  const shown = [...emails, ...destinations.map((d) => `destination:${d}`)];
  return ok({ ...condition, emails, destinations, text: `${condition.text} -> ${shown.join(', ')}` });
}

function isMapping(value: YamlValue): value is { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A threshold over the drift table or the profile table: rule text, or the mapping form. */
export function thresholdRule(): ValueRule<MetricCondition> {
  return rule(
    (text) => parseMetricCondition(text, ['drift', 'profile'], true),
    (value) => (isMapping(value) ? metricConditionOf(value as unknown as ConditionMapping, ['drift', 'profile'], true) : fail(ruleMessage('RuleStringOrConditionMapping'))),
  );
}

/** A drift alert: a drift-table condition and who is notified; rule text, or the mapping form. */
export function driftAlertRule(): ValueRule<DriftAlertRule> {
  return rule(
    (text) => parseDriftAlert(text),
    (value) => (isMapping(value) ? driftAlertOf(value as unknown as DriftAlertMapping) : fail(ruleMessage('RuleStringOrAlertMapping'))),
  );
}
