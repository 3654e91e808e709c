/**
 * Databricks SQL → DuckDB SQL, for the fake workspace only. The product writes plain
 * Databricks SQL; this file rewrites the few pieces DuckDB spells differently, on a token
 * stream so that string literals and comments are never touched. Every rewrite:
 *
 * - `` `name` `` (backtick identifiers) → `"name"`; `"text"` (a string literal in Databricks)
 *   → `'text'`.
 * - Three-part names whose first part is a Unity Catalog catalog: the catalog becomes the
 *   attached DuckDB database `uc_<catalog>` (DuckDB reserves the name `main`).
 * - A bare `window` (the metric tables' struct column, a keyword in DuckDB) → `"window"`.
 * - Named parameters `:name` → `CAST($name AS <type>)` with the parameter's declared type
 *   (`::` casts are left alone).
 * - `from_json(expr, '<Spark DDL type>')` → DuckDB's `from_json(expr, '<JSON structure>')`.
 * - `LATERAL VIEW [OUTER] posexplode(expr) t AS pos, col` and `LATERAL VIEW explode(expr) t AS col`
 *   → a `CROSS JOIN LATERAL` (`LEFT JOIN LATERAL … ON true` for OUTER) over `unnest`, with
 *   `pos` 0-based as in Databricks.
 * - `element_at(array, i)` (1-based in both) → `list_extract(array, i)`: the product only uses
 *   element_at on arrays.
 * - Complex column types in DDL and casts: `STRUCT<a: INT>`, `ARRAY<T>`, `MAP<K, V>` →
 *   `STRUCT("a" INTEGER)`, `T[]`, `MAP(K, V)`.
 * - `named_struct('a', x, 'b', y)` → `struct_pack("a" := x, "b" := y)`.
 * - `current_timestamp()` / `current_date()` → `current_timestamp` / `current_date`.
 * - `date_sub(d, n)` / `date_add(d, n)` → DATE ∓ INTEGER.
 * - `<catalog>.information_schema.<tables|columns|views|schemata>` → DuckDB's information schema
 *   narrowed to that catalog's database.
 */
import { parseColumnType, type SparkType } from '../routes/columnTypes';

export type TokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'word' | 'param' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** The source text (for `string` and `quoted`, the decoded content is in `value`). */
  text: string;
  value?: string;
  /** Where the token is in the tokenized text: [start, end) (tokenize sets them; rewrites need not). */
  start?: number;
  end?: number;
}

export interface TranslateOptions {
  /** Lower-case names of the Unity Catalog catalogs. */
  catalogs: ReadonlySet<string>;
  /** DuckDB type per named parameter (absent: the marker is left as `$name`). */
  parameterTypes?: Readonly<Record<string, string>>;
}

export interface Translation {
  sql: string;
  /** Parameter names the statement uses. */
  parameters: string[];
}

export function duckCatalogName(catalog: string): string {
  return `uc_${catalog.toLowerCase()}`;
}

export function translateSql(sql: string, options: TranslateOptions): Translation {
  const tokens = tokenize(sql);
  const parameters = new Set<string>();
  const out = rewrite(tokens, options, parameters);
  return { sql: out.map((t) => t.text).join(''), parameters: [...parameters] };
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    // Tokens cover the text without gaps: each one ends where the next starts.
    if (tokens.length > 0) tokens[tokens.length - 1]!.end = i;
    const ch = sql[i]!;
    const rest = sql.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) {
      tokens.push({ kind: 'space', text: m[0] });
    } else if (rest.startsWith('--')) {
      const end = sql.indexOf('\n', i);
      tokens.push({ kind: 'comment', text: end < 0 ? rest : sql.slice(i, end) });
    } else if (rest.startsWith('/*')) {
      const end = sql.indexOf('*/', i + 2);
      tokens.push({ kind: 'comment', text: end < 0 ? rest : sql.slice(i, end + 2) });
    } else if (ch === "'" || ch === '"') {
      const { value, length } = readString(sql, i, ch);
      tokens.push({ kind: 'string', text: `'${value.replace(/'/g, "''")}'`, value });
      i += length;
      continue;
    } else if (ch === '`') {
      let j = i + 1;
      let value = '';
      while (j < n) {
        if (sql[j] === '`') {
          if (sql[j + 1] === '`') {
            value += '`';
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j++];
      }
      tokens.push({ kind: 'quoted', text: quoteIdent(value), value });
      i = j + 1;
      continue;
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      tokens.push({ kind: 'word', text: m[0] });
    } else if ((m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)) && sql[i - 1] !== ':') {
      tokens.push({ kind: 'param', text: m[0], value: m[1] });
    } else if ((m = /^(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)/.exec(rest))) {
      tokens.push({ kind: 'number', text: m[0] });
    } else if ((m = /^(::|<=|>=|<>|!=|\|\||->)/.exec(rest))) {
      tokens.push({ kind: 'punct', text: m[0] });
    } else {
      tokens.push({ kind: 'punct', text: ch });
    }
    i += tokens[tokens.length - 1]!.text.length;
  }
  if (tokens.length > 0) tokens[tokens.length - 1]!.end = n;
  tokens.forEach((t, k) => (t.start = k === 0 ? 0 : tokens[k - 1]!.end));
  return tokens;
}

