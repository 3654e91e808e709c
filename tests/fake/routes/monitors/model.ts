/** The fake's monitor and refresh records, shared by both APIs, and the granularities the service accepts. */
import type { catalog } from '@databricks/sdk-experimental';

export type Status = 'PENDING' | 'ACTIVE' | 'DELETE_PENDING' | 'ERROR' | 'FAILED';
export type RefreshState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED';

export interface Profile {
  kind: 'inference_log' | 'time_series' | 'snapshot';
  problemType?: 'CLASSIFICATION' | 'REGRESSION';
  prediction?: string;
  predictionProba?: string;
  label?: string;
  modelId?: string;
  timestamp?: string;
  /** Text form, e.g. "1 day". */
  granularities?: string[];
}

export interface CustomMetric {
  name: string;
  /** AGGREGATE | DERIVED | DRIFT */
  type: string;
  definition: string;
  input_columns: string[];
  output_data_type: string;
}

export interface MonitorRecord {
  tableName: string;
  tableId: string;
  outputSchemaName: string;
  outputSchemaId: string;
  assetsDir: string;
  profile: Profile;
  baselineTableName?: string;
  slicingExprs: string[];
  customMetrics: CustomMetric[];
  schedule?: { cron: string; timezone: string };
  emails: string[];
  /** Legacy-only settings this product does not manage; a PUT without them resets them. */
  dataClassification?: catalog.MonitorDataClassificationConfig;
  classificationTagNotify?: catalog.MonitorDestination;
  warehouseId?: string;
  skipBuiltinDashboard?: boolean;
  dashboardId: string;
  monitorVersion: number;
  activeAt: number;
  /** Reads left before the monitor turns ACTIVE (`MonitorStore.activationReads`). */
  readsUntilActive?: number;
  failure?: { status: 'ERROR' | 'FAILED'; message: string };
  refreshes: RefreshRecord[];
}

export interface RefreshRecord {
  id: number;
  trigger: 'MANUAL' | 'SCHEDULE';
  startMs: number;
  runningAt: number;
  endAt: number;
  canceledAt?: number;
  failMessage?: string;
  metricsWritten?: boolean;
  /** The metric-table write, started when the refresh's time is up. */
  writing?: Promise<void>;
}

/**
 * The granularities the service accepts and their v1 enums. Written out here on purpose, not
 * imported from shared/monitoring/granularity.ts: the fake answers as the service does, so a
 * wrong product list fails against it.
 */
export const GRANULARITY_ENUM: Record<string, string> = {
  '5 minutes': 'AGGREGATION_GRANULARITY_5_MINUTES',
  '30 minutes': 'AGGREGATION_GRANULARITY_30_MINUTES',
  '1 hour': 'AGGREGATION_GRANULARITY_1_HOUR',
  '1 day': 'AGGREGATION_GRANULARITY_1_DAY',
  '1 week': 'AGGREGATION_GRANULARITY_1_WEEK',
  '2 weeks': 'AGGREGATION_GRANULARITY_2_WEEKS',
  '3 weeks': 'AGGREGATION_GRANULARITY_3_WEEKS',
  '4 weeks': 'AGGREGATION_GRANULARITY_4_WEEKS',
  '1 month': 'AGGREGATION_GRANULARITY_1_MONTH',
  '1 year': 'AGGREGATION_GRANULARITY_1_YEAR',
};
export const GRANULARITY_TEXT = Object.fromEntries(Object.entries(GRANULARITY_ENUM).map(([t, e]) => [e, t]));

export function metricTableNames(m: Pick<MonitorRecord, 'tableName' | 'outputSchemaName'>): { profile: string; drift: string } {
  const short = m.tableName.split('.').pop()!;
  return { profile: `${m.outputSchemaName}.${short}_profile_metrics`, drift: `${m.outputSchemaName}.${short}_drift_metrics` };
}
