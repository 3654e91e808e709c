/**
 * The fake workspace's SQL engine: one in-memory DuckDB database per workspace, answering the
 * Databricks SQL the tasks send (translated by translate.ts) so generated views and metric
 * queries really run over seeded rows.
 *
 * Names: a Unity Catalog catalog `c` is the attached DuckDB database `uc_c`; its schemas are
 * DuckDB schemas. The engine and Unity Catalog stay in step: a `CREATE [OR REPLACE] TABLE|VIEW
 * c.s.t` creates the schema in UC when missing and registers the table (columns from DESCRIBE,
 * with Databricks type names), `DROP TABLE|VIEW` removes it. Tables seeded only in UC (without
 * SQL) do not exist here, and querying them fails as a missing table does.
 *
 * Results are rendered the way the Statement Execution API renders JSON_ARRAY rows: every
 * value a string or null, STRUCT/ARRAY/MAP as JSON text, TIMESTAMP as ISO 8601 in UTC.
 */
import {
  DuckDBArrayType,
  DuckDBDecimalType,
  DuckDBInstance,
  DuckDBListType,
  DuckDBMapType,
  DuckDBStructType,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import type { UnityCatalogStore } from '../routes/unityCatalog';
import { duckCatalogName, duckParameterType, tokenize, translateSql } from './translate';

export interface SqlColumn {
  name: string;
  /** The Statement API's ColumnInfoTypeName (STRING, LONG, DOUBLE, TIMESTAMP, STRUCT, ...). */
  typeName: string;
  /** Databricks type text, e.g. `struct<start:timestamp,end:timestamp>`. */
  typeText: string;
  position: number;
}

export interface SqlResult {
  /** False for DDL/DML (no result set). */
  isQuery: boolean;
  columns: SqlColumn[];
  /** Every value a string or null (JSON_ARRAY form). */
  rows: Array<Array<string | null>>;
}

/** A statement parameter as the API receives it: value text and type name (default STRING). */
export interface SqlParameter {
  name: string;
  value?: string | null;
  type?: string;
}

/** Values a seed passes to exec(); typed from the JS value. */
export type SeedValue = string | number | boolean | Date | null;

/** A failure of the statement itself (answered as FAILED inside HTTP 200). */
export class SqlExecutionError extends Error {
  override readonly name = 'SqlExecutionError';
  constructor(
    message: string,
    readonly errorClass: string,
    readonly sqlState: string,
  ) {
    super(`[${errorClass}] ${message} SQLSTATE: ${sqlState}`);
  }
}

export class SqlEngine {
  private connection?: Promise<DuckDBConnection>;
  private readonly attached = new Set<string>();
  /** One ATTACH / CREATE SCHEMA per name, shared by statements that run at the same time. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly uc: () => UnityCatalogStore) {}

  /** Runs Databricks SQL with JS values as named parameters (seeding and assertions). */
  exec(sql: string, params: Record<string, SeedValue> = {}): Promise<SqlResult> {
    return this.execute(
      sql,
      Object.entries(params).map(([name, value]) => seedParameter(name, value)),
    );
  }

  /** Runs one statement; parameters use the Statement API's typed-string form. */
  async execute(sql: string, params: readonly SqlParameter[] = []): Promise<SqlResult> {
    const connection = await this.connect();
    const created = this.createdObject(sql);
    if (created) this.uc().addSchema(created.split('.').slice(0, 2).join('.'));
    const catalogs = await this.attachReferencedCatalogs(connection, sql);
    const parameterTypes: Record<string, string> = {};
    for (const p of params) parameterTypes[p.name] = duckParameterType(p.type ?? 'STRING');
    let translated;
    try {
      translated = translateSql(sql, { catalogs, parameterTypes });
    } catch (e) {
      throw new SqlExecutionError((e as Error).message, 'PARSE_SYNTAX_ERROR', '42601');
    }
    const values: Record<string, string | null> = {};
    for (const name of translated.parameters) {
      const p = params.find((q) => q.name === name);
      if (!p)
        throw new SqlExecutionError(
          `Found the unbound parameter: ${name}. Please, fix \`args\` and provide a mapping of the parameter to a SQL literal.`,
          'UNBOUND_SQL_PARAMETER',
          '42P02',
        );
      values[name] = p.value ?? null;
    }
    let reader;
    try {
      reader = await connection.runAndReadAll(translated.sql, values);
    } catch (e) {
      throw describeDuckError(e as Error);
    }
    if (created) await this.registerCreated(connection, sql, created);
    const dropped = droppedObject(sql);
    if (dropped) this.uc().dropTable(dropped);
    const isQuery = isQueryStatement(sql);
    if (!isQuery) return { isQuery, columns: [], rows: [] };
    const types = reader.columnTypes();
    const columns = reader.columnNames().map((name, position) => ({ name, position, ...databricksType(types[position]!) }));
    const rows = reader.getRowsJson().map((row) => row.map((v, c) => wireValue(v, types[c]!)));
    return { isQuery, columns, rows };
  }

  /** Column names and Databricks types of a table or view (for assertions and UC sync). */
  async describe(fullName: string): Promise<SqlColumn[]> {
    const result = await this.exec(`SELECT * FROM ${fullName} LIMIT 0`);
    return result.columns;
  }

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await connection.run(`SET TimeZone = 'UTC'`);
      return connection;
    })();
    return this.connection;
  }

  /** Attaches every UC catalog the statement names (three-part names) and creates its UC schemas. */
  private async attachReferencedCatalogs(connection: DuckDBConnection, sql: string): Promise<Set<string>> {
    const uc = this.uc();
    for (const [catalog, schema] of threePartNames(sql)) {
      if (!uc.getCatalog(catalog)) continue;
      await this.once(`catalog:${catalog}`, async () => {
        await connection.run(`ATTACH ':memory:' AS "${duckCatalogName(catalog)}"`);
        this.attached.add(catalog);
      });
      const key = `${catalog}.${schema}`;
      if (uc.getSchema(key)) await this.once(`schema:${key}`, () => connection.run(`CREATE SCHEMA IF NOT EXISTS "${duckCatalogName(catalog)}"."${schema}"`).then(() => undefined));
    }
    return this.attached;
  }

  /** Runs `work` the first time `key` is asked for; later and concurrent callers wait on that run. */
  private once(key: string, work: () => Promise<void>): Promise<void> {
    let run = this.pending.get(key);
    if (!run) {
      run = work();
      this.pending.set(key, run);
      run.catch(() => this.pending.delete(key));
    }
    return run;
  }

  private createdObject(sql: string): string | undefined {
    const m = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([`\w.]+)/i.exec(sql);
    return m ? plainName(m[2]!) : undefined;
  }

  private async registerCreated(connection: DuckDBConnection, sql: string, fullName: string): Promise<void> {
    const [c, s, t] = fullName.split('.');
    const reader = await connection.runAndReadAll(`SELECT * FROM "${duckCatalogName(c!)}"."${s}"."${t}" LIMIT 0`);
    const types = reader.columnTypes();
    const isView = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?VIEW/i.test(sql);
    this.uc().addTable(
      {
        fullName,
        tableType: isView ? 'VIEW' : 'MANAGED',
        columns: reader.columnNames().map((name, i) => ({ name, type: databricksType(types[i]!).typeText })),
        viewDefinition: isView ? sql.replace(/^[\s\S]*?\bAS\b\s*/i, '') : undefined,
      },
      { replace: true },
    );
  }
}

function seedParameter(name: string, value: SeedValue): SqlParameter {
  if (value === null) return { name, value: null };
  if (value instanceof Date) return { name, value: value.toISOString(), type: 'TIMESTAMP' };
  if (typeof value === 'number') return { name, value: String(value), type: Number.isInteger(value) ? 'BIGINT' : 'DOUBLE' };
  if (typeof value === 'boolean') return { name, value: String(value), type: 'BOOLEAN' };
  return { name, value, type: 'STRING' };
}

function plainName(name: string): string {
  return name.replace(/`/g, '').toLowerCase();
}

/** [catalog, schema] of every three-part name in the statement (outside strings and comments). */
function threePartNames(sql: string): Array<[string, string]> {
  const tokens = tokenize(sql).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const names: Array<[string, string]> = [];
  const isName = (i: number) => tokens[i]?.kind === 'word' || tokens[i]?.kind === 'quoted';
  const text = (i: number) => (tokens[i]!.kind === 'quoted' ? tokens[i]!.value! : tokens[i]!.text).toLowerCase();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i - 1]?.text === '.' || !isName(i)) continue;
    if (tokens[i + 1]?.text === '.' && isName(i + 2) && tokens[i + 3]?.text === '.' && isName(i + 4)) names.push([text(i), text(i + 2)]);
  }
  return names;
}

