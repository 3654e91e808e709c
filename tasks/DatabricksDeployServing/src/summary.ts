/**
 * The Markdown summary on the run page (the shared renderer adds the result, the message, the
 * dryRun sentence, the notes and the plan): what is served (traffic split), the inference
 * table, time to ready, smoke test, rollback, and a link to the endpoint.
 */
import { escapeMarkdown as md, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { DeploymentReportData, ServedEntitySnapshot } from '../../../shared/runtime/reportTypes';
import { formatDuration, type DeployOutcome } from './operations';
import type { ServingPlan } from './phases';

export const deployServingSummary: SummaryParts<ServingPlan, DeploymentReportData> = {
  heading: (outcome) => `Serving endpoint \`${md(outcome.report.endpointName)}\``,
  body: (s, outcome) => summaryBody(s, outcome as DeployOutcome),
  footer: (s, _outcome, plan) => s.paragraph(`[Open the endpoint in the workspace](${plan.endpointPage})`),
};

export function summaryBody(s: SummaryBuilder, result: DeployOutcome): void {
  const r = result.report;
  const served = r.rollback?.succeeded ? r.rollback.restored : r.after;
  s.paragraph(`**Version served:** ${md(result.outputs.servedEntityName)} (version ${md(result.outputs.servedVersion)}) · **traffic mode:** ${r.trafficMode}`);
  if (served.length) s.table(['served entity', 'model', 'version', 'traffic', 'state'], served.map(trafficRow), ['left', 'left', 'left', 'right', 'left']);
  const facts: string[] = [`**Inference table:** ${r.inferenceTableName ? `\`${md(r.inferenceTableName)}\`` : 'disabled'}`];
  if (r.timeToReadySeconds !== undefined) facts.push(`**Time to ready:** ${formatDuration(r.timeToReadySeconds)} (${r.polls ?? 0} polls)`);
  if (r.smokeTest) facts.push(`**Smoke test:** ${r.smokeTest.ok ? 'passed' : 'failed'}: ${md(r.smokeTest.summary)}`);
  if (r.inferenceLogCheck) facts.push(`**Inference log:** ${r.inferenceLogCheck.found ? '✅ received' : '⚠️ not yet'}: ${md(r.inferenceLogCheck.message)}`);
  if (r.failure) facts.push(`**Failed at:** ${r.failure.stage}: ${md(r.failure.message)}`);
  for (const m of r.failure?.entityMessages ?? []) facts.push(`- \`${md(m.name)}\`: ${md(m.message)}`);
  if (r.rollback) facts.push(rollbackLine(r.rollback));
  s.raw(facts);
}

function trafficRow(e: ServedEntitySnapshot): string[] {
  return [md(e.name), md(e.entityName), md(e.entityVersion), `${e.trafficPercent}%`, md(e.state ?? '')];
}

export function rollbackLine(rb: NonNullable<DeploymentReportData['rollback']>): string {
  const to = rb.restored.map((e) => `${e.name} ${e.trafficPercent}%`).join(', ');
  if (!rb.performed) return `**Rollback:** refused (to ${md(to)})`;
  return `**Rollback:** ${rb.succeeded ? 'restored' : 'attempted, not ready'}: ${md(to)}`;
}
