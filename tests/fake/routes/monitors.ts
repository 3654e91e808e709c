/**
 * Data profiling monitors through both APIs (reference §3.1, §3.2), over one store: both APIs
 * see the same monitors, as they appear to on a real workspace [unconfirmed].
 *
 * Faithful points:
 * - legacy `/api/2.1/unity-catalog/tables/{full_name}/monitor` (names, `*_col`, `notifications`,
 *   `PROBLEM_TYPE_*`, `MONITOR_STATUS_*`, plain refresh states) and data quality v1
 *   `/api/data-quality/v1/monitors/table/{table_id}` (UUIDs, `output_schema_id`, `*_column`,
 *   `notification_settings`, prefixed enums, PATCH applying exactly the `update_mask` paths);
 * - GET never returns the write-only `warehouse_id` / `skip_builtin_dashboard`; empty lists are
 *   omitted; legacy PUT keeps assets_dir (a different one is refused) and refuses the read-only
 *   `schedule.pause_status` [unconfirmed: the service may ignore it];
 * - status PENDING → ACTIVE after `activationMs` (scaled), or ERROR/FAILED with a failure
 *   message (`failNextCreate`); metric tables `{output_schema}.{table}_profile_metrics` /
 *   `_drift_metrics` created in the SQL engine on creation and refilled by every successful
 *   refresh (seeds/monitoring.ts);
 * - refreshes PENDING → RUNNING → SUCCESS/FAILED with per-table durations, scripted failures,
 *   cancel; a second refresh while one is PENDING/RUNNING → 409 RESOURCE_CONFLICT (or, with
 *   `conflictMode = 'INVALID_STATE'`, 400 INVALID_STATE) [unconfirmed];
 * - `v1Mode` makes the v1 API unavailable: 404 ENDPOINT_NOT_FOUND, 400 FEATURE_DISABLED,
 *   400 FEATURE_NOT_ENABLED or 501 NOT_IMPLEMENTED;
 * - the v1 list `GET /api/data-quality/v1/monitors` answers 501 NOT_IMPLEMENTED: both SDKs mark
 *   it "(Unimplemented)" (reference §3.2), so nothing may depend on it;
 * - the legacy GET of a table without monitor answers 404 "Cannot find Monitor with ID:
 *   /metastores:<uuid>/tables:<uuid>/" (reference §3.1; its error_code is unconfirmed, so it
 *   is `legacyMissingCode`);
 * - `inference_log.prediction_probability_column` (v1) / `prediction_proba_col` (legacy);
 * - the legacy PUT is a full object: `data_classification_config` and
 *   `notifications.on_new_classification_tag_detected` left out of it are reset (the risk the
 *   reference names); `dashboard_id` left out keeps the dashboard [unconfirmed].
 */
import { randomBytes } from 'node:crypto';
import type { catalog } from '@databricks/sdk-experimental';
import type { Reply, RequestContext } from '../http';
import { endpointNotFound, fail, json } from '../http';
import { createMetricTables, writeMetricRows, type ColumnKind, type SeverityContext, type StatsContext } from '../seeds/monitoring';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    monitors: MonitorStore;
  }
}

type Status = 'PENDING' | 'ACTIVE' | 'DELETE_PENDING' | 'ERROR' | 'FAILED';
type RefreshState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED';

