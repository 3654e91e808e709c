/**
 * The served model's signature, read from its MLmodel file: the feature columns (names and
 * types) of a column-based input schema and the type of the prediction. Only what the unpacking
 * view needs; a model without a column-based input signature cannot be unpacked.
 */
import { yaml } from '../../../../shared/runtime/yaml';
import { message } from '../messages';

export interface Feature {
  name: string;
  /** Databricks SQL type: DOUBLE, BIGINT, STRING, ... */
  sqlType: string;
}

export interface ModelSignature {
  features: Feature[];
  /** The SQL type of one prediction. */
  predictionType: string;
}

/** MLflow column types → SQL types. */
const COLUMN_TYPES: Readonly<Record<string, string>> = {
  double: 'DOUBLE',
  float: 'FLOAT',
  long: 'BIGINT',
  integer: 'INT',
  string: 'STRING',
  boolean: 'BOOLEAN',
  datetime: 'TIMESTAMP',
};

/** numpy dtypes of tensor outputs → SQL types. */
const TENSOR_TYPES: Readonly<Record<string, string>> = {
  float64: 'DOUBLE',
  float32: 'FLOAT',
  int64: 'BIGINT',
  int32: 'INT',
  bool: 'BOOLEAN',
  str: 'STRING',
  object: 'STRING',
};

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

interface SpecEntry {
  name?: string;
  type?: string;
  'tensor-spec'?: { dtype?: string };
}

// eslint-disable-next-line no-control-regex
const UNSAFE_COLUMN = /['"`\\\u0000-\u001f\u007f]/;

export function parseSignature(mlmodelText: string, where: string): ModelSignature {
  const doc = yaml().parse(mlmodelText) as { signature?: { inputs?: string; outputs?: string } } | null;
  const inputsText = doc?.signature?.inputs;
  if (!inputsText) throw new SignatureError(message('NoInputSignature', where));
  const inputs = JSON.parse(inputsText) as SpecEntry[];
  const features = inputs.map((entry) => {
    if (!entry.name || entry.type === 'tensor') throw new SignatureError(message('TensorSignature', where));
    // The names go into generated SQL (quoted identifiers, string literals and a from_json schema
    // literal): names that could end a quote are refused, whatever the remote MLmodel says.
    if (UNSAFE_COLUMN.test(entry.name)) throw new SignatureError(message('UnsafeColumnName', where, JSON.stringify(entry.name)));
    const sqlType = COLUMN_TYPES[entry.type ?? ''];
    if (!sqlType) throw new SignatureError(message('UnsupportedColumnType', where, entry.name, entry.type ?? ''));
    return { name: entry.name, sqlType };
  });
  const outputs = doc?.signature?.outputs ? (JSON.parse(doc.signature.outputs) as SpecEntry[]) : [];
  const first = outputs[0];
  const predictionType = (first?.type === 'tensor' ? TENSOR_TYPES[first['tensor-spec']?.dtype ?? ''] : COLUMN_TYPES[first?.type ?? '']) ?? 'DOUBLE';
  return { features, predictionType };
}
