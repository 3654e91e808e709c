/**
 * MLflow tracking in the fake workspace: experiments (get-by-name), runs (get, search with the
 * service's filter grammar, order_by, max_results and page tokens), run artifacts (list,
 * and credentials-for-read → signed URLs served by the fake storage account of files.ts), and
 * MLflow 3 logged models (py-sdk `databricks/sdk/service/ml.py`: get, search, artifact listing through
 * `artifacts/directories`, credentials-for-download, tags), with the response shapes of MLflow's
 * protos (`service.proto` LoggedModel, `databricks_artifacts.proto` LoggedModelArtifactCredential).
 * A logged model's files live under its own artifact location
 * (`dbfs:/databricks/mlflow-tracking/<exp>/logged_models/<model_id>/artifacts`, or a UC volume),
 * not under the run's; the run lists it in `outputs.model_outputs[{model_id, step}]`.
 *
 * Filter grammar (the forms MLflow documents for search_runs, joined by `and`):
 *   <entity>.<key> <op> <value>
 *   entity: metrics|metric, params|param|parameters|parameter, tags|tag, attributes|attribute|attr|run
 *   key: an identifier (letters, digits, _ . - /), or quoted with backticks or double quotes
 *   op: = != > >= < <= (metrics and numeric attributes); = != LIKE ILIKE (strings)
 *   value: a number for metrics, a 'single' or "double" quoted string otherwise
 * Anything else is 400 INVALID_PARAMETER_VALUE with a message naming the problem.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { LoggedModel, LoggedModelStatus, Metric, ModelOutput, Param, Run, RunInfo, RunTag } from '@databricks/sdk-experimental/dist/apis/ml/model';
import { fail, json, type RequestContext } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    mlflow: MlflowStore;
  }
}

export interface FakeExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
}

export interface RunSpec {
  experimentName: string;
  runId?: string;
  runName?: string;
  status?: RunInfo['status'];
  startTime?: number;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** A UC volume path (`/Volumes/c/s/v/...`) instead of the tracking server's storage. */
  artifactUri?: string;
}

/** A run as runs/get returns it, with the MLflow 3 outputs the SDK types do not declare yet. */
export type FakeRun = Run & { outputs?: { model_outputs?: ModelOutput[] } };

export interface LoggedModelSpec {
  experimentId: string;
  /** The `name` (MLflow 3) / `artifact_path` the model was logged under. */
  name: string;
  sourceRunId?: string;
  /** The step recorded in the run's model_outputs. */
  step?: number;
  status?: LoggedModelStatus;
  /** A UC volume path (`/Volumes/c/s/v/...`) instead of the tracking server's storage. */
  artifactUri?: string;
  modelId?: string;
  creationTime?: number;
}

export class MlflowStore {
  /** The workspace id runs/get reports in X-Databricks-Org-Id. */
  orgId = String(randomInt(1e14, 2 ** 48 - 1));
  /** Page size of runs/search and artifacts/list when the caller asks for more. */
  maxPageSize = 1000;
  private readonly experiments = new Map<string, FakeExperiment>();
  private readonly runs = new Map<string, FakeRun>();
  private readonly loggedModels = new Map<string, LoggedModel>();
  private nextExperimentId = 1000;

  constructor(private readonly now: () => number) {}

  addExperiment(name: string): FakeExperiment {
    const existing = [...this.experiments.values()].find((e) => e.name === name);
    if (existing) return existing;
    const id = String(this.nextExperimentId++);
    const experiment: FakeExperiment = { experiment_id: id, name, artifact_location: `dbfs:/databricks/mlflow-tracking/${id}`, lifecycle_stage: 'active' };
    this.experiments.set(id, experiment);
    return experiment;
  }

  experimentByName(name: string): FakeExperiment | undefined {
    return [...this.experiments.values()].find((e) => e.name === name && e.lifecycle_stage === 'active');
  }

