/**
 * Databricks SQL alerts v2 (`/api/2.0/alerts`, go-sdk `service/sql` alertsV2): create (the body is the AlertV2
 * itself), get, list with page_size/page_token (trashed alerts are not listed), PATCH applying
 * the `update_mask` fields only, DELETE moving the alert to the trash (`lifecycle_state`
 * DELETED; a trashed alert still answers GET). Output-only fields (id, create/update times,
 * owner, lifecycle_state, evaluation.state) are set by the fake and ignored in requests.
 *
 * Notification destinations (`/api/2.0/notification-destinations`, go-sdk `service/settings`) live here
 * too (alerts are what subscribes to them): list with page_size/page_token answering
 * `{results: [{id, display_name, destination_type}]}` (the config is for admins only, so never
 * shown), get by id; an alert subscription naming an unknown destination_id is refused.
 *
 * One-time job runs (`POST /api/2.2/jobs/runs/submit`) are modelled only as far as a run that
 * notifies destinations goes: a condition_task run succeeds at once and its
 * `webhook_notifications.on_success` destinations (at most 3, existing ids) "receive" the run
 * name, recorded in `delivered`; the same idempotency_token returns the same run and notifies
 * nobody again. Other task types are refused (not modelled).
 */
import { randomUUID } from 'node:crypto';
import type { jobs, settings, sql } from '@databricks/sdk-experimental';
import type { RequestContext } from '../http';
import { fail, json } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    alerts: AlertStore;
  }
}

const OPERATORS = new Set(['EQUAL', 'NOT_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL', 'IS_NULL', 'IS_NOT_NULL']);
const AGGREGATIONS = new Set(['SUM', 'COUNT', 'COUNT_DISTINCT', 'AVG', 'MEDIAN', 'MIN', 'MAX', 'STDDEV']);
/** Fields PATCH may name in update_mask (top level, or one level down). */
const UPDATABLE = new Set([
  'display_name',
  'query_text',
  'warehouse_id',
  'evaluation',
  'schedule',
  'parent_path',
  'custom_summary',
  'custom_description',
  'run_as',
  'run_as_user_name',
]);

export interface DestinationRecord {
  id: string;
  display_name: string;
  destination_type: settings.DestinationType;
}

export class AlertStore {
  readonly alerts = new Map<string, sql.AlertV2>();
  readonly destinations = new Map<string, DestinationRecord>();
  /** Messages the destinations received: a job run's name, per destination id. */
  readonly delivered: Array<{ destinationId: string; runId: number; message: string }> = [];
  private readonly runsByToken = new Map<string, number>();
  private nextRunId = 5_000;

