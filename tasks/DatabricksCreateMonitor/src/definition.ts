/**
 * DatabricksCreateMonitor: Parameters → plan (API choice, output schema, the view, the monitor,
 * the alerts) → apply (view, monitor, wait until ACTIVE, alerts, refresh) → Outcome. Inputs are
 * validated before anything touches the network; the workspace connection is opened only
 * afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { MonitorReportData } from '../../../shared/runtime/reportTypes';
import type { TaskDefinition } from '../../../shared/runtime/task';
import { createMonitorPhases, type MonitorPlan } from './operations';
import { createMonitorWorstCase } from './worstCase';
import { buildParameters, type CreateMonitorParameters } from './parameters';
import { createMonitorSummary } from './summary';
import { message } from './messages';

export const definition: TaskDefinition<CreateMonitorParameters, MonitorPlan, MonitorReportData> = {
  name: 'DatabricksCreateMonitor',
  kind: 'monitor',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: createMonitorWorstCase,
  ...createMonitorPhases,
  title: (params) => stepTitle(message('TitleMonitor', params.tableName), params.common.config?.environment),
  summary: createMonitorSummary,
  explain(error) {
    if (error.errorCode === 'PERMISSION_DENIED' && (error.path.includes('/monitor') || error.path.includes('/data-quality/'))) {
      return message('ExplainMonitorPermission');
    }
    if (error.errorCode === 'PERMISSION_DENIED' && error.path.includes('/alerts')) return message('ExplainAlertPermission');
    return undefined;
  },
};
