/**
 * The Markdown summary on the run page: the overall verdict first, then one row per table
 * (refresh state, duration, verdict), then per table the columns against their thresholds,
 * worst first, with the values of each evaluation window.
 */
import { escapeMarkdown as escapeText, type SummaryBuilder } from '../../../shared/runtime/markdown';
import { resultWords, type SummaryParts } from '../../../shared/runtime/report';
import type { DriftColumnResult, DriftReportData, DriftTableResult } from '../../../shared/runtime/reportTypes';
import { isDataQuality } from './gate/verdict';
import type { RefreshPlan } from './operations';
import { message } from './messages';

/** Columns listed per table; the rest are counted. */
const MAX_COLUMNS = 25;

/** A verdict in words (functions: the texts are localizable messages, looked up at use). */
const VERDICT_TEXT: Readonly<Record<DriftReportData['verdict'], () => string>> = {
  drift: () => message('VerdictDrift'),
  'no-drift': () => message('VerdictNoDrift'),
  'insufficient-data': () => message('VerdictInsufficientData'),
  error: () => message('VerdictError'),
  'not-evaluated': () => message('VerdictNotEvaluated'),
};

export interface SummaryContext {
  /** Per table, a link to the monitor's dashboard or the table in Catalog Explorer. */
  links: ReadonlyMap<string, string>;
  skipped: readonly string[];
  granularities: ReadonlyMap<string, string | undefined>;
}

export const refreshMonitorsSummary: SummaryParts<RefreshPlan, DriftReportData> = {
  // The overall verdict first, with the result in words.
  heading: ({ report, result }) =>
    `${verdictText(
      report.verdict,
      report.tables.flatMap((t) => t.columns),
    )} — ${resultWords(result)}`,
  dryRunDetail: () => message('DryRunDetailGate'),
  body: (s, outcome, plan) => summaryBody(s, outcome.report, plan),
};

/** The gate, one row per table, the notification, then per table its columns against the rules. */
export function summaryBody(s: SummaryBuilder, report: DriftReportData, ctx: SummaryContext): void {
  if (report.rules.length > 0) {
    s.paragraph(
      message(
        'SummaryGate',
        report.driftType,
        report.rules.map((r) => `\`${r.rule}\``).join(', '),
        report.modelId !== undefined ? `${message('SummaryGateModelId', escapeText(report.modelId))} ` : '',
        report.violationWindows,
        report.evaluationWindows,
        report.onDrift,
        report.onInsufficientData,
      ),
    );
  }
  const anyQuality = report.tables.some((t) => t.columns.some(isDataQuality));
  s.table(
    [
      message('SummaryColumnTable'),
      message('SummaryColumnRefresh'),
      message('SummaryColumnDuration'),
      message('SummaryColumnVerdict'),
      message('SummaryColumnDriftedColumns'),
      ...(anyQuality ? [message('SummaryColumnQualityBreaches')] : []),
    ],
    report.tables.map((t) => {
      const drifted = [...new Set(t.columns.filter((c) => c.drifted && !isDataQuality(c)).map((c) => c.column))];
      const breaches = [...new Set(t.columns.filter((c) => c.drifted && isDataQuality(c)).map((c) => `${c.column} (${c.rule})`))];
      const cells = [
        tableCell(t.table, ctx.links.get(t.table)),
        refreshCell(t),
        t.refresh.durationSeconds === undefined ? '' : duration(t.refresh.durationSeconds),
        verdictText(t.verdict, t.columns),
        drifted.map(escapeText).join(', '),
      ];
      return anyQuality ? [...cells, breaches.map(escapeText).join(', ')] : cells;
    }),
  );
  if (ctx.skipped.length > 0) s.paragraph(message('SummarySkipped', ctx.skipped.map(escapeText).join(', ')));
  const n = report.notification;
  if (n) {
    const how = n.planned
      ? message('SummaryNotificationPlanned')
      : n.error
        ? message('SummaryNotificationFailed', escapeText(n.error))
        : message('SummaryNotificationSent', escapeText(n.runId ?? ''));
    s.paragraph(message('SummaryNotification', n.destinations.map(escapeText).join(', '), how));
  }
  for (const t of report.tables) s.raw(tableDetails(t, ctx.granularities.get(t.table)));
}

