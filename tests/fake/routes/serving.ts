/**
 * Model Serving endpoints (go-sdk `service/serving`): create, get, config updates with a time-driven state
 * machine, AI Gateway, tags, notifications, build and server logs, invocations answered by a
 * tiny model and logged to the AI Gateway payload table, and the workspace's limit of 50
 * create/update operations per 5 minutes.
 *
 * State machine (durations are workspace time, scaled by the workspace's timeScale):
 *   create / PUT config ─► config_update IN_PROGRESS, pending_config set, entities DEPLOYMENT_CREATING
 *     after `updateDurationMs`:
 *       ├─ success ─► NOT_UPDATING, config = pending (entities DEPLOYMENT_READY), ready READY
 *       └─ scripted failure ─► UPDATE_FAILED, pending entities DEPLOYMENT_FAILED with a state
 *                              message; the old config keeps serving (a new endpoint stays NOT_READY);
 *                              pending_config is kept (the docs leave this open: tasks handle both)
 * A PUT while IN_PROGRESS is refused with `conflictStatus` (409 RESOURCE_CONFLICT by default; the
 * real status is unconfirmed, so 400 can be chosen). Everything is evaluated lazily from the clock
 * whenever the endpoint is read, so no timers run.
 *
 * Route-optimized endpoints (`routeOptimized`) carry an `endpoint_url` (their own data-plane
 * URL, go-sdk `ServingEndpointDetailed.EndpointUrl`) and are not served through the workspace host: their invocations are
 * answered at that URL only (`dataPlaneTokenRefused` makes it answer 401, the unconfirmed case
 * of a data plane that does not take the workspace token).
 */
import { randomUUID } from 'node:crypto';
import type {
  AiGatewayConfig,
  EmailNotifications,
  EndpointTag,
  Route,
  ServedEntityInput,
  ServedEntityOutput,
  ServingEndpointDetailed,
  TrafficConfig,
} from '@databricks/sdk-experimental/dist/apis/serving/model';
import type { RequestContext, Reply } from '../http';
import { error, fail, json } from '../http';
import { PAYLOAD_COLUMNS_DDL } from '../seeds/monitoring';
import { SqlExecutionError } from '../sql/engine';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    serving: ServingStore;
  }
}

const NAME = /^[A-Za-z0-9_-]{1,63}$/;
const WORKLOAD_SIZES = new Set(['Small', 'Medium', 'Large']);
const WORKLOAD_TYPES = new Set(['CPU', 'CPU_MEDIUM', 'CPU_LARGE', 'GPU_SMALL', 'GPU_MEDIUM', 'GPU_LARGE', 'GPU_XLARGE', 'GPU_XLARGE_8', 'MULTIGPU_MEDIUM']);
const CREATOR = 'mlops-pipeline';

/** How a scripted rollout fails. */
export interface ScriptedFailure {
  /** The served entity that fails (default: the first new one of the rollout). */
  servedEntityName?: string;
  message?: string;
  /** 'build': the image build fails (no server logs); 'container': the model server crashes. */
  phase?: 'build' | 'container';
  /** DEPLOYMENT_FAILED (default) or DEPLOYMENT_ABORTED. */
  deployment?: 'DEPLOYMENT_FAILED' | 'DEPLOYMENT_ABORTED';
  /** UPDATE_FAILED (default) or UPDATE_CANCELED. */
  outcome?: 'UPDATE_FAILED' | 'UPDATE_CANCELED';
}

/** How a model version answers invocations. */
export type ModelBehaviour = 'ok' | 'no-predictions' | { error: string; status?: number };

/** One row of the AI Gateway payload table (`<catalog>.<schema>.<prefix>_payload`). */
export interface PayloadRow {
  databricks_request_id: string;
  client_request_id: string | null;
  request_date: string;
  /** ISO timestamp. */
  request_time: string;
  status_code: number;
  sampling_fraction: number;
  execution_duration_ms: number;
  /** The raw request JSON. */
  request: string;
  /** The raw response JSON. */
  response: string;
  logging_error_codes: string[];
  served_entity_id: string;
  requester: string;
}

interface StoredEntity {
  input: ServedEntityInput & { name: string; entity_name: string; entity_version: string };
  id: string;
  created: number;
  deployment: NonNullable<ServedEntityOutput['state']>['deployment'];
  message: string;
  buildLogs: string;
  /** Undefined until the container started. */
  serverLogs?: string;
}

interface StoredConfig {
  version: number;
  entities: StoredEntity[];
  routes: Route[];
}

interface Rollout {
  config: StoredConfig;
  started: number;
  /** Real epoch ms when it settles. */
  settlesAt: number;
  failure?: ScriptedFailure;
  settled?: 'failed';
  /** With `ServingStore.rolloutReads`: reads of the endpoint left before it settles. */
  readsLeft?: number;
}

