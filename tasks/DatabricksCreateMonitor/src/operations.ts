/**
 * DatabricksCreateMonitor operations. Reads first (API choice, output schema, endpoint and model
 * signature, the view, the monitor, the alerts), then the plan; plan mode stops there. Writes
 * follow in dependency order, each only when something differs: the unpacking view (the
 * monitor needs its table), the monitor, the wait until ACTIVE (the drift table the alerts
 * query exists from then on), the alerts, and last an optional refresh.
 */
import { createAlert, listAlerts, trashAlert, updateAlert, alertPath, type AlertField, type AlertV2 } from '../../../shared/api/alerts';
import {
  dashboardPath,
  metricTableNames,
  type Monitor,
  type MonitorApi,
  type MonitorApiKind,
  type MonitorApiPreference,
  type MonitorSpec,
} from '../../../shared/api/monitors/model';
import { resolveMonitorApi } from '../../../shared/api/monitors/resolve';
import { executeStatement, runSelect, StatementFailedError } from '../../../shared/api/sql';
import type { catalog } from '@databricks/sdk-experimental';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { CancelledError, DatabricksApiError } from '../../../shared/client/errors';
import { apiPath } from '../../../shared/client/path';
import { poll, PollTimeoutError } from '../../../shared/client/poll';
import { finestGranularity } from '../../../shared/monitoring/granularity';
import type { DriftAlertRule } from '../../../shared/monitoring/metricRules';
import type { ChangeEntry, MonitorReportData } from '../../../shared/runtime/reportTypes';
import type { Outcome, TaskContext, TaskDeps, TaskPhases } from '../../../shared/runtime/task';
import { type ModelFileReadDeps } from '../../../shared/api/modelStorage';
import { resolveDestinations } from '../../../shared/api/notificationDestinations';
import { alertBody, alertNamePrefix, changedAlertFields, describeAlert, type AlertTarget, type DestinationIds } from './alerts';
import type { CreateMonitorParameters } from './parameters';
import { creationFields, diffMonitor, hasChanges, monitorSpec, renderChanges, type MonitorDiff } from './plan';
import { findTable, readPayloadSource, UnpackError, type PayloadSource } from './unpack/source';
import { createViewStatement, REQUEST_FORMATS, SERVED_ENTITIES_PROBE, SERVED_ENTITIES_TABLE, viewColumns, viewQuery, type ModelIdSource, type ViewSpec } from './unpack/viewSql';
import { message } from './messages';

/** What the helpers of this task use of TaskDeps. */
export type MonitorDeps = TaskDeps;

export type MonitorOutputs = {
  profileMetricsTable: string;
  driftMetricsTable: string;
  dashboardUrl?: string;
  monitorApiUsed: MonitorApiKind;
};

export type CreateMonitorResult = Outcome<MonitorReportData> & { outputs: MonitorOutputs };

export interface ViewPlan {
  source: PayloadSource;
  spec: ViewSpec;
  /** Why the model id is the bare served entity id (the system table could not be read); undefined when it is `<model>/<version>`. */
  modelIdFallback?: string;
  existing?: catalog.TableInfo;
  change: ChangeEntry;
}

export interface AlertPlan {
  displayName: string;
  rule?: DriftAlertRule;
  wanted?: AlertV2;
  existing?: AlertV2;
  action: 'create' | 'update' | 'noop' | 'delete';
  fields: AlertField[];
  /** Other alerts with the same display name (left alone). */
  duplicates?: number;
}

/** plan() of a monitor: the view, the monitor and the alerts as they are and as they should be. */
export interface MonitorPlan {
  params: CreateMonitorParameters;
  /** The API chosen (bound to the plan's client: it writes once apply runs). */
  api: MonitorApi;
  /** Which API was used and why, for the summary. */
  apiChoice: string;
  view?: ViewPlan;
  current?: Monitor;
  wanted: MonitorSpec;
  diff?: MonitorDiff;
  names: { profile: string; drift: string };
  alerts: AlertPlan[];
  changes: ChangeEntry[];
  outputs: MonitorOutputs;
  report: MonitorReportData;
  notes: string[];
  planLines: string[];
}

export const createMonitorPhases: TaskPhases<CreateMonitorParameters, MonitorPlan, MonitorReportData> = {
  plan: planMonitor,
  planLines: (plan) => plan.planLines,
  planned: (_deps, plan) => plannedMonitor(plan),
  apply: applyMonitor,
};

