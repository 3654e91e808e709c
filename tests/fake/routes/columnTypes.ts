/**
 * Column types as Unity Catalog reports them. A seed gives SQL type text (`double`,
 * `array<string>`, `struct<start:timestamp,end:timestamp>`, `decimal(10,2)`, aliases such as
 * `integer` or `long`); UC answers with the normalized `type_text`, the `type_name` enum, and
 * `type_json` (the Spark StructField JSON). Unknown types are refused so that seeds stay honest.
 */
import type { catalog } from '@databricks/sdk-experimental';

/** A Spark data type in its JSON form. */
export type SparkType =
  | string
  | { type: 'array'; elementType: SparkType; containsNull: boolean }
  | { type: 'map'; keyType: SparkType; valueType: SparkType; valueContainsNull: boolean }
  | { type: 'struct'; fields: SparkField[] };

export interface SparkField {
  name: string;
  type: SparkType;
  nullable: boolean;
  metadata: Record<string, never>;
}

export interface ColumnType {
  typeName: catalog.ColumnTypeName;
  typeText: string;
  spark: SparkType;
  precision?: number;
  scale?: number;
}

/** SQL name (and aliases) → UC type name, normalized type text, Spark JSON name. */
const PRIMITIVES: Record<string, { typeName: catalog.ColumnTypeName; text: string; spark: string }> = {
  string: { typeName: 'STRING', text: 'string', spark: 'string' },
  boolean: { typeName: 'BOOLEAN', text: 'boolean', spark: 'boolean' },
  tinyint: { typeName: 'BYTE', text: 'tinyint', spark: 'byte' },
  byte: { typeName: 'BYTE', text: 'tinyint', spark: 'byte' },
  smallint: { typeName: 'SHORT', text: 'smallint', spark: 'short' },
  short: { typeName: 'SHORT', text: 'smallint', spark: 'short' },
  int: { typeName: 'INT', text: 'int', spark: 'integer' },
  integer: { typeName: 'INT', text: 'int', spark: 'integer' },
  bigint: { typeName: 'LONG', text: 'bigint', spark: 'long' },
  long: { typeName: 'LONG', text: 'bigint', spark: 'long' },
  float: { typeName: 'FLOAT', text: 'float', spark: 'float' },
  real: { typeName: 'FLOAT', text: 'float', spark: 'float' },
  double: { typeName: 'DOUBLE', text: 'double', spark: 'double' },
  date: { typeName: 'DATE', text: 'date', spark: 'date' },
  timestamp: { typeName: 'TIMESTAMP', text: 'timestamp', spark: 'timestamp' },
  timestamp_ltz: { typeName: 'TIMESTAMP', text: 'timestamp', spark: 'timestamp' },
  timestamp_ntz: { typeName: 'TIMESTAMP_NTZ', text: 'timestamp_ntz', spark: 'timestamp_ntz' },
  binary: { typeName: 'BINARY', text: 'binary', spark: 'binary' },
  variant: { typeName: 'VARIANT', text: 'variant', spark: 'variant' },
};

const DECIMAL_NAMES = new Set(['decimal', 'dec', 'numeric']);

export function parseColumnType(text: string): ColumnType {
  const parser = new TypeParser(text);
  const type = parser.type();
  parser.end();
  return type;
}

class TypeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  type(): ColumnType {
    const name = this.word().toLowerCase();
    if (name === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return { typeName: 'ARRAY', typeText: `array<${element.typeText}>`, spark: { type: 'array', elementType: element.spark, containsNull: true } };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return {
        typeName: 'MAP',
        typeText: `map<${key.typeText},${value.typeText}>`,
        spark: { type: 'map', keyType: key.spark, valueType: value.spark, valueContainsNull: true },
      };
    }
    if (name === 'struct') return this.struct();
    if (DECIMAL_NAMES.has(name)) return this.decimal();
    const primitive = PRIMITIVES[name];
    if (!primitive) this.failAt(`unknown type '${name}'`);
    return { typeName: primitive.typeName, typeText: primitive.text, spark: primitive.spark };
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.failAt('unexpected text');
  }

  private struct(): ColumnType {
    this.expect('<');
    const fields: SparkField[] = [];
    const texts: string[] = [];
    if (!this.peek('>')) {
      do {
        const name = this.fieldName();
        this.skipSpace();
        if (this.peek(':')) this.pos++;
        const type = this.type();
        fields.push({ name, type: type.spark, nullable: true, metadata: {} });
        texts.push(`${/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``}:${type.typeText}`);
      } while (this.accept(','));
    }
    this.expect('>');
    return { typeName: 'STRUCT', typeText: `struct<${texts.join(',')}>`, spark: { type: 'struct', fields } };
  }

  private decimal(): ColumnType {
    let precision = 10;
    let scale = 0;
    if (this.accept('(')) {
      precision = this.integer();
      if (this.accept(',')) scale = this.integer();
      this.expect(')');
    }
    if (precision < 1 || precision > 38 || scale > precision) this.failAt(`invalid decimal(${precision},${scale})`);
    const text = `decimal(${precision},${scale})`;
    return { typeName: 'DECIMAL', typeText: text, spark: text, precision, scale };
  }

  /** A struct field name, plain or backtick-quoted (`` doubles a backtick). */
  private fieldName(): string {
    this.skipSpace();
    if (!this.peek('`')) return this.word();
    let name = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++]!;
      if (ch !== '`') {
        name += ch;
        continue;
      }
      if (this.text[this.pos] !== '`') return name;
      name += '`';
      this.pos++;
    }
    return this.failAt('unterminated quoted name');
  }

  private word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.failAt('expected a type or name');
    this.pos += m[0].length;
    return m[0];
  }

  private integer(): number {
    this.skipSpace();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) this.failAt('expected a number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private expect(ch: string): void {
    if (!this.accept(ch)) this.failAt(`expected '${ch}'`);
  }

  private accept(ch: string): boolean {
    this.skipSpace();
    if (!this.peek(ch)) return false;
    this.pos++;
    return true;
  }

  private peek(ch: string): boolean {
    return this.text[this.pos] === ch;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private failAt(why: string): never {
    throw new Error(`Invalid column type '${this.text}': ${why} at position ${this.pos}`);
  }
}