export interface StoredEndpoint {
  id: string;
  name: string;
  created: number;
  updated: number;
  config?: StoredConfig;
  rollout?: Rollout;
  lastOutcome: 'NOT_UPDATING' | 'UPDATE_FAILED' | 'UPDATE_CANCELED';
  aiGateway?: AiGatewayConfig;
  tags: EndpointTag[];
  notifications?: EmailNotifications;
  description?: string;
  /** Counts invocations, to split traffic deterministically. */
  invocations: number;
  /** Served at its own endpoint_url, not through the workspace host. */
  routeOptimized?: boolean;
}

export class ServingStore {
  /** Workspace time a rollout takes (scaled by timeScale). */
  updateDurationMs = 60_000;
  /**
   * When set, rollouts started from now on also need the endpoint to have been read (GET) this
   * many times before they settle (besides `updateDurationMs`): tests that need a number of
   * polls during a rollout (e.g. to answer some of them with faults) then hold on any machine.
   */
  rolloutReads?: number;
  /** The status of the answer to a PUT config while IN_PROGRESS. */
  conflictStatus: 400 | 409 = 409;
  /** Create/update operations allowed per window (the documented 50 per 5 minutes). */
  operationLimit = 50;
  operationWindowMs = 5 * 60_000;
  /** Payload table rows by table full name (`catalog.schema.prefix_payload`). */
  readonly payloadRows = new Map<string, PayloadRow[]>();
  private readonly endpoints = new Map<string, StoredEndpoint>();
  private readonly failures = new Map<string, ScriptedFailure[]>();
  private readonly behaviours = new Map<string, ModelBehaviour>();
  private readonly operations: number[] = [];
  private interloper?: (endpointName: string) => void;
  private beforeOperation?: () => void;
  /** The data plane of route-optimized endpoints answers 401 to the workspace token. */
  dataPlaneTokenRefused = false;
  /**
   * When set, each logged request is also written to the payload table in the SQL engine this
   * long after it was served (workspace time, scaled): AI Gateway delivery is best effort and
   * usually within an hour (ai-gateway/inference-tables in the Azure Databricks docs). Unset: rows stay in `payloadRows` only (tests that
   * seed the payload table themselves).
   */
  payloadDeliveryMs?: number;

  /**
   * When false, `system.serving.served_entities` is not readable by the caller (the system
   * schema not enabled, or no SELECT granted): a statement naming it fails as Databricks SQL
   * does for a table it cannot resolve.
   */
  servedEntitiesReadable = true;
  /** Every served entity any config of any endpoint has had, in order (the system table's rows). */
  private readonly servedEntityHistory: Array<{ id: string; endpoint: string; endpointId: string; name: string; entityName: string; entityVersion: string; at: number }> = [];
  private servedEntitiesWritten = 0;
  private servedEntitiesCreated = false;

  constructor(private readonly ws: FakeWorkspace) {}

  /**
   * Brings `system.serving.served_entities` in the SQL engine up to date (called before every
   * statement: views over it read it too), or fails a statement that names it while it is not
   * readable: one row per served entity, with the columns the reference's
   * pattern reads (served_entity_id, entity_name, entity_version) and a few of the others.
   */
  async syncServedEntitiesTable(statement: string): Promise<void> {
    const names = SERVED_ENTITIES.test(statement);
    if (!this.servedEntitiesReadable) {
      if (!names) return;
      throw new SqlExecutionError(
        `The table or view \`system\`.\`serving\`.\`served_entities\` cannot be found. Verify the spelling and correctness of the schema and catalog.`,
        'TABLE_OR_VIEW_NOT_FOUND',
        '42P01',
      );
    }
    if (this.servedEntitiesCreated && this.servedEntitiesWritten === this.servedEntityHistory.length) return;
    this.servedEntitiesCreated = true;
    await this.ws.state.sql.engine.exec(
      'CREATE TABLE IF NOT EXISTS system.serving.served_entities (served_entity_id STRING, endpoint_name STRING, endpoint_id STRING, served_entity_name STRING, entity_type STRING, entity_name STRING, entity_version STRING, change_time TIMESTAMP)',
    );
    while (this.servedEntitiesWritten < this.servedEntityHistory.length) {
      const e = this.servedEntityHistory[this.servedEntitiesWritten++]!;
      await this.ws.state.sql.engine.exec(
        `INSERT INTO system.serving.served_entities VALUES (:id, :endpoint, :endpointId, :name, 'CUSTOM_MODEL', :entityName, :entityVersion, :at)`,
        { id: e.id, endpoint: e.endpoint, endpointId: e.endpointId, name: e.name, entityName: e.entityName.toLowerCase(), entityVersion: e.entityVersion, at: new Date(e.at) },
      );
    }
  }

