/**
 * SQL Statement Execution API (`/api/2.0/sql/statements`): run one statement on a SQL warehouse
 * with named parameters and get typed rows back.
 *
 * - Values are always sent as named parameters (`:name`), never concatenated into the SQL.
 * - The first call waits up to `waitTimeoutSeconds` on the server; a statement still PENDING or
 *   RUNNING is then polled with back-off (and cancelled when our own timeout passes).
 * - An execution failure arrives as HTTP 200 with `status.state = FAILED`: it becomes a
 *   StatementFailedError carrying the service's error code, message and SQLSTATE.
 * - Every result chunk is followed; JSON_ARRAY values (all strings) are converted by the
 *   column's `type_name`: numbers → number, BOOLEAN → boolean, STRUCT/ARRAY/MAP → parsed JSON,
 *   TIMESTAMP/DATE and strings stay strings (ISO 8601), LONG beyond 2^53 stays a string.
 * - A SELECT passes `readOnly` so it is allowed in plan mode (dryRun).
 */
import type { sql } from '@databricks/sdk-experimental';
import type { DatabricksClient } from '../client/databricksClient';
import { apiPath } from '../client/path';
import { poll, PollTimeoutError } from '../client/poll';
import { systemClock, type Clock } from '../runtime/clock';

const BASE = '/api/2.0/sql/statements';

/** Scalar parameter types the API accepts (complex types are refused by the service). */
/** How long a statement is polled before it is cancelled, unless the caller sets timeoutMs. */
export const STATEMENT_TIMEOUT_MS = 10 * 60_000;

export type SqlParameterType = 'STRING' | 'BOOLEAN' | 'INT' | 'BIGINT' | 'SMALLINT' | 'TINYINT' | 'DOUBLE' | 'FLOAT' | 'DATE' | 'TIMESTAMP' | `DECIMAL(${number},${number})`;

/** A parameter value: JS values are typed automatically; `{ value, type }` states the type. */
export type SqlParameterValue = string | number | boolean | Date | null | { value: string | null; type: SqlParameterType };

export type SqlParameters = Readonly<Record<string, SqlParameterValue>>;

export type SqlValue = string | number | boolean | null | unknown[] | Record<string, unknown>;
export type SqlRow = Record<string, SqlValue>;

export interface SqlColumn {
  name: string;
  position: number;
  typeName: string;
  typeText: string;
}

export interface SqlResultSet {
  statementId: string;
  columns: SqlColumn[];
  rows: SqlRow[];
  /** The result was cut at the row or byte limit. */
  truncated: boolean;
}

export interface StatementOptions {
  clock?: Clock;
  signal?: AbortSignal;
  /** Our own bound on the whole statement (task time); default 10 minutes. */
  timeoutMs?: number;
  /** How long the first call waits on the server: 0 or 5–50 s (default 30 s). */
  waitTimeoutSeconds?: number;
  /** The statement only reads: allowed in plan mode. */
  readOnly?: boolean;
  rowLimit?: number;
  /** Called once per distinct state while waiting (PENDING, RUNNING). */
  onState?: (state: string) => void;
}

/** A statement that ended FAILED or CANCELED (a FAILED one usually came inside an HTTP 200). */
export class StatementFailedError extends Error {
  override readonly name = 'StatementFailedError';
  constructor(
    readonly statementId: string,
    readonly state: string,
    readonly errorCode: string | undefined,
    readonly serviceMessage: string | undefined,
    readonly sqlState: string | undefined,
  ) {
    super(
      state === 'FAILED'
        ? `The SQL statement failed${errorCode ? ` (${errorCode})` : ''}: ${serviceMessage ?? 'no message'}`
        : `The SQL statement ended ${state}${serviceMessage ? `: ${serviceMessage}` : ''}`,
    );
  }
}

type StatementResponse = sql.StatementResponse & { status?: sql.StatementStatus & { sql_state?: string } };

