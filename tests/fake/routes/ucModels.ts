/**
 * Unity Catalog registered models in the fake workspace: the UC API (`/api/2.1/unity-catalog/models`:
 * models, versions, aliases with `include_aliases`) and the MLflow UC registry service
 * (`/api/2.0/mlflow/unity-catalog`: create → files uploaded → finalize → READY, get, search,
 * tags, temporary credentials, the Files-API feature flag).
 *
 * Faithful details: a version starts PENDING_REGISTRATION with a fresh storage_location;
 * finalize refuses a version whose MLmodel was not uploaded, and the version turns READY
 * `finalizeDelayMs` (workspace time) later, or FAILED_REGISTRATION when a failure was
 * scripted; MLflow-family errors answer RESOURCE_ALREADY_EXISTS with HTTP 400, UC with 409;
 * setting an alias needs ownership of the model (PERMISSION_DENIED otherwise).
 */
import { randomUUID } from 'node:crypto';
import type { ModelVersionInfo, RegisteredModelAlias, RegisteredModelInfo } from '@databricks/sdk-experimental/dist/apis/catalog/model';
import { fail, json, type RequestContext } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    ucModels: UcModelStore;
  }
}

const MODEL_FILE = /^\/Models\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/;

/** The built-in group every principal belongs to: a model it owns can be changed by anyone. */
export const EVERYONE = 'account users';
const STORAGE_CONTAINER = 'uc-models';

export type VersionStatus = 'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION';

export interface FakeModelVersion {
  version: number;
  source: string;
  runId?: string;
  /** MLflow 3 logged model id the version was made from. */
  modelId?: string;
  runWorkspaceId?: number;
  /** model_version_dependencies sent with the create. */
  dependencies?: Array<{ type: string; name: string }>;
  description?: string;
  tags: Map<string, string>;
  /** `abfss://uc-models@<host>/<metastore>/models/<model id>/versions/<version id>` */
  storageLocation: string;
  /** The object-store key prefix of its files (`/uc-models/...`). */
  storageKey: string;
  createdAt: number;
  createdBy: string;
  /** Set by finalize: when it becomes READY (or FAILED_REGISTRATION). */
  settlesAt?: number;
  failure?: string;
  /** READY seeded versions start so. */
  initialStatus?: VersionStatus;
}

export interface FakeModel {
  info: RegisteredModelInfo & { full_name: string; owner: string };
  id: string;
  versions: Map<number, FakeModelVersion>;
  aliases: Map<string, number>;
  nextVersion: number;
}

export class UcModelStore {
  /** Workspace time between finalize and READY. */
  finalizeDelayMs = 4_000;
  /**
   * The Files API route for model files: `enabled` (feature flag true), `flagOff` (flag false:
   * clients use temporary credentials), `notFound` (flag true, but PUT /Models answers 404
   * ENDPOINT_NOT_FOUND).
   */
  filesApiForModels: 'enabled' | 'flagOff' | 'notFound' = 'enabled';
  /** storage_mode reported with temporary credentials. */
  storageMode: 'CUSTOMER_HOSTED' | 'DEFAULT_STORAGE' = 'CUSTOMER_HOSTED';
  private readonly models = new Map<string, FakeModel>();
  /** Scripted FAILED_REGISTRATION for the next finalize of a model. */
  private readonly failures = new Map<string, string>();
  private storageHost = 'dbstoragefake.dfs.core.windows.net';

  constructor(private readonly workspace: FakeWorkspace) {}

  /** A version's storage_location with the storage account's actual host, once it runs (versions seeded before it started). */
  locationOf(v: FakeModelVersion): string {
    const host = this.workspace.state.objects.startedHost();
    return host ? v.storageLocation.replace(/@[^/]+/, `@${host}`) : v.storageLocation;
  }

  /** The host:port put into new storage locations (the fake storage account's). */
  useStorageHost(host: string): void {
    this.storageHost = host;
  }