/** A Databricks string literal: '' doubles a quote, and backslash escapes are honoured. */
function readString(sql: string, start: number, quote: string): { value: string; length: number } {
  let value = '';
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j]!;
    if (c === '\\' && j + 1 < sql.length) {
      const next = sql[j + 1]!;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      j += 2;
      continue;
    }
    if (c === quote) {
      if (sql[j + 1] === quote) {
        value += quote;
        j += 2;
        continue;
      }
      return { value, length: j + 1 - start };
    }
    value += c;
    j++;
  }
  throw new SqlSyntaxError('unterminated string literal');
}

export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ---------------------------------------------------------------------------------------------
// Rewrites

const isWord = (t: Token | undefined, word?: string): boolean => t !== undefined && t.kind === 'word' && (word === undefined || t.text.toLowerCase() === word);
const isPunct = (t: Token | undefined, p: string): boolean => t !== undefined && t.kind === 'punct' && t.text === p;
const isName = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
const nameOf = (t: Token): string => (t.kind === 'quoted' ? t.value! : t.text);

function rewrite(tokens: Token[], options: TranslateOptions, parameters: Set<string>): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = lastSignificant(out);

    if (t.kind === 'param') {
      parameters.add(t.value!);
      const type = options.parameterTypes?.[t.value!];
      out.push({ kind: 'punct', text: type ? `CAST($${t.value} AS ${type})` : `$${t.value}` });
      continue;
    }
    if (isName(t) && !isPunct(prev, '.')) {
      // A dotted name chain starting here: rename a catalog in a three-part name.
      const chain = nameChain(tokens, i);
      if (chain.length === 3 && nameOf(tokens[chain[1]!]!).toLowerCase() === 'information_schema') {
        const replaced = catalogInformationSchema(tokens, chain, options);
        out.push(...replaced.tokens);
        i = replaced.end;
        continue;
      }
      if (chain.length >= 3 && options.catalogs.has(nameOf(t).toLowerCase())) {
        out.push({ kind: 'quoted', text: quoteIdent(duckCatalogName(nameOf(t))) });
        continue;
      }
    }
    if (isWord(t, 'window')) {
      out.push({ kind: 'quoted', text: '"window"' });
      continue;
    }
    if ((isWord(t, 'current_timestamp') || isWord(t, 'current_date')) && isPunct(tokens[i + 1], '(') && isPunct(tokens[i + 2], ')')) {
      out.push({ kind: 'word', text: t.text });
      i += 2;
      continue;
    }
    if ((isWord(t, 'date_sub') || isWord(t, 'date_add')) && isPunct(nextSignificant(tokens, i), '(')) {
      const replaced = dateShift(tokens, i, options, parameters);
      out.push(...replaced.tokens);
      i = replaced.end;
      continue;
    }
    if (isWord(t, 'element_at') && isPunct(nextSignificant(tokens, i), '(')) {
      out.push({ kind: 'word', text: 'list_extract' });
      continue;
    }
    if ((isWord(t, 'struct') || isWord(t, 'array') || isWord(t, 'map')) && isPunct(nextSignificant(tokens, i), '<')) {
      const replaced = complexType(tokens, i);
      out.push(...replaced.tokens);
      i = replaced.end;
      continue;
    }
    if (isWord(t, 'named_struct')) {
      const replaced = namedStruct(tokens, i, options, parameters);
      if (replaced) {
        out.push(...replaced.tokens);
        i = replaced.end;
        continue;
      }
    }
    if (isWord(t, 'from_json')) {
      const replaced = fromJson(tokens, i, options, parameters);
      if (replaced) {
        out.push(...replaced.tokens);
        i = replaced.end;
        continue;
      }
    }
    if (isWord(t, 'lateral') && isWord(nextSignificant(tokens, i), 'view')) {
      const replaced = lateralView(tokens, i, options, parameters);
      out.push(...replaced.tokens);
      i = replaced.end;
      continue;
    }
    out.push(t);
  }
  return out;
}

