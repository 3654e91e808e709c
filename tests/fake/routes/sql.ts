/**
 * SQL Statement Execution (`/api/2.0/sql/statements`) and a minimal SQL warehouses read, over
 * the workspace's embedded SQL engine (tests/fake/sql/engine.ts).
 *
 * Faithful points (py-sdk `sql.py` `StatementExecutionAPI`): `wait_timeout` is `0s` or 5–50 s (default 10 s, scaled with
 * the workspace's time scale), `on_wait_timeout` CONTINUE or CANCEL; states PENDING → RUNNING →
 * SUCCEEDED/FAILED/CANCELED with scripted durations; an execution failure is HTTP 200 with
 * `status.state = FAILED` and `status.error {error_code, message}` (the message carries the
 * error class and SQLSTATE, also given as `status.sql_state`); parameters are named, typed
 * (STRING by default), complex types refused; INLINE + JSON_ARRAY only, every value a string or
 * null; results in chunks of `chunkRows` rows (`next_chunk_index`, `GET …/result/chunks/{n}`),
 * `row_limit` → `truncated`.
 *
 * Statements advance lazily: each request that touches a statement moves it along its
 * timeline, so a statement nobody polls is never executed (tests always poll).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { sql } from '@databricks/sdk-experimental';
import { SqlEngine, SqlExecutionError, type SeedValue, type SqlParameter, type SqlResult } from '../sql/engine';
import { duckParameterType } from '../sql/translate';
import type { RequestContext } from '../http';
import { fail, json } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

declare module '../workspace' {
  interface WorkspaceState {
    sql: SqlStore;
  }
}

/** A warehouse every fake workspace has (tests may add others or remove it). */
export const DEFAULT_WAREHOUSE_ID = 'abcdef1234567890';

export interface StatementScript {
  /** Which statements this applies to (first match wins). */
  match: RegExp;
  /** Workspace-time durations (scaled) of the PENDING and RUNNING phases. */
  pendingMs?: number;
  runningMs?: number;
  /** Fail the statement with this error instead of running it. */
  fail?: { errorCode?: sql.ServiceErrorCode; message: string; sqlState?: string };
  /** How many statements it applies to (default: all). */
  times?: number;
}

type Terminal = 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'CLOSED';

interface Statement {
  id: string;
  sql: string;
  params: SqlParameter[];
  warehouseId: string;
  rowLimit?: number;
  startAt: number;
  doneAt: number;
  state: sql.StatementState;
  scriptedFailure?: StatementScript['fail'];
  run?: Promise<void>;
  result?: SqlResult;
  error?: { errorCode: sql.ServiceErrorCode; message: string; sqlState: string };
}

export class SqlStore {
  readonly engine: SqlEngine;
  readonly warehouses = new Map<string, { id: string; name: string }>([[DEFAULT_WAREHOUSE_ID, { id: DEFAULT_WAREHOUSE_ID, name: 'Serverless Starter Warehouse' }]]);
  /** Default phase durations (workspace time) for statements no script matches. */
  pendingMs = 0;
  runningMs = 0;
  /** Rows per result chunk (the real service splits by bytes). */
  chunkRows = 1000;
  readonly scripts: StatementScript[] = [];
  readonly statements = new Map<string, Statement>();
  /** Work done before a statement whose text matches runs (e.g. bringing a system table up to date). */
  private readonly preparers: Array<(statement: string) => Promise<void>> = [];

  constructor(
    private readonly workspace: FakeWorkspace,
    engine: SqlEngine,
  ) {
    this.engine = engine;
  }

  /** Runs Databricks SQL directly (seeding and assertions): no statement, no warehouse. */
  async exec(statement: string, params?: Record<string, SeedValue>): Promise<SqlResult> {
    await this.prepare(statement);
    return this.engine.exec(statement, params);
  }

  /** `prepare` runs before every statement (it may throw a SqlExecutionError: the statement fails with it). */
  beforeStatement(prepare: (statement: string) => Promise<void>): void {
    this.preparers.push(prepare);
  }