  addModel(fullName: string, opts: { owner?: string; comment?: string; createdBy?: string } = {}): FakeModel {
    const key = fullName.toLowerCase();
    const existing = this.models.get(key);
    if (existing) return existing;
    const [catalog_name, schema_name, name] = key.split('.');
    if (!catalog_name || !schema_name || !name) throw new Error(`Invalid model name '${fullName}'`);
    this.workspace.state.uc.addSchema(`${catalog_name}.${schema_name}`);
    const now = this.workspace.now();
    const model: FakeModel = {
      id: randomUUID(),
      info: {
        catalog_name,
        schema_name,
        name,
        full_name: key,
        owner: opts.owner ?? EVERYONE,
        comment: opts.comment,
        metastore_id: this.workspace.state.uc.metastoreId,
        created_at: now,
        created_by: opts.createdBy ?? 'data-scientist@contoso.com',
        updated_at: now,
        updated_by: opts.createdBy ?? 'data-scientist@contoso.com',
      },
      versions: new Map(),
      aliases: new Map(),
      nextVersion: 1,
    };
    model.info.storage_location = `abfss://${STORAGE_CONTAINER}@${this.storageHost}/${model.info.metastore_id}/models/${model.id}`;
    this.models.set(key, model);
    return model;
  }

  getModel(fullName: string): FakeModel | undefined {
    return this.models.get(fullName.toLowerCase());
  }

  addVersion(
    model: FakeModel,
    spec: {
      source: string;
      runId?: string;
      modelId?: string;
      dependencies?: Array<{ type: string; name: string }>;
      description?: string;
      tags?: Record<string, string>;
      createdBy: string;
      status?: VersionStatus;
    },
  ): FakeModelVersion {
    const version = model.nextVersion++;
    const versionId = randomUUID();
    const base = `${model.info.metastore_id}/models/${model.id}/versions/${versionId}`;
    const v: FakeModelVersion = {
      version,
      source: spec.source,
      runId: spec.runId,
      modelId: spec.modelId,
      dependencies: spec.dependencies,
      runWorkspaceId: spec.runId ? Number(this.workspace.state.mlflow.orgId) : undefined,
      description: spec.description,
      tags: new Map(Object.entries(spec.tags ?? {})),
      storageLocation: `abfss://${STORAGE_CONTAINER}@${this.storageHost}/${base}`,
      storageKey: `/${STORAGE_CONTAINER}/${base}`,
      createdAt: this.workspace.now(),
      createdBy: spec.createdBy,
      initialStatus: spec.status,
    };
    model.versions.set(version, v);
    return v;
  }

  setAlias(model: FakeModel, alias: string, version: number): void {
    model.aliases.set(alias, version);
  }

  /** The next finalize of this model ends in FAILED_REGISTRATION with this status_message. */
  failNextFinalize(fullName: string, statusMessage: string): void {
    this.failures.set(fullName.toLowerCase(), statusMessage);
  }

  status(v: FakeModelVersion): VersionStatus {
    if (v.settlesAt === undefined) return v.initialStatus ?? 'PENDING_REGISTRATION';
    if (this.workspace.now() < v.settlesAt) return 'PENDING_REGISTRATION';
    return v.failure === undefined ? 'READY' : 'FAILED_REGISTRATION';
  }

  /** Files of a version: relative path → object. */
  files(v: FakeModelVersion): Map<string, { size: number; sha256: string; data?: Buffer }> {
    const objects = this.workspace.state.objects;
    return new Map(objects.list(v.storageKey).map((k) => [k.slice(v.storageKey.length + 1), objects.get(k)!]));
  }

  /** Where a Files API upload to `/Models/<c>/<s>/<m>/<v>/<path>` goes, or undefined for other paths. */
  fileKeyForUpload(path: string): string | undefined {
    if (!MODEL_FILE.test(path)) return undefined;
    if (this.filesApiForModels === 'notFound') fail(404, 'ENDPOINT_NOT_FOUND', `No API found for 'PUT /fs/files${path}'`);
    return this.pendingVersionFileKey(path);
  }

  /** The storage key of `/Models/<c>/<s>/<m>/<v>/<file>` of a version that still takes files (PENDING, not finalized). */
  pendingVersionFileKey(path: string): string {
    const m = MODEL_FILE.exec(path) ?? fail(400, 'INVALID_PARAMETER_VALUE', `Path ${path} is not a model version file (/Models/<catalog>/<schema>/<model>/<version>/<file>).`);
    const model = this.requireModel(`${m[1]}.${m[2]}.${m[3]}`);
    const v = this.requireVersion(model, m[4]!);
    if (this.status(v) !== 'PENDING_REGISTRATION' || v.settlesAt !== undefined) {
      fail(400, 'INVALID_STATE', `Model version ${v.version} of ${model.info.full_name} is not pending registration: its files cannot change.`);
    }
    return `${v.storageKey}/${m[5]}`;
  }

