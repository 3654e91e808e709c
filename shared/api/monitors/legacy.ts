/**
 * The legacy quality monitors adapter: `/api/2.1/unity-catalog/tables/{full_name}/monitor`
 * (names, `*_col`, `notifications`, PUT of the full object; deprecated, but the only one where
 * v1 is not enabled).
 *
 * Creates are never duplicated by a retry (see dataQuality.ts); body-less POSTs send `{}` as
 * JSON, as the SDKs do (py-sdk `catalog.py` `run_refresh`).
 */
import type { catalog } from '@databricks/sdk-experimental';
import { createOnce } from '../../client/createOnce';
import type { DatabricksClient } from '../../client/databricksClient';
import { apiPath } from '../../client/path';
import { isMissingMonitor } from './answers';
import { customMetricsFromWire, customMetricsToWire, scheduleFromWire, scheduleToWire } from './wire';
import type { CreateMonitorOptions, Monitor, MonitorApi, MonitorField, MonitorSpec, MonitorStatus, ProfileSpec, Refresh } from './model';

const PROBLEM_LEGACY = { classification: 'PROBLEM_TYPE_CLASSIFICATION', regression: 'PROBLEM_TYPE_REGRESSION' } as const;
const METRIC_TYPE_LEGACY = 'CUSTOM_METRIC_TYPE_';

export class LegacyMonitorApi implements MonitorApi {
  readonly kind = 'legacy' as const;

  constructor(private readonly client: DatabricksClient) {}

  async get(tableName: string): Promise<Monitor | undefined> {
    // A missing table answers TABLE_DOES_NOT_EXIST; a table without monitor a 404 such as
    // "Cannot find Monitor with ID: /metastores:<uuid>/tables:<uuid>/" (databricks-solutions/ai-dev-kit PR #226, unconfirmed): any 404
    // but a missing table, schema or catalog means "no monitor", as Terraform's IsMissing does.
    try {
      return fromLegacy(await this.client.get<catalog.MonitorInfo>(apiPath`/api/2.1/unity-catalog/tables/${tableName}/monitor`));
    } catch (e) {
      if (isMissingMonitor(e)) return undefined;
      throw e;
    }
  }

  async create(spec: MonitorSpec, options: CreateMonitorOptions = {}): Promise<Monitor> {
    const body: Omit<catalog.CreateMonitor, 'table_name'> = {
      ...legacyBody(spec),
      assets_dir: spec.assetsDir ?? '',
      warehouse_id: spec.warehouseId,
      skip_builtin_dashboard: spec.skipBuiltinDashboard,
    };
    return createOnce({
      create: async () =>
        fromLegacy(await this.client.post<catalog.MonitorInfo>(apiPath`/api/2.1/unity-catalog/tables/${spec.tableName}/monitor`, body, { resendAfterLostAnswer: false })),
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
    if (kept.on_new_classification_tag_detected !== undefined)
      body.notifications = { ...body.notifications, on_new_classification_tag_detected: kept.on_new_classification_tag_detected };
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
    custom_metrics: customMetricsToWire(spec.customMetrics, METRIC_TYPE_LEGACY),
    schedule: scheduleToWire(spec.schedule),
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
    customMetrics: customMetricsFromWire(m.custom_metrics, METRIC_TYPE_LEGACY),
    schedule: scheduleFromWire(m.schedule),
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
