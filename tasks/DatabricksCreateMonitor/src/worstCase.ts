/** DatabricksCreateMonitor's longest run against the job timeout (shared/runtime/worstCase.ts). */
import type { WorstCasePart } from '../../../shared/runtime/worstCase';
import type { CreateMonitorParameters } from './parameters';
import { message } from './messages';

export function createMonitorWorstCase(params: Pick<CreateMonitorParameters, 'timeoutMinutes'>): WorstCasePart[] {
  return [{ minutes: params.timeoutMinutes, what: message('WorstCaseMonitorActive') }];
}
