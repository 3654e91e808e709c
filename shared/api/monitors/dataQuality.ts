/**
 * The data quality v1 adapter: `/api/data-quality/v1/monitors/table/{table_id}` (object_type
 * `table`, `output_schema_id`, prefixed enums, `*_column`, `notification_settings`, PATCH with
 * `update_mask`).
 *
 * Creates are never duplicated by a retry: they are sent with `resendAfterLostAnswer: false`
 * and read back after a lost answer (shared/client/createOnce.ts). Body-less POSTs (refresh run
 * and cancel) send `{}` as JSON, as the SDKs do (py-sdk `dataquality.py` `create_refresh`,
 * `cancel_refresh`).
 */
import type { catalog } from '@databricks/sdk-experimental';
import type * as dataquality from '@databricks/sdk-experimental/dist/apis/dataquality/model';
import { createOnce } from '../../client/createOnce';
import type { DatabricksClient } from '../../client/databricksClient';
import { DatabricksApiError } from '../../client/errors';
import { collect, paginate } from '../../client/paginate';
import { apiPath } from '../../client/path';
import { GRANULARITIES, granularityEnum, type Granularity } from '../../monitoring/granularity';
import { isMissingMonitor, UC_MISSING_CODES } from './answers';
import { customMetricsFromWire, customMetricsToWire, scheduleFromWire, scheduleToWire } from './wire';
import type { CreateMonitorOptions, Monitor, MonitorApi, MonitorField, MonitorSpec, MonitorStatus, ProfileSpec, Refresh, RefreshState, RefreshTrigger } from './model';

/**
 * `inference_log.prediction_probability_column` ("Column for prediction probabilities", py-sdk
 * `dataquality.py` `InferenceLogConfig`, v0.133.0) is missing from the JS SDK 0.17.0 types.
 */
type SdkV1Config = NonNullable<dataquality.Monitor['data_profiling_config']>;
type V1InferenceLog = NonNullable<SdkV1Config['inference_log']> & { prediction_probability_column?: string };
type V1Config = Omit<SdkV1Config, 'inference_log'> & { inference_log?: V1InferenceLog };
type V1Monitor = Omit<dataquality.Monitor, 'data_profiling_config'> & { data_profiling_config?: V1Config };
type V1Refresh = dataquality.Refresh;
type V1Granularity = NonNullable<SdkV1Config['time_series']>['granularities'][number];

const V1 = '/api/data-quality/v1/monitors';
const PROBLEM_V1 = { classification: 'INFERENCE_PROBLEM_TYPE_CLASSIFICATION', regression: 'INFERENCE_PROBLEM_TYPE_REGRESSION' } as const;
const METRIC_TYPE_V1 = 'DATA_PROFILING_CUSTOM_METRIC_TYPE_';

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
const PROFILE_MASK_V1 = {
  inferenceLog: 'data_profiling_config.inference_log',
  timeSeries: 'data_profiling_config.time_series',
  snapshot: 'data_profiling_config.snapshot',
} as const;

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
      custom_metrics: customMetricsToWire(spec.customMetrics, METRIC_TYPE_V1),
      schedule: scheduleToWire(spec.schedule),
      notification_settings: { on_failure: { email_addresses: spec.notifyEmails } },
      warehouse_id: spec.warehouseId,
      skip_builtin_dashboard: spec.skipBuiltinDashboard,
      ...profileV1(spec.profile),
    };
    return { object_type: 'table', object_id: await this.tableId(spec.tableName), data_profiling_config: config };
  }
}

function profileV1(p: ProfileSpec): Partial<Pick<V1Config, 'inference_log' | 'time_series' | 'snapshot'>> {
  const granularities = (g: string[]) => g.map((x) => granularityEnum(x as Granularity) as V1Granularity);
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

const GRANULARITY_TEXT: Readonly<Record<string, string>> = Object.fromEntries(GRANULARITIES.map((text) => [granularityEnum(text), text]));

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
    customMetrics: customMetricsFromWire(c.custom_metrics, METRIC_TYPE_V1),
    schedule: scheduleFromWire(c.schedule),
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
