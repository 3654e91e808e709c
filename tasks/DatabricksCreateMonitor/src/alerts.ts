/**
 * Drift alerts: each `driftAlerts` rule becomes one Databricks SQL alert (alerts v2) on the
 * monitor's drift metrics table, found again by its display name `[mlops] <table>: <condition>`
 * (alerts have no other natural key). The e-mail addresses are not part of the name, so a
 * change of recipients updates the alert instead of creating another one.
 *
 * The query reads the latest window of the finest granularity, whole table (no slice), all
 * models (`'*'` rows of an inference log), one row per monitored column; the alert aggregates
 * those rows with MAX for `>`/`>=` rules and MIN for `<`/`<=` rules, so it fires when any
 * column crosses the threshold.
 */
import type { AlertField, AlertV2 } from '../../../shared/api/alerts';
import { quoteName } from '../../../shared/api/sql';
import type { ComparisonOp } from '../../../shared/monitoring/choices';
import type { DriftAlertRule } from '../../../shared/monitoring/metricRules';
import { quoteIdentifier } from './unpack/viewSql';

export interface AlertTarget {
  /** The monitored table (part of every display name). */
  tableName: string;
  driftMetricsTable: string;
  warehouseId: string;
  /** BASELINE when the monitor has a baseline table, else CONSECUTIVE. */
  driftType: 'BASELINE' | 'CONSECUTIVE';
  /** The finest granularity of a time series or inference log (none for a snapshot). */
  granularity?: string;
  /** Inference logs only: the rows of all models together carry `'*'` in this column. */
  modelIdColumn?: string;
  /** The monitor's refresh schedule; alerts run one hour after it when it can be shifted. */
  schedule: { quartzCronExpression: string; timezoneId: string };
}

const OPERATORS: Record<ComparisonOp, AlertV2['evaluation']['comparison_operator']> = {
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
};

/** Every alert this task manages for a table starts with this. */
export function alertNamePrefix(tableName: string): string {
  return `[mlops] ${tableName}: `;
}

/** The rule without its recipients, e.g. `population_stability_index >= 0.2`. */
export function ruleCondition(rule: DriftAlertRule): string {
  return rule.text.split(' -> ')[0]!;
}

export function alertDisplayName(tableName: string, rule: DriftAlertRule): string {
  return `${alertNamePrefix(tableName)}${ruleCondition(rule)}`;
}

/** The SELECT the alert runs: one value per monitored column in the latest window. */
export function alertQuery(rule: DriftAlertRule, target: AlertTarget): string {
  const table = quoteName(target.driftMetricsTable);
  const scope = [`drift_type = '${target.driftType}'`, ...(target.granularity ? [`granularity = '${target.granularity}'`] : [])];
  const filters = [...scope, 'slice_key IS NULL', `column_name <> ':table'`, ...(target.modelIdColumn ? [`${quoteIdentifier(target.modelIdColumn)} = '*'`] : [])];
  const metric = rule.column.split('.').map(quoteIdentifier).join('.');
  return [
    `SELECT column_name, ${metric} AS value`,
    `FROM ${table}`,
    `WHERE ${filters.join('\n  AND ')}`,
    `  AND \`window\`.start = (SELECT max(\`window\`.start) FROM ${table} WHERE ${scope.join(' AND ')})`,
  ].join('\n');
}

/** Notification destination ids by the display name a rule gives. */
export type DestinationIds = ReadonlyMap<string, { id: string }>;

/** The alert as created (and compared with an existing one). */
export function alertBody(rule: DriftAlertRule, target: AlertTarget, destinations: DestinationIds = new Map()): AlertV2 {
  const subscriptions = [
    ...rule.emails.map((e) => ({ user_email: e })),
    ...rule.destinations.map((name) => {
      const d = destinations.get(name);
      if (!d) throw new Error(`unreachable: the notification destination "${name}" was not resolved`);
      return { destination_id: d.id };
    }),
  ];
  const above = rule.op === '>' || rule.op === '>=';
  return {
    display_name: alertDisplayName(target.tableName, rule),
    query_text: alertQuery(rule, target),
    warehouse_id: target.warehouseId,
    evaluation: {
      source: { name: 'value', aggregation: above ? 'MAX' : 'MIN', display: rule.field ? `${rule.metric}.${rule.field}` : rule.metric },
      comparison_operator: OPERATORS[rule.op],
      threshold: { value: { double_value: rule.value } },
      // No metric rows yet (before the first refresh) is not drift.
      empty_result_state: 'OK',
      notification: { notify_on_ok: false, retrigger_seconds: 0, subscriptions },
    },
    schedule: { quartz_cron_schedule: alertSchedule(target.schedule.quartzCronExpression), timezone_id: target.schedule.timezoneId, pause_status: 'UNPAUSED' },
  };
}

/**
 * The monitor's cron shifted one hour later when its hour field is a single number and it runs
 * every day, so the alert reads the metrics of the refresh that just ran instead of the one
 * before; any other schedule is used as is.
 */
export function alertSchedule(monitorCron: string): string {
  const fields = monitorCron.trim().split(/\s+/);
  const [, , hour, dayOfMonth, , dayOfWeek] = fields;
  const everyDay = (f: string | undefined) => f === '*' || f === '?';
  if (hour === undefined || !/^\d{1,2}$/.test(hour) || Number(hour) >= 23 || !everyDay(dayOfMonth) || !everyDay(dayOfWeek)) return monitorCron;
  fields[2] = String(Number(hour) + 1);
  return fields.join(' ');
}

/** The top-level fields of `existing` that differ from `wanted` (the update mask). */
export function changedAlertFields(existing: AlertV2, wanted: AlertV2): AlertField[] {
  const changed: AlertField[] = [];
  if (existing.query_text.trim() !== wanted.query_text.trim()) changed.push('query_text');
  if (existing.warehouse_id !== wanted.warehouse_id) changed.push('warehouse_id');
  if (evaluationKey(existing.evaluation) !== evaluationKey(wanted.evaluation)) changed.push('evaluation');
  const schedule = (a: AlertV2) => `${a.schedule?.quartz_cron_schedule.trim()}|${a.schedule?.timezone_id}|${a.schedule?.pause_status ?? 'UNPAUSED'}`;
  if (schedule(existing) !== schedule(wanted)) changed.push('schedule');
  return changed;
}

/** What we set in an evaluation, normalized (output-only fields such as state left out). */
function evaluationKey(e: AlertV2['evaluation']): string {
  const emails = (e.notification?.subscriptions ?? []).map((s) => s.user_email?.toLowerCase() ?? `destination:${s.destination_id}`).sort();
  return JSON.stringify([
    e.source.name,
    e.source.aggregation,
    e.comparison_operator,
    e.threshold?.value?.double_value,
    e.empty_result_state ?? 'UNKNOWN',
    e.notification?.notify_on_ok ?? false,
    e.notification?.retrigger_seconds ?? 0,
    emails,
  ]);
}

/** A short description of an alert for the plan. */
export function describeAlert(a: AlertV2): string {
  const op = Object.entries(OPERATORS).find(([, v]) => v === a.evaluation.comparison_operator)?.[0] ?? a.evaluation.comparison_operator;
  const emails = (a.evaluation.notification?.subscriptions ?? []).map((s) => s.user_email ?? `destination ${s.destination_id}`).join(', ');
  return `${a.evaluation.source.aggregation ?? ''}(${a.evaluation.source.display ?? a.evaluation.source.name}) ${op} ${a.evaluation.threshold?.value?.double_value} → ${emails}; ${a.schedule.quartz_cron_schedule} ${a.schedule.timezone_id}`;
}