/** Runs one statement and returns every row, typed. */
export async function executeStatement(
  client: DatabricksClient,
  warehouseId: string,
  statement: string,
  params: SqlParameters = {},
  options: StatementOptions = {},
): Promise<SqlResultSet> {
  const clock = options.clock ?? systemClock;
  const readOnly = options.readOnly ?? false;
  const request: sql.ExecuteStatementRequest = {
    warehouse_id: warehouseId,
    statement,
    parameters: Object.entries(params).map(([name, value]) => parameter(name, value)),
    wait_timeout: `${options.waitTimeoutSeconds ?? 30}s`,
    on_wait_timeout: 'CONTINUE',
    disposition: 'INLINE',
    format: 'JSON_ARRAY',
    row_limit: options.rowLimit,
  };
  let response = await client.post<StatementResponse>(BASE, request, { readOnly, signal: options.signal });
  const id = response.statement_id ?? '';
  if (!isDone(response)) {
    let lastState: string = response.status?.state ?? 'PENDING';
    options.onState?.(lastState);
    try {
      ({ result: response } = await poll<StatementResponse, StatementResponse>({
        read: (signal) => client.get<StatementResponse>(apiPath`/api/2.0/sql/statements/${id}`, undefined, { signal }),
        evaluate: (r) => (isDone(r) ? { done: true, result: r } : { done: false, status: r.status?.state ?? 'PENDING' }),
        clock,
        timeoutMs: options.timeoutMs ?? STATEMENT_TIMEOUT_MS,
        initialIntervalMs: 500,
        maxIntervalMs: 5_000,
        signal: options.signal,
        onStatus: (state) => {
          if (state !== lastState) options.onState?.(state);
          lastState = state;
        },
        describeTimeout: (last) => `The SQL statement ${id} did not finish in time (last state ${last?.status?.state ?? 'unknown'}); it was cancelled.`,
      }));
    } catch (e) {
      if (e instanceof PollTimeoutError) await client.post(apiPath`/api/2.0/sql/statements/${id}/cancel`, {}, { readOnly }); // the SDKs send {} (py-sdk sql.py cancel_execution).catch(() => undefined);
      throw e;
    }
  }
  const state = response.status?.state;
  if (state !== 'SUCCEEDED')
    throw new StatementFailedError(id, state ?? 'UNKNOWN', response.status?.error?.error_code, response.status?.error?.message, response.status?.sql_state);
  return readResult(client, id, response, options.signal);
}

/** A read-only statement (SELECT, DESCRIBE): allowed in plan mode. */
export function runSelect(
  client: DatabricksClient,
  warehouseId: string,
  statement: string,
  params: SqlParameters = {},
  options: Omit<StatementOptions, 'readOnly'> = {},
): Promise<SqlResultSet> {
  return executeStatement(client, warehouseId, statement, params, { ...options, readOnly: true });
}

/** Quotes a Unity Catalog name for SQL: `catalog`.`schema`.`table` (backticks doubled inside). */
export function quoteName(fullName: string): string {
  return fullName
    .split('.')
    .map((part) => `\`${part.replace(/`/g, '``')}\``)
    .join('.');
}

function isDone(r: StatementResponse): boolean {
  const s = r.status?.state;
  return s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELED' || s === 'CLOSED';
}

function parameter(name: string, value: SqlParameterValue): sql.StatementParameterListItem {
  if (value === null) return { name };
  if (value instanceof Date) return { name, value: value.toISOString(), type: 'TIMESTAMP' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`SQL parameter ${name} is not a finite number`);
    return { name, value: String(value), type: Number.isInteger(value) ? 'BIGINT' : 'DOUBLE' };
  }
  if (typeof value === 'boolean') return { name, value: String(value), type: 'BOOLEAN' };
  if (typeof value === 'string') return { name, value, type: 'STRING' };
  return value.value === null ? { name, type: value.type } : { name, value: value.value, type: value.type };
}

async function readResult(client: DatabricksClient, id: string, response: StatementResponse, signal?: AbortSignal): Promise<SqlResultSet> {
  const columns: SqlColumn[] = (response.manifest?.schema?.columns ?? []).map((c, i) => ({
    name: c.name ?? `col${i}`,
    position: c.position ?? i,
    typeName: c.type_name ?? 'STRING',
    typeText: c.type_text ?? '',
  }));
  const data: Array<Array<string | null>> = [];
  let chunk: sql.ResultData | undefined = response.result;
  const seen = new Set<number>();
  while (chunk) {
    data.push(...((chunk.data_array ?? []) as Array<Array<string | null>>));
    const next = chunk.next_chunk_index;
    if (next === undefined || seen.has(next)) break;
    seen.add(next);
    chunk = await client.get<sql.ResultData>(apiPath`/api/2.0/sql/statements/${id}/result/chunks/${next}`, undefined, { signal });
  }
  const rows = data.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, convert(values[i] ?? null, c.typeName)])));
  return { statementId: id, columns, rows, truncated: response.manifest?.truncated ?? false };
}

/** A JSON_ARRAY value (string or null) as a JS value by the column's type name. */
export function convert(value: string | null, typeName: string): SqlValue {
  if (value === null) return null;
  switch (typeName) {
    case 'BYTE':
    case 'SHORT':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return Number(value);
    case 'LONG': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value;
    }
    case 'BOOLEAN':
      return value === 'true';
    case 'STRUCT':
    case 'ARRAY':
    case 'MAP':
      return JSON.parse(value) as unknown[] | Record<string, unknown>;
    default:
      return value;
  }
}
