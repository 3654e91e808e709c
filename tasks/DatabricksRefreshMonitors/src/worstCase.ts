/** DatabricksRefreshMonitors' longest run against the job timeout (shared/runtime/worstCase.ts). */
import { STATEMENT_TIMEOUT_MS } from '../../../shared/api/sql';
import type { WorstCasePart } from '../../../shared/runtime/worstCase';
import type { RefreshMonitorsParameters } from './parameters';
import { message } from './messages';

/** Metric-table reads of the drift gate per table: one of the drift table, one of the profile table. */
const GATE_STATEMENTS_PER_TABLE = 2;

export function refreshMonitorsWorstCase(
  params: Pick<RefreshMonitorsParameters, 'waitForCompletion' | 'timeoutMinutes' | 'thresholds' | 'tables' | 'schemaName'>,
): WorstCasePart[] {
  const parts: WorstCasePart[] = [];
  // One deadline (timeoutMinutes) covers every refresh, however many run at once (refresh.ts).
  if (params.waitForCompletion) parts.push({ minutes: params.timeoutMinutes, what: message('WorstCaseRefreshes') });
  if (params.thresholds.length > 0) {
    // With schemaName the tables are known only at run time: counted per table.
    const tables = params.schemaName === undefined ? params.tables.length : 1;
    const what =
      params.schemaName === undefined
        ? message('WorstCaseGateReads', tables, STATEMENT_TIMEOUT_MS / 60_000)
        : message('WorstCaseGateReadsPerTable', params.schemaName, STATEMENT_TIMEOUT_MS / 60_000);
    parts.push({ minutes: tables * GATE_STATEMENTS_PER_TABLE * (STATEMENT_TIMEOUT_MS / 60_000), what });
  }
  return parts;
}