  addRun(spec: RunSpec): Run {
    const experiment = this.addExperiment(spec.experimentName);
    const runId = spec.runId ?? randomBytes(16).toString('hex');
    const start = spec.startTime ?? this.now();
    const status = spec.status ?? 'FINISHED';
    const artifactUri = spec.artifactUri ?? `${experiment.artifact_location}/${runId}/artifacts`;
    const metrics: Metric[] = Object.entries(spec.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: start, step: 0 }));
    const params: Param[] = Object.entries(spec.params ?? {}).map(([key, value]) => ({ key, value }));
    const tags: RunTag[] = Object.entries({ 'mlflow.runName': spec.runName ?? `run-${runId.slice(0, 6)}`, ...spec.tags }).map(([key, value]) => ({ key, value }));
    const run: FakeRun = {
      info: {
        run_id: runId,
        run_uuid: runId,
        run_name: spec.runName ?? `run-${runId.slice(0, 6)}`,
        experiment_id: experiment.experiment_id,
        status,
        start_time: start,
        end_time: status === 'FINISHED' ? start + 60_000 : undefined,
        artifact_uri: artifactUri,
        lifecycle_stage: 'active',
        user_id: 'data-scientist@contoso.com',
      },
      data: { metrics, params, tags },
      inputs: {},
    };
    this.runs.set(runId, run);
    return run;
  }

  getRun(runId: string): FakeRun | undefined {
    return this.runs.get(runId);
  }

  /** An MLflow 3 logged model (status READY unless given), listed in its run's model_outputs. */
  addLoggedModel(spec: LoggedModelSpec): LoggedModel {
    const modelId = spec.modelId ?? `m-${randomBytes(16).toString('hex')}`;
    const created = spec.creationTime ?? this.now();
    const model: LoggedModel = {
      info: {
        model_id: modelId,
        experiment_id: spec.experimentId,
        name: spec.name,
        source_run_id: spec.sourceRunId,
        artifact_uri: spec.artifactUri ?? `dbfs:/databricks/mlflow-tracking/${spec.experimentId}/logged_models/${modelId}/artifacts`,
        status: spec.status ?? 'LOGGED_MODEL_READY',
        creation_timestamp_ms: created,
        last_updated_timestamp_ms: created,
        creator_id: 4711,
        tags: [],
      },
      data: { params: [], metrics: [] },
    };
    this.loggedModels.set(modelId, model);
    if (spec.sourceRunId) {
      const run = this.runs.get(spec.sourceRunId);
      if (!run) throw new Error(`No run ${spec.sourceRunId} for logged model ${modelId}`);
      const outputs = (run.outputs ??= {});
      (outputs.model_outputs ??= []).push({ model_id: modelId, step: spec.step ?? 0 });
    }
    return model;
  }

  getLoggedModel(modelId: string): LoggedModel | undefined {
    return this.loggedModels.get(modelId);
  }

  loggedModelsOf(experimentIds: readonly string[]): LoggedModel[] {
    return [...this.loggedModels.values()].filter((m) => experimentIds.includes(m.info!.experiment_id!));
  }

  /** The object-store key of a logged model's artifact. */
  loggedModelKey(model: LoggedModel, path: string): string {
    return keyOf(model.info!.artifact_uri!, path);
  }

  runsOf(experimentIds: readonly string[]): Run[] {
    return [...this.runs.values()].filter((r) => experimentIds.includes(r.info!.experiment_id!));
  }

  /** The object-store key of a run artifact (see files.ts). */
  artifactKey(run: Run, path: string): string {
    return keyOf(run.info!.artifact_uri!, path);
  }
}

