/**
 * Data profiling (Lakehouse) monitors through ONE interface over both APIs (reference §3):
 *
 * - data quality v1 `/api/data-quality/v1/monitors/table/{table_id}` (object_type `table`,
 *   `output_schema_id`, prefixed enums, `*_column`, `notification_settings`, PATCH with
 *   `update_mask`);
 * - legacy quality monitors `/api/2.1/unity-catalog/tables/{full_name}/monitor` (names,
 *   `*_col`, `notifications`, PUT of the full object; deprecated, but the only one where v1 is
 *   not enabled).
 *
 * Callers work with the normalized `MonitorSpec` (what we configure), `Monitor` (what GET
 * answers: no write-only fields such as warehouse_id or skip_builtin_dashboard) and `Refresh`.
 * `resolveMonitorApi` picks the API: `auto` probes v1 with a per-table read (never the list
 * call, "(Unimplemented)" in both SDKs) and falls back to legacy only when the answer says v1 is
 * unavailable (route not found, feature disabled or not enabled, not implemented).
 *
 * Creates are never duplicated by a retry: they are sent with `resendAfterLostAnswer: false`
 * and read back after a lost answer (shared/client/createOnce.ts). Body-less POSTs (refresh run
 * and cancel) send `{}` as JSON, as the SDKs do (py-sdk `catalog.py` `run_refresh`,
 * `dataquality.py` `cancel_refresh`).
 */
import { collect, paginate } from '../client/paginate';
import type { catalog } from '@databricks/sdk-experimental';
import type * as dataquality from '@databricks/sdk-experimental/dist/apis/dataquality/model';
import type { DatabricksClient } from '../client/databricksClient';
import { createOnce } from '../client/createOnce';
import { DatabricksApiError, isNotFound } from '../client/errors';
import { apiPath } from '../client/path';

export type MonitorApiKind = 'dataQuality' | 'legacy';
export type MonitorApiPreference = 'auto' | MonitorApiKind;
export type MonitorStatus = 'PENDING' | 'ACTIVE' | 'DELETE_PENDING' | 'ERROR' | 'FAILED' | 'UNKNOWN';
export type RefreshState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED' | 'UNKNOWN';
export type RefreshTrigger = 'MANUAL' | 'SCHEDULE' | 'DATA_CHANGE' | 'UNKNOWN';

/** Granularities as the legacy API and our inputs spell them. */
export const GRANULARITY_ENUMS = {
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
} as const;
export type GranularityText = keyof typeof GRANULARITY_ENUMS;

const GRANULARITY_ENUM = /^AGGREGATION_GRANULARITY_(\d+)_([A-Z]+)$/;
const UNIT_MINUTES: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: 1440, week: 10080, month: 43200, year: 525600 };

/** "1 day" from "1 day" or AGGREGATION_GRANULARITY_1_DAY; undefined when not recognised. */
export function granularityText(value: string): string | undefined {
  const e = GRANULARITY_ENUM.exec(value);
  const text = e ? `${e[1]} ${e[2].toLowerCase()}` : value.trim().toLowerCase();
  const m = /^(\d+) (minute|hour|day|week|month|year)s?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return `${n} ${m[2]}${n === 1 ? '' : 's'}`;
}

/**
 * The finest of a monitor's granularities: its windows react first, and evaluationWindows
 * counts in them. Undefined when there is none (snapshot profiles) or none is recognised.
 */
export function finestGranularity(granularities: readonly string[] | undefined): string | undefined {
  let best: { text: string; minutes: number } | undefined;
  for (const g of granularities ?? []) {
    const text = granularityText(g);
    if (!text) continue;
    const [count, unit] = text.split(' ');
    const minutes = Number(count) * UNIT_MINUTES[unit.replace(/s$/, '')];
    if (!best || minutes < best.minutes) best = { text, minutes };
  }
  return best?.text;
}

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

/** error_codes saying a feature or route is not there (reference §3.2 probe, §3.1 "no monitor"). */
const UNAVAILABLE_CODES = new Set(['ENDPOINT_NOT_FOUND', 'FEATURE_DISABLED', 'FEATURE_NOT_ENABLED', 'NOT_IMPLEMENTED']);

