/**
 * DatabricksDeployServing's plan / planned / apply: a deployment (operations.ts) or
 * trafficMode rollback (rollbackMode.ts), and after a deployment the inference retention job
 * (retention.ts: planned in plan mode, applied after a successful rollout; rollback mode leaves
 * it as it is).
 */
import { renderChanges } from './plan';
import type { TaskDeps, TaskPhases } from '../../../shared/runtime/task';
import type { DeploymentReportData } from '../../../shared/runtime/reportTypes';
import { applyDeploy, planDeploy, plannedDeploy, type DeployOutcome, type DeployPlan } from './operations';
import { isRollback, type DeployServingParameters, type ServingParameters } from './parameters';
import { applyRollback, planRollback, plannedRollback, type RollbackPlan } from './rollbackMode';
import { syncRetention } from './retention';

export type ServingPlan = DeployPlan | RollbackPlan;

export const deployServingPhases: TaskPhases<ServingParameters, ServingPlan, DeploymentReportData> = {
  plan: (deps, params) => (isRollback(params) ? planRollback(deps, params) : planDeploy(deps, params)),
  planLines: (plan) => (plan.mode === 'deploy' ? renderChanges(plan.endpoint.changes) : plan.decided ? undefined : plan.planLines),
  planned: async (deps, plan) => (plan.mode === 'deploy' ? withRetention(deps, plan.params, plannedDeploy(plan)) : plannedRollback(plan)),
  apply: async (deps, plan) => (plan.mode === 'deploy' ? withRetention(deps, plan.params, await applyDeploy(deps, plan)) : applyRollback(deps, plan)),
};

/** The retention job after the rollout: its plan lines and note join the outcome; a failure to set it is an issue, not a failure. */
async function withRetention(deps: TaskDeps, params: DeployServingParameters, outcome: DeployOutcome): Promise<DeployOutcome> {
  const retention = await syncRetention(deps.client, deps.ctx, params, { result: outcome.result, dryRun: deps.dryRun });
  outcome.report.retention = retention.report;
  return {
    ...outcome,
    result: retention.problem ? 'SucceededWithIssues' : outcome.result,
    message: retention.problem ? `${outcome.message} ${retention.problem}` : outcome.message,
    planLines: [...outcome.planLines, ...retention.lines],
    notes: [...outcome.notes, retention.note],
  };
}