/** `dbfs:/databricks/x` → `/x`; a volume path stays itself (the Files API reads it). */
function keyOf(uri: string, path: string): string {
  const volume = /^(?:dbfs:)?(\/Volumes\/.+?)\/*$/.exec(uri);
  const root = volume ? volume[1]! : uri.replace(/^dbfs:\/databricks/, '');
  return path === '' ? root : `${root}/${path}`;
}

// ---------------------------------------------------------------------------------------------
// Filter grammar

type Entity = 'metrics' | 'params' | 'tags' | 'attributes';
type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE';

export interface Clause {
  entity: Entity;
  key: string;
  op: Op;
  value: string | number;
}

const ENTITIES: Record<string, Entity> = {
  metrics: 'metrics',
  metric: 'metrics',
  params: 'params',
  param: 'params',
  parameters: 'params',
  parameter: 'params',
  tags: 'tags',
  tag: 'tags',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};
const STRING_ATTRIBUTES = new Set(['status', 'run_name', 'run_id', 'artifact_uri', 'user_id', 'lifecycle_stage']);
const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);

class FilterSyntaxError extends Error {}

/** Parses a search filter; throws FilterSyntaxError with the service's kind of message. */
export function parseFilter(filter: string): Clause[] {
  const text = filter.trim();
  if (text === '') return [];
  let pos = 0;
  const clauses: Clause[] = [];
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const error = (what: string): never => {
    throw new FilterSyntaxError(`Invalid filter '${filter}'. ${what} (at position ${pos}).`);
  };
  const quoted = (quote: string): string => {
    const end = text.indexOf(quote, pos + 1);
    if (end < 0) error(`Unclosed ${quote} quote`);
    const value = text.slice(pos + 1, end);
    pos = end + 1;
    return value;
  };
  for (;;) {
    skipSpace();
    const entityMatch = /^[A-Za-z]+/.exec(text.slice(pos));
    if (!entityMatch) error('Expected an identifier such as metrics.<key>, params.<key>, tags.<key> or attributes.<key>');
    const entity = ENTITIES[entityMatch![0].toLowerCase()];
    if (!entity) error(`Invalid entity type '${entityMatch![0]}'. Valid values are ['metric', 'parameter', 'tag', 'attribute']`);
    pos += entityMatch![0].length;
    if (text[pos] !== '.') error(`Expected '.' after '${entityMatch![0]}'`);
    pos++;
    let key: string;
    if (text[pos] === '`' || text[pos] === '"') key = quoted(text[pos]!);
    else {
      const keyMatch = /^[A-Za-z0-9_.\-/]+/.exec(text.slice(pos));
      if (!keyMatch) error('Expected a key name');
      key = keyMatch![0];
      pos += key.length;
    }
    skipSpace();
    const opMatch = /^(!=|>=|<=|=|>|<|ILIKE\b|LIKE\b)/i.exec(text.slice(pos));
    if (!opMatch) error(`Expected a comparison operator after '${entity}.${key}'`);
    const op = opMatch![0].toUpperCase() as Op;
    pos += opMatch![0].length;
    skipSpace();
    let value: string | number;
    if (text[pos] === "'" || text[pos] === '"') value = quoted(text[pos]!);
    else {
      const numberMatch = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(pos));
      if (!numberMatch) error('Expected a quoted string or a number as the value');
      value = Number(numberMatch![0]);
      pos += numberMatch![0].length;
    }
    const numeric = entity === 'metrics' || (entity === 'attributes' && NUMERIC_ATTRIBUTES.has(key));
    if (entity === 'attributes' && !STRING_ATTRIBUTES.has(key) && !NUMERIC_ATTRIBUTES.has(key)) error(`Invalid attribute key '${key}'`);
    if (numeric && typeof value !== 'number') error(`Expected a numeric value for ${entity}.${key}`);
    if (!numeric && typeof value === 'number') error(`Expected a quoted string value for ${entity}.${key}`);
    if (numeric && (op === 'LIKE' || op === 'ILIKE')) error(`Invalid comparator '${op}' for a numeric value`);
    if (!numeric && !['=', '!=', 'LIKE', 'ILIKE'].includes(op)) error(`Invalid comparator '${op}' for a string value: only =, !=, LIKE and ILIKE`);
    clauses.push({ entity, key, op, value });
    skipSpace();
    if (pos >= text.length) return clauses;
    const and = /^and\b/i.exec(text.slice(pos));
    if (!and) error(`Expected 'and' between clauses; found '${text.slice(pos, pos + 10)}'`);
    pos += 3;
  }
}