interface Profile {
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

interface CustomMetric {
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

const GRANULARITY_ENUM: Record<string, string> = {
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
const GRANULARITY_TEXT = Object.fromEntries(Object.entries(GRANULARITY_ENUM).map(([t, e]) => [e, t]));

export class MonitorStore {
  /** How the v1 API answers: available, or unavailable in one of the ways a workspace says so. */
  v1Mode: 'available' | 'endpointNotFound' | 'featureDisabled' | 'featureNotEnabled' | 'notImplemented' = 'available';
  /** The error_code of the legacy "no monitor" 404 (the reference has the message, not the code). */
  legacyMissingCode = 'RESOURCE_DOES_NOT_EXIST';
  /** Workspace time from creation to ACTIVE (scaled). */
  activationMs = 60_000;
  /**
   * When set, monitors created from now on are PENDING until they have been read (GET) this
   * many times, whatever the time: tests whose point is "the create answer says PENDING, a
   * later read says ACTIVE" then hold on any machine.
   */
  activationReads?: number;
  /** The next created monitor ends in this status with this message instead of ACTIVE. */
  failNextCreate?: { status: 'ERROR' | 'FAILED'; message: string };
  /** Refresh phases (workspace time, scaled); per-table durations override `refreshDurationMs`. */
  refreshPendingMs = 10_000;
  refreshDurationMs = 5 * 60_000;
  readonly refreshDurations = new Map<string, number>();
  /** Tables whose refreshes fail, with the message. */
  readonly refreshFailures = new Map<string, string>();
  /** The answer to a refresh request while one is PENDING/RUNNING. */
  conflictMode: 'RESOURCE_CONFLICT' | 'INVALID_STATE' = 'RESOURCE_CONFLICT';
  /** Drift severity of the metric rows a successful refresh writes, per table. */
  readonly driftSeverity = new Map<string, (c: SeverityContext) => number>();
  /** Column statistics (min, max, num_nulls…) of the rows a successful refresh writes, per table. */
  readonly columnStats = new Map<string, (c: StatsContext) => Partial<Record<string, number>> | undefined>();
  /**
   * The model ids an inference-log refresh writes slices for, per table, for tables that exist in
   * Unity Catalog only; a table (or view) the SQL engine has gets its distinct model id values.
   */
  readonly modelIds = new Map<string, string[]>();
  /** Custom metric values of the rows a successful refresh writes, per table. */
  readonly customMetricValues = new Map<string, (c: StatsContext & { metric: string }) => number>();
  /** Windows a refresh writes: one per successful refresh so far, up to this many. */
  maxWindows = 7;
  /**
   * When true, refreshes started from now on stay RUNNING until `endRefresh()` ends them: tests
   * end a refresh on an event (e.g. "both refreshes were started") instead of after a duration
   * that a loaded machine may overrun.
   */
  holdRefreshes = false;
  private readonly byTable = new Map<string, MonitorRecord>();
  private nextRefreshId = 1;

  constructor(private readonly workspace: FakeWorkspace) {}

  get(tableName: string): MonitorRecord | undefined {
    return this.byTable.get(tableName.toLowerCase());
  }

  byTableId(tableId: string): MonitorRecord | undefined {
    return [...this.byTable.values()].find((m) => m.tableId === tableId);
  }

  all(): MonitorRecord[] {
    return [...this.byTable.values()].sort((a, b) => (a.tableName < b.tableName ? -1 : 1));
  }

  /** A GET of the monitor: counts towards `activationReads`. */
  noteRead(m: MonitorRecord): void {
    if (m.readsUntilActive === undefined) return;
    m.readsUntilActive--;
    if (m.readsUntilActive <= 0) {
      m.readsUntilActive = undefined;
      m.activeAt = Math.min(m.activeAt, Date.now());
    }
  }

  status(m: MonitorRecord): Status {
    if (Date.now() < m.activeAt) return 'PENDING';
    return m.failure?.status ?? 'ACTIVE';
  }

  async create(m: Omit<MonitorRecord, 'dashboardId' | 'monitorVersion' | 'activeAt' | 'refreshes' | 'failure'>): Promise<MonitorRecord> {
    if (this.get(m.tableName)) fail(409, 'RESOURCE_ALREADY_EXISTS', `Monitor for table '${m.tableName}' already exists.`);
    const record: MonitorRecord = {
      ...m,
      dashboardId: randomBytes(16).toString('hex'),
      monitorVersion: 1,
      activeAt: this.activationReads !== undefined ? Infinity : Date.now() + this.workspace.scaled(this.activationMs),
      readsUntilActive: this.activationReads,
      failure: this.failNextCreate,
      refreshes: [],
    };
    this.failNextCreate = undefined;
    this.byTable.set(m.tableName, record);
    await createMetricTables(this.workspace.state.sql, { ...metricTableNames(record), modelIdColumn: record.profile.modelId, customMetrics: record.customMetrics });
    return record;
  }

  delete(tableName: string): void {
    this.byTable.delete(tableName.toLowerCase());
  }

  /** Starts a refresh, or refuses while one is PENDING/RUNNING. */
  startRefresh(m: MonitorRecord): RefreshRecord {
    const active = m.refreshes.find((r) => this.refreshState(r) === 'PENDING' || this.refreshState(r) === 'RUNNING');
    if (active) {
      const message = `A refresh (${active.id}) is already ${this.refreshState(active)} for table '${m.tableName}'.`;
      if (this.conflictMode === 'INVALID_STATE') fail(400, 'INVALID_STATE', message);
      fail(409, 'RESOURCE_CONFLICT', message);
    }
    const now = Date.now();
    const runningAt = now + this.workspace.scaled(this.refreshPendingMs);
    const refresh: RefreshRecord = {
      id: this.nextRefreshId++,
      trigger: 'MANUAL',
      startMs: now,
      runningAt,
      endAt: this.holdRefreshes ? Infinity : runningAt + this.workspace.scaled(this.refreshDurations.get(m.tableName) ?? this.refreshDurationMs),
      failMessage: this.refreshFailures.get(m.tableName),
    };
    m.refreshes.push(refresh);
    this.scheduleMetrics(m, refresh);
    return refresh;
  }

  /** Ends a held (or still running) refresh now: it reads as SUCCESS once its metric rows are written. */
  endRefresh(table: string, refreshId: number): void {
    const m = this.get(table);
    const r = m?.refreshes.find((x) => x.id === refreshId);
    if (!m || !r) throw new Error(`No refresh ${refreshId} on ${table}`);
    const now = Date.now();
    r.runningAt = Math.min(r.runningAt, now);
    r.endAt = Math.min(r.endAt, now);
    this.scheduleMetrics(m, r);
  }

  /**
   * The metric tables are written when the refresh's time is up, off the request path; the
   * refresh reads as SUCCESS only once they are (as the service's tables are by then).
   */
  private scheduleMetrics(m: MonitorRecord, r: RefreshRecord): void {
    if (!Number.isFinite(r.endAt)) return;
    setTimeout(() => void this.writeMetrics(m, r).catch(() => undefined), Math.max(0, r.endAt - Date.now())).unref();
  }

  refreshState(r: RefreshRecord): RefreshState {
    if (r.canceledAt !== undefined) return 'CANCELED';
    const now = Date.now();
    if (now < r.runningAt) return 'PENDING';
    if (now < r.endAt) return 'RUNNING';
    if (r.failMessage) return 'FAILED';
    return r.metricsWritten ? 'SUCCESS' : 'RUNNING';
  }

  /**
   * A refresh's end time as the service would report it: durations run compressed by the
   * workspace's time scale, so the elapsed time is stretched back into task time (a 10-minute
   * refresh reads as 10 minutes in the task's summary even when it lasted 3 s).
   */
  reportedEndMs(r: RefreshRecord): number {
    const end = r.canceledAt ?? r.endAt;
    return Math.round(r.startMs + (end - r.startMs) / this.workspace.timeScale);
  }

  cancelRefresh(r: RefreshRecord): void {
    const state = this.refreshState(r);
    if (state !== 'PENDING' && state !== 'RUNNING') fail(400, 'INVALID_STATE', `Refresh ${r.id} is already ${state}.`);
    r.canceledAt = Date.now();
  }

  /** Waits for the metric rows of refreshes whose time is up (normally already written by the timer). */
  async settle(m: MonitorRecord): Promise<void> {
    for (const r of m.refreshes) if (Date.now() >= r.endAt) await this.writeMetrics(m, r);
  }

  private writeMetrics(m: MonitorRecord, r: RefreshRecord): Promise<void> {
    if (r.metricsWritten || r.canceledAt !== undefined || r.failMessage !== undefined) return Promise.resolve();
    r.writing ??= (async () => {
      const succeeded = m.refreshes.filter((x) => x.metricsWritten).length + 1;
      const models = await this.modelIdsOf(m);
      await writeMetricRows(this.workspace.state.sql, {
        ...metricTableNames(m),
        modelIdColumn: m.profile.modelId,
        models,
        columns: this.profiledColumns(m),
        windows: Math.min(this.maxWindows, succeeded),
        granularity: m.profile.granularities?.[0] === '1 hour' ? '1 hour' : m.profile.granularities?.[0] === '1 week' ? '1 week' : '1 day',
        end: new Date(r.endAt),
        baseline: m.baselineTableName !== undefined,
        slices: [],
        problemType: m.profile.label && m.profile.problemType ? (m.profile.problemType === 'REGRESSION' ? 'regression' : 'classification') : undefined,
        severity: this.driftSeverity.get(m.tableName),
        stats: this.columnStats.get(m.tableName),
        customMetrics: m.customMetrics,
        customValue: this.customMetricValues.get(m.tableName),
        monitorVersion: m.monitorVersion,
      });
      r.metricsWritten = true;
    })();
    return r.writing;
  }

  /**
   * Unity Catalog tables and schemas, for lookups by id (v1 names objects by UUID). The UC store
   * has no such lookup yet (asked of its owner), so its maps are read directly.
   */
  knownTables(): catalog.TableInfo[] {
    return [...ucMaps(this.workspace).tables.values()];
  }

  knownSchemas(): catalog.SchemaInfo[] {
    return [...ucMaps(this.workspace).schemas.values()];
  }

  /**
   * The model id values of an inference-log monitor's table: the service writes one slice per
   * model id besides the all-models '*' rows (reference §3.3, model_id_col). Read from the table
   * when the SQL engine has it, else scripted (`modelIds`), else none.
   */
  private async modelIdsOf(m: MonitorRecord): Promise<string[]> {
    const column = m.profile.modelId;
    if (!column || m.profile.kind !== 'inference_log') return [];
    const scripted = this.modelIds.get(m.tableName);
    if (scripted) return scripted;
    try {
      const r = await this.workspace.state.sql.exec(`SELECT DISTINCT \`${column.replace(/`/g, '``')}\` AS id FROM ${m.tableName} WHERE \`${column.replace(/`/g, '``')}\` IS NOT NULL ORDER BY id`);
      return r.rows.map((row) => row[0]).filter((id): id is string => typeof id === 'string' && id !== '*');
    } catch {
      return []; // a table seeded in Unity Catalog only
    }
  }

  /** The monitored table's columns minus the timestamp and model id (those are not profiled). */
  private profiledColumns(m: MonitorRecord): Array<{ name: string; kind: ColumnKind }> {
    const table = this.workspace.state.uc.getTable(m.tableName);
    const skip = new Set([m.profile.timestamp, m.profile.modelId].filter((c): c is string => c !== undefined));
    return (table?.columns ?? [])
      .filter((c) => !skip.has(c.name!))
      .map((c) => ({ name: c.name!, kind: /^(INT|LONG|SHORT|BYTE|DOUBLE|FLOAT|DECIMAL)$/.test(c.type_name ?? '') ? 'numeric' : 'categorical' }));
  }
}