  private async prepare(text: string): Promise<void> {
    for (const prepare of this.preparers) await prepare(text);
  }

  addWarehouse(id: string, name = `warehouse ${id}`): void {
    this.warehouses.set(id, { id, name });
  }

  script(script: StatementScript): void {
    this.scripts.push(script);
  }

  /** Statements received whose text matches (for assertions). */
  statementsMatching(pattern: RegExp): Array<{ id: string; sql: string; params: SqlParameter[]; state: sql.StatementState }> {
    return [...this.statements.values()].filter((s) => pattern.test(s.sql)).map((s) => ({ id: s.id, sql: s.sql, params: s.params, state: s.state }));
  }

  submit(text: string, params: SqlParameter[], warehouseId: string, rowLimit?: number): Statement {
    const script = this.takeScript(text);
    const now = Date.now();
    const startAt = now + this.workspace.scaled(script?.pendingMs ?? this.pendingMs);
    const statement: Statement = {
      id: statementId(),
      sql: text,
      params,
      warehouseId,
      rowLimit,
      startAt,
      doneAt: startAt + this.workspace.scaled(script?.runningMs ?? this.runningMs),
      state: 'PENDING',
      scriptedFailure: script?.fail,
    };
    this.statements.set(statement.id, statement);
    return statement;
  }

  /** Moves a statement along its timeline. */
  async advance(s: Statement): Promise<void> {
    if (isTerminal(s.state)) return;
    const now = Date.now();
    if (now < s.startAt) return;
    s.state = 'RUNNING';
    s.run ??= this.execute(s);
    if (now < s.doneAt) return;
    await s.run;
    if (!isTerminal(s.state)) s.state = s.error ? 'FAILED' : 'SUCCEEDED';
  }

  cancel(s: Statement): void {
    if (!isTerminal(s.state)) s.state = 'CANCELED';
  }

  private async execute(s: Statement): Promise<void> {
    if (s.scriptedFailure) {
      s.error = { errorCode: s.scriptedFailure.errorCode ?? 'BAD_REQUEST', message: s.scriptedFailure.message, sqlState: s.scriptedFailure.sqlState ?? '42000' };
      return;
    }
    try {
      await this.prepare(s.sql);
      s.result = await this.engine.execute(s.sql, s.params);
    } catch (e) {
      const err = e instanceof SqlExecutionError ? e : new SqlExecutionError((e as Error).message, 'INTERNAL_ERROR', 'XX000');
      s.error = { errorCode: 'BAD_REQUEST', message: err.message, sqlState: err.sqlState };
    }
  }

  private takeScript(text: string): StatementScript | undefined {
    const i = this.scripts.findIndex((s) => s.match.test(text));
    if (i < 0) return undefined;
    const script = this.scripts[i]!;
    if (script.times !== undefined && --script.times <= 0) this.scripts.splice(i, 1);
    return script;
  }
}

function isTerminal(state: sql.StatementState): state is Terminal {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELED' || state === 'CLOSED';
}

/** Statement ids look like `01ef2c3d-…` (a time-ordered UUID). */
function statementId(): string {
  return `01ef${randomUUID().slice(4)}`;
}

// ---------------------------------------------------------------------------------------------
// Rendering

const BASE = '/api/2.0/sql/statements';

function rowsOf(s: Statement): { rows: Array<Array<string | null>>; truncated: boolean } {
  const all = s.result?.rows ?? [];
  if (s.rowLimit !== undefined && all.length > s.rowLimit) return { rows: all.slice(0, s.rowLimit), truncated: true };
  return { rows: all, truncated: false };
}

function chunkData(s: Statement, store: SqlStore, index: number): sql.ResultData {
  const { rows } = rowsOf(s);
  const offset = index * store.chunkRows;
  const data = rows.slice(offset, offset + store.chunkRows);
  const count = Math.ceil(rows.length / store.chunkRows);
  return {
    chunk_index: index,
    row_offset: offset,
    row_count: data.length,
    ...(data.length > 0 ? { data_array: data as string[][] } : {}),
    ...(index + 1 < count ? { next_chunk_index: index + 1, next_chunk_internal_link: `${BASE}/${s.id}/result/chunks/${index + 1}` } : {}),
  };
}

