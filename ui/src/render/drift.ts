/**
 * Drift reports: the verdict first, then per table each column's latest value against its
 * threshold (worst first) and the metric across the evaluation windows. Data-quality rules
 * (column statistics such as max or num_nulls) are shown apart from drift, in their own list.
 */
import { h } from '../dom';
import { formatDuration, formatNumber, formatWindow } from '../format';
import type { DriftColumnResult, DriftReportData, DriftTableResult } from '../model';
import type { KindView, Tone } from './parts';
import { callout, chip, code, facts } from './parts';

type Verdict = DriftReportData['verdict'];

/** The bar scale ends at twice the threshold, so the threshold line sits in the middle of every bar. */
const SCALE_IN_THRESHOLDS = 2;

function verdictBanner(data: DriftReportData): { tone: Tone; heading: string } {
  switch (data.verdict) {
    case 'drift': {
      const tone: Tone = data.onDrift === 'fail' ? 'danger' : data.onDrift === 'warn' ? 'warning' : 'info';
      const suffix = data.onDrift === 'ignore' ? ' (ignored: onDrift is ignore)' : '';
      return { tone, heading: `Drift detected${suffix}` };
    }
    case 'no-drift':
      return { tone: 'success', heading: 'No drift' };
    case 'insufficient-data':
      return { tone: data.onInsufficientData === 'fail' ? 'danger' : 'warning', heading: 'Insufficient data' };
    case 'error':
      return { tone: 'danger', heading: 'Drift check could not run' };
    default:
      return { tone: 'neutral', heading: 'Not evaluated' };
  }
}

const TABLE_VERDICT: Record<Verdict, [string, Tone]> = {
  drift: ['drift', 'danger'],
  'no-drift': ['no drift', 'success'],
  'insufficient-data': ['insufficient data', 'warning'],
  error: ['error', 'danger'],
  'not-evaluated': ['not evaluated', 'neutral'],
};

const ON_DRIFT: Record<DriftReportData['onDrift'], string> = { fail: 'fail the run', warn: 'succeed with issues', ignore: 'ignore' };
const ON_INSUFFICIENT: Record<DriftReportData['onInsufficientData'], string> = { fail: 'fail the run', warn: 'succeed with issues', pass: 'pass' };

function ruleText(column: Pick<DriftColumnResult, 'metric' | 'op' | 'threshold'>): string {
  return `${column.metric} ${column.op} ${formatNumber(column.threshold)}`;
}

/** Worst first: drifted columns, then by how far past the threshold, then by violations. */
export function worstFirst(columns: DriftColumnResult[]): DriftColumnResult[] {
  return [...columns].sort(
    (a, b) => Number(b.drifted) - Number(a.drifted) || (b.severity ?? 0) - (a.severity ?? 0) || b.violations - a.violations || a.column.localeCompare(b.column),
  );
}

/** value/threshold, the quantity the bar's length shows (capped by the scale). */
function ratio(value: number, threshold: number): number {
  if (threshold > 0) return value / threshold;
  return value > 0 ? SCALE_IN_THRESHOLDS : 0;
}

function latestBar(column: DriftColumnResult): HTMLElement {
  const latestViolated = column.windows.length > 0 ? column.windows[column.windows.length - 1].violated : column.drifted;
  if (column.latest == null) {
    return h('div', { class: 'threshold-bar threshold-bar--empty' }, h('span', { class: 'threshold-bar__value' }, 'no value in the latest window'));
  }
  const r = ratio(column.latest, column.threshold);
  const width = (Math.max(0, Math.min(r, SCALE_IN_THRESHOLDS)) / SCALE_IN_THRESHOLDS) * 100;
  return h(
    'div',
    { class: `threshold-bar${latestViolated ? ' threshold-bar--violated' : ''}` },
    h(
      'div',
      {
        class: 'threshold-bar__track',
        role: 'img',
        'aria-label': `${column.metric} ${formatNumber(column.latest)}, threshold ${column.op} ${formatNumber(column.threshold)}`,
      },
      h('div', { class: 'threshold-bar__fill', style: `width: ${width.toFixed(2)}%`, 'data-ratio': r.toFixed(4) }),
      h('div', { class: 'threshold-bar__threshold', title: `threshold ${column.op} ${formatNumber(column.threshold)}` }),
    ),
    h(
      'span',
      { class: 'threshold-bar__value' },
      formatNumber(column.latest),
      r > SCALE_IN_THRESHOLDS ? h('span', { class: 'threshold-bar__over' }, `${formatNumber(r)}× threshold`) : null,
    ),
  );
}

