/**
 * Parameters of DatabricksCreateMonitor: every input read and validated (docs/INPUTS.md),
 * the custom metrics file loaded and checked, the drift alerts parsed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { yaml } from '../../../shared/runtime/yaml';
import { z } from 'zod';
import { CUSTOM_METRIC_TYPES, MONITOR_APIS, PROBLEM_TYPES, PROFILE_TYPES } from '../../../shared/monitoring/choices';
import { GRANULARITIES, type Granularity } from '../../../shared/monitoring/granularity';
import { baseDirectoryOf, openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import { formatPath } from '../../../shared/runtime/config';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { driftAlertRule, type DriftAlertRule } from '../../../shared/monitoring/metricRules';
import { quartzCronRule } from '../../../shared/monitoring/quartz';
import { fail, ok, optional, required, rule, type ValueRule, withDefault } from '../../../shared/runtime/rules/core';
import { columnNameRule, endpointNameRule, ucNameRule, warehouseIdRule, workspacePathRule } from '../../../shared/runtime/rules/databricks';
import { booleanRule, choiceRule, emailRule, integerRule, textRule, timeZoneRule } from '../../../shared/runtime/rules/generic';
import { commaListRule, lineListRule } from '../../../shared/runtime/rules/lists';


export type MonitorProfile =
  | {
      type: 'inferenceLog';
      problemType: (typeof PROBLEM_TYPES)[number];
      predictionColumn: string;
      labelColumn?: string;
      modelIdColumn: string;
      timestampColumn: string;
      granularities: Granularity[];
      predictionProbabilityColumn?: string;
    }
  | { type: 'timeSeries'; timestampColumn: string; granularities: Granularity[] }
  | { type: 'snapshot' };

export interface CustomMetric {
  name: string;
  type: (typeof CUSTOM_METRIC_TYPES)[number];
  /** Jinja SQL template. */
  definition: string;
  inputColumns: string[];
  /** The Spark StructField JSON the monitor APIs expect (a plain type name is converted). */
  outputDataType: string;
}

