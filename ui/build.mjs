// Bundles the build-results tab (ui/src/index.ts) for the browser into ui/dist/, next to a copy
// of ui/index.html and the stylesheet, plus the notices of the third-party code in the bundle.
// `node ui/build.mjs [--outdir <dir>]`; scripts/build.mjs runs it as part of `npm run build`.
import { build } from 'esbuild';
import console from 'node:console';
import process from 'node:process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const uiDir = dirname(fileURLToPath(import.meta.url));
const root = join(uiDir, '..');
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag > 0 ? resolve(process.argv[outdirFlag + 1]) : join(uiDir, 'dist');

// azure-devops-extension-api ships AMD modules only (`define([deps], factory)`), which esbuild
// cannot follow. This plugin turns each one into CommonJS by resolving the dependency list to
// static require() calls and calling the factory with them, so esbuild bundles the graph.
const amdToCommonJs = {
  name: 'amd-to-commonjs',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]azure-devops-extension-api[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const header = /^define\((\[[^\]]*\])\s*,\s*function\s*\(/m.exec(source);
      if (!header) return undefined;
      const deps = JSON.parse(header[1]).map((dep) =>
        dep === 'require' ? 'undefined' : dep === 'exports' ? 'exports' : dep === 'module' ? 'module' : `require(${JSON.stringify(dep)})`,
      );
      const prelude =
        `var __amdDeps = [${deps.join(', ')}];\n` + 'function define(_deps, factory) { var r = factory.apply(undefined, __amdDeps); if (r !== undefined) module.exports = r; }\n';
      return { contents: prelude + source, loader: 'js' };
    });
  },
};

// The API requires the SDK through `require` (its CommonJS/AMD build) while our code imports its
// ES module build: two copies would mean the API's access-token calls go to an SDK instance
// that was never initialised. Every import of the SDK resolves to the one ES module file.
const singleSdk = {
  name: 'single-sdk',
  setup(b) {
    b.onResolve({ filter: /^azure-devops-extension-sdk$/ }, () => ({
      path: join(root, 'node_modules', 'azure-devops-extension-sdk', 'esm', 'SDK.min.js'),
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: [join(uiDir, 'src', 'index.ts')],
  outfile: join(outdir, 'index.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome109', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [amdToCommonJs, singleSdk],
});
copyFileSync(join(uiDir, 'index.html'), join(outdir, 'index.html'));
copyFileSync(join(uiDir, 'src', 'styles.css'), join(outdir, 'index.css'));

const inputs = Object.keys(result.metafile.inputs);
const sdkFiles = inputs.filter((p) => p.includes('node_modules/azure-devops-extension-sdk/'));
if (sdkFiles.length !== 1) throw new Error(`ui: expected one copy of azure-devops-extension-sdk in the bundle, found ${sdkFiles.join(', ') || 'none'}`);

// Notices for the packages inside the bundle (all MIT today; the licence texts must ship).
const packages = new Map();
for (const p of inputs) {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(p);
  if (m) packages.set(m[2], m[1]);
}
const notices = [...packages].sort().map(([name, dir]) => {
  const abs = join(root, dir);
  const meta = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8'));
  const licenseFile = readdirSync(abs).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenseFile ? readFileSync(join(abs, licenseFile), 'utf8').trim() : `License: ${meta.license ?? 'see package'}`;
  return `${name}@${meta.version} (${meta.license ?? 'unknown'})\n\n${text}\n`;
});
writeFileSync(join(outdir, 'THIRD-PARTY-NOTICES.txt'), `Third-party software bundled in the Databricks MLOps results tab\n\n${notices.join('\n' + '-'.repeat(78) + '\n\n')}`);

const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes;
console.log(`Bundled the results tab: ${(bytes / 1024).toFixed(0)} KiB (${[...packages.keys()].join(', ')})`);