/** The metric across the windows, oldest first, as small columns with the threshold as a line. */
function windowsChart(column: DriftColumnResult): HTMLElement {
  const values = column.windows.map((w) => w.value).filter((v): v is number => v != null && Number.isFinite(v));
  const top = Math.max(column.threshold, ...values) * 1.1 || 1;
  return h(
    'div',
    { class: 'windows' },
    h(
      'div',
      { class: 'windows__plot', role: 'img', 'aria-label': `${column.metric} per window: ${column.windows.map((w) => formatNumber(w.value)).join(', ')}` },
      column.threshold > 0 && column.threshold <= top ? h('div', { class: 'windows__threshold', style: `bottom: ${((column.threshold / top) * 100).toFixed(1)}%` }) : null,
      column.windows.map((w) => {
        const height = w.value == null ? 0 : Math.max(2, (Math.max(0, w.value) / top) * 100);
        return h('div', {
          class: `windows__column${w.violated ? ' windows__column--violated' : ''}${w.value == null ? ' windows__column--null' : ''}`,
          style: `height: ${height.toFixed(1)}%`,
          title: `${formatWindow(w.start)} – ${formatWindow(w.end)}: ${w.value == null ? 'no value' : formatNumber(w.value)}${w.violated ? ' (breaks the rule)' : ''}`,
        });
      }),
    ),
    h(
      'div',
      { class: 'windows__axis' },
      h('span', null, column.windows.length > 0 ? formatWindow(column.windows[0].start) : ''),
      h('span', null, column.windows.length > 1 ? formatWindow(column.windows[column.windows.length - 1].start) : ''),
    ),
  );
}

/** A column-statistic rule (range, nulls…), not drift. */
function isDataQuality(column: Pick<DriftColumnResult, 'category'>): boolean {
  return column.category === 'data-quality';
}

function columnRow(column: DriftColumnResult): HTMLElement {
  return h(
    'div',
    { class: `drift-column${column.drifted ? ' drift-column--drifted' : ''}`, role: 'row', 'data-column': column.column, 'data-category': column.category ?? 'drift' },
    h(
      'div',
      { class: 'drift-column__name', role: 'rowheader' },
      h('strong', null, column.column),
      column.drifted ? chip(isDataQuality(column) ? 'breached' : 'drifted', 'danger') : null,
      h('div', { class: 'drift-column__rule' }, code(ruleText(column))),
    ),
    h('div', { role: 'cell' }, latestBar(column)),
    h('div', { role: 'cell' }, windowsChart(column)),
    h('div', { class: 'drift-column__count', role: 'cell' }, `${column.violations} of ${column.windows.length}`),
  );
}

function refreshText(table: DriftTableResult): string {
  const refresh = table.refresh;
  const parts = [`refresh ${refresh.state.toLowerCase()}`];
  const took = formatDuration(refresh.durationSeconds);
  if (took) parts.push(`in ${took}`);
  if (!refresh.startedByTask) parts.push('(started elsewhere)');
  return parts.join(' ');
}

function columnsTable(label: string, columns: DriftColumnResult[], kind: 'drift' | 'data-quality'): HTMLElement {
  return h(
    'div',
    { class: 'drift-columns', role: 'table', 'aria-label': label, 'data-kind': kind },
    h(
      'div',
      { class: 'drift-column drift-column--header', role: 'row' },
      h('div', { role: 'columnheader' }, 'Column'),
      h('div', { role: 'columnheader' }, 'Latest window vs threshold'),
      h('div', { role: 'columnheader' }, 'Across windows'),
      h('div', { role: 'columnheader' }, 'Broke the rule'),
    ),
    columns.map(columnRow),
  );
}

