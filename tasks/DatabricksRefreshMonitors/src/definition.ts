/**
 * DatabricksRefreshMonitors: Parameters → Operations → result. Inputs (threshold rules
 * included) are validated before anything touches the network; the workspace connection is
 * opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { runSelect, type SqlParameterType, type SqlParameters } from '../../../shared/api/sql';
import { connectWorkspace } from '../../../shared/runtime/connect';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import type { RunStatement } from './gate/check';
import { monitorFinder } from './monitorGateway';
import { refreshMonitors } from './operations';
import { refreshMonitorsWorstCase } from './worstCase';
import { buildParameters, type RefreshMonitorsParameters } from './parameters';
import { message } from './messages';

export const definition: TaskDefinition<RefreshMonitorsParameters> = {
  name: 'DatabricksRefreshMonitors',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: refreshMonitorsWorstCase,
  async run(ctx, params) {
    const { client, workspaceUrl } = await connectWorkspace(params.common, ctx);
    const warehouseId = params.warehouseId;
    const runStatement: RunStatement = async (statement) => {
      if (warehouseId === undefined) throw new Error('warehouseId is required to read the metric tables.');
      const parameters: SqlParameters = Object.fromEntries(
        statement.parameters.map((p) => [p.name, { value: p.value ?? null, type: (p.type ?? 'STRING') as SqlParameterType }]),
      );
      const result = await runSelect(client, warehouseId, statement.statement, parameters, { clock: ctx.clock, signal: ctx.signal });
      return result.rows;
    };
    const outcome = await refreshMonitors(ctx, params, { client, workspaceUrl, findMonitor: monitorFinder(client, params.monitorApi, (m) => ctx.log.info(m)), runStatement });
    const what = params.schemaName ?? (params.tables.length === 1 ? params.tables[0]! : `${params.tables.length} tables`);
    return { ...outcome, summaryTitle: stepTitle(`${params.thresholds.length > 0 ? 'drift gate' : 'refresh'} ${what}`, params.common.config?.environment) };
  },
  explain(error) {
    if (error.statusCode === 403 && error.path.includes('/monitor')) {
      return message('ExplainRefreshPermission');
    }
    return undefined;
  },
};
