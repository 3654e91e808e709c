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
  const longest = Math.max(0, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}diff`, ...body, fence];
}
