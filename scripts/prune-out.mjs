// Removes compiled files under out/ whose TypeScript source is gone (a moved or deleted module).
// tsc never deletes them, and Node resolves a stale out/<dir>/x.js before a new out/<dir>/x/
// folder, so a local run could test yesterday's module. A fresh clone has no out/ at all.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './lib.mjs';

const out = join(root, 'out');
const suffixes = ['.js.map', '.js', '.d.ts'];
let removed = 0;

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const suffix = suffixes.find((s) => entry.name.endsWith(s));
    if (!suffix) continue;
    const source = join(root, relative(out, path).slice(0, -suffix.length) + '.ts');
    if (!existsSync(source)) {
      rmSync(path);
      removed++;
    }
  }
}

if (existsSync(out)) walk(out);
if (removed) process.stdout.write(`prune-out: removed ${removed} compiled file(s) whose source is gone\n`);