/**
 * True when an error says the data quality v1 API is not available in this workspace (the
 * route is missing or switched off, as opposed to a missing monitor).
 */
export function isDataQualityUnavailable(e: unknown): boolean {
  if (!(e instanceof DatabricksApiError)) return false;
  return (
    UNAVAILABLE_CODES.has(e.errorCode) ||
    e.statusCode === 501 ||
    // "… is not enabled for this workspace" and the like (the exact answer is unconfirmed).
    (e.statusCode === 403 && /not (enabled|available)|preview/i.test(e.serviceMessage))
  );
}

/** A 404 that says the monitor (not the route, not the table) does not exist. */
function isMissingMonitor(e: unknown): boolean {
  return e instanceof DatabricksApiError && isNotFound(e) && !isDataQualityUnavailable(e) && !UC_MISSING_CODES.has(e.errorCode);
}

/** A missing table, schema or catalog: not "no monitor" (reference §3.1). */
const UC_MISSING_CODES = new Set(['TABLE_DOES_NOT_EXIST', 'SCHEMA_DOES_NOT_EXIST', 'CATALOG_DOES_NOT_EXIST']);

export interface ResolvedMonitorApi {
  api: MonitorApi;
  /** Why legacy was chosen under `auto`, for the log. */
  fallbackReason?: string;
  /** Under `auto`: which answer decided, for the log (`GET … answered 404 RESOURCE_DOES_NOT_EXIST`). */
  decidedBy?: string;
}

export class MonitorApiProbeError extends Error {
  override readonly name = 'MonitorApiProbeError';
}

/**
 * The API to use: forced, or (auto) v1 unless a per-table read says it is unavailable
 * (reference §3.2 "Safe availability probe"): `GET /api/data-quality/v1/monitors/table/<id>` of
 * the first of `probeTables` that exists answers 200, or 404 about the monitor → v1;
 * ENDPOINT_NOT_FOUND / FEATURE_DISABLED / FEATURE_NOT_ENABLED / NOT_IMPLEMENTED / 501 → legacy;
 * anything else is reported, not guessed from. When no table exists to probe with, v1 is used
 * (both APIs need the table anyway).
 */
