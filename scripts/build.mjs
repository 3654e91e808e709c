// Bundles each task with esbuild into one minified file inside its task folder
// (tasks/<Name>/index.js), checks that each bundle holds exactly one copy of
// azure-pipelines-task-lib, and writes the bundle's third-party notices for packaging.
// First (scripts/gen-inputs.mjs, on tsc's output): task.json inputs and groups, the input tables
// of docs/INPUTS.md and the settings file's JSON Schema are generated from the input manifests
// (tasks/<Name>/src/inputs.ts, shared/runtime/commonInputs.ts), and the build fails, naming the
// input and the file, where a manifest and the settings-file schema disagree.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, pkg, taskNames } from './lib.mjs';

// `node scripts/build.mjs [TaskName ...]` bundles only the named tasks (default: all).
const only = process.argv.slice(2);
await import('./gen-inputs.mjs');

// The Node-version guard (shared/runtime/nodeVersion.ts) goes in front of every bundle as its
// banner, so it runs before any bundled module is evaluated: on an agent that fell back to Node 16
// the task fails with a clear message instead of crashing on a missing Node 18+ global. It is
// built for ES2015, and the bundle's syntax is lowered to what Node 16 parses (SYNTAX_TARGET; the
// runtime needs stay Node 20, which the guard enforces), so the guard always gets to run.
const SYNTAX_TARGET = 'node16';
const guard = await build({
  entryPoints: [join(root, 'shared', 'runtime', 'nodeGuardEntry.ts')],
  bundle: true,
  write: false,
  platform: 'node',
  target: 'es2015',
  format: 'iife',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const guardBanner = guard.outputFiles[0].text.trim();
const tasks = taskNames().filter((t) => only.length === 0 || only.includes(t));
const packagesUsed = new Map();

// zod re-exports all of its ~40 message locales as `z.locales` (zod/v4/classic/external.js); the
// tasks use the default English messages (or their own), so the bundles get the English locale
// only: about 260 KB less per task, five times in the .vsix.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: 'js', resolveDir: root }));
  },
};

// undici carries its HTTP parser twice, as SIMD and as portable WebAssembly, and falls back to the
// portable one when compiling the SIMD one fails (lib/dispatcher/client-h1.js, lazyllhttp). The
// bundles keep the portable parser only (the requests are small JSON answers and file uploads,
// parsing speed does not show): about 50 KB less per task once compressed.
const undiciPortableParserOnly = {
  name: 'undici-portable-parser-only',
  setup(b) {
    b.onResolve({ filter: /llhttp_simd-wasm\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]undici[\\/]/.test(args.importer) ? { path: 'llhttp_simd-wasm.js', namespace: 'undici-no-simd' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'undici-no-simd' }, () => ({ contents: 'module.exports = Buffer.alloc(0);', loader: 'js' }));
  },
};
const sizes = [];
for (const name of tasks) {
  const outfile = join(root, 'tasks', name, 'index.js');
  const result = await build({
    entryPoints: [join(root, 'tasks', name, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: SYNTAX_TARGET,
    format: 'cjs',
    banner: { js: guardBanner },
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    define: { __EXTENSION_VERSION__: JSON.stringify(pkg.version) },
    plugins: [zodEnglishOnly, undiciPortableParserOnly],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const taskLibRoots = new Set(inputs.map((p) => /^(.*node_modules\/azure-pipelines-task-lib)\//.exec(p)?.[1]).filter(Boolean));
  if (taskLibRoots.size !== 1) {
    throw new Error(`${name}: expected exactly one copy of azure-pipelines-task-lib in the bundle, found ${taskLibRoots.size}: ${[...taskLibRoots].join(', ')}`);
  }
  for (const p of inputs) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(p);
    if (m) packagesUsed.set(m[2], m[1]);
  }
  sizes.push(`${name}: ${(result.metafile.outputs[relative(root, outfile)]?.bytes / 1024).toFixed(0)} KiB`);
}

// Third-party notices for everything the bundles contain (MIT/BSD/Apache require them).
const notices = [];
for (const [name, dir] of [...packagesUsed].sort()) {
  const abs = join(root, dir);
  const meta = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8'));
  const licenseFile = existsSync(abs) ? readdirSync(abs).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined;
  const text = licenseFile ? readFileSync(join(abs, licenseFile), 'utf8').trim() : `License: ${meta.license ?? 'see package'}`;
  notices.push(`${name}@${meta.version} (${meta.license ?? 'unknown'})\n\n${text}\n`);
}
mkdirSync(join(root, 'dist'), { recursive: true });
if (only.length === 0) writeFileSync(join(root, 'dist', 'THIRD-PARTY-NOTICES.txt'), `Third-party software bundled in the Databricks MLOps for Azure Pipelines tasks\n\n${notices.join('\n' + '-'.repeat(78) + '\n\n')}`);
console.log(`Bundled ${tasks.length} task(s): ${sizes.join(', ')}`);
if (only.length === 0) await import('../ui/build.mjs'); // the results tab (ui/dist), packaged with the tasks
