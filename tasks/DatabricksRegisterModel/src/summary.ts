/**
 * The Markdown summary on the run page: the result first, then candidate vs baseline, the
 * aliases moved, the tags, and what was changed (or, in dryRun, would be).
 */
import { diffBlock, escapeMarkdown as escapeMd } from '../../../shared/runtime/markdown';
import { renderChanges } from '../../../shared/runtime/plan';
import type { ChangeEntry, RegistrationReportData } from '../../../shared/runtime/reportTypes';
import type { TaskResultName } from '../../../shared/runtime/task';
import { ROUTE_TEXT } from '../../../shared/api/modelStorage';
import { formatBytes } from './copy';
import { format } from './promotion';

export interface SummaryInput {
  report: RegistrationReportData;
  dryRun: boolean;
  result: TaskResultName;
  message: string;
  gateReason?: string;
  baselineRunId?: string;
  baselineRunUrl?: string;
  baselineVersionUrl?: string;
}

const ICON: Record<TaskResultName, string> = { Succeeded: '✅', SucceededWithIssues: '⚠️', Failed: '❌' };

export function renderSummary(input: SummaryInput): string {
  const { report } = input;
  const lines: string[] = [];
  lines.push(`## ${ICON[input.result]} ${escapeMd(input.message)}`, '');
  if (input.dryRun) lines.push('**dryRun**: the plan below was computed from the workspace; nothing was changed.', '');

  const link = (text: string, url: string | undefined) => (url ? `[${escapeMd(text)}](${url})` : escapeMd(text));
  lines.push('| | candidate | baseline |', '|---|---|---|');
  const gate = report.gate;
  const baselineCell = (value: string | undefined) => (gate ? (value ?? '—') : 'no gate');
  lines.push(`| version | ${link(report.version, report.versionUrl)} | ${baselineCell(gate?.baselineVersion === undefined ? undefined : `${link(gate.baselineVersion, input.baselineVersionUrl)} (${escapeMd(gate.baselineAlias)})`)} |`);
  lines.push(`| run | ${report.runId ? link(report.runId, report.runUrl) : '—'} | ${baselineCell(input.baselineRunId === undefined ? undefined : link(input.baselineRunId, input.baselineRunUrl))} |`);
  if (gate) {
    lines.push(`| ${escapeMd(gate.metric)} | ${gate.candidate === undefined ? '—' : format(gate.candidate)} | ${gate.baseline === undefined ? '—' : format(gate.baseline)} |`);
  }
  lines.push('');
  if (gate && input.gateReason) {
    lines.push(`**Gate** (${gate.goal}, min improvement ${format(gate.minImprovement)}): ${escapeMd(input.gateReason)}. Promoted: **${report.promoted ? 'yes' : 'no'}**.`, '');
  }
  if (report.reused) lines.push('The run was already registered as this version (READY): reused, not registered again.', '');
  if (report.model && !report.reused) {
    lines.push(`**Model**: ${escapeMd(report.model.where)}; ${report.model.files} file(s), ${formatBytes(report.model.bytes)}; source \`${report.model.source}\`.`, '');
  }
  if (report.storage) {
    const route = report.storage.route ? ROUTE_TEXT[report.storage.route] : 'temporary credentials';
    lines.push(`**Storage route**: ${escapeMd(route)}. Why: ${escapeMd(report.storage.reason)}.`, '');
  }
  if (report.filesCopied !== undefined) {
    lines.push(`Copied ${report.filesCopied} file(s), ${formatBytes(report.bytesCopied ?? 0)}${report.storage?.route ? ` through ${escapeMd(ROUTE_TEXT[report.storage.route])}` : ''}.`, '');
  }

  const aliasChanges = (report.changes ?? []).filter((c) => c.resource.startsWith('alias '));
  if (aliasChanges.length > 0) {
    lines.push(input.dryRun ? '### Aliases to move' : '### Aliases moved', '', '| alias | from | to |', '|---|---|---|');
    for (const c of aliasChanges) {
      const f = c.fields?.[0];
      lines.push(`| ${escapeMd(c.resource.slice('alias '.length))} | ${f?.before === undefined ? '—' : String(f.before)} | ${String(f?.after)} |`);
    }
    lines.push('');
  }
  const tags = Object.entries(report.tags);
  if (tags.length > 0) {
    lines.push('### Tags', '', '| key | value |', '|---|---|');
    for (const [k, v] of tags) lines.push(`| ${escapeMd(k)} | ${escapeMd(v)} |`);
    lines.push('');
  }
  const changes = report.changes ?? [];
  lines.push(input.dryRun ? '### Plan' : '### Changes', '', ...diffBlock(diffLines(changes)), '');
  return lines.join('\n');
}

export function diffLines(changes: readonly ChangeEntry[]): string[] {
  const lines = renderChanges(changes);
  return lines.length ? lines : ['  (no change)'];
}
