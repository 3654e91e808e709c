/**
 * Parameters of DatabricksDeployServing: every input read and validated (docs/INPUTS.md).
 */
import { TRAFFIC_MODES, WORKLOAD_SIZES, WORKLOAD_TYPES } from '../../../shared/runtime/choices';
import { baseDirectoryOf, openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import {
  aliasRule,
  booleanRule,
  choiceRule,
  commaListRule,
  emailRule,
  endpointNameRule,
  identifierRule,
  integerRule,
  jsonObjectOrFileRule,
  keyValueLinesRule,
  optional,
  patternRule,
  positiveIntegerRule,
  required,
  ucNameRule,
  warehouseIdRule,
  withDefault,
  type JsonObject,
  type KeyValue,
} from '../../../shared/runtime/rules';

export type ServedModel = { kind: 'version'; version: number } | { kind: 'alias'; alias: string };

export type Traffic = { mode: 'replace' } | { mode: 'canary'; percent: number } | { mode: 'promote' };

export interface InferenceTableTarget {
  catalog: string;
  schema: string;
  tablePrefix: string;
}

export interface DeployServingParameters {
  common: CommonParameters;
  endpointName: string;
  /** catalog.schema.model, without backticks. */
  modelName: string;
  model: ServedModel;
  /**
   * As given; undefined means `<model>-<version>`, which Operations computes once an alias
   * is resolved to its version.
   */
  servedEntityName?: string;
  workloadSize: (typeof WORKLOAD_SIZES)[number];
  workloadType: (typeof WORKLOAD_TYPES)[number];
  scaleToZero: boolean;
  environmentVars: KeyValue[];
  traffic: Traffic;
  /** Undefined when the inference table is disabled. */
  inferenceTable?: InferenceTableTarget;
  rateLimitPerMinute?: number;
  tags: KeyValue[];
  notifyOnFailure: string[];
  waitForReady: boolean;
  timeoutMinutes: number;
  /** The parsed request body (from the JSON text or the file). */
  smokeTestPayload?: JsonObject;
  rollbackOnFailure: boolean;
  /** SQL warehouse for the inference-log check and the retention schedule. */
  warehouseId?: string;
  /** 0 = off: after a passing smoke test, wait up to N minutes for it in the payload table. */
  verifyInferenceLogMinutes: number;
  /** Days of payload rows the Databricks-side retention job keeps; 0 = no retention job (retention.ts). */
  inferenceRetentionDays: number;
}

const SMOKE_TEST_KEYS = ['dataframe_records', 'dataframe_split', 'instances', 'inputs'];

function smokeTestProblem(payload: JsonObject): string | undefined {
  return SMOKE_TEST_KEYS.some((key) => Object.hasOwn(payload, key)) ? undefined : `must have one of the keys ${SMOKE_TEST_KEYS.join(', ')}`;
}

const ENV_KEY = { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, rule: 'must be a variable name: a letter or _ then letters, digits or _', maxLength: 255 };
const TAG_KEY = { pattern: /^[A-Za-z0-9_.\-/ ]+$/, rule: 'must be letters, digits, _ . - / or spaces, at most 250 characters', maxLength: 250 };

export function buildParameters(taskInputs: InputSource, vars: VariableSource): DeployServingParameters {
  const opened = openTaskInputs('DatabricksDeployServing', taskInputs, vars);
  const inputs = {
    endpointName: required(endpointNameRule()),
    modelName: required(ucNameRule(3, 'catalog.schema.model')),
    modelVersion: optional(positiveIntegerRule()),
    modelAlias: optional(aliasRule()),
    servedEntityName: optional(endpointNameRule()),
    workloadSize: withDefault(choiceRule(WORKLOAD_SIZES), 'Small'),
    workloadType: withDefault(choiceRule(WORKLOAD_TYPES), 'CPU'),
    scaleToZero: withDefault(booleanRule(), 'true'),
    environmentVars: withDefault(keyValueLinesRule({ key: ENV_KEY, maxEntries: 30 }), ''),
    trafficMode: withDefault(choiceRule(TRAFFIC_MODES), 'replace'),
    canaryPercent: withDefault(integerRule(1, 99), '10'),
    inferenceTable: withDefault(booleanRule(), 'true'),
    inferenceCatalog: optional(identifierRule()),
    inferenceSchema: optional(identifierRule()),
    inferenceTablePrefix: optional(patternRule(/^[A-Za-z0-9_]+$/, 'must be letters, digits or _', 255)),
    rateLimitPerMinute: optional(positiveIntegerRule()),
    tags: withDefault(keyValueLinesRule({ key: TAG_KEY, maxValueLength: 5000 }), ''),
    notifyOnFailure: withDefault(commaListRule(emailRule()), ''),
    waitForReady: withDefault(booleanRule(), 'true'),
    timeoutMinutes: withDefault(integerRule(1, 720), '45'),
    smokeTestPayload: optional(jsonObjectOrFileRule(baseDirectoryOf(opened, 'smokeTestPayload'), smokeTestProblem)),
    rollbackOnFailure: withDefault(booleanRule(), 'true'),
    // No task.json defaults for these: the settings file must not be hidden (INTERFACE.md precedence).
    warehouseId: optional(warehouseIdRule()),
    verifyInferenceLogMinutes: withDefault(integerRule(0, 180), '0'),
    inferenceRetentionDays: withDefault(integerRule(0, 3650), '0'),
  };
  const { common, values: v } = readTaskInputs(opened, inputs, (when) => [
    when(['modelVersion', 'modelAlias'], ({ modelVersion, modelAlias }) => {
      if (modelVersion === undefined && modelAlias === undefined) return { input: 'modelVersion', rule: 'set modelVersion or modelAlias' };
      if (modelVersion !== undefined && modelAlias !== undefined) return { input: 'modelVersion', rule: 'set only one of modelVersion and modelAlias' };
      return undefined;
    }),
    when(['inferenceTable', 'inferenceCatalog'], ({ inferenceTable, inferenceCatalog }) =>
      inferenceTable && inferenceCatalog === undefined ? { input: 'inferenceCatalog', rule: 'is required when inferenceTable is true' } : undefined,
    ),
    when(['inferenceTable', 'inferenceSchema'], ({ inferenceTable, inferenceSchema }) =>
      inferenceTable && inferenceSchema === undefined ? { input: 'inferenceSchema', rule: 'is required when inferenceTable is true' } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'warehouseId'], ({ verifyInferenceLogMinutes, warehouseId }) =>
      verifyInferenceLogMinutes > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: 'is required by verifyInferenceLogMinutes (the payload table is read on a SQL warehouse)' } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'inferenceTable'], ({ verifyInferenceLogMinutes, inferenceTable }) =>
      verifyInferenceLogMinutes > 0 && !inferenceTable ? { input: 'verifyInferenceLogMinutes', rule: 'needs inferenceTable true (there is no payload table to check)' } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'smokeTestPayload'], ({ verifyInferenceLogMinutes, smokeTestPayload }) =>
      verifyInferenceLogMinutes > 0 && smokeTestPayload === undefined ? { input: 'verifyInferenceLogMinutes', rule: 'needs smokeTestPayload (the check looks for the smoke request)' } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'waitForReady'], ({ verifyInferenceLogMinutes, waitForReady }) =>
      verifyInferenceLogMinutes > 0 && !waitForReady ? { input: 'verifyInferenceLogMinutes', rule: 'needs waitForReady true (the smoke test runs once the endpoint is ready)' } : undefined,
    ),
    when(['inferenceRetentionDays', 'inferenceTable'], ({ inferenceRetentionDays, inferenceTable }) =>
      inferenceRetentionDays > 0 && !inferenceTable ? { input: 'inferenceRetentionDays', rule: 'needs inferenceTable true (there is no payload table to clean)' } : undefined,
    ),
    when(['inferenceRetentionDays', 'warehouseId'], ({ inferenceRetentionDays, warehouseId }) =>
      inferenceRetentionDays > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: 'is required when inferenceRetentionDays is more than 0 (the retention job runs its DELETE on that SQL warehouse)' } : undefined,
    ),
  ]);

  const traffic: Traffic = v.trafficMode === 'canary' ? { mode: 'canary', percent: v.canaryPercent } : { mode: v.trafficMode };
  return {
    common,
    endpointName: v.endpointName,
    modelName: v.modelName,
    model: servedModel(v.modelVersion, v.modelAlias),
    servedEntityName: v.servedEntityName,
    workloadSize: v.workloadSize,
    workloadType: v.workloadType,
    scaleToZero: v.scaleToZero,
    environmentVars: v.environmentVars,
    traffic,
    inferenceTable:
      v.inferenceTable && v.inferenceCatalog !== undefined && v.inferenceSchema !== undefined
        ? { catalog: v.inferenceCatalog, schema: v.inferenceSchema, tablePrefix: v.inferenceTablePrefix ?? v.endpointName.replace(/-/g, '_') }
        : undefined,
    rateLimitPerMinute: v.rateLimitPerMinute,
    tags: v.tags,
    notifyOnFailure: v.notifyOnFailure,
    waitForReady: v.waitForReady,
    timeoutMinutes: v.timeoutMinutes,
    smokeTestPayload: v.smokeTestPayload,
    rollbackOnFailure: v.rollbackOnFailure,
    warehouseId: v.warehouseId,
    verifyInferenceLogMinutes: v.verifyInferenceLogMinutes,
    inferenceRetentionDays: v.inferenceRetentionDays,
  };
}

function servedModel(version: number | undefined, alias: string | undefined): ServedModel {
  if (version !== undefined) return { kind: 'version', version };
  if (alias !== undefined) return { kind: 'alias', alias };
  throw new Error('unreachable: the model rule requires modelVersion or modelAlias');
}
