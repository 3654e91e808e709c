/**
 * The tasks' fixed printed messages (shared/runtime/messages.ts): declared once, in
 * shared/runtime/messages.json (the shared runtime's) and tasks/<TaskName>/messages.json (each
 * task's own), and printed through message(key, ...args). Read from the sources: every key a
 * call uses is declared in the catalog the file imports, every declared key is used, every
 * call passes as many arguments as its text has %s placeholders, and packaging merges each
 * task's catalog with the shared one without a key declared twice. The packaged task.json
 * `messages` and resources.resjson are checked in tests/package/vsix.test.ts.
 *
 * The input-validation sentences (shared/runtime/rules/messages.ts) are a third, shared catalog,
 * shared/runtime/rules/messages.json, used through ruleMessage(key, ...args) (formatted now) and
 * ruleText(key, ...args) (formatted when the rule is broken) anywhere in shared/ and tasks/: the
 * same checks hold for it, and packaging merges it into every task.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/repo';
import { TASK_NAMES } from './manifestFiles';
import type * as LocalizeModule from '../../../scripts/localize.mjs' with { 'resolution-mode': 'import' };

const root = repoRoot();

type Catalog = Record<string, string>;

interface Call {
  file: string;
  line: number;
  keys: string[];
  args: number;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The text from `open` (an opening parenthesis) to its closing one, strings and templates skipped. */
function argumentText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = skipString(text, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  throw new Error('unbalanced parentheses');
}

/** Index of the closing quote of the string starting at `start` (templates: `${…}` skipped whole). */
function skipString(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') i++;
    else if (c === quote) return i;
    else if (quote === '`' && c === '$' && text[i + 1] === '{') i = start + argumentText(text.slice(start), i + 1 - start).length + (i + 1 - start) + 1;
  }
  throw new Error('unterminated string');
}

/** Top-level comma-separated parts of an argument list. */
function splitArguments(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (c === "'" || c === '"' || c === '`') i = skipString(args, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(args.slice(from, i));
      from = i + 1;
    }
  }
  if (args.slice(from).trim() !== '') parts.push(args.slice(from));
  return parts;
}

/** Every `message(…)` call (or `fn(…)`) of a file: the keys named in its first argument and how many arguments follow. */
function calls(file: string, fn = 'message'): Call[] {
  const text = readFileSync(file, 'utf8');
  const out: Call[] = [];
  for (const m of text.matchAll(new RegExp(`(?<![.\\w])${fn}\\(`, 'g'))) {
    const before = text.slice(Math.max(0, m.index - 30), m.index);
    const lineStart = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index);
    if (/(function|const|let)\s+$/.test(before) || /^\s*(\*|\/\/|\/\*)|\/\//.test(lineStart)) continue; // a declaration, or a comment
    const parts = splitArguments(argumentText(text, m.index + fn.length));
    // Keys are PascalCase (checked below): other literals in the first argument are the values a key is chosen by.
    const keys = [...(parts[0] ?? '').matchAll(/'([A-Z][A-Za-z0-9]*)'/g)].map((k) => k[1]!);
    out.push({ file: relative(root, file), line: text.slice(0, m.index).split('\n').length, keys, args: parts.length - 1 });
  }
  // The Node-version guard's own lookup (shared/runtime/nodeVersion.ts, no tl.loc in the banner):
  // guardMessage('Key', Key, strings, [args]), the English being the catalog's text of that key.
  for (const m of text.matchAll(/(?<![.\w])guardMessage\(/g)) {
    if (/function\s+$/.test(text.slice(Math.max(0, m.index - 30), m.index))) continue;
    const parts = splitArguments(argumentText(text, m.index + 'guardMessage'.length)).map((p) => p.trim());
    const key = /^'([A-Z][A-Za-z0-9]*)'$/.exec(parts[0] ?? '')?.[1];
    const list = parts[3] ?? '';
    const args = list.startsWith('[') && list.endsWith(']') ? splitArguments(list.slice(1, -1)).length : -1;
    out.push({ file: relative(root, file), line: text.slice(0, m.index).split('\n').length, keys: key && parts[1] === key ? [key] : [], args });
  }
  return out;
}

/** Which catalog a file's message() is: the task's own (./messages, ../messages) or the shared runtime's. */
function catalogOf(file: string): 'shared' | 'task' | undefined {
  const text = readFileSync(file, 'utf8');
  const from = /import \{[^}]*\bmessage\b[^}]*\} from '([^']+)'/.exec(text)?.[1];
  // messages.ts itself, and the Node guard (nodeVersion.ts), which imports its texts from the JSON.
  if (from === undefined) return dirname(file) === join(root, 'shared', 'runtime') && /from '\.\/messages\.json'/.test(text) ? 'shared' : undefined;
  if (from.startsWith('.') && join(dirname(file), from) === join(root, 'shared', 'runtime', 'messages')) return 'shared';
  return /^(\.\.?\/)+messages$/.test(from) ? 'task' : undefined;
}

