// Bundles each task with esbuild into one minified file inside its task folder
// (tasks/<Name>/index.js) plus the lazily loaded packages beside it (tasks/<Name>/lazy/, see
// LAZY_PACKAGES), leaves out the library modules no code path of the tasks reaches (NOT_BUNDLED,
// NAMED_BINDINGS_ONLY), checks that each task holds exactly one copy of azure-pipelines-task-lib
// and of each lazily loaded package, and writes the bundles' third-party notices for packaging.
// `DATABRICKS_MLOPS_METAFILES=<dir>` also writes esbuild's metafile of each output file there
// (<task>.index.json, <task>.lazy.<chunk>.json, for `npx esbuild --analyze`-like reading of what each file holds).
// First (scripts/gen-inputs.mjs, on tsc's output): task.json inputs and groups, the input tables
// of docs/INPUTS.md, the settings file's field list (shared/runtime/settingsFields.generated.ts)
// and its JSON Schema are generated from the input manifests (tasks/<Name>/src/inputs.ts,
// shared/runtime/commonInputs.ts), and the build fails, naming the input and the file, where a
// manifest breaks a rule (e.g. two manifests declare one settings key differently).
import { build, transform } from 'esbuild';
import { mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
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

// Modules of the bundled libraries that no code path of the tasks reaches, though the library's
// entry file loads them eagerly. Each is replaced by a stub that throws, naming the module, when
// anything calls or constructs it (any member read gives the stub again), so a code path that
// starts to use one fails loudly instead of behaving differently. The build fails where a listed
// module is no longer imported there (the library changed: review the list) or where something
// else still pulls the real module into the task (the stub would save nothing).
// - undici (required for its fetch, request, Agent and ProxyAgent: shared/client/transport.ts):
//   index.js loads the mock agents, WebSocket, EventSource, the cookie helpers, FileReader, the
//   extra dispatchers and interceptors, and the Cache API's Cache (CacheStorage stays: index.js
//   constructs it as `caches`; only caches.open() would construct a Cache).
// - typed-rest-client (azure-devops-node-api's HTTP client, used with its BearerCredentialHandler:
//   shared/auth/oidc.ts): Handlers.js loads the NTLM handler with its DES/MD4 code and underscore.
// - @azure/identity: the interactive browser sign-in (msalClient.js) imports `open` to start a
//   browser; the tasks use the client secret, certificate, client assertion and managed identity
//   credentials only.
// - azure-pipelines-task-lib: task.js loads its ToolRunner (with the q promise library) for
//   tl.tool/exec/execSync and minimatch for tl.match/filter/findMatch (internal.js too, for the
//   find root of a pattern); the tasks start no tool and match no files (they use task-lib for
//   inputs, variables, endpoints, secrets, results, attachments and localized messages).
const NOT_BUNDLED = [
  {
    importer: 'undici/index.js',
    modules: [
      './lib/dispatcher/balanced-pool',
      './lib/dispatcher/env-http-proxy-agent',
      './lib/dispatcher/retry-agent',
      './lib/handler/retry-handler',
      './lib/mock/mock-client',
      './lib/mock/mock-agent',
      './lib/mock/mock-pool',
      './lib/mock/mock-errors',
      './lib/interceptor/retry',
      './lib/interceptor/dump',
      './lib/interceptor/dns',
      './lib/web/fileapi/filereader',
      './lib/web/cookies',
      './lib/web/websocket/events',
      './lib/web/websocket/websocket',
      './lib/web/eventsource/eventsource',
    ],
  },
  { importer: 'undici/lib/web/cache/cachestorage.js', modules: ['./cache'] },
  { importer: 'typed-rest-client/Handlers.js', modules: ['./handlers/ntlm'] },
  { importer: '@azure/identity/dist/esm/msal/nodeFlows/msalClient.js', modules: ['open'] },
  { importer: 'azure-pipelines-task-lib/task.js', modules: ['./toolrunner', 'minimatch'] },
  { importer: 'azure-pipelines-task-lib/internal.js', modules: ['minimatch'] },
];
const notBundledStub = (what) => `const what = ${JSON.stringify(what)};
const fail = () => { throw new Error(what + ' is not bundled with this task (scripts/build.mjs, NOT_BUNDLED): no code path of the task was expected to use it'); };
const stub = new Proxy(function notBundled() {}, { get: (_, key) => (key === '__esModule' ? false : typeof key === 'symbol' || key === 'then' ? undefined : stub), apply: fail, construct: fail });
module.exports = stub;
`;

/** Stubs the NOT_BUNDLED modules; `used` collects, per rule, the real files stubbed (to check them against the output). */
function notBundled(used) {
  return {
    name: 'not-bundled',
    setup(b) {
      const specifiers = [...new Set(NOT_BUNDLED.flatMap((r) => r.modules))].map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
      b.onResolve({ filter: new RegExp(`^(${specifiers.join('|')})$`) }, async (args) => {
        if (args.pluginData === 'not-bundled' || !args.importer.includes('node_modules')) return undefined;
        const rule = NOT_BUNDLED.find((r) => args.importer.replace(/\\/g, '/').endsWith(`/node_modules/${r.importer}`) && r.modules.includes(args.path));
        if (!rule) return undefined;
        const real = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'not-bundled' });
        if (real.errors.length > 0) return undefined;
        const what = real.path.replace(/\\/g, '/').replace(/^.*\/node_modules\//, '');
        if (!used.has(rule)) used.set(rule, new Map());
        used.get(rule).set(args.path, real.path);
        return { path: real.path, namespace: 'not-bundled', pluginData: what };
      });
      b.onLoad({ filter: /.*/, namespace: 'not-bundled' }, (args) => ({ contents: notBundledStub(args.pluginData), loader: 'js' }));
    },
  };
}

