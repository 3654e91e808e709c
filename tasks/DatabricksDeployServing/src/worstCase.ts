/**
 * DatabricksDeployServing's longest run against the job timeout (shared/runtime/worstCase.ts).
 * The ways a run can go, from operations.ts: one deadline (timeoutMinutes) covers the rollout —
 * waiting on an update already in progress, then on ours; a readiness timeout is rolled back by
 * first waiting for our update to settle (timeoutMinutes) and then for the restored config to be
 * ready (timeoutMinutes); a failed smoke test is rolled back with the readiness wait alone.
 * `trafficMode: rollback` (rollbackMode.ts): an update in progress may end, then the restored
 * config must be ready.
 */
import { INVOCATION_TIMEOUT_MS } from '../../../shared/api/serving';
import { longestPath, type WorstCasePart } from '../../../shared/runtime/worstCase';
import type { DeployServingParameters, ServingParameters } from './parameters';
import { message } from './messages';

type WorstCaseInputs = Pick<DeployServingParameters, 'timeoutMinutes' | 'waitForReady' | 'rollbackOnFailure' | 'smokeTestPayload' | 'verifyInferenceLogMinutes'> & {
  traffic: ServingParameters['traffic'];
};

export function deployServingWorstCase(params: WorstCaseInputs): WorstCasePart[] {
  const t = params.timeoutMinutes;
  const settleAny: WorstCasePart = { minutes: t, what: message('WorstCaseSettleAny') };
  if (params.traffic.mode === 'rollback') {
    return params.waitForReady ? [settleAny, { minutes: t, what: message('WorstCaseRestoredReady') }] : [settleAny];
  }
  const rollout: WorstCasePart = { minutes: t, what: message('WorstCaseRollout') };
  // Without waitForReady only the wait on an update already in progress remains (same deadline).
  if (!params.waitForReady) return [rollout];
  const smoke: WorstCasePart[] = params.smokeTestPayload ? [{ minutes: INVOCATION_TIMEOUT_MS / 60_000, what: message('WorstCaseSmokeRequest') }] : [];
  const inferenceLog: WorstCasePart[] = params.verifyInferenceLogMinutes > 0 ? [{ minutes: params.verifyInferenceLogMinutes, what: message('WorstCaseInferenceLog') }] : [];
  const succeeded = [rollout, ...smoke, ...inferenceLog];
  if (!params.rollbackOnFailure) return longestPath([succeeded]);
  const settle: WorstCasePart = { minutes: t, what: message('WorstCaseRollbackSettle') };
  const restored: WorstCasePart = { minutes: t, what: message('WorstCaseRestoredReady') };
  return longestPath([succeeded, [rollout, settle, restored], [rollout, ...smoke, restored]]);
}