/** "Drift detected" unless only data-quality rules broke: then it says so. */
function verdictText(verdict: DriftReportData['verdict'], columns: readonly DriftColumnResult[]): string {
  const broken = columns.filter((c) => c.drifted);
  if (verdict === 'drift' && broken.length > 0 && broken.every(isDataQuality)) return message('VerdictQualityRuleBroken');
  return VERDICT_TEXT[verdict]();
}

function tableDetails(t: DriftTableResult, granularity: string | undefined): string[] {
  const out = [`#### ${escapeText(t.table)} — ${verdictText(t.verdict, t.columns)}`];
  if (t.reason) out.push('', ...t.reason.split('\n').map((r) => `- ${escapeText(r)}`));
  if (t.refresh.message && t.verdict !== 'error') out.push('', message('SummaryRefreshLine', escapeText(t.refresh.message)));
  if (t.columns.length === 0) return out;
  if (granularity) out.push('', message('SummaryWindowsOf', granularity));
  const drift = t.columns.filter((c) => !isDataQuality(c));
  const quality = t.columns.filter(isDataQuality);
  if (drift.length > 0) {
    if (quality.length > 0) out.push('', message('SummaryDriftSection'));
    out.push('', columnHeader(message('SummaryColumnDrift')), '|---|---|---|---|---|---|');
    for (const c of drift.slice(0, MAX_COLUMNS)) out.push(columnRow(c));
    if (drift.length > MAX_COLUMNS) out.push('', message('SummaryMorePairs', drift.length - MAX_COLUMNS));
  }
  if (quality.length > 0) {
    out.push('', message('SummaryQualitySection'), '', columnHeader(message('SummaryColumnBreached')), '|---|---|---|---|---|---|');
    for (const c of quality.slice(0, MAX_COLUMNS)) out.push(columnRow(c));
    if (quality.length > MAX_COLUMNS) out.push('', message('SummaryMorePairs', quality.length - MAX_COLUMNS));
  }
  return out;
}

/** The header of a table of columns against their rules; the last column says whether each broke. */
function columnHeader(last: string): string {
  const cells = [
    message('SummaryColumnColumn'),
    message('SummaryColumnRule'),
    message('SummaryColumnLatest'),
    message('SummaryColumnWindows'),
    message('SummaryColumnBreaks'),
    last,
  ];
  return `| ${cells.join(' | ')} |`;
}

function columnRow(c: DriftColumnResult): string {
  const windows = c.windows.map((w) => (w.violated ? `**${number(w.value)}**` : number(w.value))).join(' · ');
  const latest = c.latest === null ? 'null' : `${number(c.latest)} (${c.op} ${c.threshold})`;
  return `| ${escapeText(c.column)} | \`${c.rule}\` | ${latest} | ${windows} | ${c.violations}/${c.windows.length} | ${c.drifted ? `**${message('SummaryYes')}**` : message('SummaryNo')} |`;
}

function refreshCell(t: DriftTableResult): string {
  const r = t.refresh;
  const id = r.refreshId ? ` #${escapeText(r.refreshId)}` : '';
  const who = r.refreshId ? (r.startedByTask ? '' : ` ${message('SummaryRefreshWaitedOn')}`) : '';
  return `${escapeText(r.state)}${id}${who}`;
}

function tableCell(table: string, link: string | undefined): string {
  return link ? `[${escapeText(table)}](${link})` : escapeText(table);
}

function number(v: number | null): string {
  if (v === null) return 'null';
  return Math.abs(v) >= 1000 || v === Math.round(v) ? String(v) : v.toPrecision(3).replace(/\.?0+$/, '');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}
