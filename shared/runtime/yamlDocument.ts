/**
 * A YAML (or JSON) file loaded with positions: its syntax errors with line and column, its
 * value, and the line of any path inside it, so a value that breaks a rule is reported at its
 * place in the file. Used by the settings file and by CreateMonitor's custom metrics file.
 */
import type { Document, LineCounter } from 'yaml';
import { yaml } from './yaml';

export type Segment = string | number;

/** A value as YAML gives it: a scalar, a list or a mapping (the settings file's typed values). */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue };

export interface YamlSyntaxError {
  /** The parser's message (its first line is the sentence). */
  message: string;
  line: number;
  column: number;
}

export class YamlDocument {
  private constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  static parse(text: string): YamlDocument {
    const { LineCounter: Lines, parseDocument } = yaml();
    const lineCounter = new Lines();
    return new YamlDocument(parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter);
  }

  get syntaxErrors(): YamlSyntaxError[] {
    return this.doc.errors.map((error) => {
      const { line, col } = this.lineCounter.linePos(error.pos[0]);
      return { message: error.message, line, column: col };
    });
  }

  /** The value; throws (e.g. too many aliases) when it cannot be built. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /**
   * The line of the value at `path` (`key`: of its key). `orParent`: a missing value (e.g. a
   * required key) is placed at its nearest parent.
   */
  lineOf(path: readonly Segment[], options: { key?: boolean; orParent?: boolean } = {}): number | undefined {
    const offset = options.key ? this.keyOffset(path, options.orParent ?? false) : this.valueOffset(path, options.orParent ?? false);
    return offset === undefined ? undefined : this.lineCounter.linePos(offset).line;
  }

  private valueOffset(path: readonly Segment[], orParent: boolean): number | undefined {
    for (let length = path.length; length >= (orParent ? 0 : path.length); length--) {
      const node: unknown = this.doc.getIn(path.slice(0, length), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return range[0];
    }
    return undefined;
  }

  private keyOffset(path: readonly Segment[], orParent: boolean): number | undefined {
    const parent: unknown = this.doc.getIn(path.slice(0, -1), true);
    const last = String(path[path.length - 1]);
    const { isMap, isScalar } = yaml();
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range) return range[0];
    }
    return orParent ? this.valueOffset(path.slice(0, -1), true) : undefined;
  }
}

/** A document path as the messages show it: `environments.dev.serving[0]`, `[0].type`. */
export function formatPath(path: readonly Segment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
