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
import { message } from './messages';

export const deployServingSummary: SummaryParts<ServingPlan, DeploymentReportData> = {
  heading: (outcome) => message('SummaryHeading', md(outcome.report.endpointName)),
  body: (s, outcome) => summaryBody(s, outcome as DeployOutcome),
  footer: (s, _outcome, plan) => s.paragraph(message('SummaryOpenEndpoint', plan.endpointPage)),
};

export function summaryBody(s: SummaryBuilder, result: DeployOutcome): void {
  const r = result.report;
  const served = r.rollback?.succeeded ? r.rollback.restored : r.after;
  s.paragraph(message('SummaryVersionServed', md(result.outputs.servedEntityName), md(result.outputs.servedVersion), r.trafficMode));
  if (served.length)
    s.table(
      [message('SummaryColumnServedEntity'), message('SummaryColumnModel'), message('SummaryColumnVersion'), message('SummaryColumnTraffic'), message('SummaryColumnState')],
      served.map(trafficRow),
      ['left', 'left', 'left', 'right', 'left'],
    );
  const facts: string[] = [r.inferenceTableName ? message('SummaryInferenceTable', md(r.inferenceTableName)) : message('SummaryInferenceTableDisabled')];
  if (r.timeToReadySeconds !== undefined) facts.push(message('SummaryTimeToReady', formatDuration(r.timeToReadySeconds), r.polls ?? 0));
  if (r.smokeTest) facts.push(message(r.smokeTest.ok ? 'SummarySmokeTestPassed' : 'SummarySmokeTestFailed', md(r.smokeTest.summary)));
  if (r.inferenceLogCheck) facts.push(message(r.inferenceLogCheck.found ? 'SummaryInferenceLogReceived' : 'SummaryInferenceLogNotYet', md(r.inferenceLogCheck.message)));
  if (r.failure) facts.push(message('SummaryFailedAt', r.failure.stage, md(r.failure.message)));
  for (const m of r.failure?.entityMessages ?? []) facts.push(`- \`${md(m.name)}\`: ${md(m.message)}`);
  if (r.rollback) facts.push(rollbackLine(r.rollback));
  s.raw(facts);
}

function trafficRow(e: ServedEntitySnapshot): string[] {
  return [md(e.name), md(e.entityName), md(e.entityVersion), `${e.trafficPercent}%`, md(e.state ?? '')];
}

export function rollbackLine(rb: NonNullable<DeploymentReportData['rollback']>): string {
  const to = rb.restored.map((e) => `${e.name} ${e.trafficPercent}%`).join(', ');
  if (!rb.performed) return message('SummaryRollbackRefused', md(to));
  return message(rb.succeeded ? 'SummaryRollbackRestored' : 'SummaryRollbackNotReady', md(to));
}