/** `%s` placeholders; `%%` is a literal percent sign (util.format, which tl.loc uses too). */
const placeholders = (text: string) => text.replace(/%%/g, '').split('%s').length - 1;
const read = (path: string): Catalog => JSON.parse(readFileSync(join(root, path), 'utf8')) as Catalog;

const RULES = 'shared/runtime/rules/messages.json';
const RULES_MODULE = join(root, 'shared', 'runtime', 'rules', 'messages');
/** The functions of the rule catalog (shared/runtime/rules/messages.ts) that take a key. */
const RULE_FUNCTIONS = ['ruleMessage', 'ruleText'];

/** Whether a file takes `fn` from the rule catalog's module. */
function importsRuleFunction(file: string, fn: string): boolean {
  const text = readFileSync(file, 'utf8');
  const from = new RegExp(`import \\{[^}]*\\b${fn}\\b[^}]*\\} from '([^']+)'`).exec(text)?.[1];
  return from !== undefined && resolve(dirname(file), from) === RULES_MODULE;
}

/** Whether a file declares input rules or validation errors (it imports the rule machinery or its sentences). */
function declaresRules(file: string): boolean {
  return [...readFileSync(file, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].some((m) =>
    [RULES_MODULE, join(root, 'shared', 'runtime', 'rules', 'core')].includes(resolve(dirname(file), m[1]!)),
  );
}

describe('input-validation sentences (shared/runtime/rules/messages.json): one declaration each, all used, arguments for every %s', () => {
  const catalog = read(RULES);
  const files = [sources(join(root, 'shared')), ...TASK_NAMES.map((task) => sources(join(root, 'tasks', task, 'src')))].flat().filter((f) => f !== `${RULES_MODULE}.ts`);
  const used = new Set<string>();
  const ruleCalls = files.flatMap((file) => RULE_FUNCTIONS.flatMap((fn) => (importsRuleFunction(file, fn) ? calls(file, fn) : [])));

  it('every ruleMessage / ruleText call names declared keys and passes one argument per %s', () => {
    const problems: string[] = [];
    for (const call of ruleCalls) {
      const where = `${call.file}:${call.line}`;
      if (call.keys.length === 0) problems.push(`${where}: the key is not a string literal`);
      for (const key of call.keys) {
        used.add(key);
        if (!(key in catalog)) problems.push(`${where}: ${key} is not declared in ${RULES}`);
        else if (placeholders(catalog[key]!) !== call.args) problems.push(`${where}: ${key} has ${placeholders(catalog[key]!)} %s, the call passes ${call.args} argument(s)`);
      }
    }
    assert.deepEqual(problems, []);
    // The rules, the input errors, the settings file, the cross-field rules and the custom-metrics file all use it.
    for (const part of [
      'rules/generic.ts',
      'inputError.ts',
      'config/load.ts',
      'commonParameters.ts',
      'metricRules.ts',
      'customMetrics.ts',
      'DatabricksDeployServing/src/parameters.ts',
    ]) {
      assert.ok(
        ruleCalls.some((c) => c.file.endsWith(part)),
        part,
      );
    }
  });

  it('every declared sentence is used somewhere', () => {
    assert.deepEqual(
      Object.keys(catalog).filter((key) => !used.has(key)),
      [],
      `${RULES}: declared but never used`,
    );
  });

  it('keys are PascalCase names and texts are non-empty single-line strings with %s placeholders only', () => {
    for (const [key, text] of Object.entries(catalog)) {
      assert.match(key, /^[A-Z][A-Za-z0-9]*$/, key);
      assert.ok(typeof text === 'string' && text.trim() !== '' && !/[\r\n]/.test(text), key);
      assert.doesNotMatch(text.replace(/%%/g, ''), /%(?!s)/, `${key} uses a placeholder other than %s (a percent sign is %%)`);
      if (text.includes('%%')) assert.ok(placeholders(text) > 0, `${key} has %% but no %s`);
    }
  });

  it('no rule sentence is left as a literal where a rule is declared (fail, scalar, patternRule, zod error options, cross-field rules)', () => {
    const literal = /\b(?:fail|scalar|patternRule)\(\s*['"`]|\b(?:error|message): ['"`][^'"`]|\brule: ['"`](?:is|must|set|needs|applies|cannot)\b/;
    const problems = files.filter(declaresRules).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(root, file)}:${i + 1}` }))
        .filter(({ line }) => literal.test(line) && !/^\s*(\*|\/\/|\/\*)/.test(line) && !line.includes('doc: {'))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    assert.deepEqual(problems, []);
    assert.ok(files.filter(declaresRules).length >= 15, 'the files declaring rules are found');
  });
});

describe('printed messages: one declaration each, all used, arguments for every %s', () => {
  const shared = read('shared/runtime/messages.json');
  const scopes: Array<{ name: string; catalog: Catalog; files: string[] }> = [
    { name: 'shared/runtime/messages.json', catalog: shared, files: sources(join(root, 'shared')) },
    ...TASK_NAMES.map((task) => ({ name: `tasks/${task}/messages.json`, catalog: read(`tasks/${task}/messages.json`), files: sources(join(root, 'tasks', task, 'src')) })),
  ];
  const allFiles = scopes.flatMap((s) => s.files);
  const used = new Map<string, Set<string>>(scopes.map((s) => [s.name, new Set()]));

  it('every call names declared keys of its catalog and passes one argument per %s', () => {
    const problems: string[] = [];
    for (const scope of scopes) {
      for (const file of scope.files) {
        const kind = catalogOf(file);
        for (const call of calls(file)) {
          const where = `${call.file}:${call.line}`;
          if (kind === undefined) {
            problems.push(`${where}: message() without an import from a messages module`);
            continue;
          }
          const name = kind === 'shared' ? 'shared/runtime/messages.json' : scope.name;
          const catalog = kind === 'shared' ? shared : scope.catalog;
          if (call.keys.length === 0) problems.push(`${where}: the key is not a string literal`);
          for (const key of call.keys) {
            used.get(name)!.add(key);
            if (!(key in catalog)) problems.push(`${where}: ${key} is not declared in ${name}`);
            else if (placeholders(catalog[key]!) !== call.args) problems.push(`${where}: ${key} has ${placeholders(catalog[key]!)} %s, the call passes ${call.args} argument(s)`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(allFiles.some((f) => calls(f).length > 0));
  });

  it('every declared message is printed somewhere', () => {
    for (const scope of scopes) {
      const unused = Object.keys(scope.catalog).filter((key) => !used.get(scope.name)!.has(key));
      assert.deepEqual(unused, [], `${scope.name}: declared but never used`);
    }
  });

  it('keys are PascalCase names and texts are non-empty single-line strings with %s placeholders only (%% for a percent sign)', () => {
    for (const scope of scopes) {
      for (const [key, text] of Object.entries(scope.catalog)) {
        assert.match(key, /^[A-Z][A-Za-z0-9]*$/, `${scope.name}: ${key}`);
        assert.ok(typeof text === 'string' && text.trim() !== '' && !/[\r\n]/.test(text), `${scope.name}: ${key}`);
        assert.doesNotMatch(text.replace(/%%/g, ''), /%(?!s)/, `${scope.name}: ${key} uses a placeholder other than %s (a percent sign is %%)`);
        // tl.loc formats only when arguments are given: a %% in a message without %s would print as %%.
        if (text.includes('%%')) assert.ok(placeholders(text) > 0, `${scope.name}: ${key} has %% but no %s`);
      }
    }
  });

  it('no message is looked up while a module loads (in the bundle that runs before useTaskStrings: it would print English)', () => {
    // A fresh process loads every compiled module of shared/ and the tasks (not the entries, which run the task)
    // with util.format watched: messages.ts formats every message through it outside the packaged layout.
    const script = `
      const util = require('node:util'); const format = util.format; const hits = []; let loading = true;
      util.format = function (...a) { if (loading && new Error().stack.includes('messages.js')) hits.push(String(a[0]).slice(0, 80)); return format.apply(this, a); };
      const { readdirSync, statSync } = require('node:fs'); const { join } = require('node:path');
      const walk = (d) => readdirSync(d).flatMap((n) => { const p = join(d, n); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') && !p.endsWith('index.js') && !p.endsWith('nodeGuardEntry.js') ? [p] : []; });
      const out = process.argv[1];
      const files = [...walk(join(out, 'shared')), ...readdirSync(join(out, 'tasks')).flatMap((t) => walk(join(out, 'tasks', t, 'src')))];
      for (const f of files) require(f);
      loading = false;
      process.stdout.write(JSON.stringify({ modules: files.length, hits }));`;
    const child = spawnSync(process.execPath, ['-e', script, join(root, 'out')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(child.status, 0, child.stderr);
    const { modules, hits } = JSON.parse(child.stdout.slice(child.stdout.lastIndexOf('{"modules"'))) as { modules: number; hits: string[] };
    assert.ok(modules > 100, `${modules} modules loaded`);
    assert.deepEqual(hits, []);
  });

  describe('packaging merges the catalogs (scripts/localize.mjs taskMessages)', () => {
    let l: typeof LocalizeModule;
    before(async () => {
      l = (await import(pathToFileURL(join(root, 'scripts', 'localize.mjs')).href)) as typeof LocalizeModule;
    });

    it('the shared catalogs are the printed messages and the input-validation sentences', () => {
      assert.deepEqual(l.SHARED_CATALOGS, ['shared/runtime/messages.json', RULES]);
      assert.deepEqual(l.sharedMessages(), { 'shared/runtime/messages.json': shared, [RULES]: read(RULES) });
    });

    it("each task's packaged messages are every shared catalog and its own, no key declared twice", () => {
      const rules = read(RULES);
      for (const key of Object.keys(rules)) assert.ok(!(key in shared), `${key} is in both shared catalogs`);
      for (const task of TASK_NAMES) {
        const json = JSON.parse(readFileSync(join(root, 'tasks', task, 'task.json'), 'utf8')) as { messages?: Catalog };
        const merged = l.taskMessages(task, json.messages);
        assert.deepEqual(merged, { ...shared, ...rules, ...read(`tasks/${task}/messages.json`) }, task);
        for (const key of Object.keys(read(`tasks/${task}/messages.json`))) assert.ok(!(key in shared) && !(key in rules), `${task}: ${key} is also a shared message`);
      }
    });

    it('refuses a key declared twice across all catalogs, naming both places', () => {
      const task = TASK_NAMES[0];
      const own = Object.keys(read(`tasks/${task}/messages.json`))[0]!;
      const catalogs = l.sharedMessages();
      assert.throws(
        () => l.taskMessages(task, undefined, { 'shared/runtime/messages.json': { [own]: 'x' } }),
        new RegExp(`tasks/${task}/messages\\.json declares message ${own}, which shared/runtime/messages\\.json declares`),
      );
      assert.throws(
        () => l.taskMessages(task, { JobTimeoutWarning: 'x' }, catalogs),
        /shared\/runtime\/messages\.json declares message JobTimeoutWarning, which tasks\/.*\/task\.json declares/,
      );
      // A rule sentence declared again: in the task's own catalog, or in the other shared catalog.
      assert.throws(
        () => l.taskMessages(task, undefined, { ...catalogs, [RULES]: { ...catalogs[RULES], [own]: 'x' } }),
        new RegExp(`tasks/${task}/messages\\.json declares message ${own}, which shared/runtime/rules/messages\\.json declares`),
      );
      assert.throws(
        () => l.taskMessages(task, undefined, { ...catalogs, 'shared/runtime/messages.json': { ...shared, Required: 'x' } }),
        /shared\/runtime\/rules\/messages\.json declares message Required, which shared\/runtime\/messages\.json declares/,
      );
    });
  });
});