function droppedObject(sql: string): string | undefined {
  const m = /^\s*DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?([`\w.]+)/i.exec(sql);
  return m ? plainName(m[1]!) : undefined;
}

function isQueryStatement(sql: string): boolean {
  return /^\s*(\(\s*)*(SELECT|WITH|VALUES|DESCRIBE|SHOW|FROM)\b/i.test(sql.replace(/^(\s*--[^\n]*\n)+/, ''));
}

/** DuckDB's error text → a Databricks error class and SQLSTATE. */
function describeDuckError(e: Error): SqlExecutionError {
  const message = e.message.replace(/\buc_(\w+)/g, '$1');
  if (/Table with name .* does not exist|Catalog "?[\w]+"? does not exist|Schema with name .* does not exist/i.test(message)) {
    const name = /name (\S+) does not exist/.exec(message)?.[1] ?? /Catalog "?(\w+)"? does not exist/.exec(message)?.[1] ?? 'the table';
    return new SqlExecutionError(`The table or view ${name} cannot be found. Verify the spelling and correctness of the schema and catalog.`, 'TABLE_OR_VIEW_NOT_FOUND', '42P01');
  }
  if (/Parser Error/i.test(message)) return new SqlExecutionError(`Syntax error: ${message.replace(/^.*Parser Error:\s*/i, '')}`, 'PARSE_SYNTAX_ERROR', '42601');
  if (/Referenced column .* not found|column .* does not exist/i.test(message)) {
    return new SqlExecutionError(message.replace(/^Binder Error:\s*/i, ''), 'UNRESOLVED_COLUMN.WITH_SUGGESTION', '42703');
  }
  if (/Conversion Error|Could not convert/i.test(message)) return new SqlExecutionError(message, 'CAST_INVALID_INPUT', '22018');
  return new SqlExecutionError(message, 'INTERNAL_ERROR', 'XX000');
}

// ---------------------------------------------------------------------------------------------
// Types and values

/** The Databricks type name and text of a DuckDB type. */
export function databricksType(type: DuckDBType): { typeName: string; typeText: string } {
  const text = typeText(type);
  const head = text.split(/[<(]/)[0]!;
  const names: Record<string, string> = {
    string: 'STRING',
    boolean: 'BOOLEAN',
    tinyint: 'BYTE',
    smallint: 'SHORT',
    int: 'INT',
    bigint: 'LONG',
    float: 'FLOAT',
    double: 'DOUBLE',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    decimal: 'DECIMAL',
    binary: 'BINARY',
    array: 'ARRAY',
    map: 'MAP',
    struct: 'STRUCT',
    void: 'NULL',
    interval: 'INTERVAL',
  };
  return { typeName: names[head] ?? 'STRING', typeText: text };
}

function typeText(type: DuckDBType): string {
  if (type instanceof DuckDBDecimalType) return `decimal(${type.width},${type.scale})`;
  if (type instanceof DuckDBListType || type instanceof DuckDBArrayType) return `array<${typeText(type.valueType)}>`;
  if (type instanceof DuckDBMapType) return `map<${typeText(type.keyType)},${typeText(type.valueType)}>`;
  if (type instanceof DuckDBStructType) {
    return `struct<${type.entryNames.map((n, i) => `${/^[A-Za-z_]\w*$/.test(n) ? n : `\`${n}\``}:${typeText(type.entryTypes[i]!)}`).join(',')}>`;
  }
  return PRIMITIVE_TEXT[type.typeId] ?? 'string';
}

/** DuckDB primitive types → Databricks type text (unsigned integers widen to bigint). */
const PRIMITIVE_TEXT: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'tinyint',
  [DuckDBTypeId.SMALLINT]: 'smallint',
  [DuckDBTypeId.INTEGER]: 'int',
  [DuckDBTypeId.BIGINT]: 'bigint',
  [DuckDBTypeId.UTINYINT]: 'smallint',
  [DuckDBTypeId.USMALLINT]: 'int',
  [DuckDBTypeId.UINTEGER]: 'bigint',
  [DuckDBTypeId.UBIGINT]: 'decimal(20,0)',
  [DuckDBTypeId.HUGEINT]: 'decimal(38,0)',
  [DuckDBTypeId.FLOAT]: 'float',
  [DuckDBTypeId.DOUBLE]: 'double',
  [DuckDBTypeId.DATE]: 'date',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_NS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamp',
  [DuckDBTypeId.INTERVAL]: 'interval',
  [DuckDBTypeId.BLOB]: 'binary',
  [DuckDBTypeId.SQLNULL]: 'void',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One value in JSON_ARRAY form: a string, or null. */
function wireValue(value: unknown, type: DuckDBType): string | null {
  if (value === null || value === undefined) return null;
  const plain = plainValue(value as Json, type);
  if (plain === null) return null;
  return typeof plain === 'object' ? JSON.stringify(plain) : String(plain);
}

/** A value as plain JSON, timestamps in ISO 8601 UTC (nested values of STRUCT/ARRAY/MAP). */
function plainValue(value: Json, type: DuckDBType): Json {
  if (value === null) return null;
  if (typeText(type) === 'timestamp' && typeof value === 'string') return isoTimestamp(value);
  if ((type instanceof DuckDBListType || type instanceof DuckDBArrayType) && Array.isArray(value)) {
    return value.map((v) => plainValue(v, type.valueType));
  }
  if (type instanceof DuckDBStructType && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(type.entryNames.map((n, i) => [n, plainValue(value[n] ?? null, type.entryTypes[i]!)]));
  }
  if (type instanceof DuckDBMapType && Array.isArray(value)) {
    return Object.fromEntries(
      value.map((e) => {
        const entry = e as { key: Json; value: Json };
        return [String(plainValue(entry.key, type.keyType)), plainValue(entry.value, type.valueType)];
      }),
    );
  }
  return value;
}

/** DuckDB's `2025-01-01 10:00:00[.ffffff][+00]` → `2025-01-01T10:00:00.000Z`. */
function isoTimestamp(text: string): string {
  const withOffset = /[+-]\d\d(:?\d\d)?$/.test(text) ? text.replace(/([+-]\d\d)$/, '$1:00') : `${text}Z`;
  const date = new Date(withOffset.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
