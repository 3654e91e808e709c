/**
 * MLflow tracking in the fake workspace: experiments (get-by-name), runs (get, search with the
 * service's filter grammar, order_by, max_results and page tokens), and run artifacts (list,
 * and credentials-for-read → signed URLs served by the fake storage account of files.ts).
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
import type { Metric, Param, Run, RunInfo, RunTag } from '@databricks/sdk-experimental/dist/apis/ml/model';
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

export class MlflowStore {
  /** The workspace id runs/get reports in X-Databricks-Org-Id. */
  orgId = String(randomInt(1e14, 2 ** 48 - 1));
  /** Page size of runs/search and artifacts/list when the caller asks for more. */
  maxPageSize = 1000;
  private readonly experiments = new Map<string, FakeExperiment>();
  private readonly runs = new Map<string, Run>();
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
    const run: Run = {
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

  getRun(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  runsOf(experimentIds: readonly string[]): Run[] {
    return [...this.runs.values()].filter((r) => experimentIds.includes(r.info!.experiment_id!));
  }

  /** The object-store key of a run artifact (see files.ts). */
  artifactKey(run: Run, path: string): string {
    const uri = run.info!.artifact_uri!;
    const volume = /^(?:dbfs:)?(\/Volumes\/.+?)\/*$/.exec(uri);
    const root = volume ? volume[1]! : uri.replace(/^dbfs:\/databricks/, '');
    return path === '' ? root : `${root}/${path}`;
  }
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
      const pattern = String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
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
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50_000) fail(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most 50000.`);
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

function listArtifacts(ctx: RequestContext) {
  const store = ctx.workspace.state.mlflow;
  const run = requireRun(store, ctx.query.get('run_id') ?? ctx.query.get('run_uuid'));
  const path = (ctx.query.get('path') ?? '').replace(/^\/+|\/+$/g, '');
  const objects = ctx.workspace.state.objects;
  const root = store.artifactKey(run, '');
  const dir = store.artifactKey(run, path);
  // Direct children: files, and directories (any deeper key) once each.
  const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  for (const key of objects.list(dir)) {
    const rest = key.slice(dir.length + 1);
    const slash = rest.indexOf('/');
    const childKey = slash < 0 ? key : `${dir}/${rest.slice(0, slash)}`;
    const relative = childKey.slice(root.length + 1);
    if (slash < 0) entries.set(relative, { path: relative, is_dir: false, file_size: objects.get(key)!.size });
    else entries.set(relative, { path: relative, is_dir: true });
  }
  const sorted = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const offset = ctx.query.get('page_token') ? decodeOffset(ctx.query.get('page_token')!) : 0;
  const page = sorted.slice(offset, offset + store.maxPageSize);
  const next = offset + store.maxPageSize < sorted.length ? Buffer.from(JSON.stringify({ offset: offset + store.maxPageSize })).toString('base64') : undefined;
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
    credential_infos.push({ run_id: run.info!.run_id, path, signed_uri: await objects.signedUrl(key), type: 'AZURE_SAS_URI', headers: [{ name: 'x-ms-blob-type', value: 'BlockBlob' }] });
  }
  return json(200, { credential_infos });
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
  },
};