  requireModel(fullName: string): FakeModel {
    return this.getModel(fullName) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Registered model '${fullName}' does not exist.`);
  }

  requireVersion(model: FakeModel, version: string | number | undefined): FakeModelVersion {
    const n = Number(version);
    if (version === undefined || !Number.isInteger(n) || n < 1) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid model version '${String(version)}'.`);
    return model.versions.get(n) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Model version ${model.info.full_name}/${n} does not exist.`);
  }

  finalize(model: FakeModel, v: FakeModelVersion): void {
    if (v.settlesAt !== undefined || this.status(v) !== 'PENDING_REGISTRATION') {
      fail(400, 'INVALID_STATE', `Model version ${model.info.full_name}/${v.version} is not pending registration.`);
    }
    if (!this.files(v).has('MLmodel')) {
      fail(
        400,
        'INVALID_PARAMETER_VALUE',
        `Model version ${model.info.full_name}/${v.version} has no MLmodel file in its storage location: upload the model files before finalizing.`,
      );
    }
    const failure = this.failures.get(model.info.full_name);
    if (failure !== undefined) {
      this.failures.delete(model.info.full_name);
      v.failure = failure;
    }
    v.settlesAt = this.workspace.now() + this.workspace.scaled(this.finalizeDelayMs);
  }

  ucVersion(model: FakeModel, v: FakeModelVersion, includeAliases: boolean): ModelVersionInfo {
    return {
      model_name: model.info.name,
      catalog_name: model.info.catalog_name,
      schema_name: model.info.schema_name,
      version: v.version,
      source: v.source,
      run_id: v.runId,
      run_workspace_id: v.runWorkspaceId,
      comment: v.description,
      status: this.status(v),
      storage_location: this.locationOf(v),
      created_at: v.createdAt,
      created_by: v.createdBy,
      updated_at: v.createdAt,
      updated_by: v.createdBy,
      id: `${model.id}-${v.version}`,
      metastore_id: model.info.metastore_id,
      aliases: includeAliases ? this.aliasesOf(model).filter((a) => a.version_num === v.version) : undefined,
    };
  }

  mlflowVersion(model: FakeModel, v: FakeModelVersion): Record<string, unknown> {
    const status = this.status(v);
    return {
      name: model.info.full_name,
      version: String(v.version),
      creation_timestamp: v.createdAt,
      last_updated_timestamp: v.settlesAt ?? v.createdAt,
      user_id: v.createdBy,
      description: v.description,
      source: v.source,
      run_id: v.runId,
      model_id: v.modelId,
      run_tracking_server_id: v.runWorkspaceId === undefined ? undefined : String(v.runWorkspaceId),
      status,
      status_message: status === 'FAILED_REGISTRATION' ? v.failure : undefined,
      storage_location: this.locationOf(v),
      tags: [...v.tags].map(([key, value]) => ({ key, value })),
      aliases: [...model.aliases].filter(([, n]) => n === v.version).map(([a]) => a),
    };
  }

  aliasesOf(model: FakeModel): RegisteredModelAlias[] {
    return [...model.aliases].map(([alias_name, version_num]) => ({
      alias_name,
      version_num,
      catalog_name: model.info.catalog_name,
      schema_name: model.info.schema_name,
      model_name: model.info.name,
      id: `${model.id}-${alias_name}`,
    }));
  }

  allModels(): FakeModel[] {
    return [...this.models.values()];
  }
}

// ---------------------------------------------------------------------------------------------
// UC API (2.1)

const UC = '/api/2.1/unity-catalog/models';
const REGISTRY = '/api/2.0/mlflow/unity-catalog';

function fullNameParam(ctx: RequestContext): string {
  const name = ctx.params.full_name!.toLowerCase();
  if (name.split('.').length !== 3 || name.split('.').some((p) => p === '')) {
    fail(400, 'INVALID_PARAMETER_VALUE', `Invalid registered model name '${ctx.params.full_name}': expected <catalog>.<schema>.<model>.`);
  }
  return name;
}

function modelInfo(store: UcModelStore, model: FakeModel, includeAliases: boolean): RegisteredModelInfo {
  return { ...model.info, aliases: includeAliases ? store.aliasesOf(model) : undefined };
}

function createModel(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const body = (ctx.body ?? {}) as { catalog_name?: string; schema_name?: string; name?: string; comment?: string };
  for (const field of ['catalog_name', 'schema_name', 'name'] as const) {
    if (!body[field]) fail(400, 'INVALID_PARAMETER_VALUE', `Missing required field: ${field}`);
  }
  const uc = ctx.workspace.state.uc;
  if (!uc.getCatalog(body.catalog_name!)) fail(404, 'CATALOG_DOES_NOT_EXIST', `Catalog '${body.catalog_name}' does not exist.`);
  if (!uc.getSchema(`${body.catalog_name}.${body.schema_name}`)) fail(404, 'SCHEMA_DOES_NOT_EXIST', `Schema '${body.catalog_name}.${body.schema_name}' does not exist.`);
  const fullName = `${body.catalog_name}.${body.schema_name}.${body.name}`.toLowerCase();
  if (store.getModel(fullName)) fail(409, 'RESOURCE_ALREADY_EXISTS', `Registered model '${fullName}' already exists.`);
  // The creator owns what it creates (which is what lets it set aliases).
  const model = store.addModel(fullName, { owner: ctx.subject, comment: body.comment, createdBy: ctx.subject });
  return json(200, modelInfo(store, model, false));
}

function getModel(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  return json(200, modelInfo(store, model, ctx.query.bool('include_aliases') ?? false));
}

function listVersions(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  const max = ctx.query.int('max_results') ?? 100;
  if (max < 0 || max > 1000) fail(400, 'INVALID_PARAMETER_VALUE', `max_results must be between 0 and 1000, got ${max}.`);
  const size = max === 0 ? 100 : max;
  // Newest first, as the service lists them.
  const all = [...model.versions.values()].sort((a, b) => b.version - a.version);
  const token = ctx.query.get('page_token');
  const start = token ? all.findIndex((v) => v.version < Number(Buffer.from(token, 'base64url').toString('utf8'))) : 0;
  const rest = start < 0 ? [] : all.slice(start);
  const page = rest.slice(0, size);
  const more = rest.length > page.length;
  return json(200, {
    model_versions: page.map((v) => store.ucVersion(model, v, false)),
    ...(more ? { next_page_token: Buffer.from(String(page[page.length - 1]!.version)).toString('base64url') } : {}),
  });
}

function getVersion(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  const v = store.requireVersion(model, ctx.params.version);
  return json(200, store.ucVersion(model, v, ctx.query.bool('include_aliases') ?? false));
}

function deleteVersion(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  const v = store.requireVersion(model, ctx.params.version);
  model.versions.delete(v.version);
  for (const [alias, n] of model.aliases) if (n === v.version) model.aliases.delete(alias);
  return json(200, {});
}

function getAlias(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  const alias = ctx.params.alias!;
  const n = model.aliases.get(alias) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Alias '${alias}' does not exist on registered model '${model.info.full_name}'.`);
  return json(200, store.ucVersion(model, model.versions.get(n)!, ctx.query.bool('include_aliases') ?? false));
}