/** Reads only: the output schema, the view, which API, the monitor, the alerts; the changes as data. */
export async function planMonitor(deps: MonitorDeps, params: CreateMonitorParameters): Promise<MonitorPlan> {
  const { client, ctx } = deps;
  const table = params.tableName;
  const notes: string[] = [];

  // Reads: where the metric tables go, the view, which API, the monitor, the alerts.
  await requireSchema(client, params.outputSchema);
  const view = params.unpackFromEndpoint ? await planView(client, params, params.unpackFromEndpoint, modelFiles(deps), () => modelIdRoute(deps, params.warehouseId!)) : undefined;
  // The API is probed with a per-table read: the monitored table, else (a view not created
  // yet) the payload table it unpacks, else the baseline table.
  const probeTables = [table, ...(view ? [view.source.payloadTable] : []), ...(params.baselineTableName ? [params.baselineTableName] : [])];
  const { api, fallbackReason, decidedBy } = await resolveMonitorApi(client, params.monitorApi, probeTables);
  const apiChoice = describeApiChoice(params.monitorApi, api.kind, fallbackReason);
  ctx.log.info(decidedBy ? message('MonitorApiDecided', apiChoice, decidedBy) : message('MonitorApi', apiChoice));
  if (params.profile.type === 'inferenceLog' && params.profile.predictionProbabilityColumn && api.kind === 'legacy') {
    notes.push(message('LegacyProbabilityColumn'));
  }

  if (view) {
    ctx.log.info(
      message('Unpacking', view.source.payloadTable, view.source.servedEntity.model, view.source.servedEntity.version, view.spec.features.length, view.spec.predictionType),
    );
    if (view.modelIdFallback) {
      const warning = message('ModelIdFallback', view.spec.modelIdColumn, SERVED_ENTITIES_TABLE, view.modelIdFallback, SERVED_ENTITIES_TABLE);
      ctx.log.warning(warning);
      notes.push(warning);
    } else {
      ctx.log.info(message('ModelIdFromServedEntities', SERVED_ENTITIES_TABLE, view.source.servedEntity.model, view.source.servedEntity.version));
    }
    if (view.source.otherEntities.length) notes.push(message('OtherServedEntities', view.source.servedEntity.name, view.source.otherEntities.join(', ')));
  }
  const tableExists = view ? view.existing !== undefined : (await findTable(client, table)) !== undefined;
  if (!tableExists && !view) throw new Error(message('TableMissing', table));
  const current = tableExists ? await api.get(table) : undefined;
  const wanted = monitorSpec(params);
  const diff = current ? diffMonitor(current, wanted) : undefined;
  const names = metricTableNames(table, params.outputSchema);

  const target: AlertTarget | undefined = params.warehouseId
    ? {
        tableName: table,
        driftMetricsTable: names.drift,
        warehouseId: params.warehouseId,
        driftType: params.baselineTableName ? 'BASELINE' : 'CONSECUTIVE',
        granularity: params.profile.type === 'snapshot' ? undefined : finestGranularity(params.profile.granularities),
        modelIdColumn: params.profile.type === 'inferenceLog' ? params.profile.modelIdColumn : undefined,
        schedule: params.schedule,
      }
    : undefined;
  // Destinations are resolved by name before anything is written: an unknown name fails here.
  const destinationNames = params.driftAlerts.flatMap((r) => r.destinations);
  const destinations = await resolveDestinations(client, destinationNames, 'driftAlerts');
  if (destinations.size)
    ctx.log.info(
      message('NotificationDestinations', [...destinations.entries()].map(([name, d]) => `${name} (${d.destination_type ?? message('UnknownType')}, ${d.id})`).join(', ')),
    );
  const alerts = target && params.driftAlerts.length ? await planAlerts(client, params.driftAlerts, target, destinations) : [];
  for (const a of alerts.filter((x) => x.rule && x.duplicates)) ctx.log.warning(message('DuplicateAlerts', a.duplicates!, a.displayName));

  const changes: ChangeEntry[] = [...(view ? [view.change] : []), monitorChange(table, api.kind, current, wanted, diff), ...alerts.map(alertChange)];
  const outputs: MonitorOutputs = {
    profileMetricsTable: current?.profileMetricsTable ?? names.profile,
    driftMetricsTable: current?.driftMetricsTable ?? names.drift,
    dashboardUrl: current?.dashboardId ? client.link(dashboardPath(current.dashboardId)) : undefined,
    monitorApiUsed: api.kind,
  };
  const report: MonitorReportData = {
    tableName: table,
    monitorApi: api.kind,
    action: !current ? 'create' : diff?.changed.length ? 'update' : 'noop',
    status: current?.status,
    profileMetricsTable: outputs.profileMetricsTable,
    driftMetricsTable: outputs.driftMetricsTable,
    dashboardUrl: outputs.dashboardUrl,
    unpackView: view ? { name: table, sourceTable: view.source.payloadTable, requestFormats: [...REQUEST_FORMATS], features: view.spec.features.map((f) => f.name) } : undefined,
    alerts: alerts
      .filter((a) => a.action !== 'delete')
      .map((a) => ({
        displayName: a.displayName,
        action: a.action as 'create' | 'update' | 'noop',
        rule: a.rule!.text,
        id: a.existing?.id,
        url: a.existing?.id ? client.link(alertPath(a.existing.id)) : undefined,
      })),
    changes,
  };
  return { params, api, apiChoice, view, current, wanted, diff, names, alerts, changes, outputs, report, notes, planLines: renderChanges(changes) };
}