function lastSignificant(tokens: Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]!.kind !== 'space' && tokens[i]!.kind !== 'comment') return tokens[i];
  return undefined;
}

function significantIndex(tokens: Token[], from: number): number {
  let i = from;
  while (i < tokens.length && (tokens[i]!.kind === 'space' || tokens[i]!.kind === 'comment')) i++;
  return i;
}

function nextSignificant(tokens: Token[], i: number): Token | undefined {
  return tokens[significantIndex(tokens, i + 1)];
}

/** Indexes of the name tokens of `a.b.c` starting at i (no spaces inside a chain). */
function nameChain(tokens: Token[], i: number): number[] {
  const chain = [i];
  let j = i;
  while (isPunct(tokens[j + 1], '.') && isName(tokens[j + 2])) {
    chain.push(j + 2);
    j += 2;
  }
  return chain;
}

/** The index of the `)` matching the `(` at `open`. */
function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (isPunct(tokens[j], '(')) depth++;
    else if (isPunct(tokens[j], ')') && --depth === 0) return j;
  }
  throw new SqlSyntaxError('unbalanced parentheses');
}

/** Top-level comma-separated arguments between `(` at open and its `)`. */
function splitArgs(tokens: Token[], open: number, close: number): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let j = open + 1; j < close; j++) {
    const t = tokens[j]!;
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) depth--;
    if (depth === 0 && isPunct(t, ',')) args.push([]);
    else args[args.length - 1]!.push(t);
  }
  return args;
}

function render(tokens: Token[], options: TranslateOptions, parameters: Set<string>): string {
  return rewrite(tokens, options, parameters)
    .map((t) => t.text)
    .join('')
    .trim();
}

/**
 * `date_sub(start, days)` / `date_add(start, days)`: Databricks shifts a date by whole days; DuckDB's
 * functions of those names take other arguments, and DATE ± INTEGER is a DATE there.
 */
function dateShift(tokens: Token[], i: number, options: TranslateOptions, parameters: Set<string>): { tokens: Token[]; end: number } {
  const open = significantIndex(tokens, i + 1);
  const close = matchingParen(tokens, open);
  const args = splitArgs(tokens, open, close);
  if (args.length !== 2) throw new SqlSyntaxError(`${tokens[i]!.text} takes 2 arguments (start date, days), got ${args.length}`);
  const op = isWord(tokens[i], 'date_sub') ? '-' : '+';
  const text = `(CAST((${render(args[0]!, options, parameters)}) AS DATE) ${op} CAST((${render(args[1]!, options, parameters)}) AS INTEGER))`;
  return { tokens: [{ kind: 'punct', text }], end: close };
}

/** The catalog column of each information_schema view the fake answers. */
const INFORMATION_SCHEMA_CATALOG_COLUMN: Readonly<Record<string, string>> = { tables: 'table_catalog', columns: 'table_catalog', views: 'table_catalog', schemata: 'catalog_name' };
/** Words that may follow a table reference without being its alias. */
const AFTER_TABLE = new Set([
  'where',
  'join',
  'inner',
  'left',
  'right',
  'full',
  'cross',
  'natural',
  'on',
  'using',
  'group',
  'order',
  'limit',
  'having',
  'union',
  'except',
  'intersect',
  'qualify',
  'window',
]);

/**
 * `<catalog>.information_schema.<view>`: in Databricks each catalog has its own information schema
 * listing that catalog's objects (https://learn.microsoft.com/azure/databricks/sql/language-manual/sql-ref-information-schema);
 * DuckDB has one, over every attached database. The view becomes that one, narrowed to the catalog's
 * DuckDB database and answering the Unity Catalog name. A catalog that is not attached has no
 * tables yet: its views are empty.
 */