function ucMaps(ws: FakeWorkspace): { tables: Map<string, catalog.TableInfo>; schemas: Map<string, catalog.SchemaInfo> } {
  return ws.state.uc as unknown as { tables: Map<string, catalog.TableInfo>; schemas: Map<string, catalog.SchemaInfo> };
}

export function metricTableNames(m: Pick<MonitorRecord, 'tableName' | 'outputSchemaName'>): { profile: string; drift: string } {
  const short = m.tableName.split('.').pop()!;
  return { profile: `${m.outputSchemaName}.${short}_profile_metrics`, drift: `${m.outputSchemaName}.${short}_drift_metrics` };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function requireTable(ctx: RequestContext, fullName: string): catalog.TableInfo {
  const parts = fullName.toLowerCase().split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid table name '${fullName}': expected the form <catalog>.<schema>.<table>.`);
  return ctx.workspace.state.uc.getTable(fullName) ?? fail(404, 'TABLE_DOES_NOT_EXIST', `Table '${fullName.toLowerCase()}' does not exist.`);
}

/** Unity Catalog has no lookup by id; the fake scans the tables of the schemas it knows of. */
function tableById(ctx: RequestContext, tableId: string): catalog.TableInfo | undefined {
  const monitored = ctx.workspace.state.monitors.byTableId(tableId);
  if (monitored) return ctx.workspace.state.uc.getTable(monitored.tableName);
  return ctx.workspace.state.monitors.knownTables().find((t) => t.table_id === tableId);
}

function checkColumns(table: catalog.TableInfo, profile: Profile): void {
  const names = new Set((table.columns ?? []).map((c) => c.name));
  for (const [role, column] of Object.entries({ prediction: profile.prediction, label: profile.label, model_id: profile.modelId, timestamp: profile.timestamp, prediction_proba: profile.predictionProba })) {
    if (column !== undefined && !names.has(column)) fail(400, 'INVALID_PARAMETER_VALUE', `The ${role} column '${column}' does not exist in table '${table.full_name}'.`);
  }
  for (const g of profile.granularities ?? []) if (!GRANULARITY_ENUM[g]) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid granularity '${g}'.`);
}

