/**
 * Parameters of DatabricksRefreshMonitors: every input read and validated (docs/INPUTS.md),
 * the drift gate's threshold rules parsed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { DRIFT_TYPES, MONITOR_APIS, ON_DRIFT, ON_INSUFFICIENT_DATA } from '../../../shared/runtime/choices';
import { openTaskInputs, readTaskInputs, type CommonParameters } from '../../../shared/runtime/commonParameters';
import type { InputSource, VariableSource } from '../../../shared/runtime/inputs';
import type { MetricCondition } from '../../../shared/runtime/metricRules';
import { INPUTS } from './inputs';

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
}

export function buildParameters(taskInputs: InputSource, vars: VariableSource): RefreshMonitorsParameters {
  const opened = openTaskInputs(INPUTS, taskInputs, vars);
  const { common, values: v } = readTaskInputs(opened, (when) => [
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
    reportPath: v.reportPath ?? path.join(vars.get('Agent.TempDirectory') ?? os.tmpdir(), 'databricks-drift-report.json'),
  };
}