function catalogInformationSchema(tokens: Token[], chain: number[], options: TranslateOptions): { tokens: Token[]; end: number } {
  const catalog = nameOf(tokens[chain[0]!]!).toLowerCase();
  const view = nameOf(tokens[chain[2]!]!).toLowerCase();
  const column = INFORMATION_SCHEMA_CATALOG_COLUMN[view];
  if (!column) throw new SqlSyntaxError(`the fake answers information_schema.${Object.keys(INFORMATION_SCHEMA_CATALOG_COLUMN).join('/')} only, got ${view}`);
  const duck = options.catalogs.has(catalog) ? duckCatalogName(catalog) : '';
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const end = chain[2]!;
  const next = nextSignificant(tokens, end);
  const aliased = next !== undefined && (next.kind === 'quoted' || (next.kind === 'word' && !AFTER_TABLE.has(next.text.toLowerCase())));
  const text = `(SELECT * REPLACE (${literal(catalog)} AS ${column}) FROM information_schema.${view} WHERE ${column} = ${literal(duck)})${aliased ? '' : ` AS ${view}`}`;
  return { tokens: [{ kind: 'punct', text }], end };
}

function fromJson(tokens: Token[], i: number, options: TranslateOptions, parameters: Set<string>): { tokens: Token[]; end: number } | undefined {
  const open = significantIndex(tokens, i + 1);
  if (!isPunct(tokens[open], '(')) return undefined;
  const close = matchingParen(tokens, open);
  const args = splitArgs(tokens, open, close);
  const schema = args[1]?.filter((t) => t.kind !== 'space');
  if (args.length !== 2 || schema?.length !== 1 || schema[0]!.kind !== 'string') return undefined;
  const structure = JSON.stringify(duckStructure(parseColumnType(schema[0]!.value!).spark));
  const text = `from_json(${render(args[0]!, options, parameters)}, '${structure.replace(/'/g, "''")}')`;
  return { tokens: [{ kind: 'punct', text }], end: close };
}

/** `STRUCT<…>` / `ARRAY<…>` / `MAP<…>` starting at i → the DuckDB type. */
function complexType(tokens: Token[], i: number): { tokens: Token[]; end: number } {
  let depth = 0;
  let text = '';
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!;
    text += t.kind === 'quoted' ? `\`${t.value!.replace(/`/g, '``')}\`` : t.text;
    if (isPunct(t, '<')) depth++;
    if (isPunct(t, '>') && --depth === 0) return { tokens: [{ kind: 'punct', text: duckType(parseColumnType(text).spark) }], end: j };
  }
  throw new SqlSyntaxError('unbalanced < > in a type');
}

/** A Spark type as a DuckDB column type. */
export function duckType(type: SparkType): string {
  if (typeof type === 'string') {
    if (type.startsWith('decimal')) return type.toUpperCase();
    const primitive = DUCK_PRIMITIVES[type];
    if (!primitive) throw new SqlSyntaxError(`the fake cannot map the type ${type}`);
    return primitive;
  }
  if (type.type === 'array') return `${duckType(type.elementType)}[]`;
  if (type.type === 'map') return `MAP(${duckType(type.keyType)}, ${duckType(type.valueType)})`;
  return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckType(f.type)}`).join(', ')})`;
}

function namedStruct(tokens: Token[], i: number, options: TranslateOptions, parameters: Set<string>): { tokens: Token[]; end: number } | undefined {
  const open = significantIndex(tokens, i + 1);
  if (!isPunct(tokens[open], '(')) return undefined;
  const close = matchingParen(tokens, open);
  const args = splitArgs(tokens, open, close);
  if (args.length % 2 !== 0) throw new SqlSyntaxError('named_struct needs name/value pairs');
  const fields: string[] = [];
  for (let a = 0; a < args.length; a += 2) {
    const name = args[a]!.filter((t) => t.kind !== 'space');
    if (name.length !== 1 || name[0]!.kind !== 'string') throw new SqlSyntaxError('named_struct field names must be string literals');
    fields.push(`${quoteIdent(name[0]!.value!)} := ${render(args[a + 1]!, options, parameters)}`);
  }
  return { tokens: [{ kind: 'punct', text: `struct_pack(${fields.join(', ')})` }], end: close };
}

