/**
 * The normalised monitor model both monitor APIs are adapted to: `MonitorSpec` (what we
 * configure), `Monitor` (what GET answers: no write-only fields such as warehouse_id or
 * skip_builtin_dashboard), `Refresh`, and the `MonitorApi` interface the adapters implement
 * (dataQuality.ts: data quality v1; legacy.ts: legacy quality monitors; resolve.ts picks one).
 */
import type { catalog } from '@databricks/sdk-experimental';
import { apiPath } from '../../client/path';

export type MonitorApiKind = 'dataQuality' | 'legacy';
export type MonitorApiPreference = 'auto' | MonitorApiKind;
export type MonitorStatus = 'PENDING' | 'ACTIVE' | 'DELETE_PENDING' | 'ERROR' | 'FAILED' | 'UNKNOWN';
export type RefreshState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED' | 'UNKNOWN';
export type RefreshTrigger = 'MANUAL' | 'SCHEDULE' | 'DATA_CHANGE' | 'UNKNOWN';
export type ProfileSpec =
  | {
      type: 'inferenceLog';
      problemType: 'classification' | 'regression';
      predictionColumn: string;
      labelColumn?: string;
      modelIdColumn: string;
      timestampColumn: string;
      granularities: string[];
      /** v1 `prediction_probability_column`, legacy `prediction_proba_col`. */
      predictionProbabilityColumn?: string;
    }
  | { type: 'timeSeries'; timestampColumn: string; granularities: string[] }
  | { type: 'snapshot' };

export interface CustomMetricSpec {
  name: string;
  type: 'aggregate' | 'derived' | 'drift';
  definition: string;
  inputColumns: string[];
  outputDataType: string;
}

/** What we configure on a monitor. */
export interface MonitorSpec {
  /** catalog.schema.table */
  tableName: string;
  /** catalog.schema */
  outputSchema: string;
  assetsDir?: string;
  profile: ProfileSpec;
  baselineTableName?: string;
  slicingExpressions: string[];
  customMetrics: CustomMetricSpec[];
  schedule?: { quartzCronExpression: string; timezoneId: string };
  notifyEmails: string[];
  /** Write-only: GET does not return it. */
  warehouseId?: string;
  /** Write-only: GET does not return it. */
  skipBuiltinDashboard?: boolean;
}

/** The configurable fields, in the names update masks are built from. */
export type MonitorField = 'outputSchema' | 'assetsDir' | 'profile' | 'baselineTableName' | 'slicingExpressions' | 'customMetrics' | 'schedule' | 'notifyEmails';

/** A monitor as GET answers it, normalized. */
export interface Monitor extends Omit<MonitorSpec, 'warehouseId' | 'skipBuiltinDashboard'> {
  api: MonitorApiKind;
  status: MonitorStatus;
  failureMessage?: string;
  profileMetricsTable?: string;
  driftMetricsTable?: string;
  dashboardId?: string;
  monitorVersion?: number;
  /** v1 only: the schema UUID the metric tables go to. */
  outputSchemaId?: string;
  /**
   * Legacy only: fields the task does not manage that the full-object PUT must carry from the
   * current monitor, or they may be reset (py-sdk `catalog.py` `QualityMonitorsAPI.update`).
   */
  legacyKept?: Pick<catalog.MonitorInfo, 'data_classification_config' | 'dashboard_id'> & { on_new_classification_tag_detected?: catalog.MonitorDestination };
}

export interface Refresh {
  api: MonitorApiKind;
  /** int64 in both APIs; kept as a string. */
  refreshId: string;
  state: RefreshState;
  trigger?: RefreshTrigger;
  startTimeMs?: number;
  endTimeMs?: number;
  message?: string;
}

export interface MonitorApi {
  readonly kind: MonitorApiKind;
  /** undefined when the table has no monitor (a missing table is an error). */
  get(tableName: string): Promise<Monitor | undefined>;
  /**
   * Creates the monitor; after a lost answer it is read back instead of created twice, and
   * `matches` decides whether one found after "already exists" is the one asked for.
   */
  create(spec: MonitorSpec, options?: CreateMonitorOptions): Promise<Monitor>;
  /** Updates the fields named (v1: exactly those in update_mask; legacy: PUT of the full object). */
  update(spec: MonitorSpec, changed: readonly MonitorField[], current: Monitor): Promise<Monitor>;
  delete(tableName: string): Promise<void>;
  runRefresh(tableName: string): Promise<Refresh>;
  getRefresh(tableName: string, refreshId: string): Promise<Refresh>;
  /** Most recent first. */
  listRefreshes(tableName: string): Promise<Refresh[]>;
  cancelRefresh(tableName: string, refreshId: string): Promise<void>;
}

export interface CreateMonitorOptions {
  matches?: (found: Monitor) => boolean;
  onRecovered?: (message: string) => void;
}

/** Metric table names: `{output_schema}.{table short name}_profile_metrics` / `_drift_metrics`. */
export function metricTableNames(tableName: string, outputSchema: string): { profile: string; drift: string } {
  const short = tableName.split('.').pop()!;
  return { profile: `${outputSchema}.${short}_profile_metrics`, drift: `${outputSchema}.${short}_drift_metrics` };
}

/** The dashboard's workspace path (Lakeview). */
export function dashboardPath(dashboardId: string): string {
  return apiPath`/sql/dashboardsv3/${dashboardId}`;
}