export async function resolveMonitorApi(client: DatabricksClient, preference: MonitorApiPreference, probeTables: readonly string[] = []): Promise<ResolvedMonitorApi> {
  if (preference === 'legacy') return { api: new LegacyMonitorApi(client) };
  const v1 = new DataQualityMonitorApi(client);
  if (preference === 'dataQuality') return { api: v1 };
  let probe: { table: string; id: string } | undefined;
  for (const table of probeTables) {
    const id = await v1.findTableId(table);
    if (id) {
      probe = { table, id };
      break;
    }
  }
  if (!probe) return { api: v1, decidedBy: 'no table exists yet to probe with; the data quality API is assumed' };
  const route = apiPath`/api/data-quality/v1/monitors/table/${probe.id}`;
  try {
    await client.get(route);
    return { api: v1, decidedBy: `GET ${route} (${probe.table}) answered 200` };
  } catch (e) {
    if (!(e instanceof DatabricksApiError)) throw e;
    const answer = `GET ${route} (${probe.table}) answered ${e.statusCode} ${e.errorCode}`;
    if (isDataQualityUnavailable(e)) return { api: new LegacyMonitorApi(client), fallbackReason: `the data quality API is not available here (${e.errorCode})`, decidedBy: answer };
    if (isNotFound(e) && /monitor/i.test(e.serviceMessage)) return { api: v1, decidedBy: `${answer} about the monitor` };
    throw new MonitorApiProbeError(`Cannot tell whether the data quality monitor API is available: ${answer}: ${e.serviceMessage}. Set monitorApi to dataQuality or legacy.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Data quality v1

/**
 * `inference_log.prediction_probability_column` ("Column for prediction probabilities", py-sdk
 * `dataquality.py` `InferenceLogConfig`, v0.133.0) is missing from the JS SDK 0.17.0 types.
 */
type SdkV1Config = NonNullable<dataquality.Monitor['data_profiling_config']>;
type V1InferenceLog = NonNullable<SdkV1Config['inference_log']> & { prediction_probability_column?: string };
type V1Config = Omit<SdkV1Config, 'inference_log'> & { inference_log?: V1InferenceLog };
type V1Monitor = Omit<dataquality.Monitor, 'data_profiling_config'> & { data_profiling_config?: V1Config };
type V1Refresh = dataquality.Refresh;

const V1 = '/api/data-quality/v1/monitors';
const PROBLEM_V1 = { classification: 'INFERENCE_PROBLEM_TYPE_CLASSIFICATION', regression: 'INFERENCE_PROBLEM_TYPE_REGRESSION' } as const;
const METRIC_TYPE_V1 = { aggregate: 'DATA_PROFILING_CUSTOM_METRIC_TYPE_AGGREGATE', derived: 'DATA_PROFILING_CUSTOM_METRIC_TYPE_DERIVED', drift: 'DATA_PROFILING_CUSTOM_METRIC_TYPE_DRIFT' } as const;

/** The update_mask path of each field (v1). */
const MASK_V1: Record<Exclude<MonitorField, 'profile'>, string> = {
  outputSchema: 'data_profiling_config.output_schema_id',
  assetsDir: 'data_profiling_config.assets_dir',
  baselineTableName: 'data_profiling_config.baseline_table_name',
  slicingExpressions: 'data_profiling_config.slicing_exprs',
  customMetrics: 'data_profiling_config.custom_metrics',
  schedule: 'data_profiling_config.schedule',
  notifyEmails: 'data_profiling_config.notification_settings',
};
const PROFILE_MASK_V1 = { inferenceLog: 'data_profiling_config.inference_log', timeSeries: 'data_profiling_config.time_series', snapshot: 'data_profiling_config.snapshot' } as const;

export class DataQualityMonitorApi implements MonitorApi {
  readonly kind = 'dataQuality' as const;
  private readonly tableIds = new Map<string, string>();

  constructor(private readonly client: DatabricksClient) {}

  async get(tableName: string): Promise<Monitor | undefined> {
    const id = await this.tableId(tableName);
    try {
      return fromV1(await this.client.get<V1Monitor>(apiPath`/api/data-quality/v1/monitors/table/${id}`), tableName);
    } catch (e) {
      // A missing monitor may come back as RESOURCE_DOES_NOT_EXIST or as a plain NOT_FOUND.
      if (isMissingMonitor(e)) return undefined;
      throw e;
    }
  }

  async create(spec: MonitorSpec, options: CreateMonitorOptions = {}): Promise<Monitor> {
    const body = await this.body(spec);
    return createOnce({
      create: async () => fromV1(await this.client.post<V1Monitor>(V1, body, { resendAfterLostAnswer: false }), spec.tableName),
      find: () => this.get(spec.tableName),
      matches: options.matches ?? (() => true),
      what: `the monitor of ${spec.tableName}`,
      onRecovered: options.onRecovered,
    });
  }

  async update(spec: MonitorSpec, changed: readonly MonitorField[], current: Monitor): Promise<Monitor> {
    const mask = new Set<string>();
    for (const field of changed) {
      if (field !== 'profile') mask.add(MASK_V1[field]);
      else {
        mask.add(PROFILE_MASK_V1[spec.profile.type]);
        if (current.profile.type !== spec.profile.type) mask.add(PROFILE_MASK_V1[current.profile.type]);
      }
    }
    const body = await this.body(spec);
    const id = await this.tableId(spec.tableName);
    const updated = await this.client.patch<V1Monitor>(apiPath`/api/data-quality/v1/monitors/table/${id}`, body, { query: { update_mask: [...mask].join(',') } });
    return fromV1(updated, spec.tableName);
  }

  async delete(tableName: string): Promise<void> {
    await this.client.delete(apiPath`/api/data-quality/v1/monitors/table/${await this.tableId(tableName)}`);
  }

  async runRefresh(tableName: string): Promise<Refresh> {
    const id = await this.tableId(tableName);
    const body: V1Refresh = { object_type: 'table', object_id: id };
    return fromV1Refresh(await this.client.post<V1Refresh>(apiPath`/api/data-quality/v1/monitors/table/${id}/refreshes`, body));
  }

  async getRefresh(tableName: string, refreshId: string): Promise<Refresh> {
    const id = await this.tableId(tableName);
    return fromV1Refresh(await this.client.get<V1Refresh>(apiPath`/api/data-quality/v1/monitors/table/${id}/refreshes/${refreshId}`));
  }

  async listRefreshes(tableName: string): Promise<Refresh[]> {
    const id = await this.tableId(tableName);
    const pages = paginate(
      (token) => this.client.get<dataquality.ListRefreshResponse>(apiPath`/api/data-quality/v1/monitors/table/${id}/refreshes`, { page_token: token }),
      (page) => page.refreshes,
    );
    const out = (await collect(pages)).map(fromV1Refresh);
    return out.sort((a, b) => (b.startTimeMs ?? 0) - (a.startTimeMs ?? 0));
  }

  async cancelRefresh(tableName: string, refreshId: string): Promise<void> {
    const id = await this.tableId(tableName);
    await this.client.post(apiPath`/api/data-quality/v1/monitors/table/${id}/refreshes/${refreshId}/cancel`, {});
  }

  /** The table's UUID, or undefined when the table does not exist. */
  async findTableId(tableName: string): Promise<string | undefined> {
    try {
      return await this.tableId(tableName);
    } catch (e) {
      if (e instanceof DatabricksApiError && UC_MISSING_CODES.has(e.errorCode)) return undefined;
      throw e;
    }
  }

  /** The table's UUID through Unity Catalog (cached: it never changes for a table). */
  private async tableId(tableName: string): Promise<string> {
    let id = this.tableIds.get(tableName);
    if (!id) {
      const table = await this.client.get<catalog.TableInfo>(apiPath`/api/2.1/unity-catalog/tables/${tableName}`);
      id = table.table_id!;
      this.tableIds.set(tableName, id);
    }
    return id;
  }

  private async body(spec: MonitorSpec): Promise<V1Monitor> {
    const schema = await this.client.get<catalog.SchemaInfo>(apiPath`/api/2.1/unity-catalog/schemas/${spec.outputSchema}`);
    const config: V1Config = {
      output_schema_id: schema.schema_id!,
      assets_dir: spec.assetsDir,
      baseline_table_name: spec.baselineTableName,
      slicing_exprs: spec.slicingExpressions,
      custom_metrics: spec.customMetrics.map((m) => ({ name: m.name, type: METRIC_TYPE_V1[m.type], definition: m.definition, input_columns: m.inputColumns, output_data_type: m.outputDataType })),
      schedule: spec.schedule ? { quartz_cron_expression: spec.schedule.quartzCronExpression, timezone_id: spec.schedule.timezoneId } : undefined,
      notification_settings: { on_failure: { email_addresses: spec.notifyEmails } },
      warehouse_id: spec.warehouseId,
      skip_builtin_dashboard: spec.skipBuiltinDashboard,
      ...profileV1(spec.profile),
    };
    return { object_type: 'table', object_id: await this.tableId(spec.tableName), data_profiling_config: config };
  }
}

function profileV1(p: ProfileSpec): Partial<Pick<V1Config, 'inference_log' | 'time_series' | 'snapshot'>> {
  const granularities = (g: string[]) => g.map((x) => GRANULARITY_ENUMS[x as GranularityText]);
  switch (p.type) {
    case 'inferenceLog':
      return {
        inference_log: {
          problem_type: PROBLEM_V1[p.problemType],
          prediction_column: p.predictionColumn,
          label_column: p.labelColumn,
          model_id_column: p.modelIdColumn,
          timestamp_column: p.timestampColumn,
          granularities: granularities(p.granularities),
          prediction_probability_column: p.predictionProbabilityColumn,
        },
      };
    case 'timeSeries':
      return { time_series: { timestamp_column: p.timestampColumn, granularities: granularities(p.granularities) } };
    case 'snapshot':
      return { snapshot: {} };
  }
}

const GRANULARITY_TEXT = Object.fromEntries(Object.entries(GRANULARITY_ENUMS).map(([text, e]) => [e, text])) as Record<string, string>;

function fromV1(m: V1Monitor, tableName: string): Monitor {
  const c = m.data_profiling_config ?? ({ output_schema_id: '' } as V1Config);
  const texts = (g: string[] | undefined) => (g ?? []).map((e) => GRANULARITY_TEXT[e] ?? e);
  let profile: ProfileSpec = { type: 'snapshot' };
  if (c.inference_log) {
    const l = c.inference_log;
    profile = {
      type: 'inferenceLog',
      problemType: l.problem_type === 'INFERENCE_PROBLEM_TYPE_REGRESSION' ? 'regression' : 'classification',
      predictionColumn: l.prediction_column,
      labelColumn: l.label_column,
      modelIdColumn: l.model_id_column,
      timestampColumn: l.timestamp_column,
      granularities: texts(l.granularities),
      ...(l.prediction_probability_column ? { predictionProbabilityColumn: l.prediction_probability_column } : {}),
    };
  } else if (c.time_series) {
    profile = { type: 'timeSeries', timestampColumn: c.time_series.timestamp_column, granularities: texts(c.time_series.granularities) };
  }
  const outputSchema = c.profile_metrics_table_name?.split('.').slice(0, 2).join('.') ?? '';
  return {
    api: 'dataQuality',
    tableName: c.monitored_table_name ?? tableName,
    outputSchema,
    outputSchemaId: c.output_schema_id,
    assetsDir: c.assets_dir,
    profile,
    baselineTableName: c.baseline_table_name,
    slicingExpressions: c.slicing_exprs ?? [],
    customMetrics: (c.custom_metrics ?? []).map((x) => ({
      name: x.name,
      type: x.type === 'DATA_PROFILING_CUSTOM_METRIC_TYPE_DRIFT' ? 'drift' : x.type === 'DATA_PROFILING_CUSTOM_METRIC_TYPE_DERIVED' ? 'derived' : 'aggregate',
      definition: x.definition,
      inputColumns: x.input_columns,
      outputDataType: x.output_data_type,
    })),
    schedule: c.schedule ? { quartzCronExpression: c.schedule.quartz_cron_expression, timezoneId: c.schedule.timezone_id } : undefined,
    notifyEmails: c.notification_settings?.on_failure?.email_addresses ?? [],
    status: (c.status?.replace('DATA_PROFILING_STATUS_', '') as MonitorStatus | undefined) ?? 'UNKNOWN',
    failureMessage: c.latest_monitor_failure_message,
    profileMetricsTable: c.profile_metrics_table_name,
    driftMetricsTable: c.drift_metrics_table_name,
    dashboardId: c.dashboard_id,
    monitorVersion: c.monitor_version,
  };
}

function fromV1Refresh(r: V1Refresh): Refresh {
  return {
    api: 'dataQuality',
    refreshId: String(r.refresh_id ?? ''),
    state: (r.state?.replace('MONITOR_REFRESH_STATE_', '') as RefreshState | undefined) ?? 'UNKNOWN',
    trigger: r.trigger?.replace('MONITOR_REFRESH_TRIGGER_', '') as RefreshTrigger | undefined,
    startTimeMs: r.start_time_ms,
    endTimeMs: r.end_time_ms,
    message: r.message,
  };
}

// ---------------------------------------------------------------------------------------------
// Legacy quality monitors

const PROBLEM_LEGACY = { classification: 'PROBLEM_TYPE_CLASSIFICATION', regression: 'PROBLEM_TYPE_REGRESSION' } as const;
const METRIC_TYPE_LEGACY = { aggregate: 'CUSTOM_METRIC_TYPE_AGGREGATE', derived: 'CUSTOM_METRIC_TYPE_DERIVED', drift: 'CUSTOM_METRIC_TYPE_DRIFT' } as const;

export class LegacyMonitorApi implements MonitorApi {
  readonly kind = 'legacy' as const;

  constructor(private readonly client: DatabricksClient) {}

  async get(tableName: string): Promise<Monitor | undefined> {
    // A missing table answers TABLE_DOES_NOT_EXIST; a table without monitor a 404 such as
    // "Cannot find Monitor with ID: /metastores:<uuid>/tables:<uuid>/" (reference §3.1): any 404
    // but a missing table, schema or catalog means "no monitor", as Terraform's IsMissing does.
    try {
      return fromLegacy(await this.client.get<catalog.MonitorInfo>(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor`));
    } catch (e) {
      if (isMissingMonitor(e)) return undefined;
      throw e;
    }
  }

  async create(spec: MonitorSpec, options: CreateMonitorOptions = {}): Promise<Monitor> {
    const body: Omit<catalog.CreateMonitor, 'table_name'> = { ...legacyBody(spec), assets_dir: spec.assetsDir ?? '', warehouse_id: spec.warehouseId, skip_builtin_dashboard: spec.skipBuiltinDashboard };
    return createOnce({
      create: async () => fromLegacy(await this.client.post<catalog.MonitorInfo>(apiPath`/api/2.1/unity-catalog/tables/${spec.tableName}/monitor`, body, { resendAfterLostAnswer: false })),
      find: () => this.get(spec.tableName),
      matches: options.matches ?? (() => true),
      what: `the monitor of ${spec.tableName}`,
      onRecovered: options.onRecovered,
    });
  }

  /**
   * PUT of the full object: assets_dir cannot change and is not sent; read-only fields are left
   * out; what the task does not manage (dashboard_id, data_classification_config,
   * notifications.on_new_classification_tag_detected) is carried from the current monitor.
   */
  async update(spec: MonitorSpec, _changed: readonly MonitorField[], current: Monitor): Promise<Monitor> {
    const body = legacyBody(spec);
    const kept = current.legacyKept ?? {};
    if (kept.dashboard_id !== undefined) body.dashboard_id = kept.dashboard_id;
    if (kept.data_classification_config !== undefined) body.data_classification_config = kept.data_classification_config;
    if (kept.on_new_classification_tag_detected !== undefined) body.notifications = { ...body.notifications, on_new_classification_tag_detected: kept.on_new_classification_tag_detected };
    return fromLegacy(await this.client.put<catalog.MonitorInfo>(apiPath`/api/2.1/unity-catalog/tables/${spec.tableName}/monitor`, body));
  }

  async delete(tableName: string): Promise<void> {
    await this.client.delete(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor`);
  }

  async runRefresh(tableName: string): Promise<Refresh> {
    return fromLegacyRefresh(await this.client.post<catalog.MonitorRefreshInfo>(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor/refreshes`, {}));
  }

  async getRefresh(tableName: string, refreshId: string): Promise<Refresh> {
    return fromLegacyRefresh(await this.client.get<catalog.MonitorRefreshInfo>(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor/refreshes/${refreshId}`));
  }

  async listRefreshes(tableName: string): Promise<Refresh[]> {
    const r = await this.client.get<catalog.MonitorRefreshListResponse>(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor/refreshes`);
    return (r.refreshes ?? []).map(fromLegacyRefresh).sort((a, b) => (b.startTimeMs ?? 0) - (a.startTimeMs ?? 0));
  }

  async cancelRefresh(tableName: string, refreshId: string): Promise<void> {
    await this.client.post(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor/refreshes/${refreshId}/cancel`, {});
  }
}

/** The request body without the table name (it is in the path). */
type LegacyBody = Omit<catalog.UpdateMonitor, 'table_name'>;

function legacyBody(spec: MonitorSpec): LegacyBody {
  const p = spec.profile;
  return {
    output_schema_name: spec.outputSchema,
    baseline_table_name: spec.baselineTableName,
    slicing_exprs: spec.slicingExpressions,
    custom_metrics: spec.customMetrics.map((m) => ({ name: m.name, type: METRIC_TYPE_LEGACY[m.type], definition: m.definition, input_columns: m.inputColumns, output_data_type: m.outputDataType })),
    schedule: spec.schedule ? { quartz_cron_expression: spec.schedule.quartzCronExpression, timezone_id: spec.schedule.timezoneId } : undefined,
    notifications: { on_failure: { email_addresses: spec.notifyEmails } },
    inference_log:
      p.type === 'inferenceLog'
        ? {
            problem_type: PROBLEM_LEGACY[p.problemType],
            prediction_col: p.predictionColumn,
            label_col: p.labelColumn,
            model_id_col: p.modelIdColumn,
            timestamp_col: p.timestampColumn,
            granularities: p.granularities,
            prediction_proba_col: p.predictionProbabilityColumn,
          }
        : undefined,
    time_series: p.type === 'timeSeries' ? { timestamp_col: p.timestampColumn, granularities: p.granularities } : undefined,
    snapshot: p.type === 'snapshot' ? {} : undefined,
  };
}

function fromLegacy(m: catalog.MonitorInfo): Monitor {
  let profile: ProfileSpec = { type: 'snapshot' };
  if (m.inference_log) {
    const l = m.inference_log;
    profile = {
      type: 'inferenceLog',
      problemType: l.problem_type === 'PROBLEM_TYPE_REGRESSION' ? 'regression' : 'classification',
      predictionColumn: l.prediction_col,
      labelColumn: l.label_col,
      modelIdColumn: l.model_id_col,
      timestampColumn: l.timestamp_col,
      granularities: l.granularities,
      ...(l.prediction_proba_col ? { predictionProbabilityColumn: l.prediction_proba_col } : {}),
    };
  } else if (m.time_series) {
    profile = { type: 'timeSeries', timestampColumn: m.time_series.timestamp_col, granularities: m.time_series.granularities };
  }
  return {
    api: 'legacy',
    tableName: m.table_name,
    outputSchema: m.output_schema_name ?? '',
    assetsDir: m.assets_dir,
    profile,
    baselineTableName: m.baseline_table_name,
    slicingExpressions: m.slicing_exprs ?? [],
    customMetrics: (m.custom_metrics ?? []).map((x) => ({
      name: x.name,
      type: x.type === 'CUSTOM_METRIC_TYPE_DRIFT' ? 'drift' : x.type === 'CUSTOM_METRIC_TYPE_DERIVED' ? 'derived' : 'aggregate',
      definition: x.definition,
      inputColumns: x.input_columns,
      outputDataType: x.output_data_type,
    })),
    schedule: m.schedule ? { quartzCronExpression: m.schedule.quartz_cron_expression, timezoneId: m.schedule.timezone_id } : undefined,
    notifyEmails: m.notifications?.on_failure?.email_addresses ?? [],
    status: (m.status?.replace('MONITOR_STATUS_', '') as MonitorStatus | undefined) ?? 'UNKNOWN',
    failureMessage: m.latest_monitor_failure_msg,
    profileMetricsTable: m.profile_metrics_table_name,
    driftMetricsTable: m.drift_metrics_table_name,
    dashboardId: m.dashboard_id,
    monitorVersion: m.monitor_version === undefined ? undefined : Number(m.monitor_version),
    legacyKept: {
      dashboard_id: m.dashboard_id,
      data_classification_config: m.data_classification_config,
      on_new_classification_tag_detected: m.notifications?.on_new_classification_tag_detected,
    },
  };
}

function fromLegacyRefresh(r: catalog.MonitorRefreshInfo): Refresh {
  return {
    api: 'legacy',
    refreshId: String(r.refresh_id),
    state: r.state ?? 'UNKNOWN',
    trigger: r.trigger === 'UNKNOWN_TRIGGER' ? 'UNKNOWN' : r.trigger,
    startTimeMs: r.start_time_ms,
    endTimeMs: r.end_time_ms,
    message: r.message,
  };
}
