/**
 * The Markdown summary on the run page (the shared renderer adds the result, the dryRun
 * sentence and the plan): candidate vs baseline, the gate, the model and its storage route,
 * the aliases moved and the tags.
 */
import { escapeMarkdown as escapeMd, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { RegistrationReportData } from '../../../shared/runtime/reportTypes';
import { routeText } from '../../../shared/api/modelStorage';
import { formatBytes } from './copy';
import { format } from './promotion';
import type { RegisterModelPlan } from './operations';
import { message } from './messages';

export const registerModelSummary: SummaryParts<RegisterModelPlan, RegistrationReportData> = {
  // The message ("<model> version 2: promoted to champion.") is the heading.
  heading: () => undefined,
  body: (s, outcome, plan, dryRun) => summaryBody(s, outcome.report, plan, dryRun),
};

export function summaryBody(s: SummaryBuilder, report: RegistrationReportData, plan: RegisterModelPlan, dryRun: boolean): void {
  const link = (text: string, url: string | undefined) => (url ? `[${escapeMd(text)}](${url})` : escapeMd(text));
  const gate = report.gate;
  const baselineRunId = plan.registration.comparison?.baselineRunId;
  const gateReason = plan.registration.comparison?.decision.reason;
  const baselineCell = (value: string | undefined) => (gate ? (value ?? '—') : message('SummaryNoComparison'));
  const rows = [
    [
      message('SummaryRowVersion'),
      link(report.version, report.versionUrl),
      baselineCell(gate?.baselineVersion === undefined ? undefined : `${link(gate.baselineVersion, plan.links.baselineVersionUrl)} (${escapeMd(gate.baselineAlias)})`),
    ],
    [
      message('SummaryRowRun'),
      report.runId ? link(report.runId, report.runUrl) : '—',
      baselineCell(baselineRunId === undefined ? undefined : link(baselineRunId, plan.links.baselineRunUrl)),
    ],
  ];
  if (gate) rows.push([escapeMd(gate.metric), gate.candidate === undefined ? '—' : format(gate.candidate), gate.baseline === undefined ? '—' : format(gate.baseline)]);
  s.table(['', message('SummaryColumnCandidate'), message('SummaryColumnBaseline')], rows);
  if (gate && gateReason) s.paragraph(message(report.promoted ? 'SummaryGatePromoted' : 'SummaryGateNotPromoted', gate.goal, format(gate.minImprovement), escapeMd(gateReason)));
  if (report.reused) s.paragraph(message('SummaryReused'));
  if (report.model && !report.reused) s.paragraph(message('SummaryModel', escapeMd(report.model.where), report.model.files, formatBytes(report.model.bytes), report.model.source));
  if (report.storage) {
    const route = report.storage.route ? routeText(report.storage.route) : message('SummaryRouteTemporaryCredentials');
    s.paragraph(message('SummaryStorageRoute', escapeMd(route), escapeMd(report.storage.reason)));
  }
  if (report.filesCopied !== undefined) {
    const bytes = formatBytes(report.bytesCopied ?? 0);
    s.paragraph(
      report.storage?.route
        ? message('SummaryCopiedThrough', report.filesCopied, bytes, escapeMd(routeText(report.storage.route)))
        : message('SummaryCopied', report.filesCopied, bytes),
    );
  }
  // The alias changes are the entries named as the plan's alias moves are (operations.ts aliasChange).
  const aliasNames = new Map(plan.registration.aliases.map((m) => [message('PlanAlias', m.alias), m.alias]));
  const aliasChanges = (report.changes ?? []).filter((c) => aliasNames.has(c.resource));
  if (aliasChanges.length > 0) {
    s.heading(message(dryRun ? 'SummaryAliasesToMove' : 'SummaryAliasesMoved'), 3);
    s.table(
      [message('SummaryColumnAlias'), message('SummaryColumnFrom'), message('SummaryColumnTo')],
      aliasChanges.map((c) => {
        const f = c.fields?.[0];
        return [escapeMd(aliasNames.get(c.resource)!), f?.before === undefined ? '—' : String(f.before), String(f?.after)];
      }),
    );
  }
  const tags = Object.entries(report.tags);
  if (tags.length > 0) {
    s.heading(message('SummaryTags'), 3);
    s.table(
      [message('SummaryColumnKey'), message('SummaryColumnValue')],
      tags.map(([k, v]) => [escapeMd(k), escapeMd(v)]),
    );
  }
}
