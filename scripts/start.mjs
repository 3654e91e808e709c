// `npm start`: the whole sample flow (train → register → deploy → monitor → refresh with a drift verdict)
// against the embedded fake cloud and workspace. Each task runs as its own process on its
// bundle, exactly as the agent runs it; the log below is what a pipeline log would show.
// Summaries and reports are copied to dist/demo/.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

const require = createRequire(import.meta.url);
const { FakeCloud } = require(join(root, 'out/tests/fake/cloud.js'));
const { runTask } = require(join(root, 'out/tests/helpers/runTask.js'));

const TIME_SCALE = Number(process.env.DATABRICKS_MLOPS_TIME_SCALE || 0.01);
const outDir = join(root, 'dist', 'demo');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const c = (code) => (s) => (process.stdout.isTTY ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = c('1');
const dim = c('2');
const red = c('31');
const yellow = c('33');
const green = c('32');

/** Renders the task's stdout the way the pipeline log shows it (logging commands interpreted). */
function render(line) {
  if (!line.startsWith('##vso[')) return line.startsWith('##[section]') ? bold(line.slice(11)) : line;
  const m = /^##vso\[([\w.]+)([^\]]*)\](.*)$/.exec(line);
  if (!m) return undefined;
  const [, cmd, props, msg] = m;
  const text = msg
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '')
    .replace(/%AZP25/g, '%')
    .replace(/%25/g, '%');
  switch (cmd) {
    case 'task.issue':
      return props.includes('type=error') ? red(`##[error]${text}`) : yellow(`##[warning]${text}`);
    case 'task.setvariable': {
      const name = /variable=([^;]+)/.exec(props)?.[1];
      return dim(`  output ${name} = ${text}`);
    }
    case 'task.complete': {
      const result = /result=([^;]+)/.exec(props)?.[1];
      return (result === 'Succeeded' ? green : result === 'Failed' ? red : yellow)(`  result: ${result}${text ? ` — ${text.split('\n')[0]}` : ''}`);
    }
    case 'task.uploadsummary':
      return dim(`  summary: ${text}`);
    case 'task.addattachment': {
      const name = /name=([^;]+)/.exec(props)?.[1];
      return props.includes('type=Distributedtask.Core.Summary') ? dim(`  summary "${name}": ${text}`) : dim(`  report attachment: ${basename(text)}`);
    }
    default:
      return undefined; // debug, setsecret, setprogress: not shown in the log
  }
}

const cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
const conn = cloud.taskConnection('WorkloadIdentityFederation');
let step = 0;

/** Runs one task as the agent would, streaming its log. */
async function task(name, inputs, opts = {}) {
  step++;
  console.log(`\n${bold(`▶ Step ${step}: ${name}@1`)}${opts.title ? ` — ${opts.title}` : ''}`);
  let pending = '';
  const run = await runTask({
    task: name,
    inputs: { ...conn.inputs, ...inputs },
    env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE), ...opts.env },
    variables: opts.variables,
    timeoutMs: 120_000,
    onStdout: (chunk) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const l of lines) {
        const out = render(l);
        if (out !== undefined) console.log(`  ${out}`);
      }
    },
  });
  for (const f of [...run.summaries, ...run.attachments.map((a) => a.path)]) {
    if (existsSync(f)) cpSync(f, join(outDir, `${String(step).padStart(2, '0')}-${basename(f)}`));
  }
  if (run.stderr.trim()) console.log(red(run.stderr.trim()));
  return run;
}

const started = Date.now();
const steps = ['train', 'register', 'deploy', 'monitor', 'refresh'];
const shared = {};
let failures = 0;
try {
  for (const s of steps) {
    const file = join(root, 'scripts', 'demo', `${s}.mjs`);
    if (!existsSync(file)) {
      console.log(`\n${yellow(`(step ${s}: not part of this build yet)`)}`);
      continue;
    }
    const mod = await import(pathToFileURL(file).href);
    const ok = await mod.run({ cloud, task, log: console.log, shared, conn });
    if (ok === false) failures++;
  }
} finally {
  await cloud.close();
}
console.log(`\n${bold('Done')} in ${((Date.now() - started) / 1000).toFixed(1)} s. Summaries and reports: ${outDir} (${readdirSync(outDir).length} files).`);
process.exitCode = failures ? 1 : 0;