function valueOf(run: Run, entity: Entity, key: string): string | number | undefined {
  const info = run.info!;
  switch (entity) {
    case 'metrics':
      return run.data?.metrics?.find((m) => m.key === key)?.value;
    case 'params':
      return run.data?.params?.find((p) => p.key === key)?.value;
    case 'tags':
      return run.data?.tags?.find((t) => t.key === key)?.value;
    case 'attributes':
      return (info as Record<string, string | number | undefined>)[key];
  }
}

export function matches(run: Run, clause: Clause): boolean {
  const actual = valueOf(run, clause.entity, clause.key);
  if (actual === undefined) return false;
  const v = clause.value;
  switch (clause.op) {
    case '=':
      return actual === v;
    case '!=':
      return actual !== v;
    case '>':
      return actual > v;
    case '>=':
      return actual >= v;
    case '<':
      return actual < v;
    case '<=':
      return actual <= v;
    case 'LIKE':
    case 'ILIKE': {
      const pattern = String(v)
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.');
      return new RegExp(`^${pattern}$`, clause.op === 'ILIKE' ? 'i' : '').test(String(actual));
    }
  }
}

/** `attributes.start_time DESC`, `metrics.f1 ASC`, `start_time` (attributes by default). */
function orderComparator(orderBy: readonly string[]): (a: Run, b: Run) => number {
  const keys = orderBy.map((spec) => {
    const m = /^\s*(?:([A-Za-z]+)\.)?(`[^`]+`|"[^"]+"|[A-Za-z0-9_.\-/]+)\s*(ASC|DESC)?\s*$/i.exec(spec);
    if (!m) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid order_by clause '${spec}'.`);
    const entity = m[1] ? ENTITIES[m[1].toLowerCase()] : 'attributes';
    if (!entity) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid entity in order_by clause '${spec}'.`);
    return { entity, key: m[2]!.replace(/^[`"]|[`"]$/g, ''), desc: (m[3] ?? 'ASC').toUpperCase() === 'DESC' };
  });
  keys.push({ entity: 'attributes', key: 'start_time', desc: true }, { entity: 'attributes', key: 'run_id', desc: false });
  return (a, b) => {
    for (const k of keys) {
      const x = valueOf(a, k.entity, k.key);
      const y = valueOf(b, k.entity, k.key);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return 0;
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

const BASE = '/api/2.0/mlflow';

function requireRun(store: MlflowStore, runId: string | undefined): Run {
  if (!runId) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
  return store.getRun(runId) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Run '${runId}' not found.`);
}

function getByName(ctx: RequestContext) {
  const name = ctx.query.get('experiment_name') ?? fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'experiment_name'.");
  const experiment = ctx.workspace.state.mlflow.experimentByName(name) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Node named '${name}' does not exist.`);
  return json(200, { experiment: { ...experiment, tags: [] } });
}

function getRun(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const run = requireRun(store, ctx.query.get('run_id') ?? ctx.query.get('run_uuid'));
  return json(200, { run }, { 'x-databricks-org-id': store.orgId });
}

interface SearchBody {
  experiment_ids?: string[];
  filter?: string;
  order_by?: string[];
  max_results?: number;
  page_token?: string;
}

function searchRuns(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const body = (ctx.body ?? {}) as SearchBody;
  if (!Array.isArray(body.experiment_ids) || body.experiment_ids.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', 'experiment_ids must be a non-empty list.');
  const maxResults = body.max_results ?? 1000;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50_000)
    fail(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most 50000.`);
  let clauses: Clause[];
  try {
    clauses = parseFilter(body.filter ?? '');
  } catch (e) {
    if (e instanceof FilterSyntaxError) fail(400, 'INVALID_PARAMETER_VALUE', e.message);
    throw e;
  }
  const all = store
    .runsOf(body.experiment_ids)
    .filter((r) => r.info?.lifecycle_stage === 'active' && clauses.every((c) => matches(r, c)))
    .sort(orderComparator(body.order_by ?? []));
  const offset = body.page_token ? decodeOffset(body.page_token) : 0;
  const size = Math.min(maxResults, store.maxPageSize);
  const runs = all.slice(offset, offset + size);
  const next = offset + size < all.length ? Buffer.from(JSON.stringify({ offset: offset + size })).toString('base64') : undefined;
  return json(200, { ...(runs.length > 0 ? { runs } : {}), ...(next ? { next_page_token: next } : {}) });
}

function decodeOffset(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // the error below
  }
  return fail(400, 'INVALID_PARAMETER_VALUE', `Invalid page token '${token}'.`);
}

/**
 * The direct children of `relDir` under `rootKey`, paths relative to the root (files with their
 * size, directories once each). A `relDir` that is a file lists itself, as the service does.
 */
function listDirectory(ctx: RequestContext, rootKey: string, relDir: string): Array<{ path: string; is_dir: boolean; file_size?: number }> {
  const objects = ctx.workspace.state.objects;
  const dir = relDir === '' ? rootKey : `${rootKey}/${relDir}`;
  const self = relDir === '' ? undefined : objects.get(dir);
  if (self) return [{ path: relDir, is_dir: false, file_size: self.size }];
  const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  for (const key of objects.list(dir)) {
    const rest = key.slice(dir.length + 1);
    const slash = rest.indexOf('/');
    const childKey = slash < 0 ? key : `${dir}/${rest.slice(0, slash)}`;
    const relative = childKey.slice(rootKey.length + 1);
    if (slash < 0) entries.set(relative, { path: relative, is_dir: false, file_size: objects.get(key)!.size });
    else entries.set(relative, { path: relative, is_dir: true });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

function pageOf<T>(all: T[], token: string | null | undefined, size: number): { page: T[]; next?: string } {
  const offset = token ? decodeOffset(token) : 0;
  const page = all.slice(offset, offset + size);
  const next = offset + size < all.length ? Buffer.from(JSON.stringify({ offset: offset + size })).toString('base64') : undefined;
  return { page, next };
}

function listArtifacts(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const run = requireRun(store, ctx.query.get('run_id') ?? ctx.query.get('run_uuid'));
  const path = (ctx.query.get('path') ?? '').replace(/^\/+|\/+$/g, '');
  const { page, next } = pageOf(listDirectory(ctx, store.artifactKey(run, ''), path), ctx.query.get('page_token'), store.maxPageSize);
  return json(200, { root_uri: run.info!.artifact_uri, ...(page.length > 0 ? { files: page } : {}), ...(next ? { next_page_token: next } : {}) });
}

async function credentialsForRead(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const body = (ctx.body ?? {}) as { run_id?: string; path?: string[] };
  const run = requireRun(store, body.run_id);
  if (!Array.isArray(body.path) || body.path.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'path'.");
  const objects = ctx.workspace.state.objects;
  const credential_infos = [];
  for (const path of body.path) {
    const key = store.artifactKey(run, path);
    credential_infos.push({
      run_id: run.info!.run_id,
      path,
      signed_uri: await objects.signedUrl(key),
      type: 'AZURE_SAS_URI',
      headers: [{ name: 'x-ms-blob-type', value: 'BlockBlob' }],
    });
  }
  return json(200, { credential_infos });
}

// ---------------------------------------------------------------------------------------------
// MLflow 3 logged models

function requireLoggedModel(ctx: RequestContext): LoggedModel {
  const id = ctx.params.model_id!;
  return ctx.workspace.state.mlflow.getLoggedModel(id) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${id}' not found.`);
}

function getLoggedModel(ctx: RequestContext) {
  return json(200, { model: requireLoggedModel(ctx) });
}

/** Search: experiment_ids required, at most 50 per page (py-sdk: "The maximum limit is 50"), newest first. */
function searchLoggedModels(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const body = (ctx.body ?? {}) as { experiment_ids?: string[]; filter?: string; max_results?: number; page_token?: string };
  if (!Array.isArray(body.experiment_ids) || body.experiment_ids.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', 'experiment_ids must be a non-empty list.');
  const max = body.max_results ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${max} for parameter 'max_results' supplied. It must be at most 50.`);
  // The service's filter language over params/metrics/attributes is not modelled: MLflow's
  // _register_model searches without one (`mlflow` `mlflow/tracking/_model_registry/fluent.py`), and so does the product.
  if (body.filter !== undefined && body.filter.trim() !== '') fail(501, 'NOT_IMPLEMENTED', 'The fake workspace does not evaluate logged-model search filters.');
  const all = store.loggedModelsOf(body.experiment_ids).sort((a, b) => (b.info!.creation_timestamp_ms ?? 0) - (a.info!.creation_timestamp_ms ?? 0));
  const { page, next } = pageOf(all, body.page_token, Math.min(max, store.maxPageSize));
  return json(200, { ...(page.length > 0 ? { models: page } : {}), ...(next ? { next_page_token: next } : {}) });
}

function listLoggedModelArtifacts(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const model = requireLoggedModel(ctx);
  const path = (ctx.query.get('artifact_directory_path') ?? '').replace(/^\/+|\/+$/g, '');
  const { page, next } = pageOf(listDirectory(ctx, store.loggedModelKey(model, ''), path), ctx.query.get('page_token'), store.maxPageSize);
  return json(200, { root_uri: model.info!.artifact_uri, ...(page.length > 0 ? { files: page } : {}), ...(next ? { next_page_token: next } : {}) });
}

async function loggedModelCredentialsForDownload(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const model = requireLoggedModel(ctx);
  const body = (ctx.body ?? {}) as { paths?: string[] };
  if (!Array.isArray(body.paths) || body.paths.length === 0) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'paths'.");
  const objects = ctx.workspace.state.objects;
  const credentials = [];
  for (const path of body.paths) {
    const signed_uri = await objects.signedUrl(store.loggedModelKey(model, path));
    credentials.push({ model_id: model.info!.model_id, credential_info: { path, signed_uri, type: 'AZURE_SAS_URI', headers: [{ name: 'x-ms-blob-type', value: 'BlockBlob' }] } });
  }
  return json(200, { credentials });
}

function setLoggedModelTags(ctx: RequestContext) {
  const model = requireLoggedModel(ctx);
  const body = (ctx.body ?? {}) as { tags?: Array<{ key?: string; value?: string }> };
  if (!Array.isArray(body.tags)) fail(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'tags'.");
  const tags = (model.info!.tags ??= []);
  for (const t of body.tags) {
    if (!t.key) fail(400, 'INVALID_PARAMETER_VALUE', 'A tag needs a key.');
    const existing = tags.find((x) => x.key === t.key);
    if (existing) existing.value = t.value ?? '';
    else tags.push({ key: t.key, value: t.value ?? '' });
  }
  return json(200, {});
}

export const mlflowRoutes: RouteModule = {
  name: 'mlflow',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('mlflow', () => new MlflowStore(() => workspace.now()));
    workspace.route('GET', `${BASE}/experiments/get-by-name`, getByName);
    workspace.route('GET', `${BASE}/runs/get`, getRun);
    workspace.route('POST', `${BASE}/runs/search`, searchRuns);
    workspace.route('GET', `${BASE}/artifacts/list`, listArtifacts);
    workspace.route('POST', `${BASE}/artifacts/credentials-for-read`, credentialsForRead);
    workspace.route('POST', `${BASE}/logged-models/search`, searchLoggedModels);
    workspace.route('GET', `${BASE}/logged-models/:model_id`, getLoggedModel);
    workspace.route('GET', `${BASE}/logged-models/:model_id/artifacts/directories`, listLoggedModelArtifacts);
    workspace.route('POST', `${BASE}/logged-models/:model_id/artifacts/credentials-for-download`, loggedModelCredentialsForDownload);
    workspace.route('PATCH', `${BASE}/logged-models/:model_id/tags`, setLoggedModelTags);
  },
};