// Packages the tasks load only on the paths that need them (the source already requires them
// lazily: shared/client/transport.ts undici for streamed uploads and proxy/certificate agents,
// shared/auth/credentials/* @azure/identity (with msal-node) when the first Entra token is
// acquired, shared/runtime/yaml.ts yaml for settings/metrics/MLmodel files, shared/auth/oidc.ts
// azure-devops-node-api on old agents). Each goes in its own file, tasks/<Name>/lazy/<chunk>.js,
// required when that code runs, so a task start no longer compiles ~700 KiB it does not run (V8
// parses the whole of a script it loads). The main bundle keeps a small stub per imported
// specifier: `module.exports = require('./lazy/<chunk>.js').modules[<specifier>]`.
const LAZY_PACKAGES = ['undici', '@azure/identity', 'yaml', 'azure-devops-node-api'];
const lazyChunkName = (packageName) => packageName.replace(/^@[^/]+\//, '');
const packageOf = (specifier) => LAZY_PACKAGES.find((p) => specifier === p || specifier.startsWith(`${p}/`));

// For these packages the lazy chunk offers only the bindings the sources import by name, not the
// package's whole namespace: an exported namespace object keeps every export of the package, and
// @azure/identity's index exports every credential (browser, device code, CLI, PowerShell,
// on-behalf-of…), of which the tasks construct four (shared/auth/credentials/*). The sources must
// import them by name (`const { X } = await import('…')` or `import { X } from '…'`); the build
// fails, naming the file, on any other form.
const NAMED_BINDINGS_ONLY = ['@azure/identity'];

/** The bindings `file` imports by name from `specifier` (type-only imports are erased first). */
async function namedBindings(file, specifier) {
  const { code } = await transform(readFileSync(file, 'utf8'), { loader: file.endsWith('.ts') ? 'ts' : 'js', format: 'esm' });
  const quoted = JSON.stringify(specifier).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const forms = [new RegExp(`\\{([^{}]*)\\}\\s*=\\s*await\\s+import\\(\\s*${quoted}\\s*\\)`, 'g'), new RegExp(`import\\s*\\{([^{}]*)\\}\\s*from\\s*${quoted}`, 'g')];
  const names = new Set();
  let matched = 0;
  for (const form of forms) {
    for (const m of code.matchAll(form)) {
      matched++;
      for (const part of m[1]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean))
        names.add(part.split(/\s*:\s*|\s+as\s+/)[0]);
    }
  }
  const uses = code.split(JSON.stringify(specifier)).length - 1;
  if (matched !== uses || names.size === 0) {
    throw new Error(
      `${relative(root, file)}: import ${specifier} by name (const { X } = await import(...) or import { X } from ...): its lazy chunk offers only the bindings imported by name`,
    );
  }
  return names;
}