  private recordEntities(ep: StoredEndpoint, config: StoredConfig): void {
    for (const e of config.entities) {
      if (this.servedEntityHistory.some((h) => h.id === e.id)) continue;
      this.servedEntityHistory.push({
        id: e.id,
        endpoint: ep.name,
        endpointId: ep.id,
        name: e.input.name,
        entityName: e.input.entity_name,
        entityVersion: e.input.entity_version,
        at: this.ws.now(),
      });
    }
  }

  /**
   * Runs `action` once, just before the next PUT config is handled: e.g. someone else's update
   * starting between the task's read and its write.
   */
  beforeNextUpdate(action: (endpointName: string) => void): void {
    this.interloper = action;
  }

  /**
   * Runs `action` once, just before the next create/update operation is counted: e.g. someone
   * else's operation filling the window at the moment the task's arrives.
   */
  beforeNextOperation(action: () => void): void {
    this.beforeOperation = action;
  }

  /** The next rollout(s) of `endpointName` fail as described (one entry per rollout). */
  failNextRollout(endpointName: string, failure: ScriptedFailure = {}): void {
    const list = this.failures.get(endpointName) ?? [];
    list.push(failure);
    this.failures.set(endpointName, list);
  }

  /** How `entityName` version `version` answers invocations from now on. */
  setModelBehaviour(entityName: string, version: string, behaviour: ModelBehaviour): void {
    this.behaviours.set(`${entityName.toLowerCase()}/${version}`, behaviour);
  }

  get(name: string): StoredEndpoint | undefined {
    const ep = this.endpoints.get(name);
    if (ep) this.advance(ep);
    return ep;
  }

  names(): string[] {
    return [...this.endpoints.keys()];
  }

  /** An endpoint that already serves `config` (READY), for seeding. */
  seed(
    name: string,
    entities: ServedEntityInput[],
    routes: Route[] | undefined,
    extra: { aiGateway?: AiGatewayConfig; tags?: EndpointTag[]; notifications?: EmailNotifications } = {},
  ): StoredEndpoint {
    const now = this.ws.now();
    const config = this.buildConfig(entities, routes, 1);
    for (const e of config.entities) this.markReady(e);
    const ep: StoredEndpoint = {
      id: randomUUID().replace(/-/g, ''),
      name,
      created: now,
      updated: now,
      config,
      lastOutcome: 'NOT_UPDATING',
      aiGateway: extra.aiGateway,
      tags: extra.tags ?? [],
      notifications: extra.notifications,
      invocations: 0,
    };
    this.endpoints.set(name, ep);
    this.recordEntities(ep, config);
    return ep;
  }

  /**
   * Starts a rollout of `entities` on an existing endpoint, as a PUT from someone else would.
   * `held`: it stays IN_PROGRESS until `endRollout()` (tests end it on an event, e.g. "the task
   * has seen it in progress", instead of after a duration a loaded machine may overrun).
   */
  startRollout(name: string, entities: ServedEntityInput[], routes?: Route[], opts: { held?: boolean } = {}): void {
    const ep = this.require(name);
    this.beginRollout(ep, this.buildConfig(entities, routes, (ep.config?.version ?? 0) + 1));
    if (opts.held) ep.rollout!.settlesAt = Infinity;
  }

  /** A GET of the endpoint: counts towards `rolloutReads`. */
  noteRead(ep: StoredEndpoint): void {
    const r = ep.rollout;
    if (r && r.settled === undefined && r.readsLeft !== undefined && r.readsLeft > 0) r.readsLeft--;
  }

  /** Lets the rollout in progress on `name` settle now (with its scripted outcome, if any). */
  endRollout(name: string): void {
    const r = this.require(name).rollout;
    if (r && r.settled === undefined) {
      r.settlesAt = Math.min(r.settlesAt, this.ws.now());
      r.readsLeft = undefined;
    }
  }