/** `LATERAL VIEW [OUTER] (pos)explode(expr) alias AS a[, b]` → a DuckDB lateral join. */
function lateralView(tokens: Token[], i: number, options: TranslateOptions, parameters: Set<string>): { tokens: Token[]; end: number } {
  let j = significantIndex(tokens, significantIndex(tokens, i + 1) + 1);
  const outer = isWord(tokens[j], 'outer');
  if (outer) j = significantIndex(tokens, j + 1);
  const fn = tokens[j];
  const withPos = isWord(fn, 'posexplode');
  if (!withPos && !isWord(fn, 'explode')) throw new SqlSyntaxError(`the fake translates LATERAL VIEW only for explode/posexplode, got ${fn?.text}`);
  const open = significantIndex(tokens, j + 1);
  const close = matchingParen(tokens, open);
  const expr = render(tokens.slice(open + 1, close), options, parameters);
  let k = significantIndex(tokens, close + 1);
  const alias = tokens[k]!;
  k = significantIndex(tokens, k + 1);
  if (!isWord(tokens[k], 'as')) throw new SqlSyntaxError('LATERAL VIEW needs "AS <columns>"');
  const names: string[] = [];
  for (;;) {
    k = significantIndex(tokens, k + 1);
    names.push(tokens[k]!.text);
    const after = significantIndex(tokens, k + 1);
    if (!isPunct(tokens[after], ',')) break;
    k = after;
  }
  if (names.length !== (withPos ? 2 : 1)) throw new SqlSyntaxError(`${fn!.text} in LATERAL VIEW yields ${withPos ? 2 : 1} column(s)`);
  const columns = withPos ? `unnest(range(len(__e))) AS ${names[0]}, unnest(__e) AS ${names[1]}` : `unnest(__e) AS ${names[0]}`;
  const sub = `(SELECT ${columns} FROM (SELECT ${expr} AS __e))`;
  const text = outer ? `LEFT JOIN LATERAL ${sub} ${alias.text} ON true` : `CROSS JOIN LATERAL ${sub} ${alias.text}`;
  return { tokens: [{ kind: 'punct', text }], end: k };
}

const DUCK_PRIMITIVES: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  byte: 'TINYINT',
  short: 'SMALLINT',
  integer: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamp_ntz: 'TIMESTAMP',
  binary: 'BLOB',
};

/** A Spark type as DuckDB's from_json structure ({"a":"DOUBLE","b":["VARCHAR"]}). */
export function duckStructure(type: SparkType): unknown {
  if (typeof type === 'string') {
    if (type.startsWith('decimal')) return type.toUpperCase();
    const primitive = DUCK_PRIMITIVES[type];
    if (!primitive) throw new SqlSyntaxError(`from_json: the fake cannot map the type ${type}`);
    return primitive;
  }
  if (type.type === 'array') return [duckStructure(type.elementType)];
  if (type.type === 'map') return `MAP(${String(duckStructure(type.keyType))}, ${JSON.stringify(duckStructure(type.valueType))})`;
  return Object.fromEntries(type.fields.map((f) => [f.name, duckStructure(f.type)]));
}

/** The DuckDB type of a statement parameter type (STRING, INT, DECIMAL(10,2), ...). */
export function duckParameterType(type: string): string {
  const t = type.trim().toUpperCase();
  const simple: Record<string, string> = {
    STRING: 'VARCHAR',
    BOOLEAN: 'BOOLEAN',
    TINYINT: 'TINYINT',
    BYTE: 'TINYINT',
    SMALLINT: 'SMALLINT',
    SHORT: 'SMALLINT',
    INT: 'INTEGER',
    INTEGER: 'INTEGER',
    BIGINT: 'BIGINT',
    LONG: 'BIGINT',
    FLOAT: 'FLOAT',
    DOUBLE: 'DOUBLE',
    DATE: 'DATE',
    TIMESTAMP: 'TIMESTAMP',
    TIMESTAMP_NTZ: 'TIMESTAMP',
    BINARY: 'BLOB',
    VOID: 'VARCHAR',
  };
  if (simple[t]) return simple[t];
  const dec = /^DECIMAL\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(t);
  if (dec) return `DECIMAL(${dec[1]},${dec[2] ?? 0})`;
  if (t === 'DECIMAL') return 'DECIMAL(10,0)';
  throw new SqlSyntaxError(`unsupported parameter type ${type}`);
}