function finish(plan: MonitorPlan, result: CreateMonitorResult['result'], message: string): CreateMonitorResult {
  return { result, message, outputs: plan.outputs, report: plan.report, planLines: plan.planLines, notes: plan.notes };
}

/** dryRun: the count of changes, or the fields the service cannot change. */
export function plannedMonitor(plan: MonitorPlan): CreateMonitorResult {
  const table = plan.params.tableName;
  if (plan.diff?.immutable.length) return finish(plan, 'Failed', immutableMessage(table, plan.diff));
  const count = plan.changes.filter((c) => c.action !== 'noop').length;
  return finish(plan, 'Succeeded', count ? message('PlanChanges', count, table) : message('PlanUpToDate', table));
}

/** Writes in dependency order: the view, the monitor, the wait until ACTIVE, the alerts, an optional refresh. */
export async function applyMonitor(deps: MonitorDeps, plan: MonitorPlan): Promise<CreateMonitorResult> {
  const { client, ctx } = deps;
  const { params, api, view, current, wanted, diff, names, alerts, changes, outputs, report, notes } = plan;
  const table = params.tableName;
  if (diff?.immutable.length) return finish(plan, 'Failed', immutableMessage(table, diff));
  // Writes.
  if (view && view.change.action !== 'noop') await createView(deps, params.warehouseId!, view);
  let monitor: Monitor;
  if (!current) {
    ctx.log.info(message(api.kind === 'dataQuality' ? 'CreatingMonitorV1' : 'CreatingMonitorLegacy', table));
    monitor = await api.create(wanted, {
      matches: (found) => !diffMonitor(found, wanted).changed.length,
      onRecovered: (message) => ctx.log.warning(message),
    });
  } else if (diff?.changed.length) {
    ctx.log.info(message('UpdatingMonitor', table, diff.fields.map((f) => f.path).join(', ')));
    monitor = await api.update(wanted, diff.changed, current);
  } else {
    monitor = current;
  }

  try {
    monitor = await waitUntilActive(deps, api, table, monitor, params.timeoutMinutes * 60_000);
  } catch (e) {
    if (!(e instanceof MonitorFailedError) && !(e instanceof PollTimeoutError)) throw e;
    report.status = e instanceof MonitorFailedError ? e.status : report.status;
    ctx.log.error(e.message);
    return finish(plan, 'Failed', e.message);
  }
  report.status = monitor.status;
  outputs.profileMetricsTable = report.profileMetricsTable = monitor.profileMetricsTable ?? names.profile;
  outputs.driftMetricsTable = report.driftMetricsTable = monitor.driftMetricsTable ?? names.drift;
  if (monitor.dashboardId) outputs.dashboardUrl = report.dashboardUrl = client.link(dashboardPath(monitor.dashboardId));

  for (const a of alerts) {
    const id = await applyAlert(client, ctx.log, a);
    const entry = report.alerts.find((r) => r.displayName === a.displayName);
    if (id && entry) Object.assign(entry, { id, url: client.link(alertPath(id)) });
  }

  const changed = hasChanges(changes);
  if (params.refreshAfterCreate) {
    const viewChanged = view !== undefined && view.change.action !== 'noop';
    if (report.action !== 'noop' || viewChanged) report.refreshStarted = await startRefresh(deps, api, table, notes);
    else notes.push(message('NoRefreshUnchanged'));
  }
  return finish(plan, 'Succeeded', successMessage(table, report, view?.change.action, alerts, changed));
}