function render(s: Statement, store: SqlStore): sql.StatementResponse & { status: { sql_state?: string } } {
  const status: sql.StatementStatus & { sql_state?: string } = { state: s.state };
  if (s.state === 'FAILED' && s.error) {
    status.error = { error_code: s.error.errorCode, message: s.error.message };
    status.sql_state = s.error.sqlState;
  }
  const response: sql.StatementResponse & { status: typeof status } = { statement_id: s.id, status };
  if (s.state !== 'SUCCEEDED' || !s.result) return response;
  const { rows, truncated } = rowsOf(s);
  const chunkCount = Math.ceil(rows.length / store.chunkRows);
  response.manifest = {
    format: 'JSON_ARRAY',
    schema: {
      column_count: s.result.columns.length,
      columns: s.result.columns.map((c) => ({ name: c.name, position: c.position, type_name: c.typeName as sql.ColumnInfoTypeName, type_text: c.typeText })),
    },
    total_chunk_count: chunkCount,
    total_row_count: rows.length,
    chunks: Array.from({ length: chunkCount }, (_, i) => ({
      chunk_index: i,
      row_offset: i * store.chunkRows,
      row_count: Math.min(store.chunkRows, rows.length - i * store.chunkRows),
    })),
    truncated,
  };
  if (s.result.isQuery) response.result = chunkData(s, store, 0);
  return response;
}

// ---------------------------------------------------------------------------------------------
// Routes

const COMPLEX = /^(ARRAY|MAP|STRUCT|VARIANT|OBJECT)\b/i;

function parseParameters(raw: unknown): SqlParameter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(400, 'INVALID_PARAMETER_VALUE', 'parameters must be a list of {name, value, type}.');
  const seen = new Set<string>();
  return raw.map((p: unknown) => {
    const item = p as { name?: unknown; value?: unknown; type?: unknown };
    if (typeof item.name !== 'string' || item.name === '') fail(400, 'INVALID_PARAMETER_VALUE', 'Every parameter needs a name.');
    if (seen.has(item.name)) fail(400, 'INVALID_PARAMETER_VALUE', `Parameter '${item.name}' is given more than once.`);
    seen.add(item.name);
    if (item.value !== undefined && item.value !== null && typeof item.value !== 'string') {
      fail(400, 'INVALID_PARAMETER_VALUE', `The value of parameter '${item.name}' must be a string (the literal text of the value).`);
    }
    const type = item.type === undefined ? 'STRING' : String(item.type);
    if (COMPLEX.test(type)) fail(400, 'INVALID_PARAMETER_VALUE', `Parameter '${item.name}' has the complex type ${type}; complex types are not supported as parameters.`);
    try {
      duckParameterType(type);
    } catch {
      fail(400, 'INVALID_PARAMETER_VALUE', `Parameter '${item.name}' has an unknown type '${type}'.`);
    }
    return { name: item.name, value: (item.value as string | null | undefined) ?? null, type };
  });
}

function waitTimeoutMs(raw: unknown): number {
  if (raw === undefined) return 10_000;
  const m = typeof raw === 'string' ? /^(\d+)s$/.exec(raw) : null;
  const seconds = m ? Number(m[1]) : NaN;
  if (!(seconds === 0 || (seconds >= 5 && seconds <= 50))) {
    fail(400, 'INVALID_PARAMETER_VALUE', `wait_timeout must be 0s or between 5s and 50s, got '${String(raw)}'.`);
  }
  return seconds * 1000;
}