  submitNotificationRun(body: Partial<jobs.SubmitRun>): number {
    const token = body.idempotency_token;
    if (token !== undefined && this.runsByToken.has(token)) return this.runsByToken.get(token)!;
    const tasks = body.tasks ?? [];
    if (tasks.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', 'At least one task is required.');
    for (const t of tasks) {
      if (!t.task_key) fail(400, 'INVALID_PARAMETER_VALUE', 'task_key is required.');
      if (!t.condition_task) fail(400, 'INVALID_PARAMETER_VALUE', 'The fake runs condition tasks only.');
      if (!['EQUAL_TO', 'NOT_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL'].includes(t.condition_task.op))
        fail(400, 'INVALID_PARAMETER_VALUE', `Invalid condition_task.op '${t.condition_task.op}'.`);
    }
    const onSuccess = body.webhook_notifications?.on_success ?? [];
    if (onSuccess.length > 3) fail(400, 'INVALID_PARAMETER_VALUE', 'A maximum of 3 destinations can be specified for the on_success property.');
    for (const d of onSuccess) if (!this.destinations.has(d.id)) fail(400, 'INVALID_PARAMETER_VALUE', `Notification destination ${d.id} does not exist.`);
    const runId = this.nextRunId++;
    if (token !== undefined) this.runsByToken.set(token, runId);
    for (const d of onSuccess) this.delivered.push({ destinationId: d.id, runId, message: body.run_name ?? 'Untitled' });
    return runId;
  }

  /** Adds a notification destination (as a workspace admin would) and returns it. */
  addDestination(displayName: string, type: settings.DestinationType): DestinationRecord {
    const d: DestinationRecord = { id: randomUUID(), display_name: displayName, destination_type: type };
    this.destinations.set(d.id, d);
    return d;
  }
  /** Page size when the request gives none. */
  defaultPageSize = 100;

  /** Alerts not in the trash. */
  active(): sql.AlertV2[] {
    return [...this.alerts.values()].filter((a) => a.lifecycle_state !== 'DELETED');
  }
}

function validate(a: Partial<sql.AlertV2>): void {
  if (!a.display_name) fail(400, 'INVALID_PARAMETER_VALUE', 'display_name is required.');
  if (!a.query_text) fail(400, 'INVALID_PARAMETER_VALUE', 'query_text is required.');
  if (!a.warehouse_id) fail(400, 'INVALID_PARAMETER_VALUE', 'warehouse_id is required.');
  const e = a.evaluation ?? fail(400, 'INVALID_PARAMETER_VALUE', 'evaluation is required.');
  if (!OPERATORS.has(e.comparison_operator)) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid comparison_operator '${e.comparison_operator}'.`);
  if (!e.source?.name) fail(400, 'INVALID_PARAMETER_VALUE', 'evaluation.source.name is required.');
  if (e.source.aggregation !== undefined && !AGGREGATIONS.has(e.source.aggregation)) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid aggregation '${e.source.aggregation}'.`);
  for (const s of e.notification?.subscriptions ?? []) {
    if ((s.user_email === undefined) === (s.destination_id === undefined))
      fail(400, 'INVALID_PARAMETER_VALUE', 'A subscription needs exactly one of user_email and destination_id.');
  }
  const s = a.schedule ?? fail(400, 'INVALID_PARAMETER_VALUE', 'schedule is required.');
  if (!s.quartz_cron_schedule || !s.timezone_id) fail(400, 'INVALID_PARAMETER_VALUE', 'schedule.quartz_cron_schedule and schedule.timezone_id are required.');
}

function checkDestinations(ctx: RequestContext, a: Partial<sql.AlertV2>): void {
  for (const s of a.evaluation?.notification?.subscriptions ?? []) {
    if (s.destination_id !== undefined && !ctx.workspace.state.alerts.destinations.has(s.destination_id)) {
      fail(400, 'INVALID_PARAMETER_VALUE', `Notification destination ${s.destination_id} does not exist.`);
    }
  }
}

function listDestinations(ctx: RequestContext) {
  const all = [...ctx.workspace.state.alerts.destinations.values()];
  const size = Math.min(ctx.query.int('page_size') ?? 50, 100) || 50;
  const start = Number(ctx.query.get('page_token') ?? '0') || 0;
  const page = all.slice(start, start + size);
  return json(200, {
    ...(page.length > 0 ? { results: page.map((d) => ({ ...d })) } : {}),
    ...(start + size < all.length ? { next_page_token: String(start + size) } : {}),
  });
}

function getDestination(ctx: RequestContext) {
  const d = ctx.workspace.state.alerts.destinations.get(ctx.params.id!) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Notification destination ${ctx.params.id} does not exist.`);
  return json(200, { ...d });
}

function writable(body: Partial<sql.AlertV2>): Partial<sql.AlertV2> {
  const { id: _id, create_time: _c, update_time: _u, lifecycle_state: _l, owner_user_name: _o, effective_run_as: _e, ...rest } = body;
  return rest;
}

function create(ctx: RequestContext) {
  const store = ctx.workspace.state.alerts;
  const body = writable((ctx.body ?? {}) as Partial<sql.AlertV2>);
  validate(body);
  checkDestinations(ctx, body);
  if (!ctx.workspace.state.sql.warehouses.has(body.warehouse_id!)) fail(400, 'INVALID_PARAMETER_VALUE', `Warehouse ${body.warehouse_id} does not exist.`);
  const now = new Date(ctx.now()).toISOString();
  const alert: sql.AlertV2 = {
    ...(body as sql.AlertV2),
    id: randomUUID(),
    evaluation: { ...body.evaluation!, state: 'UNKNOWN' },
    schedule: { pause_status: 'UNPAUSED', ...body.schedule! },
    lifecycle_state: 'ACTIVE',
    owner_user_name: ctx.subject,
    create_time: now,
    update_time: now,
  };
  store.alerts.set(alert.id!, alert);
  return json(200, alert);
}

function find(ctx: RequestContext): sql.AlertV2 {
  return ctx.workspace.state.alerts.alerts.get(ctx.params.id!) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Alert ${ctx.params.id} does not exist.`);
}

