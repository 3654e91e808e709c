// `npm run bench`: prints one table of figures measured in one run on this machine and keeps
// it in bench/results.md with the machine description. Each scripts/bench/<name>.mjs module
// exports run() → rows { metric, value, unit, goal, note, pass }; a row with pass: false (a
// figure over its goal) fails its group, as an error does, but its figures are still printed.
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

const only = process.argv.slice(2);
const modules = readdirSync(join(root, 'scripts', 'bench'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, '')))
  .sort((a, b) => (a === 'coldStart.mjs' ? -1 : b === 'coldStart.mjs' ? 1 : a.localeCompare(b)));

const rows = [];
const failed = [];
for (const file of modules) {
  const name = file.replace(/\.mjs$/, '');
  process.stderr.write(`bench: ${name}…\n`);
  try {
    const mod = await import(pathToFileURL(join(root, 'scripts', 'bench', file)).href);
    const groupRows = await mod.run({});
    for (const row of groupRows) rows.push({ group: name, ...row });
    const over = groupRows.filter((r) => r.pass === false);
    if (over.length > 0) {
      failed.push(name);
      process.stderr.write(`bench: ${name} FAILED: over the goal: ${over.map((r) => `${r.metric} = ${r.value} ${r.unit ?? ''} (goal ${r.goal})`).join('; ')}\n`);
    }
  } catch (error) {
    failed.push(name);
    process.stderr.write(`bench: ${name} FAILED: ${error?.stack ?? error}\n`);
    rows.push({ group: name, metric: 'FAILED', value: String(error?.message ?? error).slice(0, 200), unit: '', goal: '' });
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
const header = '| group | metric | value | unit | goal | note |\n|---|---|---|---|---|---|';
const table = rows.map((r) => `| ${r.group} | ${r.metric} | ${r.value} | ${r.unit ?? ''} | ${r.goal ?? ''} | ${r.note ?? ''} |`).join('\n');
const text = `# Benchmark results\n\nMeasured ${new Date().toISOString()} on ${machine}, all figures from one run of \`npm run bench\`.\n\n${header}\n${table}\n`;
console.log(text);
// A failed group fails the command, and its figures are not kept as if they were current.
if (failed.length > 0) {
  process.stderr.write(`bench: ${failed.length} group(s) failed: ${failed.join(', ')}; bench/results.md left unchanged\n`);
  process.exitCode = 1;
} else if (only.length === 0) {
  writeFileSync(join(root, 'bench', 'results.md'), text);
}
