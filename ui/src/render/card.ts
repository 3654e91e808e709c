/** One card per report: a header shared by every kind, then the kind's own view. */
import { h, link } from '../dom';
import { formatDateTime, formatDuration, secondsBetween } from '../format';
import type { DeploymentReportData, DriftReportData, JobRunReportData, LoadedReport, MonitorReportData, RegistrationReportData, TaskReport } from '../model';
import { renderDeployment } from './deployment';
import { renderDrift } from './drift';
import { renderJobRun } from './jobRun';
import { renderMonitor } from './monitor';
import type { KindView, Tone } from './parts';
import { callout, chip, facts } from './parts';
import { renderRegistration } from './registration';

const RESULT: Record<TaskReport['result'], [string, Tone]> = {
  Succeeded: ['Succeeded', 'success'],
  SucceededWithIssues: ['Succeeded with issues', 'warning'],
  Failed: ['Failed', 'danger'],
};

const KIND_LABEL: Record<TaskReport['kind'], string> = {
  registration: 'Registration',
  deployment: 'Deployment',
  monitor: 'Monitor',
  drift: 'Drift',
  connection: 'Connection',
  job: 'Job run',
};

/** Reports of an unknown kind (a newer task) or whose view failed: the message and the raw JSON. */
function genericView(report: TaskReport, note?: string): KindView {
  return {
    title: report.task,
    body: [
      note ? callout('info', note) : null,
      facts(
        Object.entries(report.data as Record<string, unknown>)
          .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
          .map(([key, value]): [string, string] => [key, String(value)]),
      ),
    ].filter((node): node is HTMLElement => node !== null),
  };
}

function kindView(report: TaskReport): KindView {
  const dryRun = report.dryRun;
  switch (report.kind) {
    case 'deployment':
      return renderDeployment(report.data as DeploymentReportData, dryRun);
    case 'registration':
      return renderRegistration(report.data as RegistrationReportData, dryRun);
    case 'monitor':
      return renderMonitor(report.data as MonitorReportData, dryRun);
    case 'drift':
      return renderDrift(report.data as DriftReportData);
    case 'job':
      return renderJobRun(report.data as JobRunReportData, dryRun);
    default:
      return genericView(report, report.kind === 'connection' ? undefined : `This tab does not know reports of kind "${String(report.kind)}" yet; showing the raw report.`);
  }
}

/**
 * The kind's view, or the generic one when the data does not have the expected shape (a report
 * from an older or newer task version): a broken field must not take the whole tab down.
 */
function safeKindView(report: TaskReport): KindView {
  try {
    return kindView(report);
  } catch (error) {
    return genericView(report, `This report could not be shown in full (${error instanceof Error ? error.message : String(error)}).`);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function rawJson(report: TaskReport): HTMLElement {
  return h('details', { class: 'raw' }, h('summary', null, 'Raw report'), h('pre', null, JSON.stringify(report, null, 2)));
}

function reportCard(report: TaskReport): HTMLElement {
  const view = safeKindView(report);
  const [resultText, tone] = RESULT[report.result] ?? [report.result, 'neutral'];
  const took = formatDuration(secondsBetween(report.startedAt, report.finishedAt));
  const meta = [report.task, formatDateTime(report.finishedAt), took ? `took ${took}` : undefined].filter(Boolean).join(' · ');
  return h(
    'article',
    { class: `card card--${tone}`, 'data-kind': report.kind, 'data-result': report.result },
    h(
      'header',
      { class: 'card__header' },
      h(
        'div',
        { class: 'card__heading' },
        chip(resultText, tone),
        h('span', { class: 'card__kind' }, KIND_LABEL[report.kind] ?? String(report.kind)),
        report.dryRun ? chip('Plan only (dry run)', 'info') : null,
      ),
      h('h2', { class: 'card__title' }, view.title),
      h('div', { class: 'card__meta' }, meta, report.workspaceUrl ? [' · ', link(hostOf(report.workspaceUrl), report.workspaceUrl)] : null),
    ),
    report.message ? h('p', { class: 'card__message' }, report.message) : null,
    h('div', { class: 'card__body' }, view.body, rawJson(report)),
  );
}

function errorCard(name: string, error: string): HTMLElement {
  return h(
    'article',
    { class: 'card card--danger', 'data-kind': 'unreadable' },
    h(
      'header',
      { class: 'card__header' },
      h('div', { class: 'card__heading' }, chip('Unreadable', 'danger'), h('span', { class: 'card__kind' }, 'Attachment')),
      h('h2', { class: 'card__title' }, name),
    ),
    h('div', { class: 'card__body' }, callout('danger', 'This report attachment could not be read', h('p', null, error))),
  );
}

export function renderCard(entry: LoadedReport): HTMLElement {
  return entry.ok ? reportCard(entry.report) : errorCard(entry.source.name, entry.error);
}
