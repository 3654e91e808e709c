/**
 * The Markdown summary on the run page (the shared renderer adds the result, the dryRun
 * sentence and the plan): candidate vs baseline, the gate, the model and its storage route,
 * the aliases moved and the tags.
 */
import { escapeMarkdown as escapeMd, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { RegistrationReportData } from '../../../shared/runtime/reportTypes';
import { ROUTE_TEXT } from '../../../shared/api/modelStorage';
import { formatBytes } from './copy';
import { format } from './promotion';
import type { RegisterModelPlan } from './operations';

export const registerModelSummary: SummaryParts<RegisterModelPlan, RegistrationReportData> = {
  // The message ("<model> version 2: promoted to champion.") is the heading.
  heading: () => undefined,
  body: (s, outcome, plan, dryRun) => summaryBody(s, outcome.report, plan, dryRun),
};

export function summaryBody(s: SummaryBuilder, report: RegistrationReportData, plan: RegisterModelPlan, dryRun: boolean): void {
  const link = (text: string, url: string | undefined) => (url ? `[${escapeMd(text)}](${url})` : escapeMd(text));
  const gate = report.gate;
  const baselineRunId = plan.registration.gate?.baselineRunId;
  const gateReason = plan.registration.gate?.decision.reason;
  const baselineCell = (value: string | undefined) => (gate ? (value ?? '—') : 'no gate');
  const rows = [
    [
      'version',
      link(report.version, report.versionUrl),
      baselineCell(gate?.baselineVersion === undefined ? undefined : `${link(gate.baselineVersion, plan.links.baselineVersionUrl)} (${escapeMd(gate.baselineAlias)})`),
    ],
    ['run', report.runId ? link(report.runId, report.runUrl) : '—', baselineCell(baselineRunId === undefined ? undefined : link(baselineRunId, plan.links.baselineRunUrl))],
  ];
  if (gate) rows.push([escapeMd(gate.metric), gate.candidate === undefined ? '—' : format(gate.candidate), gate.baseline === undefined ? '—' : format(gate.baseline)]);
  s.table(['', 'candidate', 'baseline'], rows);
  if (gate && gateReason)
    s.paragraph(`**Gate** (${gate.goal}, min improvement ${format(gate.minImprovement)}): ${escapeMd(gateReason)}. Promoted: **${report.promoted ? 'yes' : 'no'}**.`);
  if (report.reused) s.paragraph('The run was already registered as this version (READY): reused, not registered again.');
  if (report.model && !report.reused)
    s.paragraph(`**Model**: ${escapeMd(report.model.where)}; ${report.model.files} file(s), ${formatBytes(report.model.bytes)}; source \`${report.model.source}\`.`);
  if (report.storage) {
    const route = report.storage.route ? ROUTE_TEXT[report.storage.route] : 'temporary credentials';
    s.paragraph(`**Storage route**: ${escapeMd(route)}. Why: ${escapeMd(report.storage.reason)}.`);
  }
  if (report.filesCopied !== undefined) {
    s.paragraph(
      `Copied ${report.filesCopied} file(s), ${formatBytes(report.bytesCopied ?? 0)}${report.storage?.route ? ` through ${escapeMd(ROUTE_TEXT[report.storage.route])}` : ''}.`,
    );
  }
  const aliasChanges = (report.changes ?? []).filter((c) => c.resource.startsWith('alias '));
  if (aliasChanges.length > 0) {
    s.heading(dryRun ? 'Aliases to move' : 'Aliases moved', 3);
    s.table(
      ['alias', 'from', 'to'],
      aliasChanges.map((c) => {
        const f = c.fields?.[0];
        return [escapeMd(c.resource.slice('alias '.length)), f?.before === undefined ? '—' : String(f.before), String(f?.after)];
      }),
    );
  }
  const tags = Object.entries(report.tags);
  if (tags.length > 0) {
    s.heading('Tags', 3);
    s.table(
      ['key', 'value'],
      tags.map(([k, v]) => [escapeMd(k), escapeMd(v)]),
    );
  }
}
