/** The legacy quality monitors API: `/api/2.1/unity-catalog/tables/{full_name}/monitor`. */
import type { catalog } from '@databricks/sdk-experimental';
import { fail, json, type RequestContext } from '../../http';
import { type CustomMetric, metricTableNames, type MonitorRecord, type Profile, type RefreshRecord } from './model';
import type { MonitorStore } from './store';
import { checkColumns, emptyToUndefined, findRefresh, requireTable } from './tables';

type LegacyBody = Partial<catalog.CreateMonitor>;

function legacyProfile(body: LegacyBody): Profile {
  const problem = (t: string | undefined) => {
    if (t === undefined) return undefined;
    if (t !== 'PROBLEM_TYPE_CLASSIFICATION' && t !== 'PROBLEM_TYPE_REGRESSION') fail(400, 'INVALID_PARAMETER_VALUE', `Invalid problem_type '${t}'.`);
    return t === 'PROBLEM_TYPE_REGRESSION' ? 'REGRESSION' : 'CLASSIFICATION';
  };
  const kinds = [body.inference_log, body.time_series, body.snapshot].filter((k) => k !== undefined).length;
  if (kinds !== 1) fail(400, 'INVALID_PARAMETER_VALUE', 'Exactly one of inference_log, time_series and snapshot must be given.');
  if (body.inference_log) {
    const l = body.inference_log;
    return {
      kind: 'inference_log',
      problemType: problem(l.problem_type),
      prediction: l.prediction_col,
      predictionProba: l.prediction_proba_col,
      label: l.label_col,
      modelId: l.model_id_col,
      timestamp: l.timestamp_col,
      granularities: l.granularities,
    };
  }
  if (body.time_series) return { kind: 'time_series', timestamp: body.time_series.timestamp_col, granularities: body.time_series.granularities };
  return { kind: 'snapshot' };
}

