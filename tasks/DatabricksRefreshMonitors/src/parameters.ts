/**
 * Parameters of DatabricksRefreshMonitors: every input read and validated (docs/INPUTS.md),
 * the drift gate's threshold rules parsed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { DRIFT_TYPES, MONITOR_APIS, ON_DRIFT, ON_INSUFFICIENT_DATA } from '../../../shared/runtime/choices';
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import { MAX_RUN_DESTINATIONS } from '../../../shared/api/notificationDestinations';
import { thresholdRule, type MetricCondition } from '../../../shared/runtime/metricRules';
import {
  booleanRule,
  choiceRule,
  columnNameRule,
  commaListRule,
  integerRule,
  lineListRule,
  optional,
  outputFileRule,
  scalar,
  textRule,
  ucNameRule,
  warehouseIdRule,
  withDefault,
  type ValueRule,
} from '../../../shared/runtime/rules';

export interface RefreshMonitorsParameters {
  common: CommonParameters;
  /** catalog.schema.table names, without backticks. */
  tables: string[];
  /** catalog.schema: every monitored table in it. */
  schemaName?: string;
  concurrency: number;
  waitForCompletion: boolean;
  timeoutMinutes: number;
  warehouseId?: string;
  driftType: (typeof DRIFT_TYPES)[number];
  /** Empty: refresh only, no gate. */
  thresholds: MetricCondition[];
  columns: string[];
  excludeColumns: string[];
  evaluationWindows: number;
  violationWindows: number;
  onDrift: (typeof ON_DRIFT)[number];
  onInsufficientData: (typeof ON_INSUFFICIENT_DATA)[number];
  /** Absolute path of the JSON report. */
  reportPath: string;
  monitorApi: (typeof MONITOR_APIS)[number];
  /** Notification destination display names told when a rule breaks (at most 3). */
  notifyDestinations: string[];
  /** The model id slice the gate reads (e.g. `main.ml.churn_model/8`); undefined: all models. */
  modelId?: string;
}

/** The all-models rows' model id: as `modelId`, the same as leaving it empty (it overrides a settings-file value). */
export const ALL_MODEL_IDS = '*';

/**
 * A model id value as the monitored table holds it: for a view made by DatabricksCreateMonitor
 * unpackFromEndpoint `<catalog.schema.model>/<version>`, so a registered model URI
 * (`models:/<name>/<version>`, DatabricksRegisterModel's modelUri output) is taken without its scheme.
 */
export function modelIdRule(): ValueRule<string> {
  return scalar('must be a model id value on one line, at most 512 characters, e.g. main.ml.churn_model/8 (a models:/ URI is accepted), or * for all models', (t) => {
    const id = t.replace(/^models:\//i, '');
    return id.length > 0 && id.length <= 512 && !/[\r\n]/.test(id) ? id : undefined;
  });
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RefreshMonitorsParameters {
  const opened = openTaskInputs('DatabricksRefreshMonitors', taskInputs, vars);
  const tableName = ucNameRule(3, 'catalog.schema.table');
  const columnList = commaListRule(columnNameRule(), { uniqueBy: (c) => c });
  const inputs = {
    tables: withDefault(lineListRule(tableName, { uniqueBy: (t) => t }), ''),
    schemaName: optional(ucNameRule(2, 'catalog.schema')),
    concurrency: withDefault(integerRule(1, 50), '5'),
    waitForCompletion: withDefault(booleanRule(), 'true'),
    timeoutMinutes: withDefault(integerRule(1, 1440), '60'),
    warehouseId: optional(warehouseIdRule()),
    driftType: withDefault(choiceRule(DRIFT_TYPES), 'BASELINE'),
    thresholds: withDefault(lineListRule(thresholdRule()), ''),
    columns: withDefault(columnList, ''),
    excludeColumns: withDefault(columnList, ''),
    evaluationWindows: withDefault(integerRule(1, 100), '1'),
    violationWindows: withDefault(integerRule(1, 100), '1'),
    onDrift: withDefault(choiceRule(ON_DRIFT), 'fail'),
    onInsufficientData: withDefault(choiceRule(ON_INSUFFICIENT_DATA), 'warn'),
    reportPath: optional(outputFileRule(opened.workingDirectory)),
    // No task.json default: the settings file's monitoring.monitorApi must not be hidden by it.
    monitorApi: withDefault(choiceRule(MONITOR_APIS), 'auto'),
    modelId: optional(modelIdRule()),
    notifyDestinations: withDefault(commaListRule(textRule(), { max: { count: MAX_RUN_DESTINATIONS, noun: 'destinations (the job notification limit)' }, uniqueBy: (n) => n.toLowerCase() }), ''),
  };
  const { common, values: v } = readTaskInputs(opened, inputs, (when) => [
    when(['tables', 'schemaName'], ({ tables, schemaName }) =>
      tables.length === 0 && schemaName === undefined ? { input: 'tables', rule: 'set tables and/or schemaName' } : undefined,
    ),
    when(['thresholds', 'warehouseId'], ({ thresholds, warehouseId }) =>
      thresholds.length > 0 && warehouseId === undefined
        ? { input: 'warehouseId', rule: 'is required by thresholds (the metric tables are read on a SQL warehouse)' }
        : undefined,
    ),
    when(['evaluationWindows', 'violationWindows'], ({ evaluationWindows, violationWindows }) =>
      violationWindows > evaluationWindows ? { input: 'violationWindows', rule: `must be at most evaluationWindows (${evaluationWindows})` } : undefined,
    ),
    when(['modelId', 'thresholds'], ({ modelId, thresholds }) =>
      modelId !== undefined && modelId !== ALL_MODEL_IDS && thresholds.length === 0 ? { input: 'modelId', rule: 'needs thresholds (the slice is what the gate reads; without rules there is no gate)' } : undefined,
    ),
    when(['columns', 'excludeColumns'], ({ columns, excludeColumns }) => {
      const both = columns.find((c) => excludeColumns.includes(c));
      return both === undefined ? undefined : { input: 'excludeColumns', rule: `"${both}" is also in columns` };
    }),
  ]);

  return {
    common,
    tables: v.tables,
    schemaName: v.schemaName,
    concurrency: v.concurrency,
    waitForCompletion: v.waitForCompletion,
    timeoutMinutes: v.timeoutMinutes,
    warehouseId: v.warehouseId,
    driftType: v.driftType,
    thresholds: v.thresholds,
    columns: v.columns,
    excludeColumns: v.excludeColumns,
    evaluationWindows: v.evaluationWindows,
    violationWindows: v.violationWindows,
    onDrift: v.onDrift,
    onInsufficientData: v.onInsufficientData,
    monitorApi: v.monitorApi,
    notifyDestinations: v.notifyDestinations,
    modelId: v.modelId === ALL_MODEL_IDS ? undefined : v.modelId,
    reportPath: v.reportPath ?? path.join(vars.get('Agent.TempDirectory') ?? os.tmpdir(), 'databricks-drift-report.json'),
  };
}