function requireOwner(ctx: RequestContext, model: FakeModel): void {
  if (model.info.owner !== ctx.subject && model.info.owner !== EVERYONE) {
    fail(403, 'PERMISSION_DENIED', `User does not have ownership of Registered Model '${model.info.full_name}'. Only the owner can manage aliases.`);
  }
}

function putAlias(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  const alias = ctx.params.alias!;
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(alias) || alias.toLowerCase() === 'latest') fail(400, 'INVALID_PARAMETER_VALUE', `Invalid alias name '${alias}'.`);
  const body = (ctx.body ?? {}) as { version_num?: unknown };
  if (typeof body.version_num !== 'number') fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: version_num');
  requireOwner(ctx, model);
  const v = store.requireVersion(model, body.version_num);
  if (store.status(v) !== 'READY') fail(400, 'INVALID_PARAMETER_VALUE', `Model version ${model.info.full_name}/${v.version} is not READY.`);
  model.aliases.set(alias, v.version);
  return json(
    200,
    store.aliasesOf(model).find((a) => a.alias_name === alias),
  );
}

function deleteAlias(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(fullNameParam(ctx));
  requireOwner(ctx, model);
  model.aliases.delete(ctx.params.alias!);
  return json(200, {});
}

// ---------------------------------------------------------------------------------------------
// MLflow UC registry (2.0): version strings, RESOURCE_ALREADY_EXISTS as 400