function get(ctx: RequestContext) {
  return json(200, find(ctx));
}

function list(ctx: RequestContext) {
  const store = ctx.workspace.state.alerts;
  const size = ctx.query.int('page_size') ?? store.defaultPageSize;
  if (size <= 0) fail(400, 'INVALID_PARAMETER_VALUE', 'page_size must be positive.');
  const start = ctx.query.has('page_token') ? Number(Buffer.from(ctx.query.get('page_token')!, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) fail(400, 'INVALID_PARAMETER_VALUE', 'Invalid page_token.');
  const all = store.active().sort((a, b) => (a.create_time! < b.create_time! ? -1 : a.create_time! > b.create_time! ? 1 : a.id! < b.id! ? -1 : 1));
  const page = all.slice(start, start + size);
  return json(200, {
    ...(page.length > 0 ? { alerts: page } : {}),
    ...(start + size < all.length ? { next_page_token: Buffer.from(String(start + size)).toString('base64url') } : {}),
  });
}

function update(ctx: RequestContext) {
  const alert = find(ctx);
  if (alert.lifecycle_state === 'DELETED') fail(400, 'INVALID_STATE', `Alert ${alert.id} is in the trash.`);
  const mask = (ctx.query.get('update_mask') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (mask.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', 'update_mask is required.');
  const body = writable((ctx.body ?? {}) as Partial<sql.AlertV2>) as Record<string, unknown>;
  const next = structuredClone(alert) as unknown as Record<string, Record<string, unknown> | unknown>;
  for (const path of mask) {
    const [top, sub, ...deeper] = path.split('.');
    if (!UPDATABLE.has(top!) || deeper.length > 0) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid update_mask path '${path}'.`);
    if (sub === undefined) next[top!] = body[top!];
    else {
      const parent = { ...((next[top!] as Record<string, unknown>) ?? {}) };
      parent[sub] = (body[top!] as Record<string, unknown> | undefined)?.[sub];
      next[top!] = parent;
    }
  }
  const updated = next as unknown as sql.AlertV2;
  validate(updated);
  checkDestinations(ctx, updated);
  updated.evaluation.state = alert.evaluation.state;
  updated.update_time = new Date(ctx.now()).toISOString();
  ctx.workspace.state.alerts.alerts.set(alert.id!, updated);
  return json(200, updated);
}

function trash(ctx: RequestContext) {
  const alert = find(ctx);
  alert.lifecycle_state = 'DELETED';
  return json(200, {});
}

export const alertRoutes: RouteModule = {
  name: 'alerts',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('alerts', () => new AlertStore());
    workspace.route('POST', '/api/2.0/alerts', create);
    workspace.route('GET', '/api/2.0/alerts', list);
    workspace.route('GET', '/api/2.0/alerts/:id', get);
    workspace.route('PATCH', '/api/2.0/alerts/:id', update);
    workspace.route('DELETE', '/api/2.0/alerts/:id', trash);
    workspace.route('GET', '/api/2.0/notification-destinations', listDestinations);
    workspace.route('GET', '/api/2.0/notification-destinations/:id', getDestination);
    workspace.route('POST', '/api/2.2/jobs/runs/submit', (ctx) =>
      json(200, { run_id: ctx.workspace.state.alerts.submitNotificationRun((ctx.body ?? {}) as Partial<jobs.SubmitRun>) }),
    );
  },
};
