/**
 * Parameters of DatabricksCreateMonitor: every input read and validated (docs/INPUTS.md),
 * the custom metrics file loaded and checked, the drift alerts parsed.
 */
import type { GRANULARITIES } from '../../../shared/monitoring/granularity';
import type { PROBLEM_TYPES, PROFILE_TYPES } from '../../../shared/monitoring/choices';
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import { directParameters, type ManifestParameters } from '../../../shared/runtime/inputManifest';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import type { CustomMetric } from './customMetrics';
import { INPUTS } from './inputs';
import { ruleMessage } from '../../../shared/runtime/rules/messages';

export type { CustomMetric } from './customMetrics';

export type Granularity = (typeof GRANULARITIES)[number];

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

export interface CreateMonitorParameters extends ManifestParameters<typeof INPUTS.inputs> {
  common: CommonParameters;
  profile: MonitorProfile;
  customMetrics: CustomMetric[];
  /** Default /Workspace/Shared/lakehouse_monitoring/<tableName>. */
  assetsDir: string;
  schedule: { quartzCronExpression: string; timezoneId: string };
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): CreateMonitorParameters {
  const opened = openTaskInputs(INPUTS, taskInputs, vars);

  const { common, values: v } = readTaskInputs(opened, (when) => [
    when(['unpackFromEndpoint', 'warehouseId'], ({ unpackFromEndpoint, warehouseId }) =>
      unpackFromEndpoint !== undefined && warehouseId === undefined ? { input: 'warehouseId', rule: ruleMessage('UnpackNeedsWarehouse') } : undefined,
    ),
    when(['unpackFromEndpoint', 'labelColumn'], ({ unpackFromEndpoint, labelColumn }) =>
      unpackFromEndpoint !== undefined && labelColumn !== undefined
        ? {
            input: 'labelColumn',
            rule: ruleMessage('UnpackNoLabel'),
          }
        : undefined,
    ),
    when(['driftAlerts', 'warehouseId'], ({ driftAlerts, warehouseId }) =>
      driftAlerts.length > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: ruleMessage('DriftAlertsNeedWarehouse') } : undefined,
    ),
    when(['tableName', 'baselineTableName'], ({ tableName, baselineTableName }) =>
      baselineTableName === tableName ? { input: 'baselineTableName', rule: ruleMessage('BaselineDiffersFromTable') } : undefined,
    ),
    when(['profileType', 'predictionProbabilityColumn'], ({ profileType, predictionProbabilityColumn }) =>
      predictionProbabilityColumn !== undefined && profileType !== 'inferenceLog'
        ? { input: 'predictionProbabilityColumn', rule: ruleMessage('ProbabilityInferenceLogOnly', profileType) }
        : undefined,
    ),
    when(['profileType', 'problemType', 'predictionProbabilityColumn'], ({ profileType, problemType, predictionProbabilityColumn }) =>
      predictionProbabilityColumn !== undefined && profileType === 'inferenceLog' && problemType !== 'classification'
        ? { input: 'predictionProbabilityColumn', rule: ruleMessage('ProbabilityClassificationOnly') }
        : undefined,
    ),
    when(['profileType', 'predictionColumn', 'labelColumn', 'modelIdColumn', 'timestampColumn', 'predictionProbabilityColumn'], (c) => {
      if (c.profileType !== 'inferenceLog') return undefined;
      const roles = {
        predictionColumn: c.predictionColumn,
        labelColumn: c.labelColumn,
        modelIdColumn: c.modelIdColumn,
        timestampColumn: c.timestampColumn,
        predictionProbabilityColumn: c.predictionProbabilityColumn,
      };
      const entries = Object.entries(roles).filter((e): e is [string, string] => e[1] !== undefined);
      for (const [i, [name, column]] of entries.entries()) {
        const other = entries.slice(i + 1).find((e) => e[1] === column);
        if (other) return { input: other[0], rule: ruleMessage('ColumnRolesDiffer', name, column) };
      }
      return undefined;
    }),
  ]);

  return {
    common,
    ...directParameters(INPUTS, v),
    profile: monitorProfile(v),
    customMetrics: v.customMetricsFile ?? [],
    assetsDir: v.assetsDir ?? `/Workspace/Shared/lakehouse_monitoring/${v.tableName}`,
    schedule: { quartzCronExpression: v.schedule, timezoneId: v.timezone },
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