export interface CreateMonitorParameters {
  common: CommonParameters;
  /** catalog.schema.table, without backticks. */
  tableName: string;
  unpackFromEndpoint?: string;
  profile: MonitorProfile;
  baselineTableName?: string;
  slicingExpressions: string[];
  customMetrics: CustomMetric[];
  /** catalog.schema */
  outputSchema: string;
  /** Default /Workspace/Shared/lakehouse_monitoring/<tableName>. */
  assetsDir: string;
  schedule: { quartzCronExpression: string; timezoneId: string };
  notifyEmails: string[];
  driftAlerts: DriftAlertRule[];
  warehouseId?: string;
  monitorApi: (typeof MONITOR_APIS)[number];
  refreshAfterCreate: boolean;
  timeoutMinutes: number;
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): CreateMonitorParameters {
  const opened = openTaskInputs('DatabricksCreateMonitor', taskInputs, vars);
  const inputs = {
    tableName: required(ucNameRule(3, 'catalog.schema.table')),
    unpackFromEndpoint: optional(endpointNameRule()),
    profileType: withDefault(choiceRule(PROFILE_TYPES), 'inferenceLog'),
    problemType: withDefault(choiceRule(PROBLEM_TYPES), 'classification'),
    predictionColumn: withDefault(columnNameRule(), 'prediction'),
    labelColumn: optional(columnNameRule()),
    predictionProbabilityColumn: optional(columnNameRule()),
    modelIdColumn: withDefault(columnNameRule(), 'model_id'),
    timestampColumn: withDefault(columnNameRule(), 'timestamp'),
    granularities: withDefault(commaListRule(choiceRule(GRANULARITIES), { uniqueBy: (g) => g }), '1 day'),
    baselineTableName: optional(ucNameRule(3, 'catalog.schema.table')),
    slicingExpressions: withDefault(lineListRule(textRule()), ''),
    customMetricsFile: optional(customMetricsFileRule(baseDirectoryOf(opened, 'customMetricsFile'))),
    outputSchema: required(ucNameRule(2, 'catalog.schema')),
    assetsDir: optional(workspacePathRule()),
    schedule: withDefault(quartzCronRule(), '0 0 0 * * ?'),
    timezone: withDefault(timeZoneRule(), 'UTC'),
    notifyEmails: withDefault(commaListRule(emailRule(), { max: { count: 5, noun: 'e-mail addresses' }, uniqueBy: (e) => e.toLowerCase() }), ''),
    driftAlerts: withDefault(lineListRule(driftAlertRule()), ''),
    warehouseId: optional(warehouseIdRule()),
    monitorApi: withDefault(choiceRule(MONITOR_APIS), 'auto'),
    refreshAfterCreate: withDefault(booleanRule(), 'false'),
    timeoutMinutes: withDefault(integerRule(1, 120), '15'),
  };
  const { common, values: v } = readTaskInputs(opened, inputs, (when) => [
    when(['unpackFromEndpoint', 'warehouseId'], ({ unpackFromEndpoint, warehouseId }) =>
      unpackFromEndpoint !== undefined && warehouseId === undefined
        ? { input: 'warehouseId', rule: 'is required by unpackFromEndpoint (the view is created with a SQL statement)' }
        : undefined,
    ),
    when(['unpackFromEndpoint', 'labelColumn'], ({ unpackFromEndpoint, labelColumn }) =>
      unpackFromEndpoint !== undefined && labelColumn !== undefined
        ? { input: 'labelColumn', rule: 'cannot be used with unpackFromEndpoint: the unpacked payload view has no label column (join labels later into a view of your own and monitor that; see "Joining labels later")' }
        : undefined,
    ),
    when(['driftAlerts', 'warehouseId'], ({ driftAlerts, warehouseId }) =>
      driftAlerts.length > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: 'is required by driftAlerts (alerts run on a SQL warehouse)' } : undefined,
    ),
    when(['tableName', 'baselineTableName'], ({ tableName, baselineTableName }) =>
      baselineTableName === tableName ? { input: 'baselineTableName', rule: 'must differ from tableName' } : undefined,
    ),
    when(['profileType', 'predictionProbabilityColumn'], ({ profileType, predictionProbabilityColumn }) =>
      predictionProbabilityColumn !== undefined && profileType !== 'inferenceLog'
        ? { input: 'predictionProbabilityColumn', rule: `applies to inference-log monitors only (profileType is ${profileType})` }
        : undefined,
    ),
    when(['profileType', 'problemType', 'predictionProbabilityColumn'], ({ profileType, problemType, predictionProbabilityColumn }) =>
      predictionProbabilityColumn !== undefined && profileType === 'inferenceLog' && problemType !== 'classification'
        ? { input: 'predictionProbabilityColumn', rule: 'applies to classification models only (problemType is regression)' }
        : undefined,
    ),
    when(['profileType', 'predictionColumn', 'labelColumn', 'modelIdColumn', 'timestampColumn', 'predictionProbabilityColumn'], (c) => {
      if (c.profileType !== 'inferenceLog') return undefined;
      const roles = { predictionColumn: c.predictionColumn, labelColumn: c.labelColumn, modelIdColumn: c.modelIdColumn, timestampColumn: c.timestampColumn, predictionProbabilityColumn: c.predictionProbabilityColumn };
      const entries = Object.entries(roles).filter((e): e is [string, string] => e[1] !== undefined);
      for (const [i, [name, column]] of entries.entries()) {
        const other = entries.slice(i + 1).find((e) => e[1] === column);
        if (other) return { input: other[0], rule: `must differ from ${name} (both are "${column}")` };
      }
      return undefined;
    }),
  ]);

  return {
    common,
    tableName: v.tableName,
    unpackFromEndpoint: v.unpackFromEndpoint,
    profile: monitorProfile(v),
    baselineTableName: v.baselineTableName,
    slicingExpressions: v.slicingExpressions,
    customMetrics: v.customMetricsFile ?? [],
    outputSchema: v.outputSchema,
    assetsDir: v.assetsDir ?? `/Workspace/Shared/lakehouse_monitoring/${v.tableName}`,
    schedule: { quartzCronExpression: v.schedule, timezoneId: v.timezone },
    notifyEmails: v.notifyEmails,
    driftAlerts: v.driftAlerts,
    warehouseId: v.warehouseId,
    monitorApi: v.monitorApi,
    refreshAfterCreate: v.refreshAfterCreate,
    timeoutMinutes: v.timeoutMinutes,
  };
}

