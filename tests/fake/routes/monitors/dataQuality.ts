/** The data quality v1 API: `/api/data-quality/v1/monitors/table/{table_id}`. */
import type { catalog } from '@databricks/sdk-experimental';
import { endpointNotFound, fail, json, type Reply, type RequestContext } from '../../http';
import { renderLegacyRefresh } from './legacy';
import { type CustomMetric, GRANULARITY_ENUM, GRANULARITY_TEXT, metricTableNames, type MonitorRecord, type Profile, type RefreshRecord } from './model';
import type { MonitorStore } from './store';
import { checkColumns, emptyToUndefined, findRefresh, tableById } from './tables';

type V1Config = Record<string, unknown> & {
  output_schema_id?: string;
  assets_dir?: string;
  inference_log?: {
    problem_type?: string;
    prediction_column?: string;
    prediction_probability_column?: string;
    label_column?: string;
    model_id_column?: string;
    timestamp_column?: string;
    granularities?: string[];
  };
  time_series?: { timestamp_column?: string; granularities?: string[] };
  snapshot?: object;
  baseline_table_name?: string;
  slicing_exprs?: string[];
  custom_metrics?: Array<{ name: string; type: string; definition: string; input_columns: string[]; output_data_type: string }>;
  schedule?: { quartz_cron_expression: string; timezone_id: string; pause_status?: string };
  notification_settings?: { on_failure?: { email_addresses?: string[] } };
  warehouse_id?: string;
  skip_builtin_dashboard?: boolean;
};

interface V1Body {
  object_type?: string;
  object_id?: string;
  data_profiling_config?: V1Config;
}

/** Answers every v1 request when the API is unavailable. */
function v1Unavailable(ctx: RequestContext): void {
  const mode = ctx.workspace.state.monitors.v1Mode;
  if (mode === 'endpointNotFound') {
    const reply = endpointNotFound(ctx.method, ctx.path);
    fail(reply.status, reply.errorCode, reply.message);
  }
  if (mode === 'featureDisabled') fail(400, 'FEATURE_DISABLED', 'Data Quality Monitoring is not enabled for this workspace.');
  if (mode === 'featureNotEnabled') fail(400, 'FEATURE_NOT_ENABLED', 'Data Quality Monitoring is not enabled for this workspace.');
  if (mode === 'notImplemented') fail(501, 'NOT_IMPLEMENTED', 'This API is not implemented.');
}

function granularitiesV1(list: string[] | undefined): string[] {
  return (list ?? []).map((g) => GRANULARITY_TEXT[g] ?? fail(400, 'INVALID_PARAMETER_VALUE', `Invalid granularity '${g}'.`));
}

function v1Profile(c: V1Config): Profile {
  const kinds = [c.inference_log, c.time_series, c.snapshot].filter((k) => k !== undefined).length;
  if (kinds !== 1) fail(400, 'INVALID_PARAMETER_VALUE', 'Exactly one of inference_log, time_series and snapshot must be given.');
  if (c.inference_log) {
    const l = c.inference_log;
    if (l.problem_type !== 'INFERENCE_PROBLEM_TYPE_CLASSIFICATION' && l.problem_type !== 'INFERENCE_PROBLEM_TYPE_REGRESSION')
      fail(400, 'INVALID_PARAMETER_VALUE', `Invalid problem_type '${l.problem_type}'.`);
    return {
      kind: 'inference_log',
      problemType: l.problem_type === 'INFERENCE_PROBLEM_TYPE_REGRESSION' ? 'REGRESSION' : 'CLASSIFICATION',
      prediction: l.prediction_column,
      predictionProba: l.prediction_probability_column,
      label: l.label_column,
      modelId: l.model_id_column,
      timestamp: l.timestamp_column,
      granularities: granularitiesV1(l.granularities),
    };
  }
  if (c.time_series) return { kind: 'time_series', timestamp: c.time_series.timestamp_column, granularities: granularitiesV1(c.time_series.granularities) };
  return { kind: 'snapshot' };
}

