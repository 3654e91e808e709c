/**
 * Parameters of DatabricksRefreshMonitors: every input read and validated (docs/INPUTS.md),
 * the drift gate's threshold rules parsed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import { directParameters, type ManifestParameters } from '../../../shared/runtime/inputManifest';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { ALL_MODEL_IDS, INPUTS } from './inputs';
import { ruleMessage } from '../../../shared/runtime/rules/messages';

export interface RefreshMonitorsParameters extends ManifestParameters<typeof INPUTS.inputs> {
  common: CommonParameters;
  /** Absolute path of the JSON report. */
  reportPath: string;
  /** The model id slice the gate reads (e.g. `main.ml.churn_model/8`); undefined: all models. */
  modelId?: string;
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RefreshMonitorsParameters {
  const opened = openTaskInputs(INPUTS, taskInputs, vars);
  const { common, values: v } = readTaskInputs(opened, (when) => [
    when(['tables', 'schemaName'], ({ tables, schemaName }) =>
      tables.length === 0 && schemaName === undefined ? { input: 'tables', rule: ruleMessage('TablesOrSchema') } : undefined,
    ),
    when(['thresholds', 'warehouseId'], ({ thresholds, warehouseId }) =>
      thresholds.length > 0 && warehouseId === undefined ? { input: 'warehouseId', rule: ruleMessage('ThresholdsNeedWarehouse') } : undefined,
    ),
    when(['evaluationWindows', 'violationWindows'], ({ evaluationWindows, violationWindows }) =>
      violationWindows > evaluationWindows ? { input: 'violationWindows', rule: ruleMessage('ViolationWindowsMax', evaluationWindows) } : undefined,
    ),
    when(['modelId', 'thresholds'], ({ modelId, thresholds }) =>
      modelId !== undefined && modelId !== ALL_MODEL_IDS && thresholds.length === 0 ? { input: 'modelId', rule: ruleMessage('ModelIdNeedsThresholds') } : undefined,
    ),
    when(['columns', 'excludeColumns'], ({ columns, excludeColumns }) => {
      const both = columns.find((c) => excludeColumns.includes(c));
      return both === undefined ? undefined : { input: 'excludeColumns', rule: ruleMessage('AlsoInColumns', both) };
    }),
  ]);

  return {
    common,
    ...directParameters(INPUTS, v),
    modelId: v.modelId === ALL_MODEL_IDS ? undefined : v.modelId,
    reportPath: v.reportPath ?? path.join(vars.get('Agent.TempDirectory') ?? os.tmpdir(), 'databricks-drift-report.json'),
  };
}