function emptyToUndefined<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

// ---------------------------------------------------------------------------------------------
// Legacy API

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
      ? { inference_log: { problem_type: problem, prediction_col: p.prediction!, prediction_proba_col: p.predictionProba, label_col: p.label, model_id_col: p.modelId!, timestamp_col: p.timestamp!, granularities: p.granularities ?? [] } }
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
        ? { ...(m.emails.length > 0 ? { on_failure: { email_addresses: m.emails } } : {}), ...(m.classificationTagNotify ? { on_new_classification_tag_detected: m.classificationTagNotify } : {}) }
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

async function legacyCreate(ctx: RequestContext) {
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
    outputSchemaName: schema.full_name!,
    outputSchemaId: schema.schema_id!,
    assetsDir: body.assets_dir,
    profile,
    baselineTableName: body.baseline_table_name,
    slicingExprs: body.slicing_exprs ?? [],
    customMetrics: legacyMetrics(body.custom_metrics),
    schedule: body.schedule ? { cron: body.schedule.quartz_cron_expression, timezone: body.schedule.timezone_id } : undefined,
    emails: body.notifications?.on_failure?.email_addresses ?? [],
    dataClassification: body.data_classification_config,
    classificationTagNotify: body.notifications?.on_new_classification_tag_detected,
    warehouseId: body.warehouse_id,
    skipBuiltinDashboard: body.skip_builtin_dashboard,
  });
  return json(200, renderLegacy(store, m));
}

