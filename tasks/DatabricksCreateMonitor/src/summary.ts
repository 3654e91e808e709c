/**
 * The Markdown summary on the run page (the shared renderer adds the result, the message, the
 * dryRun sentence, the notes and the plan): the API used and why, the metric tables, the
 * dashboard, the unpacking view and the alerts.
 */
import { escapeMarkdown as md, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { MonitorReportData } from '../../../shared/runtime/reportTypes';
import type { MonitorPlan } from './operations';
import { message } from './messages';

export const createMonitorSummary: SummaryParts<MonitorPlan, MonitorReportData> = {
  heading: ({ report }) => message('SummaryHeading', md(report.tableName)),
  body: (s, outcome, plan) => summaryBody(s, outcome.report, plan.apiChoice),
};

export function summaryBody(s: SummaryBuilder, r: MonitorReportData, apiChoice: string): void {
  const facts = [message('SummaryMonitorApi', md(apiChoice))];
  if (r.status) facts.push(message('SummaryStatus', md(r.status)));
  if (r.profileMetricsTable) facts.push(message('SummaryProfileMetrics', md(r.profileMetricsTable)));
  if (r.driftMetricsTable) facts.push(message('SummaryDriftMetrics', md(r.driftMetricsTable)));
  if (r.dashboardUrl) facts.push(message('SummaryDashboard', r.dashboardUrl));
  if (r.unpackView) {
    facts.push(
      message(
        'SummaryUnpackView',
        md(r.unpackView.name),
        md(r.unpackView.sourceTable),
        r.unpackView.features.map((f) => `\`${md(f)}\``).join(', '),
        r.unpackView.requestFormats.join(', '),
      ),
    );
  }
  if (r.refreshStarted !== undefined) facts.push(message(r.refreshStarted ? 'SummaryRefreshStarted' : 'SummaryRefreshNotStarted'));
  s.raw(facts);
  if (r.alerts.length)
    s.table(
      [message('SummaryColumnAlert'), message('SummaryColumnRule'), message('SummaryColumnAction')],
      r.alerts.map((a) => [a.url ? `[${md(a.displayName)}](${a.url})` : md(a.displayName), md(a.rule), a.action]),
    );
}
