/** DatabricksRegisterModel's longest run against the job timeout (shared/runtime/worstCase.ts). */
import type { WorstCasePart } from '../../../shared/runtime/worstCase';
import type { RegisterModelParameters } from './parameters';
import { message } from './messages';

/** The READY wait of the new version is the one wait an input bounds (the copy takes what the artifacts' size takes). */
export function registerModelWorstCase(params: Pick<RegisterModelParameters, 'timeoutMinutes'>): WorstCasePart[] {
  return [{ minutes: params.timeoutMinutes, what: message('WorstCaseVersionReady') }];
}