/** Main-bundle side: records each lazy specifier imported (how, and for NAMED_BINDINGS_ONLY which bindings) and stubs it. */
function lazyStubs(imported) {
  return {
    name: 'lazy-stubs',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        const packageName = packageOf(args.path);
        if (!packageName || args.namespace === 'lazy-stub') return undefined;
        const kind = args.kind === 'require-call' ? 'require' : 'import';
        const chunk = lazyChunkName(packageName);
        if (!imported.has(chunk)) imported.set(chunk, new Map());
        const previous = imported.get(chunk).get(args.path);
        if (previous && previous.kind !== kind) throw new Error(`${args.path} is both imported and required; the lazy chunk holds one form`);
        const entry = previous ?? { kind, names: NAMED_BINDINGS_ONLY.includes(packageName) ? new Set() : undefined };
        if (entry.names && kind === 'require')
          throw new Error(`${relative(root, args.importer)}: import ${args.path} by name, not with require: its lazy chunk offers only the bindings imported by name`);
        imported.get(chunk).set(args.path, entry); // before any await: importers resolve concurrently
        if (entry.names) for (const name of await namedBindings(args.importer, args.path)) entry.names.add(name);
        return { path: args.path, namespace: 'lazy-stub', pluginData: { chunk } };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-stub' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./lazy/${args.pluginData.chunk}.js`)}).modules[${JSON.stringify(args.path)}];`,
        loader: 'js',
        resolveDir: root,
      }));
      b.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy-stub' }, (args) => ({ path: args.path, external: true }));
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  target: SYNTAX_TARGET,
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [zodEnglishOnly, undiciPortableParserOnly],
};
const afterLastNodeModules = (path) => path.replace(/\\/g, '/').replace(/^.*\/node_modules\//, '');

const sizes = [];
for (const name of tasks) {
  const outfile = join(root, 'tasks', name, 'index.js');
  const lazyDir = join(root, 'tasks', name, 'lazy');
  rmSync(lazyDir, { recursive: true, force: true });
  const imported = new Map();
  const stubbed = new Map(); // NOT_BUNDLED rule → specifier → real file, over the task's files
  const outputs = [];
  const main = await build({
    ...common,
    entryPoints: [join(root, 'tasks', name, 'src', 'index.ts')],
    outfile,
    banner: { js: guardBanner },
    define: { __EXTENSION_VERSION__: JSON.stringify(pkg.version) },
    plugins: [lazyStubs(imported), notBundled(stubbed), ...common.plugins],
  });
  outputs.push({ file: outfile, result: main });
  for (const [chunk, specifiers] of imported) {
    // The same module forms as before the split: `import` specifiers through the ESM conditions, `require` ones through the CJS ones.
    // NAMED_BINDINGS_ONLY specifiers: an object of the bindings imported by name, so esbuild drops the rest of the package.
    const lines = [...specifiers].map(([specifier, { kind, names }], i) =>
      names
        ? `import { ${[...names]
            .sort()
            .map((n, j) => `${n} as m${i}_${j}`)
            .join(', ')} } from ${JSON.stringify(specifier)}; const m${i} = { ${[...names]
            .sort()
            .map((n, j) => `${n}: m${i}_${j}`)
            .join(', ')} };`
        : kind === 'import'
          ? `import * as m${i} from ${JSON.stringify(specifier)};`
          : `const m${i} = require(${JSON.stringify(specifier)});`,
    );
    const entries = [...specifiers.keys()].map((specifier, i) => `${JSON.stringify(specifier)}: m${i}`);
    const chunkFile = join(lazyDir, `${chunk}.js`);
    const result = await build({
      ...common,
      stdin: { contents: `${lines.join('\n')}\nexport const modules = { ${entries.join(', ')} };\n`, resolveDir: root, sourcefile: `lazy-${chunk}.js`, loader: 'js' },
      outfile: chunkFile,
      plugins: [notBundled(stubbed), ...common.plugins],
    });
    outputs.push({ file: chunkFile, result });
  }
  const packageRoots = new Map(); // package name → set of installed copies, over the task's files
  const inFiles = new Map(); // package name → the task's files that hold it
  for (const { file, result } of outputs) {
    for (const p of Object.keys(result.metafile.inputs)) {
      const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(p);
      if (!m || p.includes(':')) continue; // namespace:path, a plugin's module (a stub), not the package's file
      packagesUsed.set(m[2], m[1]);
      if (!packageRoots.has(m[2])) packageRoots.set(m[2], new Set());
      packageRoots.get(m[2]).add(m[1]);
      if (!inFiles.has(m[2])) inFiles.set(m[2], new Set());
      inFiles.get(m[2]).add(relative(root, file));
    }
  }
  if (process.env.DATABRICKS_MLOPS_METAFILES) {
    mkdirSync(process.env.DATABRICKS_MLOPS_METAFILES, { recursive: true });
    for (const { file, result } of outputs)
      writeFileSync(
        join(
          process.env.DATABRICKS_MLOPS_METAFILES,
          `${name}.${relative(join(root, 'tasks', name), file)
            .replace(/[\\/]/g, '.')
            .replace(/\.js$/, '.json')}`,
        ),
        JSON.stringify(result.metafile),
      );
  }
  const bundledFiles = new Set(
    outputs.flatMap(({ result }) => Object.keys(result.metafile.inputs).filter((p) => !p.includes(':') && p.includes('node_modules/'))).map(afterLastNodeModules),
  );
  for (const rule of NOT_BUNDLED) {
    if (!bundledFiles.has(rule.importer)) continue;
    const missing = rule.modules.filter((m) => !stubbed.get(rule)?.has(m));
    if (missing.length > 0) throw new Error(`${name}: ${rule.importer} no longer imports ${missing.join(', ')}: review NOT_BUNDLED in scripts/build.mjs`);
    const stillIn = [...stubbed.get(rule).values()].map(afterLastNodeModules).filter((f) => bundledFiles.has(f));
    if (stillIn.length > 0)
      throw new Error(
        `${name}: ${stillIn.join(', ')} stubbed where ${rule.importer} imports it, but still bundled through another importer: review NOT_BUNDLED in scripts/build.mjs`,
      );
  }
  const taskLibRoots = packageRoots.get('azure-pipelines-task-lib') ?? new Set();
  if (taskLibRoots.size !== 1 || inFiles.get('azure-pipelines-task-lib').size !== 1) {
    throw new Error(
      `${name}: expected exactly one copy of azure-pipelines-task-lib, found ${taskLibRoots.size} in ${[...(inFiles.get('azure-pipelines-task-lib') ?? [])].join(', ')}: ${[...taskLibRoots].join(', ')}`,
    );
  }
  for (const packageName of LAZY_PACKAGES) {
    const files = inFiles.get(packageName);
    if (files && (files.size !== 1 || !files.has(relative(root, join(lazyDir, `${lazyChunkName(packageName)}.js`))))) {
      throw new Error(`${name}: ${packageName} must be only in lazy/${lazyChunkName(packageName)}.js, found in ${[...files].join(', ')}`);
    }
  }
  const kib = (file, result) => (result.metafile.outputs[relative(root, file)]?.bytes / 1024).toFixed(0);
  sizes.push(`${name}: ${outputs.map(({ file, result }) => `${relative(join(root, 'tasks', name), file)} ${kib(file, result)}`).join(' + ')} KiB`);
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
if (only.length === 0)
  writeFileSync(
    join(root, 'dist', 'THIRD-PARTY-NOTICES.txt'),
    `Third-party software bundled in the Databricks MLOps for Azure Pipelines tasks\n\n${notices.join('\n' + '-'.repeat(78) + '\n\n')}`,
  );
console.log(`Bundled ${tasks.length} task(s): ${sizes.join(', ')}`);
if (only.length === 0) await import('../ui/build.mjs'); // the results tab (ui/dist), packaged with the tasks
