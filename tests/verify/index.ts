/**
 * `npm run verify`: the reliability suite over the packaged .vsix (issue 8): secret canaries,
 * fault matrix, input fuzzing, idempotency, cancellation and token lifetime (each check states
 * its rules in checks/*.ts; the scenarios per task are in scenarios/*.ts).
 * Prints one line per check case (`PASS|FAIL|SKIP <check> <task> <detail>`) and finally
 * `N passed, M failed`; the exit code is non-zero when anything failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/repo';
import { cancellationCheck } from './checks/cancellation';
import { canaryCheck } from './checks/canaries';
import { faultCheck } from './checks/faults';
import { fuzzCheck } from './checks/fuzz';
import { idempotencyCheck } from './checks/idempotency';
import { tokenLifetimeCheck } from './checks/tokenLifetime';
import { formatLine, type Report } from './report';
import { allScenarios, fuzzSpecs, TASKS } from './scenarios';
import type { CheckResult, Scenario, VerifyOptions } from './types';
import { extractTasks, type PackagedTasks } from './vsix';

/** Task time runs 100× faster: a 60 s rollout takes 0.6 s (the per-attempt timeout keeps a 5 s floor). */
const TIME_SCALE = 0.01;

type CheckRunner = (pkg: PackagedTasks, scenarios: Scenario[], opts: VerifyOptions, report: Report) => Promise<void>;

const CHECKS: Record<string, CheckRunner> = {
  canaries: (pkg, s, o, r) => canaryCheck(pkg, s, o, TIME_SCALE, r),
  faults: (pkg, s, o, r) => faultCheck(pkg, s, o, TIME_SCALE, r),
  fuzz: (pkg, _s, o, r) =>
    fuzzCheck(
      pkg,
      fuzzSpecs.filter((f) => !o.task || f.task === o.task),
      o,
      TIME_SCALE,
      r,
    ),
  idempotency: (pkg, s, o, r) => idempotencyCheck(pkg, s, o, TIME_SCALE, r),
  cancellation: (pkg, s, o, r) => cancellationCheck(pkg, s, o, TIME_SCALE, r),
  tokens: (pkg, _s, o, r) => tokenLifetimeCheck(pkg, o, r),
};

export function parseArgs(argv: readonly string[]): VerifyOptions {
  const root = repoRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const opts: VerifyOptions = { fast: false, vsixPath: join(root, 'dist', `databricks-mlops-${version}.vsix`), concurrency: 2, seed: Date.now() % 100_000 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--fast':
        opts.fast = true;
        break;
      case '--only':
        opts.only = value();
        break;
      case '--task':
        opts.task = value();
        break;
      case '--vsix':
        opts.vsixPath = value();
        break;
      case '--seed':
        opts.seed = Number(value());
        break;
      case '--concurrency':
        opts.concurrency = Number(value());
        break;
      default:
        throw new Error(`unknown argument ${argv[i]} (use --fast, --only <check>, --task <task>, --vsix <file>, --seed <n>, --concurrency <n>)`);
    }
  }
  if (opts.only && !CHECKS[opts.only]) throw new Error(`unknown check '${opts.only}': one of ${Object.keys(CHECKS).join(', ')}`);
  if (opts.task && !(TASKS as readonly string[]).includes(opts.task)) throw new Error(`unknown task '${opts.task}'`);
  if (!Number.isInteger(opts.seed) || !(opts.concurrency >= 1)) throw new Error('--seed and --concurrency take positive integers');
  return opts;
}

/** Runs the suite, printing lines through `print`; resolves to the process exit code. */
export async function main(argv: readonly string[], print: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const opts = parseArgs(argv);
  if (!existsSync(opts.vsixPath)) {
    print(`${opts.vsixPath} is missing: run npm run package first.`);
    return 2;
  }
  print(`verify ${opts.fast ? '--fast ' : ''}--seed ${opts.seed} on ${opts.vsixPath}`);
  const pkg = await extractTasks(opts.vsixPath);
  const results: CheckResult[] = [];
  const report: Report = (r) => {
    results.push(r);
    print(formatLine(r));
  };
  try {
    const scenarios = allScenarios(TIME_SCALE).filter((s) => (!opts.task || s.task === opts.task) && pkg.tasks.has(s.task));
    for (const [name, runner] of Object.entries(CHECKS)) {
      if (opts.only && opts.only !== name) continue;
      // The token check is about one long wait (DeployServing's); the others cover every task.
      for (const task of name === 'tokens' ? [] : TASKS) {
        if (opts.task && opts.task !== task) continue;
        const covered = name === 'fuzz' ? fuzzSpecs.some((f) => f.task === task) && pkg.tasks.has(task) : scenarios.some((s) => s.task === task);
        if (!covered) report({ verdict: 'SKIP', check: name, task, detail: pkg.tasks.has(task) ? 'no scenario for this task' : 'not in the package' });
      }
      await runner(pkg, scenarios, opts, report);
    }
  } finally {
    pkg.remove();
  }
  const passed = results.filter((r) => r.verdict === 'PASS').length;
  const failed = results.filter((r) => r.verdict === 'FAIL').length;
  print(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