interface CreateBody {
  name?: string;
  source?: string;
  run_id?: string;
  run_tracking_server_id?: string;
  description?: string;
  tags?: Array<{ key?: string; value?: string }>;
  model_id?: string;
  feature_deps?: string;
  model_version_dependencies?: Array<{ type?: string; name?: string }>;
}

const DEPENDENCY_TYPES = new Set(['DATABRICKS_VECTOR_INDEX', 'DATABRICKS_MODEL_ENDPOINT', 'DATABRICKS_UC_FUNCTION', 'DATABRICKS_UC_CONNECTION', 'DATABRICKS_TABLE']);

async function createVersion(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const body = (ctx.body ?? {}) as CreateBody;
  if (!body.name) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
  if (!body.source) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'source'.");
  const model = store.requireModel(body.name);
  if (body.run_id && !ctx.workspace.state.mlflow.getRun(body.run_id)) fail(404, 'RESOURCE_DOES_NOT_EXIST', `Run '${body.run_id}' not found.`);
  if (body.model_id && !ctx.workspace.state.mlflow.getLoggedModel(body.model_id)) fail(404, 'RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${body.model_id}' not found.`);
  const dependencies: Array<{ type: string; name: string }> = [];
  for (const d of body.model_version_dependencies ?? []) {
    if (!d.type || !DEPENDENCY_TYPES.has(d.type) || !d.name) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid model version dependency ${JSON.stringify(d)}.`);
    dependencies.push({ type: d.type, name: d.name });
  }
  // New storage locations point at the fake storage account, so SAS uploads reach it.
  store.useStorageHost(await ctx.workspace.state.objects.host());
  const tags: Record<string, string> = {};
  for (const t of body.tags ?? []) if (t.key) tags[t.key] = t.value ?? '';
  const v = store.addVersion(model, {
    source: body.source,
    runId: body.run_id,
    modelId: body.model_id,
    dependencies: dependencies.length > 0 ? dependencies : undefined,
    description: body.description,
    tags,
    createdBy: ctx.subject,
  });
  return json(200, { model_version: store.mlflowVersion(model, v) });
}

function finalizeVersion(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const body = (ctx.body ?? {}) as { name?: string; version?: string };
  const model = store.requireModel(body.name ?? '');
  const v = store.requireVersion(model, body.version);
  store.finalize(model, v);
  return json(200, { model_version: store.mlflowVersion(model, v) });
}

function getRegistryVersion(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const model = store.requireModel(ctx.query.get('name') ?? '');
  const v = store.requireVersion(model, ctx.query.get('version'));
  return json(200, { model_version: store.mlflowVersion(model, v) });
}

/** `name='a.b.c'`, `run_id='…'`, or both joined by AND: the forms UC search supports. */
function searchVersions(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const filter = ctx.query.get('filter') ?? '';
  const conditions = new Map<string, string>();
  for (const part of filter.split(/\s+and\s+/i).filter((p) => p.trim() !== '')) {
    const m = /^\s*(name|run_id)\s*=\s*'([^']*)'\s*$/i.exec(part);
    if (!m) fail(400, 'INVALID_PARAMETER_VALUE', `Unsupported filter '${filter}': only name='...' and run_id='...' are supported.`);
    conditions.set(m[1]!.toLowerCase(), m[2]!);
  }
  const name = conditions.get('name')?.toLowerCase();
  const runId = conditions.get('run_id');
  const found = store
    .allModels()
    .filter((m) => name === undefined || m.info.full_name === name)
    .flatMap((m) => [...m.versions.values()].filter((v) => runId === undefined || v.runId === runId).map((v) => store.mlflowVersion(m, v)));
  return json(200, found.length > 0 ? { model_versions: found } : {});
}

