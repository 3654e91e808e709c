/**
 * Plan mode (dryRun) output shared by the tasks: the change entries of the report rendered as
 * a diff a reviewer can read in a pull-request pipeline log:
 *   ~ monitor of main.ml_mon.churn_inference (data quality API)
 *       - schedule: 0 0 0 * * ? (UTC)
 *       + schedule: 0 0 6 * * ? (UTC)
 * The plan is printed in the log by one function (printPlan) and shown in the summary by one
 * block (planBlock), with one dryRun sentence.
 */
import { diffBlock } from './markdown';
import type { TaskLog } from './output';
import type { ChangeEntry } from './reportTypes';
import { message } from './messages';

/**
 * The one sentence every summary states in plan mode, with what the task still did when it says
 * (e.g. read the metrics). A function, not a constant: the text is localizable, and a message is
 * only looked up once the task's strings are known (useTaskStrings), never at module load.
 */
export function dryRunSentence(detail?: string): string {
  return detail ? message('DryRunSentenceWithDetail', detail) : message('DryRunSentence');
}

/** Whether any entry would write something. */
export function hasChanges(changes: readonly ChangeEntry[]): boolean {
  return changes.some((c) => c.action !== 'noop');
}

const MARK = { create: '+', update: '~', delete: '-', noop: '=' } as const;

/** `fieldLabel` turns a field path into the text before its value (default `<path>: `). */
export function renderChanges(changes: readonly ChangeEntry[], fieldLabel: (path: string) => string = (path) => `${path}: `): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(c.action === 'noop' ? message('PlanLineUnchanged', MARK[c.action], c.resource) : `${MARK[c.action]} ${c.resource}`);
    for (const f of c.fields ?? []) {
      const label = fieldLabel(f.path);
      if (f.before !== undefined) lines.push(`    - ${label}${String(f.before)}`);
      if (f.after !== undefined) lines.push(`    + ${label}${String(f.after)}`);
    }
  }
  return lines;
}

/**
 * The plan in the log: a section named `title` (saying, in plan mode, that nothing will be
 * written), then the lines. They quote names and settings read from the workspace: remote text.
 */
export function printPlan(log: Pick<TaskLog, 'section' | 'remote'>, lines: readonly string[], dryRun: boolean, title: string = message('PlanTitle')): void {
  log.section(dryRun ? message('PlanSectionDryRun', title) : title);
  log.remote(lines.length ? lines.join('\n') : message('PlanNoChanges'));
}

/** The plan's collapsed diff block of a summary: "Plan" in plan mode, "Changes" once applied; nothing when there are no lines. */
export function planBlock(lines: readonly string[], dryRun: boolean): { label: string; content: string[] } | undefined {
  if (lines.length === 0) return undefined;
  return { label: dryRun ? message('PlanTitle') : message('ChangesTitle'), content: diffBlock(lines) };
}
