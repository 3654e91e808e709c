/** DatabricksRunJob's longest run against the job timeout (shared/runtime/worstCase.ts). */
import type { WorstCasePart } from '../../../shared/runtime/worstCase';
import { CANCEL_SETTLE_MS } from './operations';
import type { RunJobParameters } from './parameters';
import { message } from './messages';

export function runJobWorstCase(params: Pick<RunJobParameters, 'waitForCompletion' | 'timeoutMinutes' | 'cancelOnTimeout'>): WorstCasePart[] {
  // Without waitForCompletion the task starts the run and ends.
  if (!params.waitForCompletion) return [];
  const parts: WorstCasePart[] = [{ minutes: params.timeoutMinutes, what: message('WorstCaseRun') }];
  if (params.cancelOnTimeout) parts.push({ minutes: CANCEL_SETTLE_MS / 60_000, what: message('WorstCaseCancelSettle') });
  return parts;
}