function renderTable(table: DriftTableResult, reasonShownAbove: boolean): HTMLElement {
  const [verdictText, tone] = TABLE_VERDICT[table.verdict] ?? [table.verdict, 'neutral'];
  const columns = worstFirst(table.columns ?? []);
  const drift = columns.filter((c) => !isDataQuality(c));
  const quality = columns.filter(isDataQuality);
  return h(
    'section',
    { class: 'section drift-table', 'data-table': table.table },
    h('h3', { class: 'section__title' }, code(table.table), ' ', chip(verdictText, tone), h('span', { class: 'drift-table__refresh' }, refreshText(table))),
    table.reason && !reasonShownAbove ? h('p', { class: 'drift-table__reason' }, table.reason) : null,
    table.refresh.message ? h('p', { class: 'drift-table__reason' }, table.refresh.message) : null,
    columns.length === 0 ? h('p', { class: 'muted' }, 'No column was evaluated.') : null,
    drift.length > 0 ? columnsTable(`Columns of ${table.table}, worst first`, drift, 'drift') : null,
    quality.length > 0 ? h('h4', { class: 'drift-table__group' }, 'Data quality (column statistics)') : null,
    quality.length > 0 ? columnsTable(`Data-quality rules of ${table.table}, worst first`, quality, 'data-quality') : null,
  );
}

export function renderDrift(data: DriftReportData): KindView {
  const { tone, heading } = verdictBanner(data);
  const tables = data.tables ?? [];
  const breached = new Set(tables.flatMap((t) => (t.columns ?? []).filter((c) => c.drifted && isDataQuality(c)).map((c) => `${t.table}.${c.column}`)));
  const driftedOnly = new Set(tables.flatMap((t) => (t.columns ?? []).filter((c) => c.drifted && !isDataQuality(c)).map((c) => `${t.table}.${c.column}`)));
  const drifted = (data.driftedColumns ?? []).filter((c) => driftedOnly.has(c) || !breached.has(c));
  // Without drifted columns to list, the banner gives the reason of the first table with this verdict.
  const reasonTable = drifted.length === 0 && data.verdict !== 'drift' ? tables.find((t) => t.verdict === data.verdict && t.reason) : undefined;
  const banner = callout(
    tone,
    drifted.length === 0 && breached.size > 0 && data.verdict === 'drift' ? heading.replace('Drift detected', 'Data-quality rule broken') : heading,
    drifted.length > 0
      ? h(
          'p',
          null,
          `${drifted.length} column${drifted.length === 1 ? '' : 's'} drifted: `,
          h(
            'span',
            { class: 'inline-list' },
            drifted.map((c) => code(c)),
          ),
        )
      : reasonTable
        ? h('p', null, reasonTable.reason ?? '')
        : null,
    breached.size > 0
      ? h(
          'p',
          null,
          `${breached.size} column${breached.size === 1 ? '' : 's'} broke a data-quality rule: `,
          h(
            'span',
            { class: 'inline-list' },
            [...breached].map((c) => code(c)),
          ),
        )
      : null,
  );
  banner.classList.add('verdict');
  const body: Node[] = [
    banner,
    facts([
      ['Compared with', data.driftType === 'CONSECUTIVE' ? 'the previous window' : 'the baseline table'],
      ['Counts as drift', `when ${data.violationWindows} of the last ${data.evaluationWindows} window${data.evaluationWindows === 1 ? '' : 's'} break a rule, the latest included`],
      // RefreshMonitors modelId: the rules were judged on that model's rows only (`*`: all models).
      ['Model', data.modelId === undefined ? undefined : data.modelId === '*' ? 'all models' : code(data.modelId)],
      ['On drift', ON_DRIFT[data.onDrift] ?? data.onDrift],
      ['On insufficient data', ON_INSUFFICIENT[data.onInsufficientData] ?? data.onInsufficientData],
      [
        'Rules',
        data.rules && data.rules.length > 0
          ? h(
              'span',
              { class: 'inline-list' },
              data.rules.map((r) => code(ruleText(r))),
            )
          : undefined,
        true,
      ],
      [
        'Notified',
        data.notification
          ? `${data.notification.destinations.join(', ')}${data.notification.planned ? ' (planned, dryRun)' : data.notification.error ? ` (failed: ${data.notification.error})` : data.notification.runId ? ` (job run ${data.notification.runId})` : ''}`
          : undefined,
      ],
    ]),
    ...tables.map((table) => renderTable(table, table === reasonTable)),
  ];
  return { title: `Drift check · ${tables.length} table${tables.length === 1 ? '' : 's'}`, body };
}
