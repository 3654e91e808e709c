/**
 * The Markdown summary on the run page: the outcome first, then the API used and why, the
 * metric tables, the dashboard, the unpacking view, the alerts, notes and the plan.
 */
import { diffBlock, escapeMarkdown as md } from '../../../shared/runtime/markdown';
import type { CreateMonitorResult } from './operations';

export function monitorSummary(result: CreateMonitorResult): string {
  const r = result.report;
  const icon = result.result === 'Succeeded' ? '✅' : '❌';
  const lines: string[] = [`## ${icon} Data quality monitor of \`${md(r.tableName)}\``, '', md(result.message), ''];
  if (result.dryRun) lines.push('**Plan mode (dryRun):** nothing was written.', '');
  lines.push(`**Monitor API:** ${md(result.apiChoice)}`);
  if (r.status) lines.push(`**Status:** ${md(r.status)}`);
  if (r.profileMetricsTable) lines.push(`**Profile metrics:** \`${md(r.profileMetricsTable)}\``);
  if (r.driftMetricsTable) lines.push(`**Drift metrics:** \`${md(r.driftMetricsTable)}\``);
  if (r.dashboardUrl) lines.push(`**Dashboard:** [open the monitor's dashboard](${r.dashboardUrl})`);
  if (r.unpackView) {
    lines.push(
      `**View:** \`${md(r.unpackView.name)}\` unpacks \`${md(r.unpackView.sourceTable)}\` into one row per prediction (features: ${r.unpackView.features.map((f) => `\`${md(f)}\``).join(', ')}; request formats ${r.unpackView.requestFormats.join(', ')}).`,
    );
  }
  if (r.refreshStarted !== undefined) lines.push(`**Refresh:** ${r.refreshStarted ? 'started (not waited for)' : 'not started'}`);
  lines.push('');
  if (r.alerts.length) {
    lines.push('| alert | rule | action |', '|---|---|---|');
    for (const a of r.alerts) lines.push(`| ${a.url ? `[${md(a.displayName)}](${a.url})` : md(a.displayName)} | ${md(a.rule)} | ${a.action} |`);
    lines.push('');
  }
  for (const note of result.notes) lines.push(`- ${md(note)}`);
  if (result.notes.length) lines.push('');
  if (result.planLines.length) lines.push('<details><summary>Changes</summary>', '', ...diffBlock(result.planLines), '</details>', '');
  return lines.join('\n');
}

/** Plan lines start with +, - or spaces; the diff block colours them. */