function legacyMetrics(list: catalog.MonitorMetric[] | undefined): CustomMetric[] {
  return (list ?? []).map((m) => {
    if (!/^CUSTOM_METRIC_TYPE_(AGGREGATE|DERIVED|DRIFT)$/.test(m.type)) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid custom metric type '${m.type}'.`);
    return { name: m.name, type: m.type.replace('CUSTOM_METRIC_TYPE_', ''), definition: m.definition, input_columns: m.input_columns, output_data_type: m.output_data_type };
  });
}

function requireSchemaByName(ctx: RequestContext, name: string | undefined): catalog.SchemaInfo {
  if (!name) fail(400, 'INVALID_PARAMETER_VALUE', 'output_schema_name is required.');
  if (name.split('.').length !== 2) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid output_schema_name '${name}': expected <catalog>.<schema>.`);
  return ctx.workspace.state.uc.getSchema(name) ?? fail(404, 'SCHEMA_DOES_NOT_EXIST', `Schema '${name.toLowerCase()}' does not exist.`);
}

function renderLegacy(store: MonitorStore, m: MonitorRecord): catalog.MonitorInfo {
  const names = metricTableNames(m);
  const p = m.profile;
  const problem = p.problemType === 'REGRESSION' ? 'PROBLEM_TYPE_REGRESSION' : 'PROBLEM_TYPE_CLASSIFICATION';
  return {
    table_name: m.tableName,
    status: `MONITOR_STATUS_${store.status(m)}`,
    assets_dir: m.assetsDir,
    output_schema_name: m.outputSchemaName,
    ...(p.kind === 'inference_log'
      ? {
          inference_log: {
            problem_type: problem,
            prediction_col: p.prediction!,
            prediction_proba_col: p.predictionProba,
            label_col: p.label,
            model_id_col: p.modelId!,
            timestamp_col: p.timestamp!,
            granularities: p.granularities ?? [],
          },
        }
      : {}),
    data_classification_config: m.dataClassification,
    ...(p.kind === 'time_series' ? { time_series: { timestamp_col: p.timestamp!, granularities: p.granularities ?? [] } } : {}),
    ...(p.kind === 'snapshot' ? { snapshot: {} } : {}),
    baseline_table_name: m.baselineTableName,
    slicing_exprs: emptyToUndefined(m.slicingExprs),
    custom_metrics: emptyToUndefined(m.customMetrics.map((c) => ({ ...c, type: `CUSTOM_METRIC_TYPE_${c.type}` as catalog.MonitorMetricType }))),
    schedule: m.schedule ? { quartz_cron_expression: m.schedule.cron, timezone_id: m.schedule.timezone, pause_status: 'UNPAUSED' } : undefined,
    notifications:
      m.emails.length > 0 || m.classificationTagNotify
        ? {
            ...(m.emails.length > 0 ? { on_failure: { email_addresses: m.emails } } : {}),
            ...(m.classificationTagNotify ? { on_new_classification_tag_detected: m.classificationTagNotify } : {}),
          }
        : undefined,
    profile_metrics_table_name: names.profile,
    drift_metrics_table_name: names.drift,
    dashboard_id: m.dashboardId,
    monitor_version: m.monitorVersion,
    latest_monitor_failure_msg: store.status(m) === 'ERROR' || store.status(m) === 'FAILED' ? m.failure?.message : undefined,
  };
}

function legacyMonitor(ctx: RequestContext): MonitorRecord {
  const table = requireTable(ctx, ctx.params.table!);
  const store = ctx.workspace.state.monitors;
  const schema = ctx.workspace.state.uc.getSchema(table.full_name!.split('.').slice(0, 2).join('.'));
  return (
    store.get(table.full_name!) ??
    fail(404, store.legacyMissingCode, `Cannot find Monitor with ID: /metastores:${schema?.metastore_id ?? '00000000-0000-0000-0000-000000000000'}/tables:${table.table_id}/`)
  );
}

export async function legacyCreate(ctx: RequestContext) {
  const table = requireTable(ctx, ctx.params.table!);
  const body = (ctx.body ?? {}) as LegacyBody;
  if (!body.assets_dir) fail(400, 'INVALID_PARAMETER_VALUE', 'assets_dir is required.');
  const schema = requireSchemaByName(ctx, body.output_schema_name);
  const profile = legacyProfile(body);
  checkColumns(table, profile);
  const store = ctx.workspace.state.monitors;
  const m = await store.create({
    tableName: table.full_name!,
    tableId: table.table_id!,
    assetsDir: body.assets_dir,
    ...legacySettings(body, schema, profile),
    warehouseId: body.warehouse_id,
    skipBuiltinDashboard: body.skip_builtin_dashboard,
  });
  return json(200, renderLegacy(store, m));
}

export function legacyGet(ctx: RequestContext) {
  const m = legacyMonitor(ctx);
  ctx.workspace.state.monitors.noteRead(m);
  return json(200, renderLegacy(ctx.workspace.state.monitors, m));
}

export function legacyUpdate(ctx: RequestContext) {
  const m = legacyMonitor(ctx);
  const body = (ctx.body ?? {}) as LegacyBody;
  const schema = requireSchemaByName(ctx, body.output_schema_name);
  if (body.assets_dir !== undefined && body.assets_dir !== m.assetsDir) fail(400, 'INVALID_PARAMETER_VALUE', 'assets_dir cannot be updated.');
  if (body.schedule?.pause_status !== undefined) fail(400, 'INVALID_PARAMETER_VALUE', 'schedule.pause_status is read-only and cannot be set.');
  const profile = legacyProfile(body);
  checkColumns(requireTable(ctx, m.tableName), profile);
  Object.assign(m, {
    ...legacySettings(body, schema, profile),
    monitorVersion: m.monitorVersion + 1,
  });
  return json(200, renderLegacy(ctx.workspace.state.monitors, m));
}

/** The settings a create and an update both take from the body. */
function legacySettings(body: LegacyBody, schema: ReturnType<typeof requireSchemaByName>, profile: ReturnType<typeof legacyProfile>) {
  return {
    outputSchemaName: schema.full_name!,
    outputSchemaId: schema.schema_id!,
    profile,
    baselineTableName: body.baseline_table_name,
    slicingExprs: body.slicing_exprs ?? [],
    customMetrics: legacyMetrics(body.custom_metrics),
    schedule: body.schedule ? { cron: body.schedule.quartz_cron_expression, timezone: body.schedule.timezone_id } : undefined,
    emails: body.notifications?.on_failure?.email_addresses ?? [],
    dataClassification: body.data_classification_config,
    classificationTagNotify: body.notifications?.on_new_classification_tag_detected,
  };
}

export function legacyDelete(ctx: RequestContext) {
  ctx.workspace.state.monitors.delete(legacyMonitor(ctx).tableName);
  return json(200, {});
}

export function renderLegacyRefresh(store: MonitorStore, r: RefreshRecord): catalog.MonitorRefreshInfo {
  const state = store.refreshState(r);
  const ended = state === 'SUCCESS' || state === 'FAILED' || state === 'CANCELED';
  return {
    refresh_id: r.id,
    state,
    trigger: r.trigger,
    start_time_ms: r.startMs,
    end_time_ms: ended ? store.reportedEndMs(r) : undefined,
    message: state === 'FAILED' ? r.failMessage : undefined,
  };
}

export async function legacyRefreshes(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = legacyMonitor(ctx);
  await store.settle(m);
  if (ctx.method === 'POST') return json(200, renderLegacyRefresh(store, store.startRefresh(m)));
  const recent = [...m.refreshes].reverse().slice(0, 25);
  return json(200, recent.length > 0 ? { refreshes: recent.map((r) => renderLegacyRefresh(store, r)) } : {});
}

export async function legacyRefresh(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = legacyMonitor(ctx);
  await store.settle(m);
  return json(200, renderLegacyRefresh(store, findRefresh(m, ctx.params.id)));
}

export function legacyCancel(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  store.cancelRefresh(findRefresh(legacyMonitor(ctx), ctx.params.id));
  return json(200, {});
}