async function executeStatement(ctx: RequestContext) {
  const store = ctx.workspace.state.sql;
  const body = (ctx.body ?? {}) as Partial<sql.ExecuteStatementRequest>;
  if (typeof body.statement !== 'string' || body.statement.trim() === '') fail(400, 'INVALID_PARAMETER_VALUE', 'statement is required.');
  if (typeof body.warehouse_id !== 'string' || body.warehouse_id === '') fail(400, 'INVALID_PARAMETER_VALUE', 'warehouse_id is required.');
  // [unconfirmed] the exact code for an unknown warehouse.
  if (!store.warehouses.has(body.warehouse_id)) fail(404, 'RESOURCE_DOES_NOT_EXIST', `Warehouse ${body.warehouse_id} does not exist.`);
  const disposition = body.disposition ?? 'INLINE';
  const format = body.format ?? 'JSON_ARRAY';
  if (disposition === 'INLINE' && format !== 'JSON_ARRAY') fail(400, 'INVALID_PARAMETER_VALUE', `The format ${format} requires disposition EXTERNAL_LINKS.`);
  if (disposition !== 'INLINE') fail(400, 'NOT_IMPLEMENTED', 'The fake workspace answers with disposition INLINE only.');
  const waitMs = waitTimeoutMs(body.wait_timeout);
  const onTimeout = body.on_wait_timeout ?? 'CONTINUE';
  if (onTimeout !== 'CONTINUE' && onTimeout !== 'CANCEL') fail(400, 'INVALID_PARAMETER_VALUE', `on_wait_timeout must be CONTINUE or CANCEL, got '${String(onTimeout)}'.`);
  const params = parseParameters(body.parameters);
  const rowLimit = body.row_limit === undefined ? undefined : Number(body.row_limit);

  const statement = store.submit(body.statement, params, body.warehouse_id, rowLimit);
  const deadline = Date.now() + ctx.workspace.scaled(waitMs);
  for (;;) {
    await store.advance(statement);
    if (isTerminal(statement.state) || Date.now() >= deadline) break;
    await delay(Math.max(1, Math.min(20, deadline - Date.now())));
  }
  if (!isTerminal(statement.state) && waitMs > 0 && onTimeout === 'CANCEL') store.cancel(statement);
  return json(200, render(statement, store));
}

function findStatement(ctx: RequestContext): Statement {
  const statement = ctx.workspace.state.sql.statements.get(ctx.params.id!);
  return statement ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Statement ${ctx.params.id} does not exist.`);
}

async function getStatement(ctx: RequestContext) {
  const statement = findStatement(ctx);
  await ctx.workspace.state.sql.advance(statement);
  return json(200, render(statement, ctx.workspace.state.sql));
}

async function getChunk(ctx: RequestContext) {
  const store = ctx.workspace.state.sql;
  const statement = findStatement(ctx);
  await store.advance(statement);
  if (statement.state !== 'SUCCEEDED' || !statement.result) fail(400, 'BAD_REQUEST', `Statement ${statement.id} has no result (state ${statement.state}).`);
  const index = Number(ctx.params.chunk);
  const count = Math.ceil(rowsOf(statement).rows.length / store.chunkRows);
  if (!Number.isInteger(index) || index < 0 || index >= Math.max(1, count))
    fail(400, 'INVALID_PARAMETER_VALUE', `Chunk index ${ctx.params.chunk} is out of range (0..${count - 1}).`);
  return json(200, chunkData(statement, store, index));
}

function cancelStatement(ctx: RequestContext) {
  ctx.workspace.state.sql.cancel(findStatement(ctx));
  return json(200, {});
}

function getWarehouse(ctx: RequestContext) {
  const warehouse = ctx.workspace.state.sql.warehouses.get(ctx.params.id!) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `Warehouse ${ctx.params.id} does not exist.`);
  return json(200, { id: warehouse.id, name: warehouse.name, state: 'RUNNING', warehouse_type: 'PRO', enable_serverless_compute: true });
}

export const sqlRoutes: RouteModule = {
  name: 'sql',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('sql', () => new SqlStore(workspace, new SqlEngine(() => workspace.state.uc)));
    workspace.route('POST', BASE, executeStatement);
    workspace.route('GET', `${BASE}/:id`, getStatement);
    workspace.route('GET', `${BASE}/:id/result/chunks/:chunk`, getChunk);
    workspace.route('POST', `${BASE}/:id/cancel`, cancelStatement);
    workspace.route('GET', '/api/2.0/sql/warehouses/:id', getWarehouse);
  },
};