// ---------------------------------------------------------------------------------------------
// Reads and planning

function describeApiChoice(preference: MonitorApiPreference, kind: MonitorApiKind, fallbackReason: string | undefined): string {
  const name = message(kind === 'dataQuality' ? 'ApiChoiceDataQuality' : 'ApiChoiceLegacy');
  if (preference !== 'auto') return message('ApiChoiceAsAsked', name);
  return fallbackReason ? message('ApiChoiceBecause', name, fallbackReason) : message('ApiChoiceAvailable', name);
}

async function requireSchema(client: DatabricksClient, schema: string): Promise<void> {
  try {
    await client.get(apiPath`/api/2.1/unity-catalog/schemas/${schema}`);
  } catch (e) {
    if (e instanceof DatabricksApiError && (e.errorCode === 'SCHEMA_DOES_NOT_EXIST' || e.errorCode === 'CATALOG_DOES_NOT_EXIST')) {
      throw new Error(message('OutputSchemaMissing', schema));
    }
    throw e;
  }
}

function modelFiles(deps: MonitorDeps): ModelFileReadDeps {
  return {
    client: deps.client,
    storage: deps.storage(),
    warn: (line) => deps.ctx.log.warning(line),
    setSecret: deps.setSecret,
  };
}

/**
 * Where the view's model id comes from: the served entities system table when a read of it
 * succeeds on the warehouse (a statement that reads no row: allowed in plan mode), else the
 * bare served entity id, with the service's reason. Only a statement the warehouse refused
 * (FAILED: no such table, no privilege) falls back; any other failure is the task's error.
 */
async function modelIdRoute(deps: MonitorDeps, warehouseId: string): Promise<{ source: ModelIdSource; fallback?: string }> {
  try {
    await runSelect(deps.client, warehouseId, SERVED_ENTITIES_PROBE, {}, { clock: deps.ctx.clock, signal: deps.ctx.signal });
    return { source: 'servedEntities' };
  } catch (e) {
    if (e instanceof CancelledError || !(e instanceof StatementFailedError) || e.state !== 'FAILED') throw e;
    return { source: 'servedEntityId', fallback: e.serviceMessage ?? e.message };
  }
}

async function planView(
  client: DatabricksClient,
  params: CreateMonitorParameters,
  endpointName: string,
  files: ModelFileReadDeps,
  route: () => Promise<{ source: ModelIdSource; fallback?: string }>,
): Promise<ViewPlan> {
  const p = params.profile;
  const source = await readPayloadSource(client, endpointName, files);
  const spec: ViewSpec = {
    viewName: params.tableName,
    payloadTable: source.payloadTable,
    features: source.signature.features,
    predictionType: source.signature.predictionType,
    // A snapshot or time series profile still gets the same view columns.
    timestampColumn: p.type === 'snapshot' ? 'timestamp' : p.timestampColumn,
    modelIdColumn: p.type === 'inferenceLog' ? p.modelIdColumn : 'model_id',
    predictionColumn: p.type === 'inferenceLog' ? p.predictionColumn : 'prediction',
    modelIdSource: 'servedEntities', // decided below, once the view can be made at all
  };
  const columns = viewColumns(spec);
  const clash = columns.find((c, i) => columns.findIndex((x) => x.toLowerCase() === c.toLowerCase()) !== i);
  if (clash) throw new UnpackError(message('FeatureClash', clash));
  if (!(await findTable(client, source.payloadTable))) {
    throw new UnpackError(message('PayloadTableMissing', source.payloadTable, endpointName));
  }
  const existing = await findTable(client, params.tableName);
  if (existing && existing.table_type !== 'VIEW') {
    throw new UnpackError(message('NotAView', params.tableName, existing.table_type ?? 'table'));
  }
  const modelId = await route();
  spec.modelIdSource = modelId.source;
  const same = existing?.view_definition?.trim() === viewQuery(spec).trim();
  const before = existing ? (existing.columns ?? []).map((c) => c.name).join(', ') : undefined;
  const fields: NonNullable<ChangeEntry['fields']> = same
    ? []
    : [
        { path: 'source', after: source.payloadTable },
        { path: 'columns', before, after: columns.join(', ') },
        { path: 'definition', before: existing ? 'another query' : undefined, after: `one row per prediction (${REQUEST_FORMATS.join(', ')}; status 200 only)` },
        {
          path: spec.modelIdColumn,
          after: modelId.source === 'servedEntities' ? `<model>/<version> through ${SERVED_ENTITIES_TABLE}` : `served_entity_id (${SERVED_ENTITIES_TABLE} cannot be read)`,
        },
      ];
  return {
    source,
    spec,
    existing,
    modelIdFallback: modelId.fallback,
    change: { action: !existing ? 'create' : same ? 'noop' : 'update', resource: message('PlanView', params.tableName), fields },
  };
}

