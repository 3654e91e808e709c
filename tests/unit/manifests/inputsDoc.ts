/**
 * Reads docs/INPUTS.md, the single list of task inputs that the task.json files and the
 * Parameters modules both follow, so the manifest tests can hold every task.json to it:
 * input names, types, pick-list values, defaults, visible rules, groups and outputs.
 *
 * The document's shape: a "## Common to all four tasks (group `connection`, …)" section and
 * one "## <TaskName>" section per task, each with a Markdown table whose header names the
 * columns (input, type, default, [visibleRule,] rule), plus "Groups: `a`, `b` (Label), …"
 * and "Outputs: `x`, `y`, …" lines in the task sections.
 */

/** What a default cell says: no default, the input is required, a literal, or a value the
 * task computes at run time (described in words, so task.json must leave it empty). */
export type DocDefault = { kind: 'none' } | { kind: 'required' } | { kind: 'literal'; value: string } | { kind: 'computed'; text: string };

export interface DocInput {
  name: string;
  /** task.json input type: string, multiLine, boolean, filePath, pickList, connectedService:… */
  type: string;
  /** Fixed pick-list values, when the document lists them. */
  options?: string[];
  default: DocDefault;
  visibleRule?: string;
  /** The group named in an "(added, group x)" note, else the section's default group. */
  group?: string;
}

export interface DocSection {
  inputs: DocInput[];
  groups: { name: string; displayName?: string }[];
  outputs: string[];
}

export interface InputsDoc {
  common: DocSection;
  tasks: Map<string, DocSection>;
}

function cells(line: string): string[] {
  // Only the leading columns are used; a "|" inside the last (rule) column cannot shift them.
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

function unquote(text: string): string {
  return text.replace(/`/g, '').trim();
}

function parseType(cell: string): Pick<DocInput, 'type' | 'options'> {
  if (cell.startsWith('pickList')) {
    const values = cell
      .slice('pickList'.length)
      .split('/')
      .map(unquote)
      .filter((value) => value !== '');
    return { type: 'pickList', options: values };
  }
  if (/\(pickList\b/.test(cell)) return { type: 'pickList' };
  return { type: cell.split(/\s+/)[0] };
}

function parseDefault(cell: string): DocDefault {
  if (cell === '') return { kind: 'none' };
  if (cell === 'required') return { kind: 'required' };
  // Required, but the value may come from the settings file: not `required` in task.json.
  if (cell === 'required (task or configFile)') return { kind: 'none' };
  const single = /^`([^`]*)`$/.exec(cell);
  if (single) {
    // `<model>-<version>` and `/Workspace/…/<table>` are templates the task fills in.
    return /<[^>]+>/.test(single[1]) ? { kind: 'computed', text: cell } : { kind: 'literal', value: single[1] };
  }
  return cell.includes('`') ? { kind: 'computed', text: cell } : { kind: 'literal', value: cell };
}

function parseInputCell(cell: string): { name: string; group?: string } {
  const name = /^`([A-Za-z][A-Za-z0-9]*)`/.exec(cell);
  if (!name) throw new Error(`INPUTS.md: cannot read the input name in "${cell}"`);
  const group = /group\s+`?([A-Za-z]+)`?/.exec(cell.slice(name[0].length));
  return { name: name[1], group: group?.[1] };
}

function backticked(line: string): string[] {
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

export function parseInputsDoc(markdown: string): InputsDoc {
  const sections = new Map<string, DocSection>();
  let current: DocSection | undefined;
  let defaultGroup: string | undefined;
  let header: string[] | undefined;

  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      const title = heading[1];
      const key = title.startsWith('Common') ? 'common' : title.split(/\s+/)[0];
      current = { inputs: [], groups: [], outputs: [] };
      sections.set(key, current);
      defaultGroup = /\(group\s+`([A-Za-z]+)`/.exec(title)?.[1];
      header = undefined;
      continue;
    }
    if (!current) continue;
    if (line.startsWith('Groups:')) {
      for (const match of line.matchAll(/`([A-Za-z]+)`(?:\s*\(([^)]*)\))?/g)) {
        current.groups.push({ name: match[1], displayName: match[2] });
      }
      continue;
    }
    if (line.startsWith('Outputs:')) {
      current.outputs.push(...backticked(line));
      continue;
    }
    if (!line.trim().startsWith('|')) {
      header = undefined;
      continue;
    }
    const row = cells(line);
    if (header === undefined) {
      header = row;
      continue;
    }
    if (row.every((cell) => /^:?-+:?$/.test(cell))) continue;
    const column = (name: string): string => {
      const index = header!.indexOf(name);
      return index < 0 ? '' : (row[index] ?? '');
    };
    const { name, group } = parseInputCell(column('input'));
    const visibleRule = column('visibleRule');
    current.inputs.push({
      name,
      ...parseType(column('type')),
      default: parseDefault(column('default')),
      visibleRule: visibleRule === '' ? undefined : visibleRule,
      group: group ?? defaultGroup,
    });
  }

  const common = sections.get('common');
  if (!common) throw new Error('INPUTS.md: no "Common to all four tasks" section');
  sections.delete('common');
  return { common, tasks: sections };
}