function legacyGet(ctx: RequestContext) {
  const m = legacyMonitor(ctx);
  ctx.workspace.state.monitors.noteRead(m);
  return json(200, renderLegacy(ctx.workspace.state.monitors, m));
}

function legacyUpdate(ctx: RequestContext) {
  const m = legacyMonitor(ctx);
  const body = (ctx.body ?? {}) as LegacyBody;
  const schema = requireSchemaByName(ctx, body.output_schema_name);
  if (body.assets_dir !== undefined && body.assets_dir !== m.assetsDir) fail(400, 'INVALID_PARAMETER_VALUE', 'assets_dir cannot be updated.');
  if (body.schedule?.pause_status !== undefined) fail(400, 'INVALID_PARAMETER_VALUE', 'schedule.pause_status is read-only and cannot be set.');
  const profile = legacyProfile(body);
  checkColumns(requireTable(ctx, m.tableName), profile);
  Object.assign(m, {
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
    monitorVersion: m.monitorVersion + 1,
  });
  return json(200, renderLegacy(ctx.workspace.state.monitors, m));
}

function legacyDelete(ctx: RequestContext) {
  ctx.workspace.state.monitors.delete(legacyMonitor(ctx).tableName);
  return json(200, {});
}

function renderLegacyRefresh(store: MonitorStore, r: RefreshRecord): catalog.MonitorRefreshInfo {
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

function findRefresh(m: MonitorRecord, id: string | undefined): RefreshRecord {
  return m.refreshes.find((r) => String(r.id) === id) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Refresh ${id} does not exist for table '${m.tableName}'.`);
}

async function legacyRefreshes(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = legacyMonitor(ctx);
  await store.settle(m);
  if (ctx.method === 'POST') return json(200, renderLegacyRefresh(store, store.startRefresh(m)));
  const recent = [...m.refreshes].reverse().slice(0, 25);
  return json(200, recent.length > 0 ? { refreshes: recent.map((r) => renderLegacyRefresh(store, r)) } : {});
}

async function legacyRefresh(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = legacyMonitor(ctx);
  await store.settle(m);
  return json(200, renderLegacyRefresh(store, findRefresh(m, ctx.params.id)));
}

function legacyCancel(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  store.cancelRefresh(findRefresh(legacyMonitor(ctx), ctx.params.id));
  return json(200, {});
}

// ---------------------------------------------------------------------------------------------
// Data quality v1

type V1Config = Record<string, unknown> & {
  output_schema_id?: string;
  assets_dir?: string;
  inference_log?: { problem_type?: string; prediction_column?: string; prediction_probability_column?: string; label_column?: string; model_id_column?: string; timestamp_column?: string; granularities?: string[] };
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
    if (l.problem_type !== 'INFERENCE_PROBLEM_TYPE_CLASSIFICATION' && l.problem_type !== 'INFERENCE_PROBLEM_TYPE_REGRESSION') fail(400, 'INVALID_PARAMETER_VALUE', `Invalid problem_type '${l.problem_type}'.`);
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

async function v1Create(ctx: RequestContext) {
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

function v1Get(ctx: RequestContext) {
  const m = v1Monitor(ctx);
  ctx.workspace.state.monitors.noteRead(m);
  return json(200, renderV1(ctx.workspace.state.monitors, m));
}

/** PATCH: only the update_mask paths are applied. */
function v1Update(ctx: RequestContext) {
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

function v1Delete(ctx: RequestContext) {
  ctx.workspace.state.monitors.delete(v1Monitor(ctx).tableName);
  return json(200, {});
}

/** "(Unimplemented)" in both SDKs (py-sdk `dataquality.py` `list_monitor`): never answers a list. */
function v1List(ctx: RequestContext): Reply {
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

async function v1Refreshes(ctx: RequestContext) {
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

async function v1Refresh(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = v1Monitor(ctx);
  await store.settle(m);
  return json(200, renderV1Refresh(store, m, findRefresh(m, ctx.params.rid)));
}

function v1Cancel(ctx: RequestContext) {
  const store = ctx.workspace.state.monitors;
  const m = v1Monitor(ctx);
  const r = findRefresh(m, ctx.params.rid);
  store.cancelRefresh(r);
  return json(200, { refresh: renderV1Refresh(store, m, r) });
}

export const monitorRoutes: RouteModule = {
  name: 'monitors',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('monitors', () => new MonitorStore(workspace));
    const legacy = '/api/2.1/unity-catalog/tables/:table/monitor';
    workspace.route('POST', legacy, legacyCreate);
    workspace.route('GET', legacy, legacyGet);
    workspace.route('PUT', legacy, legacyUpdate);
    workspace.route('DELETE', legacy, legacyDelete);
    workspace.route('POST', `${legacy}/refreshes`, legacyRefreshes);
    workspace.route('GET', `${legacy}/refreshes`, legacyRefreshes);
    workspace.route('GET', `${legacy}/refreshes/:id`, legacyRefresh);
    workspace.route('POST', `${legacy}/refreshes/:id/cancel`, legacyCancel);
    const v1 = '/api/data-quality/v1/monitors';
    workspace.route('POST', v1, v1Create);
    workspace.route('GET', v1, v1List);
    workspace.route('GET', `${v1}/:type/:id`, v1Get);
    workspace.route('PATCH', `${v1}/:type/:id`, v1Update);
    workspace.route('DELETE', `${v1}/:type/:id`, v1Delete);
    workspace.route('POST', `${v1}/:type/:id/refreshes`, v1Refreshes);
    workspace.route('GET', `${v1}/:type/:id/refreshes`, v1Refreshes);
    workspace.route('GET', `${v1}/:type/:id/refreshes/:rid`, v1Refresh);
    workspace.route('POST', `${v1}/:type/:id/refreshes/:rid/cancel`, v1Cancel);
  },
};