function monitorChange(table: string, kind: MonitorApiKind, current: Monitor | undefined, wanted: ReturnType<typeof monitorSpec>, diff: MonitorDiff | undefined): ChangeEntry {
  const resource = message(kind === 'dataQuality' ? 'PlanMonitorDataQuality' : 'PlanMonitorLegacy', table);
  if (!current) return { action: 'create', resource, fields: creationFields(wanted) };
  const immutable = (diff?.immutable ?? []).map((c) => ({ path: `${c.field} (cannot change)`, before: c.current, after: c.wanted }));
  const fields = [...immutable, ...(diff?.fields ?? [])];
  return { action: fields.length ? 'update' : 'noop', resource, fields };
}

export function immutableMessage(table: string, diff: MonitorDiff): string {
  const what = diff.immutable.map((c) => message('ImmutableField', c.field, c.current, c.wanted)).join('; ');
  const keep = diff.immutable.some((c) => c.field === 'assets_dir') ? ` ${message('KeepAssetsDir')}` : '';
  return message('MonitorImmutable', table, what, keep);
}

/** The finest of the granularities (the alert reads its windows). */
async function planAlerts(client: DatabricksClient, rules: readonly DriftAlertRule[], target: AlertTarget, destinations: DestinationIds): Promise<AlertPlan[]> {
  const prefix = alertNamePrefix(target.tableName);
  const ours = (await listAlerts(client)).filter((a) => a.display_name.startsWith(prefix) && a.lifecycle_state !== 'DELETED');
  const plans: AlertPlan[] = rules.map((rule) => {
    const wanted = alertBody(rule, target, destinations);
    const same = ours.filter((a) => a.display_name === wanted.display_name).sort((x, y) => (x.create_time ?? '').localeCompare(y.create_time ?? ''));
    const existing = same[0];
    const fields = existing ? changedAlertFields(existing, wanted) : [];
    return {
      displayName: wanted.display_name,
      rule,
      wanted,
      existing,
      action: !existing ? 'create' : fields.length ? 'update' : 'noop',
      fields,
      duplicates: same.length > 1 ? same.length - 1 : undefined,
    };
  });
  // Alerts of this table for rules no longer listed go to the trash (restorable there).
  const kept = new Set(plans.map((p) => p.displayName));
  for (const stale of ours.filter((a) => !kept.has(a.display_name))) plans.push({ displayName: stale.display_name, existing: stale, action: 'delete', fields: [] });
  return plans;
}

function alertChange(a: AlertPlan): ChangeEntry {
  const resource = message('PlanAlert', a.displayName);
  if (a.action === 'delete') return { action: 'delete', resource, fields: [{ path: 'alert', before: describeAlert(a.existing!) }] };
  if (a.action === 'create') return { action: 'create', resource, fields: [{ path: 'alert', after: describeAlert(a.wanted!) }] };
  return { action: a.action, resource, fields: a.fields.length ? [{ path: a.fields.join(', '), before: describeAlert(a.existing!), after: describeAlert(a.wanted!) }] : [] };
}

// ---------------------------------------------------------------------------------------------
// Writes

async function createView(deps: MonitorDeps, warehouseId: string, view: ViewPlan): Promise<void> {
  const { client, ctx } = deps;
  ctx.log.info(message(view.existing ? 'ReplacingView' : 'CreatingView', view.spec.viewName, warehouseId));
  await executeStatement(
    client,
    warehouseId,
    createViewStatement(view.spec),
    {},
    {
      clock: ctx.clock,
      signal: ctx.signal,
      onState: (state) => ctx.log.info(`CREATE OR REPLACE VIEW ${view.spec.viewName}: ${state}`),
    },
  );
}