  /** The endpoint as GET shows it. */
  detailed(ep: StoredEndpoint): ServingEndpointDetailed {
    this.advance(ep);
    const inProgress = ep.rollout !== undefined && ep.rollout.settled === undefined;
    const ready = ep.config !== undefined && ep.config.entities.every((e) => e.deployment === 'DEPLOYMENT_READY');
    const out: ServingEndpointDetailed = {
      name: ep.name,
      id: ep.id,
      creator: CREATOR,
      creation_timestamp: ep.created,
      last_updated_timestamp: ep.updated,
      state: { config_update: inProgress ? 'IN_PROGRESS' : ep.lastOutcome, ready: ready ? 'READY' : 'NOT_READY' },
      permission_level: 'CAN_MANAGE',
      route_optimized: ep.routeOptimized ?? false,
      ...(ep.routeOptimized ? { endpoint_url: `${this.ws.url}/route-optimized/${ep.id}/serving-endpoints/${ep.name}/invocations` } : {}),
      tags: ep.tags.length ? ep.tags.map((t) => ({ ...t })) : undefined,
      email_notifications: ep.notifications,
      ai_gateway: ep.aiGateway,
      description: ep.description,
    };
    if (ep.config) out.config = { config_version: ep.config.version, served_entities: ep.config.entities.map(entityOutput), traffic_config: { routes: ep.config.routes } };
    if (ep.rollout) {
      out.pending_config = {
        config_version: ep.rollout.config.version,
        served_entities: ep.rollout.config.entities.map(entityOutput),
        traffic_config: { routes: ep.rollout.config.routes },
        start_time: ep.rollout.started,
      };
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------

  /** Counts one create/update operation; over the limit, 429 with the seconds to wait (workspace time). */
  countOperation(): void {
    const before = this.beforeOperation;
    this.beforeOperation = undefined;
    before?.();
    const now = this.ws.now();
    const window = this.ws.scaled(this.operationWindowMs);
    while (this.operations.length && this.operations[0]! <= now - window) this.operations.shift();
    if (this.operations.length >= this.operationLimit) {
      const waitReal = this.operations[0]! + window - now;
      const retryAfter = Math.max(1, Math.ceil(waitReal / this.ws.timeScale / 1000));
      throw new RateLimited(retryAfter);
    }
    this.operations.push(now);
  }

  create(body: CreateBody): StoredEndpoint {
    if (typeof body.name !== 'string' || !NAME.test(body.name)) {
      fail(
        400,
        'INVALID_PARAMETER_VALUE',
        `Endpoint name '${String(body.name)}' is invalid: it may only contain alphanumeric characters, dashes and underscores, at most 63 characters.`,
      );
    }
    if (this.endpoints.has(body.name)) fail(409, 'RESOURCE_ALREADY_EXISTS', `Endpoint with name '${body.name}' already exists.`);
    const entities = body.config?.served_entities;
    if (!entities?.length) fail(400, 'INVALID_PARAMETER_VALUE', 'The config of a custom model endpoint must have at least one served entity.');
    const config = this.buildConfig(entities, body.config?.traffic_config?.routes, 1);
    if (body.ai_gateway) validateGateway(body.ai_gateway, undefined);
    this.countOperation();
    const now = this.ws.now();
    const ep: StoredEndpoint = {
      id: randomUUID().replace(/-/g, ''),
      name: body.name,
      created: now,
      updated: now,
      lastOutcome: 'NOT_UPDATING',
      aiGateway: body.ai_gateway,
      tags: dedupeTags(body.tags ?? []),
      notifications: body.email_notifications,
      description: body.description,
      invocations: 0,
    };
    this.endpoints.set(ep.name, ep);
    this.beginRollout(ep, config);
    return ep;
  }

  updateConfig(name: string, body: { served_entities?: ServedEntityInput[]; traffic_config?: TrafficConfig; name?: string }): StoredEndpoint {
    const interloper = this.interloper;
    this.interloper = undefined;
    interloper?.(name);
    const ep = this.require(name);
    if (ep.rollout && ep.rollout.settled === undefined) {
      fail(
        this.conflictStatus,
        this.conflictStatus === 409 ? 'RESOURCE_CONFLICT' : 'INVALID_PARAMETER_VALUE',
        `Endpoint '${name}' is currently being updated. Wait for the update to finish before making another update.`,
      );
    }
    if (!body.served_entities?.length) fail(400, 'INVALID_PARAMETER_VALUE', 'served_entities must not be empty.');
    const config = this.buildConfig(body.served_entities, body.traffic_config?.routes, (ep.rollout?.config.version ?? ep.config?.version ?? 0) + 1);
    this.countOperation();
    this.beginRollout(ep, config);
    return ep;
  }

  putGateway(name: string, body: AiGatewayConfig): AiGatewayConfig {
    const ep = this.require(name);
    validateGateway(body, ep.aiGateway);
    // PUT replaces the whole gateway config.
    ep.aiGateway = pickGateway(body);
    ep.updated = this.ws.now();
    return ep.aiGateway;
  }

  patchTags(name: string, body: { add_tags?: EndpointTag[]; delete_tags?: string[] }): EndpointTag[] {
    const ep = this.require(name);
    const deleted = new Set(body.delete_tags ?? []);
    const tags = ep.tags.filter((t) => !deleted.has(t.key));
    for (const t of body.add_tags ?? []) {
      if (typeof t?.key !== 'string' || !t.key) fail(400, 'INVALID_PARAMETER_VALUE', 'Every tag must have a key.');
      const i = tags.findIndex((x) => x.key === t.key);
      if (i >= 0) tags[i] = { key: t.key, value: t.value };
      else tags.push({ key: t.key, value: t.value });
    }
    ep.tags = tags;
    return tags;
  }

  patchNotifications(name: string, body: { email_notifications?: EmailNotifications }): StoredEndpoint {
    const ep = this.require(name);
    ep.notifications = body.email_notifications;
    return ep;
  }

  entityForLogs(name: string, entityName: string): StoredEntity {
    const ep = this.require(name);
    const entity = [...(ep.rollout?.config.entities ?? []), ...(ep.config?.entities ?? [])].find((e) => e.input.name === entityName);
    if (!entity) fail(404, 'RESOURCE_DOES_NOT_EXIST', `Served entity '${entityName}' does not exist on endpoint '${name}'.`);
    return entity;
  }

  /** Scores a request and logs it to the payload table when the inference table is enabled. */
  /** An invocation at the data-plane URL of a route-optimized endpoint. */
  invokeDataPlane(id: string, name: string, body: unknown, requestId: string, subject: string): Reply {
    const ep = this.endpoints.get(name);
    if (!ep || ep.id !== id || !ep.routeOptimized) return error(404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    if (this.dataPlaneTokenRefused) return error(401, 'UNAUTHENTICATED', 'Invalid token for the data plane of a route-optimized endpoint.');
    return this.invoke(name, body, requestId, subject, true);
  }

  invoke(name: string, body: unknown, requestId: string, subject: string, dataPlane = false): Reply {
    const ep = this.endpoints.get(name);
    if (!ep) return error(404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    if (ep.routeOptimized && !dataPlane) return error(400, 'BAD_REQUEST', `Endpoint '${name}' is route-optimized: query it at its endpoint_url.`);
    this.advance(ep);
    if (!ep.config || !ep.config.entities.every((e) => e.deployment === 'DEPLOYMENT_READY')) {
      return error(400, 'BAD_REQUEST', `Endpoint '${name}' is not ready to serve requests.`);
    }
    const started = this.ws.now();
    const entity = this.route(ep);
    const behaviour = this.behaviours.get(`${entity.input.entity_name.toLowerCase()}/${entity.input.entity_version}`) ?? 'ok';
    const records = requestRecords(body);
    let reply: Reply;
    if (records === undefined) {
      reply = error(400, 'BAD_REQUEST', 'Invalid input: the request must have one of dataframe_records, dataframe_split, instances or inputs.');
    } else if (typeof behaviour === 'object') {
      reply = error(behaviour.status ?? 400, 'BAD_REQUEST', behaviour.error);
    } else if (behaviour === 'no-predictions') {
      reply = json(200, { outputs: 'model returned nothing' });
    } else {
      reply = json(200, { predictions: records.map(score) });
    }
    this.logPayload(ep, entity, body, reply, requestId, subject, started);
    return reply;
  }

  // ------------------------------------------------------------------------------------------

  private require(name: string): StoredEndpoint {
    const ep = this.get(name);
    if (!ep) fail(404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    return ep;
  }

  private buildConfig(entities: ServedEntityInput[], routes: Route[] | undefined, version: number): StoredConfig {
    const names = new Set<string>();
    const stored = entities.map((e): StoredEntity => {
      if (!e.entity_name || !e.entity_version) fail(400, 'INVALID_PARAMETER_VALUE', 'Each served entity needs entity_name and entity_version.');
      const name = e.name ?? `${e.entity_name}-${e.entity_version}`;
      if (!NAME.test(name)) fail(400, 'INVALID_PARAMETER_VALUE', `Served entity name '${name}' is invalid.`);
      if (names.has(name)) fail(400, 'INVALID_PARAMETER_VALUE', `Served entity name '${name}' is used twice.`);
      names.add(name);
      if (e.workload_size !== undefined && !WORKLOAD_SIZES.has(e.workload_size)) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid workload_size '${e.workload_size}'.`);
      if (e.workload_type !== undefined && !WORKLOAD_TYPES.has(e.workload_type)) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid workload_type '${e.workload_type}'.`);
      if (Object.keys(e.environment_vars ?? {}).length > 30) fail(400, 'INVALID_PARAMETER_VALUE', 'At most 30 environment variables per served entity.');
      return {
        input: { ...e, name, entity_name: e.entity_name, entity_version: e.entity_version },
        id: randomUUID(),
        created: this.ws.now(),
        deployment: 'DEPLOYMENT_CREATING',
        message: 'Creating the container image for the served entity.',
        buildLogs: '',
      };
    });
    let finalRoutes = routes ?? [];
    if (finalRoutes.length === 0) {
      if (stored.length > 1) fail(400, 'INVALID_PARAMETER_VALUE', 'traffic_config is required when more than one entity is served.');
      finalRoutes = [{ served_entity_name: stored[0]!.input.name, traffic_percentage: 100 }];
    }
    let total = 0;
    for (const r of finalRoutes) {
      const target = r.served_entity_name ?? r.served_model_name;
      if (!target || !names.has(target)) fail(400, 'INVALID_PARAMETER_VALUE', `Route to '${String(target)}', which is not a served entity of this config.`);
      if (!Number.isInteger(r.traffic_percentage) || r.traffic_percentage < 0 || r.traffic_percentage > 100)
        fail(400, 'INVALID_PARAMETER_VALUE', 'traffic_percentage must be an integer from 0 to 100.');
      total += r.traffic_percentage;
    }
    if (total !== 100) fail(400, 'INVALID_PARAMETER_VALUE', `The traffic percentages add up to ${total}, not 100.`);
    return { version, entities: stored, routes: finalRoutes.map((r) => ({ ...r })) };
  }

  private beginRollout(ep: StoredEndpoint, config: StoredConfig): void {
    const now = this.ws.now();
    // Entities already served with the same settings carry over as they are (no redeploy).
    for (const e of config.entities) {
      const same = ep.config?.entities.find((x) => sameInput(x.input, e.input));
      if (same)
        Object.assign(e, { id: same.id, created: same.created, deployment: same.deployment, message: same.message, buildLogs: same.buildLogs, serverLogs: same.serverLogs });
      else e.buildLogs = buildLogLines(e.input, false).slice(0, 3).join('\n');
    }
    const failure = this.failures.get(ep.name)?.shift();
    ep.rollout = { config, started: now, settlesAt: now + this.ws.scaled(this.updateDurationMs), failure, readsLeft: this.rolloutReads };
    ep.updated = now;
    this.recordEntities(ep, config);
  }

  private advance(ep: StoredEndpoint): void {
    const r = ep.rollout;
    if (!r || r.settled !== undefined) return;
    const now = this.ws.now();
    if (now < r.settlesAt || (r.readsLeft ?? 0) > 0) {
      // Halfway the image is built and the model server starts: the state message changes.
      if (Number.isFinite(r.settlesAt) && now >= (r.started + r.settlesAt) / 2) {
        for (const e of r.config.entities) if (e.deployment === 'DEPLOYMENT_CREATING') e.message = 'Starting the model server.';
      }
      return;
    }
    if (r.failure) {
      const f = r.failure;
      const fresh = r.config.entities.filter((e) => e.deployment !== 'DEPLOYMENT_READY');
      const victim = r.config.entities.find((e) => e.input.name === f.servedEntityName) ?? fresh[0] ?? r.config.entities[0]!;
      victim.deployment = f.deployment ?? 'DEPLOYMENT_FAILED';
      victim.message = f.message ?? 'Served entity creation failed: the container image build failed. Check the build logs.';
      victim.buildLogs = buildLogLines(victim.input, f.phase !== 'container').join('\n');
      if (f.phase === 'container')
        victim.serverLogs = `Traceback (most recent call last):\n  File "/model/loader.py", line 12, in load\nModuleNotFoundError: No module named 'sklearn_extra'\nModel server exited with code 1`;
      ep.lastOutcome = f.outcome ?? 'UPDATE_FAILED';
      r.settled = 'failed';
      return;
    }
    for (const e of r.config.entities) this.markReady(e);
    ep.config = r.config;
    ep.rollout = undefined;
    ep.lastOutcome = 'NOT_UPDATING';
  }

  private markReady(e: StoredEntity): void {
    if (e.deployment === 'DEPLOYMENT_READY') return;
    e.deployment = 'DEPLOYMENT_READY';
    e.message = 'Served entity creation succeeded.';
    e.buildLogs = buildLogLines(e.input, false).join('\n');
    e.serverLogs = `[INFO] Model ${e.input.entity_name} version ${e.input.entity_version} loaded.\n[INFO] Listening on port 8080.`;
  }

  /** Picks the served entity for a request by its traffic share (deterministic round robin over 100 slots). */
  private route(ep: StoredEndpoint): StoredEntity {
    const config = ep.config!;
    const slot = ep.invocations++ % 100;
    let acc = 0;
    for (const r of config.routes) {
      acc += r.traffic_percentage;
      if (slot < acc) return config.entities.find((e) => e.input.name === (r.served_entity_name ?? r.served_model_name))!;
    }
    return config.entities[0]!;
  }

  private logPayload(ep: StoredEndpoint, entity: StoredEntity, body: unknown, reply: Reply, requestId: string, subject: string, started: number): void {
    const table = ep.aiGateway?.inference_table_config;
    if (!table?.enabled) return;
    const fullName = `${table.catalog_name}.${table.schema_name}.${table.table_name_prefix ?? ep.name.replace(/-/g, '_')}_payload`.toLowerCase();
    const time = new Date(this.ws.now());
    const response = reply.kind === 'json' ? reply.value : reply.kind === 'error' ? { error_code: reply.errorCode, message: reply.message } : {};
    const clientRequestId = (body as { client_request_id?: unknown } | undefined)?.client_request_id;
    const rows = this.payloadRows.get(fullName) ?? [];
    rows.push({
      databricks_request_id: requestId,
      client_request_id: typeof clientRequestId === 'string' ? clientRequestId : null,
      request_date: time.toISOString().slice(0, 10),
      request_time: time.toISOString(),
      status_code: reply.status,
      sampling_fraction: 1,
      execution_duration_ms: Math.max(1, this.ws.now() - started),
      request: JSON.stringify(body ?? {}),
      response: JSON.stringify(response),
      logging_error_codes: [],
      served_entity_id: entity.id,
      requester: subject,
    });
    this.payloadRows.set(fullName, rows);
    if (this.payloadDeliveryMs !== undefined) {
      const row = rows.at(-1)!;
      setTimeout(() => void this.deliver(fullName, row).catch(() => undefined), this.ws.scaled(this.payloadDeliveryMs)).unref();
    }
  }

  /** Writes one logged request into the payload table (created with the first one, as the service does). */
  private async deliver(fullName: string, r: PayloadRow): Promise<void> {
    this.ws.state.uc.addSchema(fullName.split('.').slice(0, 2).join('.'));
    await this.ws.state.sql.exec(`CREATE TABLE IF NOT EXISTS ${fullName} (${PAYLOAD_COLUMNS_DDL})`);
    await this.ws.state.sql.exec(
      `INSERT INTO ${fullName} (databricks_request_id, client_request_id, request_date, request_time, status_code, sampling_fraction, execution_duration_ms, request, response, served_entity_id, requester)
       VALUES (:id, :client, CAST(:t AS DATE), :t, :status, 1.0, :ms, :req, :resp, :entity, :requester)`,
      {
        id: r.databricks_request_id,
        client: r.client_request_id,
        t: new Date(r.request_time),
        status: r.status_code,
        ms: r.execution_duration_ms,
        req: r.request,
        resp: r.response,
        entity: r.served_entity_id,
        requester: r.requester,
      },
    );
  }
}

/** A statement that names the served entities system table. */
const SERVED_ENTITIES = /\bsystem`?\s*\.\s*`?serving`?\s*\.\s*`?served_entities\b/i;

export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
  }
}

interface CreateBody {
  name?: unknown;
  config?: { served_entities?: ServedEntityInput[]; traffic_config?: TrafficConfig };
  ai_gateway?: AiGatewayConfig;
  tags?: EndpointTag[];
  email_notifications?: EmailNotifications;
  description?: string;
}

function entityOutput(e: StoredEntity): ServedEntityOutput {
  return {
    ...e.input,
    creator: CREATOR,
    creation_timestamp: e.created,
    state: { deployment: e.deployment, deployment_state_message: e.message },
  };
}

function sameInput(a: ServedEntityInput, b: ServedEntityInput): boolean {
  const norm = (e: ServedEntityInput) =>
    JSON.stringify([
      e.name,
      e.entity_name?.toLowerCase(),
      e.entity_version,
      e.workload_size,
      e.workload_type ?? 'CPU',
      e.scale_to_zero_enabled ?? false,
      Object.entries(e.environment_vars ?? {}).sort(),
    ]);
  return norm(a) === norm(b);
}

function buildLogLines(e: ServedEntityInput, failed: boolean): string[] {
  const lines = [
    `Building image for ${e.entity_name} version ${e.entity_version}`,
    'Step 1/4: resolving the model environment (conda.yaml)',
    'Step 2/4: installing python=3.11 mlflow==2.19.0 scikit-learn==1.5.2',
    'Step 3/4: copying model artifacts',
  ];
  if (failed) return [...lines, 'ERROR: Could not find a version that satisfies the requirement sklearn-extra==0.9.9', 'Image build failed.'];
  return [...lines, 'Step 4/4: image pushed', 'Image build succeeded.'];
}

function dedupeTags(tags: EndpointTag[]): EndpointTag[] {
  const byKey = new Map<string, EndpointTag>();
  for (const t of tags) byKey.set(t.key, { key: t.key, value: t.value });
  return [...byKey.values()];
}

function pickGateway(g: AiGatewayConfig): AiGatewayConfig {
  const out: AiGatewayConfig = {};
  if (g.inference_table_config) out.inference_table_config = { ...g.inference_table_config };
  if (g.rate_limits) out.rate_limits = g.rate_limits.map((l) => ({ ...l }));
  if (g.usage_tracking_config) out.usage_tracking_config = { ...g.usage_tracking_config };
  if (g.guardrails) out.guardrails = g.guardrails;
  if (g.fallback_config) out.fallback_config = { ...g.fallback_config };
  return out;
}

/** The documented constraints: catalog and schema when enabling; no move while enabled. */
function validateGateway(next: AiGatewayConfig, current: AiGatewayConfig | undefined): void {
  const t = next.inference_table_config;
  if (t?.enabled && (!t.catalog_name || !t.schema_name)) fail(400, 'INVALID_PARAMETER_VALUE', 'catalog_name and schema_name are required to enable the inference table.');
  const c = current?.inference_table_config;
  if (c?.enabled && t) {
    const moved =
      (c.catalog_name ?? '') !== (t.catalog_name ?? '') || (c.schema_name ?? '') !== (t.schema_name ?? '') || (c.table_name_prefix ?? '') !== (t.table_name_prefix ?? '');
    if (moved)
      fail(400, 'INVALID_PARAMETER_VALUE', 'Cannot update the catalog name, schema name or table name prefix of an enabled inference table: disable the inference table first.');
  }
  for (const l of next.rate_limits ?? []) {
    if (l.renewal_period !== 'minute') fail(400, 'INVALID_PARAMETER_VALUE', "rate_limits renewal_period must be 'minute'.");
  }
}

/** The rows of a scoring request, as objects (or arrays) of features; undefined when malformed. */
function requestRecords(body: unknown): unknown[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.dataframe_records)) return b.dataframe_records;
  const split = b.dataframe_split as { data?: unknown } | undefined;
  if (split && Array.isArray(split.data)) return split.data;
  if (Array.isArray(b.instances)) return b.instances;
  if (Array.isArray(b.inputs)) return b.inputs;
  return undefined;
}

