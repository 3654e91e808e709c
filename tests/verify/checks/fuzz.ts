/**
 * Check 3, input fuzzing: fast-check builds runs whose inputs are valid except one to three,
 * which get invalid or edge-case values: from task.json (wrong values for booleans and pick
 * lists), the common inputs (URL, retry budget, empty connection), the task's own invalid
 * values, and for name inputs generated unicode, very long and `##vso[` injection strings.
 * Every run must fail naming a corrupted input (`Input '<name>'`), without an unhandled
 * exception or stack trace, without echoing an injected command, and without any request to
 * the workspace.
 */
import fc from 'fast-check';
import { leakedException, writes } from '../judge';
import { mapLimit } from '../pool';
import { runCase, type CaseOutcome, type Report } from '../report';
import type { FuzzSpec, VerifyOptions } from '../types';
import type { PackagedTask, PackagedTasks } from '../vsix';
import { outcome, withWorld } from '../world';

/** The variable an injected `##vso[task.setvariable]` would set: it must never be set. */
const INJECTED = 'VERIFY_INJECTED';

export const COMMON_INVALID: Record<string, readonly string[]> = {
  workspaceUrl: ['http://adb-1.2.azuredatabricks.net', 'https://adb-1.2.azuredatabricks.net/some/path', 'not a url', 'https://host?x=1'],
  retryBudgetSeconds: ['9', '3601', '-1', '30.5', 'forever'],
  azureSubscription: [''],
};

/** Generators of an invalid value for each input that has some. */
function invalidGenerators(task: PackagedTask, spec: FuzzSpec): Map<string, fc.Arbitrary<string>> {
  const gens = new Map<string, fc.Arbitrary<string>>();
  const add = (name: string, arb: fc.Arbitrary<string>) => gens.set(name, gens.has(name) ? fc.oneof(gens.get(name)!, arb) : arb);
  for (const input of task.inputs) {
    if (input.type === 'boolean') add(input.name, fc.constantFrom('yes', 'no', '1', '0', 'on', 'TRUE!', 'tru'));
    if (input.type === 'pickList' && input.options && Object.keys(input.options).length) {
      const options = Object.keys(input.options).map((o) => o.toLowerCase());
      add(
        input.name,
        fc.string({ minLength: 1, maxLength: 12 }).filter((v) => v.trim() !== '' && !options.includes(v.trim().toLowerCase())),
      );
    }
  }
  for (const [name, values] of [...Object.entries(COMMON_INVALID), ...Object.entries(spec.invalid)]) if (values.length) add(name, fc.constantFrom(...values));
  const hostile = fc.oneof(
    fc.constant(`##vso[task.setvariable variable=${INJECTED}]pwned`),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }).map((s) => `mödel ${s}`),
    fc.integer({ min: 300, max: 20_000 }).map((n) => `${'a'.repeat(n)}[x]`),
    fc.constantFrom('\u202Eevil', 'emoji_🚀', 'tab\there', 'new\nline'),
  );
  for (const name of spec.names) add(name, hostile);
  return gens;
}

export interface FuzzCase {
  corrupted: Record<string, string>;
}

export function fuzzCases(task: PackagedTask, spec: FuzzSpec, opts: Pick<VerifyOptions, 'fast' | 'seed'>): FuzzCase[] {
  const gens = invalidGenerators(task, spec);
  const names = [...gens.keys()];
  const arb = fc
    .uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 3 })
    .chain((chosen) => fc.tuple(...chosen.map((n) => gens.get(n)!.map((v) => [n, v] as const))))
    // An environment variable cannot hold NUL: the agent could not pass one either.
    .map((pairs) => ({ corrupted: Object.fromEntries(pairs.map(([n, v]) => [n, v.replace(/\0/g, '')])) }));
  return fc.sample(arb, { numRuns: opts.fast ? 5 : 15, seed: opts.seed });
}

export async function fuzzCheck(pkg: PackagedTasks, specs: FuzzSpec[], opts: VerifyOptions, timeScale: number, report: Report): Promise<void> {
  const all = specs.flatMap((spec) => {
    const task = pkg.tasks.get(spec.task);
    return task ? fuzzCases(task, spec, opts).map((c) => ({ spec, c })) : [];
  });
  await mapLimit(all, opts.concurrency, ({ spec, c }) =>
    runCase(report, 'fuzz', spec.task, caseLabel(c), () =>
      withWorld(pkg, timeScale, async (world): Promise<CaseOutcome> => {
        const run = await world.run(spec.task, { ...spec.base(world.cloud), ...c.corrupted });
        const problems: string[] = [];
        if (run.result !== 'Failed') problems.push(`ended ${outcome(run)}`);
        const named = Object.keys(c.corrupted).filter((n) => (run.resultMessage ?? '').includes(`Input '${n}'`));
        if (run.result === 'Failed' && !named.length) problems.push(`message names none of the corrupted inputs: ${outcome(run)}`);
        const leak = leakedException(run);
        if (leak) problems.push(leak);
        if (injectedCommandLine(run.stdout)) problems.push('an injected ##vso command reached the agent');
        if (run.commands.filter((cmd) => `${cmd.area}.${cmd.event}`.toLowerCase() === 'task.complete').length > 1) problems.push('more than one task.complete');
        const requests = world.cloud.workspace.requests;
        if (writes(requests).length) problems.push(`${writes(requests).length} write request(s)`);
        else if (requests.length) problems.push(`${requests.length} request(s) before the inputs were validated`);
        return problems.length ? { ok: false, detail: problems.join('; ') } : { ok: true, detail: `Failed naming ${named.join(', ')}, no request` };
      }),
    ),
  );
}

/**
 * Whether a stdout line would make the agent run the injected command: the agent takes the first
 * `##vso[` of a line wherever it is, so an echoed value is only harmless inside another command.
 */
export function injectedCommandLine(stdout: string): boolean {
  return stdout.split(/\r?\n/).some((line) => {
    const at = line.indexOf('##vso[');
    return at >= 0 && line.slice(at).startsWith(`##vso[task.setvariable variable=${INJECTED}`);
  });
}

/** The corrupted inputs, values shortened and made printable. */
function caseLabel(c: FuzzCase): string {
  return Object.entries(c.corrupted)
    .map(([k, v]) => `${k}=${JSON.stringify(v.length > 40 ? `${v.slice(0, 24)}…(${v.length} chars)` : v)}`)
    .join(' ');
}