export class MonitorFailedError extends Error {
  override readonly name = 'MonitorFailedError';
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

async function waitUntilActive(deps: MonitorDeps, api: MonitorApi, table: string, first: Monitor, timeoutMs: number): Promise<Monitor> {
  const { ctx } = deps;
  let latest: Monitor | undefined = first;
  const evaluate = (m: Monitor | undefined) => {
    if (!m) throw new MonitorFailedError('DELETED', message('MonitorDisappeared', table));
    if (m.status === 'ACTIVE') return { done: true as const, result: m };
    if (m.status === 'ERROR' || m.status === 'FAILED') {
      throw new MonitorFailedError(m.status, message('MonitorFailed', table, m.status, m.failureMessage ?? message('NoFailureMessage')));
    }
    return { done: false as const, status: m.status };
  };
  const verdict = evaluate(first);
  if (verdict.done) return verdict.result;
  ctx.log.info(message('WaitingUntilActive', table, first.status, Math.round(timeoutMs / 60_000)));
  const { result } = await ctx.log.group(message('MonitorStatusGroup', table), () =>
    poll<Monitor | undefined, Monitor>({
      read: async () => (latest = await api.get(table)),
      evaluate,
      clock: ctx.clock,
      timeoutMs,
      initialIntervalMs: 5_000,
      maxIntervalMs: 30_000,
      signal: ctx.signal,
      onStatus: (status) => {
        if (status !== first.status) ctx.log.info(message('MonitorStatus', table, status));
      },
      onProgress: (percent, status) => ctx.log.progress(percent, message('MonitorProgress', table, status)),
      describeTimeout: () => message('MonitorNotActive', table, Math.round(timeoutMs / 60_000), latest?.status ?? 'unknown'),
    }),
  );
  ctx.log.info(message('MonitorActive', table));
  return result;
}

/** Creates, updates or trashes one alert; returns its id. */
async function applyAlert(client: DatabricksClient, log: TaskContext['log'], a: AlertPlan): Promise<string | undefined> {
  switch (a.action) {
    case 'create':
      return (await createAlert(client, a.wanted!, { matches: (found) => changedAlertFields(found, a.wanted!).length === 0, onRecovered: (message) => log.warning(message) })).id;
    case 'update':
      await updateAlert(client, a.existing!.id!, a.wanted!, a.fields);
      return a.existing!.id;
    case 'delete':
      await trashAlert(client, a.existing!.id!);
      return a.existing!.id;
    case 'noop':
      return a.existing!.id;
  }
}

/** Starts a refresh unless one is already PENDING or RUNNING; does not wait for it. */
async function startRefresh(deps: MonitorDeps, api: MonitorApi, table: string, notes: string[]): Promise<boolean> {
  const { ctx } = deps;
  const running = (await api.listRefreshes(table)).find((r) => r.state === 'PENDING' || r.state === 'RUNNING');
  if (running) {
    notes.push(message('RefreshAlreadyActive', running.refreshId, running.state));
    return false;
  }
  try {
    const refresh = await api.runRefresh(table);
    ctx.log.info(message('RefreshStarted', refresh.refreshId, table, refresh.state));
    return true;
  } catch (e) {
    // A refresh started by someone else between the list and the start.
    if (e instanceof DatabricksApiError && (e.errorCode === 'RESOURCE_CONFLICT' || e.errorCode === 'INVALID_STATE')) {
      notes.push(message('RefreshWasRunning'));
      return false;
    }
    throw e;
  }
}

export function successMessage(table: string, report: MonitorReportData, viewAction: ChangeEntry['action'] | undefined, alerts: AlertPlan[], changed: boolean): string {
  const monitor = message(({ create: 'MonitorCreated', update: 'MonitorUpdated', noop: 'MonitorUpToDate' } as const)[report.action], table);
  const counts = (['create', 'update', 'delete'] as const)
    .map((action) => [action, alerts.filter((a) => a.action === action).length] as const)
    .filter(([, n]) => n > 0)
    .map(([action, n]) => message(action === 'create' ? 'AlertsCreated' : action === 'update' ? 'AlertsUpdated' : 'AlertsTrashed', n));
  const view = viewAction === 'create' || viewAction === 'update' ? [message(viewAction === 'create' ? 'ViewCreated' : 'ViewReplaced', table)] : [];
  const extra = [...view, ...counts];
  const done = `${monitor} (${report.status ?? 'ACTIVE'})${extra.length ? `; ${extra.join(', ')}` : ''}`;
  return changed ? `${done}.` : message('NothingChanged', done);
}