function v1Metrics(list: V1Config['custom_metrics']): CustomMetric[] {
  return (list ?? []).map((m) => {
    if (!/^DATA_PROFILING_CUSTOM_METRIC_TYPE_(AGGREGATE|DERIVED|DRIFT)$/.test(m.type)) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid custom metric type '${m.type}'.`);
    return { ...m, type: m.type.replace('DATA_PROFILING_CUSTOM_METRIC_TYPE_', '') };
  });
}

function schemaById(ctx: RequestContext, id: string | undefined): catalog.SchemaInfo {
  if (!id) fail(400, 'INVALID_PARAMETER_VALUE', 'data_profiling_config.output_schema_id is required.');
  const schema = ctx.workspace.state.monitors.knownSchemas().find((s) => s.schema_id === id);
  return schema ?? fail(404, 'SCHEMA_DOES_NOT_EXIST', `Schema with id '${id}' does not exist.`);
}

function renderV1(store: MonitorStore, m: MonitorRecord) {
  const names = metricTableNames(m);
  const p = m.profile;
  const status = store.status(m);
  const granularities = (p.granularities ?? []).map((g) => GRANULARITY_ENUM[g]!);
  return {
    object_type: 'table',
    object_id: m.tableId,
    data_profiling_config: {
      output_schema_id: m.outputSchemaId,
      assets_dir: m.assetsDir,
      ...(p.kind === 'inference_log'
        ? {
            inference_log: {
              problem_type: `INFERENCE_PROBLEM_TYPE_${p.problemType}`,
              prediction_column: p.prediction,
              prediction_probability_column: p.predictionProba,
              label_column: p.label,
              model_id_column: p.modelId,
              timestamp_column: p.timestamp,
              granularities,
            },
          }
        : {}),
      ...(p.kind === 'time_series' ? { time_series: { timestamp_column: p.timestamp, granularities } } : {}),
      ...(p.kind === 'snapshot' ? { snapshot: {} } : {}),
      baseline_table_name: m.baselineTableName,
      slicing_exprs: emptyToUndefined(m.slicingExprs),
      custom_metrics: emptyToUndefined(m.customMetrics.map((c) => ({ ...c, type: `DATA_PROFILING_CUSTOM_METRIC_TYPE_${c.type}` }))),
      schedule: m.schedule ? { quartz_cron_expression: m.schedule.cron, timezone_id: m.schedule.timezone, pause_status: 'CRON_SCHEDULE_PAUSE_STATUS_UNPAUSED' } : undefined,
      notification_settings: m.emails.length > 0 ? { on_failure: { email_addresses: m.emails } } : undefined,
      status: `DATA_PROFILING_STATUS_${status}`,
      profile_metrics_table_name: names.profile,
      drift_metrics_table_name: names.drift,
      dashboard_id: m.dashboardId,
      monitored_table_name: m.tableName,
      effective_warehouse_id: m.warehouseId,
      monitor_version: m.monitorVersion,
      latest_monitor_failure_message: status === 'ERROR' || status === 'FAILED' ? m.failure?.message : undefined,
    },
  };
}

function v1Monitor(ctx: RequestContext): MonitorRecord {
  v1Unavailable(ctx);
  if (ctx.params.type !== 'table') fail(400, 'INVALID_PARAMETER_VALUE', `The fake supports object_type 'table' only, got '${ctx.params.type}'.`);
  return ctx.workspace.state.monitors.byTableId(ctx.params.id!) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Monitor for table with id '${ctx.params.id}' does not exist.`);
}

export async function v1Create(ctx: RequestContext) {
  v1Unavailable(ctx);
  const body = (ctx.body ?? {}) as V1Body;
  if (body.object_type !== 'table') fail(400, 'INVALID_PARAMETER_VALUE', `object_type must be 'table' (the fake does not model 'schema').`);
  const table = (body.object_id && tableById(ctx, body.object_id)) || fail(404, 'TABLE_DOES_NOT_EXIST', `Table with id '${body.object_id}' does not exist.`);
  const c = body.data_profiling_config ?? fail(400, 'INVALID_PARAMETER_VALUE', 'data_profiling_config is required.');
  const schema = schemaById(ctx, c.output_schema_id);
  const profile = v1Profile(c);
  checkColumns(table, profile);
  const store = ctx.workspace.state.monitors;
  const m = await store.create({
    tableName: table.full_name!,
    tableId: table.table_id!,
    outputSchemaName: schema.full_name!,
    outputSchemaId: schema.schema_id!,
    assetsDir: c.assets_dir ?? `/Workspace/Users/${ctx.subject}/databricks_lakehouse_monitoring/${table.full_name}`,
    profile,
    baselineTableName: c.baseline_table_name,
    slicingExprs: c.slicing_exprs ?? [],
    customMetrics: v1Metrics(c.custom_metrics),
    schedule: c.schedule ? { cron: c.schedule.quartz_cron_expression, timezone: c.schedule.timezone_id } : undefined,
    emails: c.notification_settings?.on_failure?.email_addresses ?? [],
    warehouseId: c.warehouse_id,
    skipBuiltinDashboard: c.skip_builtin_dashboard,
  });
  return json(200, renderV1(store, m));
}

export function v1Get(ctx: RequestContext) {
  const m = v1Monitor(ctx);
  ctx.workspace.state.monitors.noteRead(m);
  return json(200, renderV1(ctx.workspace.state.monitors, m));
}

/** PATCH: only the update_mask paths are applied. */
export function v1Update(ctx: RequestContext) {
  const m = v1Monitor(ctx);
  const mask = (ctx.query.get('update_mask') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (mask.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', 'update_mask is required.');
  const c = ((ctx.body ?? {}) as V1Body).data_profiling_config ?? {};
  const apply: Record<string, () => void> = {
    'data_profiling_config.output_schema_id': () => {
      const schema = schemaById(ctx, c.output_schema_id);
      m.outputSchemaName = schema.full_name!;
      m.outputSchemaId = schema.schema_id!;
    },
    'data_profiling_config.assets_dir': () => {
      if (c.assets_dir !== m.assetsDir) fail(400, 'INVALID_PARAMETER_VALUE', 'assets_dir cannot be updated.');
    },
    'data_profiling_config.baseline_table_name': () => (m.baselineTableName = c.baseline_table_name),
    'data_profiling_config.slicing_exprs': () => (m.slicingExprs = c.slicing_exprs ?? []),
    'data_profiling_config.custom_metrics': () => (m.customMetrics = v1Metrics(c.custom_metrics)),
    'data_profiling_config.schedule': () => (m.schedule = c.schedule ? { cron: c.schedule.quartz_cron_expression, timezone: c.schedule.timezone_id } : undefined),
    'data_profiling_config.notification_settings': () => (m.emails = c.notification_settings?.on_failure?.email_addresses ?? []),
    'data_profiling_config.warehouse_id': () => (m.warehouseId = c.warehouse_id),
    'data_profiling_config.skip_builtin_dashboard': () => (m.skipBuiltinDashboard = c.skip_builtin_dashboard),
    'data_profiling_config.inference_log': () => {
      if (c.inference_log) m.profile = v1Profile({ inference_log: c.inference_log });
    },
    'data_profiling_config.time_series': () => {
      if (c.time_series) m.profile = v1Profile({ time_series: c.time_series });
    },
    'data_profiling_config.snapshot': () => {
      if (c.snapshot) m.profile = { kind: 'snapshot' };
    },
  };
  for (const path of mask) if (!apply[path]) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid update_mask path '${path}'.`);
  for (const path of mask) apply[path]!();
  checkColumns(ctx.workspace.state.uc.getTable(m.tableName)!, m.profile);
  m.monitorVersion++;
  return json(200, renderV1(ctx.workspace.state.monitors, m));
}

export function v1Delete(ctx: RequestContext) {
  ctx.workspace.state.monitors.delete(v1Monitor(ctx).tableName);
  return json(200, {});
}

/** "(Unimplemented)" in both SDKs (py-sdk `dataquality.py` `list_monitor`): never answers a list. */
export function v1List(ctx: RequestContext): Reply {
  v1Unavailable(ctx);
  return fail(501, 'NOT_IMPLEMENTED', 'ListMonitor is not implemented.');
}

function renderV1Refresh(store: MonitorStore, m: MonitorRecord, r: RefreshRecord) {
  const legacy = renderLegacyRefresh(store, r);
  return {
    object_type: 'table',
    object_id: m.tableId,
    refresh_id: r.id,
    state: `MONITOR_REFRESH_STATE_${legacy.state}`,
    trigger: `MONITOR_REFRESH_TRIGGER_${r.trigger}`,
    start_time_ms: legacy.start_time_ms,
    end_time_ms: legacy.end_time_ms,
    message: legacy.message,
  };
}

export async function v1Refreshes(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = v1Monitor(ctx);
  await store.settle(m);
  if (ctx.method === 'POST') return json(200, renderV1Refresh(store, m, store.startRefresh(m)));
  const size = Math.min(ctx.query.int('page_size') ?? 25, 100) || 25;
  const start = Number(ctx.query.get('page_token') ?? '0') || 0;
  const all = [...m.refreshes].reverse();
  const page = all.slice(start, start + size);
  return json(200, {
    ...(page.length > 0 ? { refreshes: page.map((r) => renderV1Refresh(store, m, r)) } : {}),
    ...(start + size < all.length ? { next_page_token: String(start + size) } : {}),
  });
}

export async function v1Refresh(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = v1Monitor(ctx);
  await store.settle(m);
  return json(200, renderV1Refresh(store, m, findRefresh(m, ctx.params.rid)));
}

export function v1Cancel(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = v1Monitor(ctx);
  const r = findRefresh(m, ctx.params.rid);
  store.cancelRefresh(r);
  return json(200, { refresh: renderV1Refresh(store, m, r) });
}