/** The tiny model: a logistic score of the numeric features. */
function score(record: unknown): number {
  const values = Array.isArray(record) ? record : record && typeof record === 'object' ? Object.values(record) : [record];
  const z = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).reduce((s, v) => s + 0.1 * v, -0.5);
  return Math.round((1 / (1 + Math.exp(-z))) * 10_000) / 10_000;
}

// ---------------------------------------------------------------------------------------------
// Routes

const BASE = '/api/2.0/serving-endpoints';

function store(ctx: RequestContext): ServingStore {
  return ctx.workspace.state.serving;
}

function limited(action: () => Reply): Reply {
  try {
    return action();
  } catch (e) {
    if (e instanceof RateLimited) {
      return error(429, 'REQUEST_LIMIT_EXCEEDED', 'Exceeded the limit of 50 endpoint create/update operations per 5 minutes in this workspace.', [], {
        'Retry-After': String(e.retryAfterSeconds),
      });
    }
    throw e;
  }
}

export const servingRoutes: RouteModule = {
  name: 'serving',
  install(workspace: FakeWorkspace): void {
    // The SQL store is made first (routes/index.ts order), also on resetAll(): the system table follows the serving store.
    workspace.defineState('serving', () => {
      const store = new ServingStore(workspace);
      workspace.state.sql.beforeStatement((statement) => store.syncServedEntitiesTable(statement));
      return store;
    });
    workspace.route('POST', BASE, (ctx) => limited(() => json(200, store(ctx).detailed(store(ctx).create((ctx.body ?? {}) as CreateBody)))));
    workspace.route('GET', BASE, (ctx) =>
      json(200, {
        endpoints: store(ctx)
          .names()
          .map((n) => store(ctx).detailed(store(ctx).get(n)!)),
      }),
    );
    workspace.route('GET', `${BASE}/:name`, (ctx) => {
      const ep = store(ctx).get(ctx.params.name!);
      if (ep) store(ctx).noteRead(ep);
      return ep ? json(200, store(ctx).detailed(ep)) : error(404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${ctx.params.name}' does not exist.`);
    });
    workspace.route('PUT', `${BASE}/:name/config`, (ctx) => limited(() => json(200, store(ctx).detailed(store(ctx).updateConfig(ctx.params.name!, (ctx.body ?? {}) as never)))));
    workspace.route('PUT', `${BASE}/:name/ai-gateway`, (ctx) => json(200, store(ctx).putGateway(ctx.params.name!, (ctx.body ?? {}) as AiGatewayConfig)));
    workspace.route('PATCH', `${BASE}/:name/tags`, (ctx) => json(200, { tags: store(ctx).patchTags(ctx.params.name!, (ctx.body ?? {}) as never) }));
    workspace.route('PATCH', `${BASE}/:name/notifications`, (ctx) => {
      const ep = store(ctx).patchNotifications(ctx.params.name!, (ctx.body ?? {}) as never);
      return json(200, { name: ep.name, email_notifications: ep.notifications });
    });
    workspace.route('GET', `${BASE}/:name/served-models/:entity/build-logs`, (ctx) =>
      json(200, { logs: store(ctx).entityForLogs(ctx.params.name!, ctx.params.entity!).buildLogs }),
    );
    workspace.route('GET', `${BASE}/:name/served-models/:entity/logs`, (ctx) => {
      const entity = store(ctx).entityForLogs(ctx.params.name!, ctx.params.entity!);
      if (entity.serverLogs === undefined) return error(400, 'INVALID_STATE', `The container of served entity '${ctx.params.entity}' has not started: no server logs yet.`);
      return json(200, { logs: entity.serverLogs });
    });
    workspace.route('POST', '/serving-endpoints/:name/invocations', (ctx) => store(ctx).invoke(ctx.params.name!, ctx.body, ctx.requestId, ctx.subject));
    workspace.route('POST', '/route-optimized/:id/serving-endpoints/:name/invocations', (ctx) =>
      store(ctx).invokeDataPlane(ctx.params.id!, ctx.params.name!, ctx.body, ctx.requestId, ctx.subject),
    );
  },
};
