/** The tab's page: a summary line and one card per report, or a loading, empty or error state. */
import { h } from './dom';
import type { LoadedReport } from './model';
import { renderCard } from './render/card';
import { applyColorScheme } from './theme';

export type PageState = 'loading' | 'ready' | 'empty' | 'error';

function setState(root: HTMLElement, state: PageState, ...content: Node[]): void {
  applyColorScheme(root.ownerDocument);
  root.dataset.state = state;
  root.setAttribute('aria-busy', String(state === 'loading'));
  root.replaceChildren(...content);
}

function summary(reports: LoadedReport[]): HTMLElement {
  const count = (predicate: (entry: LoadedReport) => boolean): number => reports.filter(predicate).length;
  const failed = count((e) => e.ok && e.report.result === 'Failed');
  const issues = count((e) => e.ok && e.report.result === 'SucceededWithIssues');
  const unreadable = count((e) => !e.ok);
  const parts = [reports.length === 1 ? '1 report' : `${reports.length} reports, newest first`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (issues > 0) parts.push(`${issues} with issues`);
  if (unreadable > 0) parts.push(`${unreadable} unreadable`);
  return h('p', { class: 'page__summary' }, parts.join(' · '));
}

export function renderLoading(root: HTMLElement): void {
  setState(root, 'loading', h('p', { class: 'page__status' }, 'Loading the Databricks MLOps reports…'));
}

export function renderError(root: HTMLElement, message: string): void {
  setState(root, 'error', h('div', { class: 'callout callout--danger', role: 'alert' },
    h('div', { class: 'callout__heading' }, 'The reports could not be loaded'), h('p', null, message)));
}

export function renderReports(root: HTMLElement, reports: LoadedReport[]): void {
  if (reports.length === 0) {
    setState(root, 'empty', h('div', { class: 'page__empty' },
      h('h2', null, 'No Databricks MLOps reports in this run yet'),
      h('p', null, 'Each Databricks task attaches a report when it finishes; reload this tab once a task has run.')));
    return;
  }
  setState(root, 'ready', summary(reports), h('div', { class: 'cards' }, reports.map(renderCard)));
}
