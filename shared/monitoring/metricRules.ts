/**
 * Threshold rules (`<metric>[.<field>] <op> <number>`) and drift-alert rules (the same, then
 * `-> <email>[, <email>…]`) over the metric tables of a data profiling monitor, parsed into
 * typed conditions that say which table and column to read (the metrics: metrics.ts).
 *
 * The monitor's custom metrics are named as they are (thresholds only): a name that is neither a
 * known metric nor close to one is kept as a custom metric, and checked against each monitor's
 * custom metrics once the monitors are read (aggregate and derived ones are in the profile
 * table, drift ones in the drift table).
 */
import { type Check, fail, ok, rule, type ValueRule } from '../runtime/rules/core';
import { isEmailAddress, parseDecimal } from '../runtime/rules/generic';
import { splitCommaList } from '../runtime/rules/lists';
import { ruleMessage } from '../runtime/rules/messages';
import { closestName } from '../runtime/suggest';
import { COMPARISON_OPS, type ComparisonOp } from './choices';
import { METRICS, SHORTHANDS, type MetricCategory, type MetricInfo, type MetricScope, type MetricTable } from './metrics';

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

export function parseMetricCondition(text: string, tables: readonly MetricTable[], allowCustom = false): Check<MetricCondition> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*(.*)$/s.exec(text.trim());
  if (!m) return fail(ruleMessage('MustLookLikeCondition', conditionShape()));
  // Custom metric names keep their case (they are column names of the metric tables).
  const metric = METRICS[m[1].toLowerCase()] ? m[1].toLowerCase() : m[1];
  let info: MetricInfo | undefined = METRICS[metric];
  if (!info && allowCustom && !suggestionFor(metric.toLowerCase(), tables)) info = CUSTOM;
  if (!info || !tables.includes(info.table)) return fail(unknownMetric(metric.toLowerCase(), tables));

  let field: string | undefined = m[2]?.toLowerCase();
  if (info.fields) {
    field ??= info.defaultField;
    if (field === undefined) return fail(ruleMessage('MetricIsStruct', metric, alternatives(info.fields.map((f) => `${metric}.${f}`))));
    if (!info.fields.includes(field)) return fail(ruleMessage('MetricNoSuchField', metric, field, alternatives(info.fields.map((f) => `${metric}.${f}`))));
  } else if (field !== undefined) {
    return fail(ruleMessage('MetricIsNumber', metric, field));
  }

  const rest = /^([<>=!]+)\s*(.*)$/s.exec(m[3]);
  if (!rest) return fail(ruleMessage('NeedsComparison', conditionShape()));
  const op = COMPARISON_OPS.find((o) => o === rest[1]);
  if (!op) return fail(ruleMessage('UnknownOperator', rest[1]));
  const valueText = rest[2].trim();
  const value = parseDecimal(valueText);
  if (value === undefined) return fail(ruleMessage('ThresholdNotNumber', valueText));

  const name = field === undefined ? metric : `${metric}.${field}`;
  return ok({
    metric,
    field,
    table: info.table,
    scope: info.scope,
    category: info.category,
    column: field === undefined ? (info.column ?? metric) : `${info.column ?? metric}.${field}`,
    op,
    value,
    text: `${name} ${op} ${valueText}`,
  });
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
  const recipients = splitCommaList(text.slice(arrow + 2)).map((item) => item.text);
  if (recipients.length === 0) return fail(ruleMessage('NeedsRecipient'));
  const emails: string[] = [];
  const destinations: string[] = [];
  for (const r of recipients) {
    if (DESTINATION_PREFIX.test(r)) {
      const name = r.replace(DESTINATION_PREFIX, '').trim();
      if (name === '') return fail(ruleMessage('NoDestinationName', r));
      if (!destinations.includes(name)) destinations.push(name);
    } else if (isEmailAddress(r)) {
      if (!emails.some((e) => e.toLowerCase() === r.toLowerCase())) emails.push(r);
    } else {
      return fail(ruleMessage('NotARecipient', r));
    }
  }
  const shown = [...emails, ...destinations.map((d) => `destination:${d}`)];
  return ok({ ...condition.value, emails, destinations, text: `${condition.value.text} -> ${shown.join(', ')}` });
}

/** A threshold over the drift table or the profile table. */
export function thresholdRule(): ValueRule<MetricCondition> {
  return rule((text) => parseMetricCondition(text, ['drift', 'profile'], true));
}

/** A drift alert: a drift-table condition and who is notified. */
export function driftAlertRule(): ValueRule<DriftAlertRule> {
  return rule((text) => parseDriftAlert(text));
}
