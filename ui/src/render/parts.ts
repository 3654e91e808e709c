/** Building blocks shared by the report renderers: sections, fact lists, tables, callouts. */
import type { Child } from '../dom';
import { h } from '../dom';

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'neutral';

export interface KindView {
  /** The card title, e.g. "Serving endpoint churn-model". */
  title: string;
  body: Node[];
}

export function section(title: string, className: string, ...children: Child[]): HTMLElement {
  return h('section', { class: `section ${className}` }, h('h3', { class: 'section__title' }, title), ...children);
}

/**
 * A definition list of the facts that are present; absent values are left out, not shown as
 * blanks. A wide fact (a list of rules, say) takes a whole line of the grid.
 */
export function facts(rows: Array<[label: string, value: Child | undefined, wide?: boolean]>): HTMLElement {
  const list = h('dl', { class: 'facts' });
  for (const [label, value, wide] of rows) {
    if (value == null || value === false || value === '') continue;
    list.append(h('div', { class: wide ? 'facts__row facts__row--wide' : 'facts__row' }, h('dt', null, label), h('dd', null, value)));
  }
  return list;
}

export function chip(text: string, tone: Tone = 'neutral'): HTMLElement {
  return h('span', { class: `chip chip--${tone}` }, text);
}

/** Code text; long dotted or snake_case names may break after their dots and underscores. */
export function code(text: string): HTMLElement {
  const element = h('code');
  text.split(/(?<=[._])/).forEach((part, index) => {
    if (index > 0) element.append(h('wbr'));
    element.append(part);
  });
  return element;
}

/** A coloured box with a heading line, for verdicts, failures and rollbacks. */
export function callout(tone: Tone, heading: string, ...children: Child[]): HTMLElement {
  return h(
    'div',
    { class: `callout callout--${tone}`, role: tone === 'danger' ? 'alert' : 'status' },
    h('div', { class: 'callout__heading' }, h('span', { class: 'callout__icon', 'aria-hidden': 'true' }, icon(tone)), heading),
    ...children,
  );
}

function icon(tone: Tone): string {
  switch (tone) {
    case 'success':
      return '✓';
    case 'danger':
      return '✕';
    case 'warning':
      return '!';
    default:
      return 'i';
  }
}

export function table(headers: string[], rows: Child[][], className = ''): HTMLElement {
  return h(
    'table',
    { class: `grid ${className}`.trim() },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((header) => h('th', { scope: 'col' }, header)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((cells) =>
        h(
          'tr',
          null,
          cells.map((cell) => h('td', null, cell)),
        ),
      ),
    ),
  );
}

export function yesNo(value: boolean | undefined): string | undefined {
  return value == null ? undefined : value ? 'yes' : 'no';
}
