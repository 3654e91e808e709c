/**
 * Parameters of DatabricksDeployServing: every input read and validated (docs/INPUTS.md).
 */
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import { directParameters, type ManifestParameters } from '../../../shared/runtime/inputManifest';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { isRecordTag, RECORD_TAG } from './rollbackRecord';
import { INPUTS } from './inputs';
import { ruleMessage } from '../../../shared/runtime/rules/messages';

export type ServedModel = { kind: 'version'; version: number } | { kind: 'alias'; alias: string };

/** The traffic modes that deploy a model version. */
export type DeployTraffic = { mode: 'replace' } | { mode: 'canary'; percent: number } | { mode: 'promote' };
/** `rollback` restores the config recorded on the endpoint before the last rollout (rollbackRecord.ts). */
export type Traffic = DeployTraffic | { mode: 'rollback' };

export interface InferenceTableTarget {
  catalog: string;
  schema: string;
  tablePrefix: string;
}

/** The inputs of a deploy (replace, canary, promote). */
export interface DeployServingParameters extends ServingParametersBase {
  /** catalog.schema.model, without backticks. */
  modelName: string;
  model: ServedModel;
  traffic: DeployTraffic;
}

/** `trafficMode: rollback`: no model inputs; the endpoint's rollback record says what to serve. */
export interface RollbackServingParameters extends ServingParametersBase {
  traffic: { mode: 'rollback' };
}

export type ServingParameters = DeployServingParameters | RollbackServingParameters;

export function isRollback(p: ServingParameters): p is RollbackServingParameters {
  return p.traffic.mode === 'rollback';
}

interface ServingParametersBase extends ManifestParameters<typeof INPUTS.inputs> {
  common: CommonParameters;
  /** Undefined when the inference table is disabled. */
  inferenceTable?: InferenceTableTarget;
}

/** The parameters of a deploy; throws when trafficMode is rollback (use buildServingParameters). */
export function buildParameters(taskInputs: InputSource, vars: VariableSource): DeployServingParameters {
  const p = buildServingParameters(taskInputs, vars);
  if (isRollback(p)) throw new Error('unreachable: trafficMode rollback has no model to deploy');
  return p;
}

export function buildServingParameters(taskInputs: InputSource, vars: VariableSource): ServingParameters {
  const opened = openTaskInputs(INPUTS, taskInputs, vars);

  const { common, values: v } = readTaskInputs(opened, (when) => [
    // trafficMode rollback restores the recorded config: no model inputs, no inference table.
    when(['trafficMode', 'modelName'], ({ trafficMode, modelName }) =>
      trafficMode !== 'rollback' && modelName === undefined ? { input: 'modelName', rule: ruleMessage('ModelNameRequired') } : undefined,
    ),
    when(['trafficMode', 'modelVersion', 'modelAlias'], ({ trafficMode, modelVersion, modelAlias }) => {
      if (trafficMode === 'rollback') return undefined;
      if (modelVersion === undefined && modelAlias === undefined) return { input: 'modelVersion', rule: ruleMessage('ModelVersionOrAlias') };
      if (modelVersion !== undefined && modelAlias !== undefined) return { input: 'modelVersion', rule: ruleMessage('ModelVersionOrAliasOnlyOne') };
      return undefined;
    }),
    when(['trafficMode', 'inferenceTable', 'inferenceCatalog'], ({ trafficMode, inferenceTable, inferenceCatalog }) =>
      trafficMode !== 'rollback' && inferenceTable && inferenceCatalog === undefined ? { input: 'inferenceCatalog', rule: ruleMessage('RequiredWhenInferenceTable') } : undefined,
    ),
    when(['trafficMode', 'inferenceTable', 'inferenceSchema'], ({ trafficMode, inferenceTable, inferenceSchema }) =>
      trafficMode !== 'rollback' && inferenceTable && inferenceSchema === undefined ? { input: 'inferenceSchema', rule: ruleMessage('RequiredWhenInferenceTable') } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'warehouseId'], ({ verifyInferenceLogMinutes, warehouseId }) =>
      verifyInferenceLogMinutes > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: ruleMessage('VerifyLogNeedsWarehouse') } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'inferenceTable'], ({ verifyInferenceLogMinutes, inferenceTable }) =>
      verifyInferenceLogMinutes > 0 && !inferenceTable ? { input: 'verifyInferenceLogMinutes', rule: ruleMessage('VerifyLogNeedsInferenceTable') } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'smokeTestPayload'], ({ verifyInferenceLogMinutes, smokeTestPayload }) =>
      verifyInferenceLogMinutes > 0 && smokeTestPayload === undefined ? { input: 'verifyInferenceLogMinutes', rule: ruleMessage('VerifyLogNeedsSmokeTest') } : undefined,
    ),
    when(['verifyInferenceLogMinutes', 'waitForReady'], ({ verifyInferenceLogMinutes, waitForReady }) =>
      verifyInferenceLogMinutes > 0 && !waitForReady ? { input: 'verifyInferenceLogMinutes', rule: ruleMessage('VerifyLogNeedsWaitForReady') } : undefined,
    ),
    when(['inferenceRetentionDays', 'inferenceTable'], ({ inferenceRetentionDays, inferenceTable }) =>
      inferenceRetentionDays > 0 && !inferenceTable ? { input: 'inferenceRetentionDays', rule: ruleMessage('RetentionNeedsInferenceTable') } : undefined,
    ),
    when(['inferenceRetentionDays', 'warehouseId'], ({ inferenceRetentionDays, warehouseId }) =>
      inferenceRetentionDays > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: ruleMessage('RetentionNeedsWarehouse') } : undefined,
    ),
    when(['tags'], ({ tags }) => {
      const reserved = tags.find((t) => isRecordTag(t.key));
      return reserved ? { input: 'tags', rule: ruleMessage('ReservedTagKey', reserved.key, RECORD_TAG) } : undefined;
    }),
  ]);

  const base = {
    common,
    ...directParameters(INPUTS, v),
    inferenceTable:
      v.inferenceTable && v.inferenceCatalog !== undefined && v.inferenceSchema !== undefined
        ? { catalog: v.inferenceCatalog, schema: v.inferenceSchema, tablePrefix: v.inferenceTablePrefix ?? v.endpointName.replace(/-/g, '_') }
        : undefined,
  };
  if (v.trafficMode === 'rollback') return { ...base, traffic: { mode: 'rollback' } };
  const traffic: DeployTraffic = v.trafficMode === 'canary' ? { mode: 'canary', percent: v.canaryPercent } : { mode: v.trafficMode };
  return { ...base, modelName: v.modelName!, model: servedModel(v.modelVersion, v.modelAlias), traffic };
}

function servedModel(version: number | undefined, alias: string | undefined): ServedModel {
  if (version !== undefined) return { kind: 'version', version };
  if (alias !== undefined) return { kind: 'alias', alias };
  throw new Error('unreachable: the model rule requires modelVersion or modelAlias');
}
