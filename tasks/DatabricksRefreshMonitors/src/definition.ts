/**
 * DatabricksRefreshMonitors: Parameters → plan (the monitored tables, custom metrics checked,
 * destinations) → apply (refresh, wait, then the drift gate and the notification) → Outcome.
 * Inputs (threshold rules included) are validated before anything touches the network; the
 * workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { DriftReportData } from '../../../shared/runtime/reportTypes';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { refreshMonitorsPhases, type RefreshPlan } from './operations';
import { refreshMonitorsWorstCase } from './worstCase';
import { buildParameters, type RefreshMonitorsParameters } from './parameters';
import { refreshMonitorsSummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<RefreshMonitorsParameters, RefreshPlan, DriftReportData> = {
  name: 'DatabricksRefreshMonitors',
  kind: 'drift',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: refreshMonitorsWorstCase,
  ...refreshMonitorsPhases,
  title: (params) => {
    const what = params.schemaName ?? (params.tables.length === 1 ? params.tables[0]! : message('TitleTables', params.tables.length));
    return stepTitle(message(params.thresholds.length > 0 ? 'TitleDriftGate' : 'TitleRefresh', what), params.common.config?.environment);
  },
  summary: refreshMonitorsSummary,
  reportPath: (params) => params.reportPath,
  explain(error) {
    if (error.statusCode === 403 && error.path.includes('/monitor')) {
      return message('ExplainRefreshPermission');
    }
    return undefined;
  },
};
