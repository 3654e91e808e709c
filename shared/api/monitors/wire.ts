/**
 * The parts of a monitor both APIs spell alike: custom metrics (`name`, `type`, `definition`,
 * `input_columns`, `output_data_type`; only the type enum's prefix differs) and the schedule
 * (`quartz_cron_expression`, `timezone_id`).
 */
import type { CustomMetricSpec, MonitorSpec } from './model';

interface WireMetric<T extends string> {
  name: string;
  type: T;
  definition: string;
  input_columns: string[];
  output_data_type: string;
}

interface WireSchedule {
  quartz_cron_expression: string;
  timezone_id: string;
}

/** `prefix` is the API's metric-type enum prefix, e.g. `CUSTOM_METRIC_TYPE_`. */
export function customMetricsToWire<T extends string>(metrics: readonly CustomMetricSpec[], prefix: string): WireMetric<T>[] {
  return metrics.map((m) => ({
    name: m.name,
    type: `${prefix}${m.type.toUpperCase()}` as T,
    definition: m.definition,
    input_columns: m.inputColumns,
    output_data_type: m.outputDataType,
  }));
}

export function customMetricsFromWire(metrics: ReadonlyArray<WireMetric<string>> | undefined, prefix: string): CustomMetricSpec[] {
  return (metrics ?? []).map((x) => ({
    name: x.name,
    type: x.type === `${prefix}DRIFT` ? 'drift' : x.type === `${prefix}DERIVED` ? 'derived' : 'aggregate',
    definition: x.definition,
    inputColumns: x.input_columns,
    outputDataType: x.output_data_type,
  }));
}

export function scheduleToWire(schedule: MonitorSpec['schedule']): WireSchedule | undefined {
  return schedule ? { quartz_cron_expression: schedule.quartzCronExpression, timezone_id: schedule.timezoneId } : undefined;
}

export function scheduleFromWire(schedule: WireSchedule | undefined): MonitorSpec['schedule'] {
  return schedule ? { quartzCronExpression: schedule.quartz_cron_expression, timezoneId: schedule.timezone_id } : undefined;
}
