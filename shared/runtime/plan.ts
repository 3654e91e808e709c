/**
 * Plan mode (dryRun) output shared by the tasks: the change entries of the report rendered as
 * a diff a reviewer can read in a pull-request pipeline log:
 *   ~ monitor of main.ml_mon.churn_inference (data quality API)
 *       - schedule: 0 0 0 * * ? (UTC)
 *       + schedule: 0 0 6 * * ? (UTC)
 */
import type { ChangeEntry } from './reportTypes';

/** Whether any entry would write something. */
export function hasChanges(changes: readonly ChangeEntry[]): boolean {
  return changes.some((c) => c.action !== 'noop');
}

const MARK = { create: '+', update: '~', delete: '-', noop: '=' } as const;

/** `fieldLabel` turns a field path into the text before its value (default `<path>: `). */
export function renderChanges(changes: readonly ChangeEntry[], fieldLabel: (path: string) => string = (path) => `${path}: `): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(`${MARK[c.action]} ${c.resource}${c.action === 'noop' ? ' (unchanged)' : ''}`);
    for (const f of c.fields ?? []) {
      const label = fieldLabel(f.path);
      if (f.before !== undefined) lines.push(`    - ${label}${String(f.before)}`);
      if (f.after !== undefined) lines.push(`    + ${label}${String(f.after)}`);
    }
  }
  return lines;
}
