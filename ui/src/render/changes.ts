/** The plan (dry run) or change list of a report, as a readable diff. */
import { h } from '../dom';
import type { ChangeEntry } from '../model';
import { section } from './parts';

const SYMBOL: Record<ChangeEntry['action'], string> = { create: '+', update: '~', delete: '−', noop: '=' };
const VERB: Record<ChangeEntry['action'], string> = { create: 'create', update: 'update', delete: 'delete', noop: 'no change' };

function show(value: unknown): string {
  if (value === undefined) return '(unset)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function renderChanges(changes: ChangeEntry[] | undefined, dryRun: boolean | undefined): HTMLElement | undefined {
  if (!changes || changes.length === 0) return undefined;
  const title = dryRun ? 'Plan: what a real run would change' : 'Changes';
  return section(
    title,
    'changes',
    h(
      'ul',
      { class: 'diff' },
      changes.map((change) =>
        h(
          'li',
          { class: `diff__entry diff__entry--${change.action}` },
          h(
            'div',
            { class: 'diff__resource' },
            h('span', { class: 'diff__symbol', 'aria-hidden': 'true' }, SYMBOL[change.action] ?? '?'),
            h('span', { class: 'diff__verb' }, VERB[change.action] ?? change.action),
            ' ',
            h('span', { class: 'diff__name' }, change.resource),
          ),
          change.fields && change.fields.length > 0
            ? h(
                'table',
                { class: 'diff__fields' },
                h(
                  'tbody',
                  null,
                  change.fields.map((field) =>
                    h(
                      'tr',
                      null,
                      h('th', { scope: 'row' }, field.path),
                      h('td', { class: field.before === undefined ? 'diff__before diff__before--unset' : 'diff__before' }, show(field.before)),
                      h('td', { class: 'diff__arrow', 'aria-label': 'becomes' }, '→'),
                      h('td', { class: 'diff__after' }, show(field.after)),
                    ),
                  ),
                ),
              )
            : null,
        ),
      ),
    ),
  );
}
