/**
 * The Markdown summary on the run page: the outcome first, then what is served (traffic split),
 * the inference table, time to ready, smoke test, rollback, the plan, and a link to the endpoint.
 */
import { diffBlock, escapeMarkdown as md } from '../../../shared/runtime/markdown';
import type { DeploymentReportData, ServedEntitySnapshot } from '../../../shared/runtime/reportTypes';
import { formatDuration, type DeployResult } from './operations';

export function deploySummary(result: DeployResult, endpointLink: string): string {
  const r = result.report;
  const icon = result.result === 'Succeeded' ? '✅' : '❌';
  const lines: string[] = [`## ${icon} Serving endpoint \`${md(r.endpointName)}\``, '', md(result.message), ''];
  if (result.dryRun) lines.push('**Plan mode (dryRun):** nothing was written.', '');

  const served = r.rollback?.succeeded ? r.rollback.restored : r.after;
  lines.push(`**Version served:** ${md(result.outputs.servedEntityName)} (version ${md(result.outputs.servedVersion)}) · **traffic mode:** ${r.trafficMode}`, '');
  if (served.length) lines.push(...trafficTable(served), '');
  lines.push(`**Inference table:** ${r.inferenceTableName ? `\`${md(r.inferenceTableName)}\`` : 'disabled'}`);
  if (r.timeToReadySeconds !== undefined) lines.push(`**Time to ready:** ${formatDuration(r.timeToReadySeconds)} (${r.polls ?? 0} polls)`);
  if (r.smokeTest) lines.push(`**Smoke test:** ${r.smokeTest.ok ? 'passed' : 'failed'}: ${md(r.smokeTest.summary)}`);
  if (r.inferenceLogCheck) lines.push(`**Inference log:** ${r.inferenceLogCheck.found ? '✅ received' : '⚠️ not yet'}: ${md(r.inferenceLogCheck.message)}`);
  if (r.failure) lines.push(`**Failed at:** ${r.failure.stage}: ${md(r.failure.message)}`);
  for (const m of r.failure?.entityMessages ?? []) lines.push(`- \`${md(m.name)}\`: ${md(m.message)}`);
  if (r.rollback) lines.push(rollbackLine(r.rollback));
  for (const note of result.notes) lines.push(`- ${md(note)}`);
  lines.push('');
  if (result.planLines.length) lines.push('<details><summary>Changes</summary>', '', ...diffBlock(result.planLines), '</details>', '');
  lines.push(`[Open the endpoint in the workspace](${endpointLink})`, '');
  return lines.join('\n');
}

function trafficTable(entities: ServedEntitySnapshot[]): string[] {
  return [
    '| served entity | model | version | traffic | state |',
    '|---|---|---|---:|---|',
    ...entities.map((e) => `| ${md(e.name)} | ${md(e.entityName)} | ${md(e.entityVersion)} | ${e.trafficPercent}% | ${md(e.state ?? '')} |`),
  ];
}

function rollbackLine(rb: NonNullable<DeploymentReportData['rollback']>): string {
  const to = rb.restored.map((e) => `${e.name} ${e.trafficPercent}%`).join(', ');
  if (!rb.performed) return `**Rollback:** refused (to ${md(to)})`;
  return `**Rollback:** ${rb.succeeded ? 'restored' : 'attempted, not ready'}: ${md(to)}`;
}

/** Plan lines start with +, - or spaces; the diff block colours them. */
