/** The tab's page: a summary line and one card per report, or a loading, empty or error state. */
import { h } from './dom';
import type { LoadedReport } from './model';
import type { StageReports } from './releaseAttachments';
import { renderCard } from './render/card';
import { applyColorScheme } from './theme';

export type PageState = 'loading' | 'ready' | 'empty' | 'error';

function setState(root: HTMLElement, state: PageState, ...content: Node[]): void {
  applyColorScheme(root.ownerDocument);
  root.dataset.state = state;
  root.setAttribute('aria-busy', String(state === 'loading'));
  root.replaceChildren(...content);
}

/** What the page is about: a build run (the default) or one stage of a release. */
export interface PageScope {
  /** Shown in front of the summary line, e.g. "Stage Prod · attempt 2". */
  label?: string;
  emptyTitle: string;
  emptyText: string;
}

const BUILD_SCOPE: PageScope = {
  emptyTitle: 'No Databricks MLOps reports in this run yet',
  emptyText: 'Each Databricks task attaches a report when it finishes; reload this tab once a task has run.',
};

function summary(reports: LoadedReport[], label?: string): HTMLElement {
  const count = (predicate: (entry: LoadedReport) => boolean): number => reports.filter(predicate).length;
  const failed = count((e) => e.ok && e.report.result === 'Failed');
  const issues = count((e) => e.ok && e.report.result === 'SucceededWithIssues');
  const unreadable = count((e) => !e.ok);
  const parts = label ? [label] : [];
  parts.push(reports.length === 1 ? '1 report' : `${reports.length} reports, newest first`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (issues > 0) parts.push(`${issues} with issues`);
  if (unreadable > 0) parts.push(`${unreadable} unreadable`);
  return h('p', { class: 'page__summary' }, parts.join(' · '));
}

export function renderLoading(root: HTMLElement): void {
  setState(root, 'loading', h('p', { class: 'page__status' }, 'Loading the Databricks MLOps reports…'));
}

export function renderError(root: HTMLElement, message: string): void {
  setState(
    root,
    'error',
    h('div', { class: 'callout callout--danger', role: 'alert' }, h('div', { class: 'callout__heading' }, 'The reports could not be loaded'), h('p', null, message)),
  );
}

export function renderReports(root: HTMLElement, reports: LoadedReport[], scope: PageScope = BUILD_SCOPE): void {
  if (reports.length === 0) {
    setState(root, 'empty', h('div', { class: 'page__empty' }, h('h2', null, scope.emptyTitle), h('p', null, scope.emptyText)));
    return;
  }
  setState(root, 'ready', summary(reports, scope.label), h('div', { class: 'cards' }, reports.map(renderCard)));
}

/** One stage of a classic release (the release-stage tab): the same cards as for a build. */
export function renderStage(root: HTMLElement, stage: StageReports): void {
  if (stage.state === 'not-deployed') {
    setState(
      root,
      'empty',
      h(
        'div',
        { class: 'page__empty' },
        h('h2', null, `Stage ${stage.stageName} has not been deployed yet`),
        h('p', null, 'The Databricks tasks of this stage attach their reports when a deployment runs them.'),
      ),
    );
    return;
  }
  renderReports(root, stage.reports, {
    label: `Stage ${stage.stageName} · attempt ${stage.attempt}`,
    emptyTitle: `No Databricks MLOps reports in stage ${stage.stageName}`,
    emptyText: `Deployment attempt ${stage.attempt} of this stage ran no Databricks task that attached a report (reports are attached when a task finishes).`,
  });
}