function monitorProfile(v: {
  profileType: (typeof PROFILE_TYPES)[number];
  problemType: (typeof PROBLEM_TYPES)[number];
  predictionColumn: string;
  labelColumn?: string;
  predictionProbabilityColumn?: string;
  modelIdColumn: string;
  timestampColumn: string;
  granularities: Granularity[];
}): MonitorProfile {
  switch (v.profileType) {
    case 'inferenceLog':
      return {
        type: 'inferenceLog',
        problemType: v.problemType,
        predictionColumn: v.predictionColumn,
        labelColumn: v.labelColumn,
        modelIdColumn: v.modelIdColumn,
        timestampColumn: v.timestampColumn,
        granularities: v.granularities,
        ...(v.predictionProbabilityColumn !== undefined ? { predictionProbabilityColumn: v.predictionProbabilityColumn } : {}),
      };
    case 'timeSeries':
      return { type: 'timeSeries', timestampColumn: v.timestampColumn, granularities: v.granularities };
    case 'snapshot':
      return { type: 'snapshot' };
  }
}

// ---------------------------------------------------------------------------------------------
// Custom metrics file

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

const outputDataType = z.string({ error: 'must be a Spark type name (e.g. double) or StructField JSON' }).transform((text, ctx) => {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'object' && parsed !== null && 'type' in parsed) return trimmed;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be StructField JSON with a "type", e.g. {"name":"output","type":"double","nullable":true,"metadata":{}}' });
    return z.NEVER;
  }
  const type = SPARK_TYPES[trimmed.toLowerCase()];
  if (type === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${Object.keys(SPARK_TYPES).join(', ')}, or StructField JSON for other types` });
    return z.NEVER;
  }
  return JSON.stringify({ name: 'output', type, nullable: true, metadata: {} });
});

const customMetricsSchema = z.array(
  z.strictObject({
    name: z.string({ error: 'must be a metric name' }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a name of letters, digits and _' }),
    type: z.enum(CUSTOM_METRIC_TYPES, { error: `must be one of ${CUSTOM_METRIC_TYPES.join(', ')}` }),
    definition: z.string({ error: 'must be a SQL (Jinja) template' }).trim().min(1, { error: 'must not be empty' }),
    input_columns: z.array(z.string().min(1), { error: 'must be a list of column names (or ":table")' }).min(1, { error: 'must list at least one column' }),
    output_data_type: outputDataType,
  }),
  { error: 'must be a list of custom metrics' },
);

/** The path of a YAML or JSON list of custom metrics, loaded and validated. */
function customMetricsFileRule(baseDir: string): ValueRule<CustomMetric[]> {
  return rule((raw) => {
    const file = path.resolve(baseDir, raw.trim());
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return fail(`there is no file ${file}`);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return fail(`${file} cannot be read: ${(error as Error).message}`, { hideValue: true });
    }
    const lineCounter = new (yaml().LineCounter)();
    const doc = yaml().parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = lineCounter.linePos(error.pos[0]).line;
      return fail(`${file} line ${line} is not valid YAML or JSON: ${error.message.split('\n')[0]}`, { hideValue: true });
    }
    let content: unknown;
    try {
      content = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return fail(`${file} is not valid YAML or JSON: ${(error as Error).message}`, { hideValue: true });
    }
    const result = customMetricsSchema.safeParse(content);
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
      const message = issue.code === 'unrecognized_keys' ? `unknown key (expected name, type, definition, input_columns, output_data_type)` : issue.message;
      const node: unknown = doc.getIn(at, true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      const inside = formatPath(at.map((s) => (typeof s === 'number' ? s : String(s))));
      const where = `${file}${inside ? ` at ${inside}` : ''}${range ? `, line ${lineCounter.linePos(range[0]).line}` : ''}`;
      return fail(`${where}: ${message}`, { hideValue: true });
    }
    const names = new Set<string>();
    for (const metric of result.data) {
      if (names.has(metric.name)) return fail(`${file}: the metric name "${metric.name}" is used twice`, { hideValue: true });
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
