/**
 * CreateMonitor's custom metrics file: a YAML or JSON list of custom metrics (name, type,
 * definition, input_columns, output_data_type), loaded with positions so a bad entry is
 * reported at its path and line, and validated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { CUSTOM_METRIC_TYPES } from '../../../shared/monitoring/choices';
import { fail, ok, rule, type ValueRule } from '../../../shared/runtime/rules/core';
import { ruleMessage } from '../../../shared/runtime/rules/messages';
import { formatPath, YamlDocument } from '../../../shared/runtime/yamlDocument';

export interface CustomMetric {
  name: string;
  type: (typeof CUSTOM_METRIC_TYPES)[number];
  /** Jinja SQL template. */
  definition: string;
  inputColumns: string[];
  /** The Spark StructField JSON the monitor APIs expect (a plain type name is converted). */
  outputDataType: string;
}

/** Spark SQL type names accepted as output_data_type, mapped to their JSON type names. */
const SPARK_TYPES: Readonly<Record<string, string>> = {
  double: 'double',
  float: 'float',
  int: 'integer',
  integer: 'integer',
  bigint: 'long',
  long: 'long',
  smallint: 'short',
  short: 'short',
  tinyint: 'byte',
  byte: 'byte',
  string: 'string',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  binary: 'binary',
};

const outputDataType = z.string({ error: () => ruleMessage('SparkTypeOrStructField') }).transform((text, ctx) => {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'object' && parsed !== null && 'type' in parsed) return trimmed;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: ruleMessage('StructFieldJson') });
    return z.NEVER;
  }
  const type = SPARK_TYPES[trimmed.toLowerCase()];
  if (type === undefined) {
    ctx.addIssue({ code: 'custom', message: ruleMessage('SparkTypeOneOf', Object.keys(SPARK_TYPES).join(', ')) });
    return z.NEVER;
  }
  return JSON.stringify({ name: 'output', type, nullable: true, metadata: {} });
});

const customMetricsSchema = z.array(
  z.strictObject({
    name: z.string({ error: () => ruleMessage('MetricName') }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: () => ruleMessage('NameLettersDigitsUnderscore') }),
    type: z.enum(CUSTOM_METRIC_TYPES, { error: () => ruleMessage('OneOf', CUSTOM_METRIC_TYPES.join(', ')) }),
    definition: z
      .string({ error: () => ruleMessage('SqlTemplate') })
      .trim()
      .min(1, { error: () => ruleMessage('NotEmpty') }),
    input_columns: z.array(z.string().min(1), { error: () => ruleMessage('ColumnNamesList') }).min(1, { error: () => ruleMessage('AtLeastOneColumn') }),
    output_data_type: outputDataType,
  }),
  { error: () => ruleMessage('CustomMetricsList') },
);

/** The path of a YAML or JSON list of custom metrics, loaded and validated. */
export function customMetricsFileRule(baseDir: string): ValueRule<CustomMetric[]> {
  return rule((raw) => {
    const file = path.resolve(baseDir, raw.trim());
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return fail(ruleMessage('NoSuchFile', file));
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return fail(ruleMessage('CannotBeRead', file, (error as Error).message), { hideValue: true });
    }
    const doc = YamlDocument.parse(text);
    const syntax = doc.syntaxErrors[0];
    if (syntax) return fail(ruleMessage('YamlSyntaxAtLine', file, syntax.line, syntax.message.split('\n')[0]), { hideValue: true });
    let content: unknown;
    try {
      content = doc.toJS();
    } catch (error) {
      return fail(ruleMessage('NotValidYamlOrJson', file, (error as Error).message), { hideValue: true });
    }
    const result = customMetricsSchema.safeParse(content);
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = (issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path).map((s) => (typeof s === 'number' ? s : String(s)));
      const message = issue.code === 'unrecognized_keys' ? ruleMessage('CustomMetricUnknownKey') : issue.message;
      const line = doc.lineOf(at);
      const inside = formatPath(at);
      const place = inside ? ruleMessage('LocationAtPath', file, inside) : file;
      const where = line !== undefined ? ruleMessage('LocationLine', place, line) : place;
      return fail(ruleMessage('PlaceProblem', where, message), { hideValue: true });
    }
    const names = new Set<string>();
    for (const metric of result.data) {
      if (names.has(metric.name)) return fail(ruleMessage('MetricNameTwice', file, metric.name), { hideValue: true });
      names.add(metric.name);
    }
    return ok(
      result.data.map((m) => ({
        name: m.name,
        type: m.type,
        definition: m.definition,
        inputColumns: m.input_columns,
        outputDataType: m.output_data_type,
      })),
    );
  });
}
