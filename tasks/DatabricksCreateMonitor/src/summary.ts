/**
 * The Markdown summary on the run page (the shared renderer adds the result, the message, the
 * dryRun sentence, the notes and the plan): the API used and why, the metric tables, the
 * dashboard, the unpacking view and the alerts.
 */
import { escapeMarkdown as md, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { MonitorReportData } from '../../../shared/runtime/reportTypes';
import type { MonitorPlan } from './operations';

export const createMonitorSummary: SummaryParts<MonitorPlan, MonitorReportData> = {
  heading: ({ report }) => `Data quality monitor of \`${md(report.tableName)}\``,
  body: (s, outcome, plan) => summaryBody(s, outcome.report, plan.apiChoice),
};

export function summaryBody(s: SummaryBuilder, r: MonitorReportData, apiChoice: string): void {
  const facts = [`**Monitor API:** ${md(apiChoice)}`];
  if (r.status) facts.push(`**Status:** ${md(r.status)}`);
  if (r.profileMetricsTable) facts.push(`**Profile metrics:** \`${md(r.profileMetricsTable)}\``);
  if (r.driftMetricsTable) facts.push(`**Drift metrics:** \`${md(r.driftMetricsTable)}\``);
  if (r.dashboardUrl) facts.push(`**Dashboard:** [open the monitor's dashboard](${r.dashboardUrl})`);
  if (r.unpackView) {
    facts.push(
      `**View:** \`${md(r.unpackView.name)}\` unpacks \`${md(r.unpackView.sourceTable)}\` into one row per prediction (features: ${r.unpackView.features.map((f) => `\`${md(f)}\``).join(', ')}; request formats ${r.unpackView.requestFormats.join(', ')}).`,
    );
  }
  if (r.refreshStarted !== undefined) facts.push(`**Refresh:** ${r.refreshStarted ? 'started (not waited for)' : 'not started'}`);
  s.raw(facts);
  if (r.alerts.length)
    s.table(
      ['alert', 'rule', 'action'],
      r.alerts.map((a) => [a.url ? `[${md(a.displayName)}](${a.url})` : md(a.displayName), md(a.rule), a.action]),
    );
}
