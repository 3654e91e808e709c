/**
 * Markdown for the run summaries. Names, messages and values come from the workspace or the
 * pipeline, so they are escaped before they reach Markdown, and code blocks use a fence longer
 * than any run of backticks inside them (remote text cannot close the block).
 */

/** Inline text: Markdown characters escaped, line breaks flattened (table cells stay cells). */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/([\\|*_`[\]<>#])/g, '\\$1');
}

/** A fenced ```diff block of plan lines, `+`/`-` moved to the start of each line as diff wants. */
export function diffBlock(lines: readonly string[]): string[] {
  const body = lines.map((line) => {
    const trimmed = line.trimStart();
    return /^[+-]/.test(trimmed) ? `${trimmed[0]} ${trimmed.slice(1).trim()}` : line;
  });
  return fenced(body, 'diff');
}

/**
 * The one builder of the run summaries, in the style of @actions/core's `summary`
 * (https://github.com/actions/toolkit/tree/main/packages/core#populating-job-summary): each
 * call adds one block (a heading, a paragraph, a list, a table, a details section, a code
 * block), blocks are separated by a blank line, and `toString()` returns the Markdown. Callers
 * pass Markdown: text from the workspace or the pipeline goes through `escapeMarkdown` first.
 */
export class SummaryBuilder {
  private readonly lines: string[] = [];

  /** `## text` (level 2 unless told). */
  heading(text: string, level: 2 | 3 | 4 = 2): this {
    return this.block([`${'#'.repeat(level)} ${text}`]);
  }

  /** One paragraph (several lines join into it). */
  paragraph(...lines: string[]): this {
    return this.block(lines);
  }

  /** Lines kept as separate lines of one paragraph (two trailing spaces: a Markdown line break). */
  lineBreaks(lines: readonly string[]): this {
    return this.block(lines.map((l) => `${l}  `));
  }

  /** A bulleted list. */
  list(items: readonly string[]): this {
    return this.block(items.map((i) => `- ${i}`));
  }

  /** A table: header cells, rows of cells, and per column `---`, `---:` (right) alignment. */
  table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: ReadonlyArray<'left' | 'right'>): this {
    const sep = header.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
    return this.block([row(header), `|${sep.join('|')}|`, ...rows.map(row)]);
  }

  /** A collapsed section (`<details>`) around Markdown lines. */
  details(label: string, content: readonly string[]): this {
    return this.block([`<details><summary>${label}</summary>`, '', ...content, '</details>']);
  }

  /** A fenced code block whose fence no backtick run inside can close. */
  codeBlock(lines: readonly string[], lang = ''): this {
    return this.block(fenced(lines, lang));
  }

  /** Lines as they are (already a block of Markdown), followed by a blank line. */
  raw(lines: readonly string[]): this {
    return this.block(lines);
  }

  /** Whether nothing was added yet. */
  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  toString(): string {
    return this.lines.join('\n');
  }

  private block(lines: readonly string[]): this {
    if (lines.length === 0) return this;
    this.lines.push(...lines, '');
    return this;
  }
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function fenced(body: readonly string[], lang: string): string[] {
  const longest = Math.max(0, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, ...body, fence];
}
