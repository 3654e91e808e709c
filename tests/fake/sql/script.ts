/**
 * SQL files and SQL scripting, as a Jobs SQL task runs a workspace SQL file
 * (https://learn.microsoft.com/azure/databricks/jobs/tasks/sql): the file's statements run in
 * order, separated by `;`, and a statement may be a compound statement of SQL scripting
 * (https://learn.microsoft.com/azure/databricks/sql/language-manual/sql-ref-scripting):
 *
 *   BEGIN <statement>; … END;
 *   IF <condition> THEN <statement>; … [ELSEIF <condition> THEN …] [ELSE …] END IF;
 *
 * Each plain statement runs on the fake's SQL engine (so it is translated and really executed);
 * a condition is evaluated as `SELECT CASE WHEN (<condition>) THEN 1 ELSE 0 END`, NULL being false as
 * in Databricks. The other scripting statements (DECLARE, SET VAR, CASE, WHILE, REPEAT, LOOP, FOR,
 * LEAVE, ITERATE, SIGNAL, handlers) are refused with an error naming them, never skipped.
 */
import { SqlExecutionError, type SqlResult } from './engine';
import { tokenize, type Token } from './translate';

export type ScriptNode =
  { kind: 'statement'; sql: string } | { kind: 'block'; body: ScriptNode[] } | { kind: 'if'; branches: Array<{ condition: string; body: ScriptNode[] }>; otherwise?: ScriptNode[] };

/** Scripting statements the fake does not run: refused rather than misread as plain SQL. */
const UNSUPPORTED = new Set(['declare', 'case', 'while', 'repeat', 'loop', 'for', 'leave', 'iterate', 'signal', 'resignal']);

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  /** Statements until one of `terminators` starts a statement (not consumed), or the end of the text. */
  list(terminators: readonly string[]): ScriptNode[] {
    const nodes: ScriptNode[] = [];
    for (;;) {
      this.skipBlankAndSemicolons();
      const t = this.tokens[this.i];
      if (t === undefined) {
        if (terminators.length > 0) throw syntax(`expected ${terminators.map((w) => w.toUpperCase()).join(' or ')} before the end of the script`);
        return nodes;
      }
      const word = t.kind === 'word' ? t.text.toLowerCase() : undefined;
      if (word !== undefined && terminators.includes(word)) return nodes;
      if (word === 'begin') nodes.push(this.block());
      else if (word === 'if') nodes.push(this.ifStatement());
      else if (word !== undefined && UNSUPPORTED.has(word)) throw syntax(`the fake does not run the SQL scripting statement ${word.toUpperCase()}`);
      else if (word === 'end' || word === 'else' || word === 'elseif' || word === 'then') throw syntax(`unexpected ${word.toUpperCase()}`);
      else nodes.push({ kind: 'statement', sql: this.statementText() });
    }
  }

  private block(): ScriptNode {
    this.expectWord('begin');
    const body = this.list(['end']);
    this.expectWord('end');
    this.endOfStatement();
    return { kind: 'block', body };
  }

  private ifStatement(): ScriptNode {
    this.expectWord('if');
    const branches: Array<{ condition: string; body: ScriptNode[] }> = [];
    let otherwise: ScriptNode[] | undefined;
    for (;;) {
      const condition = this.condition();
      branches.push({ condition, body: this.list(['elseif', 'else', 'end']) });
      if (this.peekWord() !== 'elseif') break;
      this.expectWord('elseif');
    }
    if (this.peekWord() === 'else') {
      this.expectWord('else');
      otherwise = this.list(['end']);
    }
    this.expectWord('end');
    this.expectWord('if');
    this.endOfStatement();
    return { kind: 'if', branches, otherwise };
  }

  /** The condition text up to its THEN (not inside parentheses or a CASE expression); consumes THEN. */
  private condition(): string {
    const from = this.i;
    let depth = 0;
    let cases = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const t = this.tokens[this.i]!;
      const word = t.kind === 'word' ? t.text.toLowerCase() : undefined;
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')') depth--;
      else if (word === 'case') cases++;
      else if (word === 'end' && cases > 0) cases--;
      else if (word === 'then' && depth === 0 && cases === 0) {
        const condition = this.slice(from, this.i).trim();
        this.i++;
        if (condition === '') throw syntax('IF needs a condition before THEN');
        return condition;
      }
    }
    throw syntax('IF without THEN');
  }

  /** A plain statement's text, up to its `;` at parenthesis depth 0 (consumed) or the end. */
  private statementText(): string {
    const from = this.i;
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const t = this.tokens[this.i]!;
      if (t.kind !== 'punct') continue;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      else if (t.text === ';' && depth === 0) {
        const sql = this.slice(from, this.i);
        this.i++;
        return sql.trim();
      }
    }
    return this.slice(from, this.i).trim();
  }

  private endOfStatement(): void {
    this.skipBlank();
    const t = this.tokens[this.i];
    if (t === undefined) return;
    if (t.kind === 'punct' && t.text === ';') {
      this.i++;
      return;
    }
    throw syntax(`expected ; after END, got ${t.text}`);
  }

  private peekWord(): string | undefined {
    this.skipBlank();
    const t = this.tokens[this.i];
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  }

  private expectWord(word: string): void {
    if (this.peekWord() !== word) throw syntax(`expected ${word.toUpperCase()}, got ${this.tokens[this.i]?.text ?? 'the end of the script'}`);
    this.i++;
  }

  private skipBlank(): void {
    while (this.i < this.tokens.length && (this.tokens[this.i]!.kind === 'space' || this.tokens[this.i]!.kind === 'comment')) this.i++;
  }

  private skipBlankAndSemicolons(): void {
    for (;;) {
      this.skipBlank();
      const t = this.tokens[this.i];
      if (t?.kind === 'punct' && t.text === ';') this.i++;
      else return;
    }
  }

  /** The original text of tokens [from, to): string literals and quoted names exactly as written. */
  private slice(from: number, to: number): string {
    if (from >= to) return '';
    return this.text.slice(this.tokens[from]!.start, this.tokens[to - 1]!.end);
  }
}

function syntax(message: string): SqlExecutionError {
  return new SqlExecutionError(message, 'PARSE_SYNTAX_ERROR', '42601');
}

/** The statements of a SQL file, compound statements as trees. */
export function parseScript(text: string): ScriptNode[] {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    throw syntax((e as Error).message);
  }
  return new Parser(text, tokens).list([]);
}

/**
 * Runs a SQL file: every statement through `execute` (the fake's SQL engine), in order; the first
 * failure stops it and is thrown. Answers the result of the last statement run.
 */
export async function runScript(text: string, execute: (sql: string) => Promise<SqlResult>): Promise<SqlResult | undefined> {
  let last: SqlResult | undefined;
  const run = async (nodes: readonly ScriptNode[]): Promise<void> => {
    for (const node of nodes) {
      if (node.kind === 'statement') last = await execute(node.sql);
      else if (node.kind === 'block') await run(node.body);
      else {
        let taken = false;
        for (const branch of node.branches) {
          const answer = await execute(`SELECT CASE WHEN (${branch.condition}) THEN 1 ELSE 0 END`);
          if (answer.rows[0]?.[0] === '1') {
            await run(branch.body);
            taken = true;
            break;
          }
        }
        if (!taken && node.otherwise) await run(node.otherwise);
      }
    }
  };
  await run(parseScript(text));
  return last;
}