function setVersionTag(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const body = (ctx.body ?? {}) as { name?: string; version?: string; key?: string; value?: string };
  const model = store.requireModel(body.name ?? '');
  const v = store.requireVersion(model, body.version);
  if (!body.key) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'.");
  v.tags.set(body.key, body.value ?? '');
  return json(200, {});
}

async function temporaryCredentials(ctx: RequestContext) {
  const store = ctx.workspace.state.ucModels;
  const body = (ctx.body ?? {}) as { name?: string; version?: string; operation?: string };
  const model = store.requireModel(body.name ?? '');
  const v = store.requireVersion(model, body.version);
  if (body.operation !== 'MODEL_VERSION_OPERATION_READ_WRITE' && body.operation !== 'MODEL_VERSION_OPERATION_READ') {
    fail(400, 'INVALID_PARAMETER_VALUE', `Invalid operation '${String(body.operation)}'.`);
  }
  if (body.operation === 'MODEL_VERSION_OPERATION_READ_WRITE' && store.status(v) !== 'PENDING_REGISTRATION') {
    fail(400, 'INVALID_STATE', `Model version ${model.info.full_name}/${v.version} is not pending registration: write credentials are not issued.`);
  }
  // Default storage is written through presigned URLs (fs/create-upload-url), not with a SAS the client holds.
  if (store.storageMode === 'DEFAULT_STORAGE') {
    return json(200, { credentials: { expiration_time: ctx.now() + ctx.workspace.scaled(15 * 60_000), storage_mode: 'DEFAULT_STORAGE' } });
  }
  // The storage account serves what the SAS opens: start it if it is not yet.
  await ctx.workspace.state.objects.host();
  const grant = ctx.workspace.state.objects.sasGrant(v.storageKey, body.operation === 'MODEL_VERSION_OPERATION_READ_WRITE');
  return json(200, {
    credentials: {
      azure_user_delegation_sas: { sas_token: grant.token },
      expiration_time: grant.expiresAt,
      storage_mode: store.storageMode,
    },
  });
}

/** The request message has no fields (`mlflow` `rest_store.py`): a query parameter is refused here, so a client that sends one is caught. */
function filesApiFlag(ctx: RequestContext) {
  const given = Object.keys(ctx.query.toRecord());
  if (given.length > 0) fail(400, 'INVALID_PARAMETER_VALUE', `IsDatabricksSdkModelsArtifactRepositoryEnabledRequest has no parameters; got ${given.join(', ')}.`);
  const enabled = ctx.workspace.state.ucModels.filesApiForModels !== 'flagOff';
  return json(200, { is_databricks_sdk_models_artifact_repository_enabled: enabled });
}

export const ucModelRoutes: RouteModule = {
  name: 'uc-models',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('ucModels', () => new UcModelStore(workspace));
    workspace.route('POST', UC, createModel);
    workspace.route('GET', `${UC}/:full_name`, getModel);
    workspace.route('GET', `${UC}/:full_name/versions`, listVersions);
    workspace.route('GET', `${UC}/:full_name/versions/:version`, getVersion);
    workspace.route('DELETE', `${UC}/:full_name/versions/:version`, deleteVersion);
    workspace.route('GET', `${UC}/:full_name/aliases/:alias`, getAlias);
    workspace.route('PUT', `${UC}/:full_name/aliases/:alias`, putAlias);
    workspace.route('DELETE', `${UC}/:full_name/aliases/:alias`, deleteAlias);
    workspace.route('POST', `${REGISTRY}/model-versions/create`, createVersion);
    workspace.route('POST', `${REGISTRY}/model-versions/finalize`, finalizeVersion);
    workspace.route('GET', `${REGISTRY}/model-versions/get`, getRegistryVersion);
    workspace.route('GET', `${REGISTRY}/model-versions/search`, searchVersions);
    workspace.route('POST', `${REGISTRY}/model-versions/tags`, setVersionTag);
    workspace.route('POST', `${REGISTRY}/model-versions/generate-temporary-credentials`, temporaryCredentials);
    workspace.route('GET', `${REGISTRY}/registered-models:is-databricks-sdk-models-artifact-repository-enabled`, filesApiFlag);
  },
};
