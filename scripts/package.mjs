// Stages the extension (each task folder holds only task.json, the bundle with its lazily loaded
// chunks (index.js, lazy/*.js: scripts/build.mjs), its icon and the localization files
// generated from task.json: task.loc.json and Strings/, scripts/localize.mjs), stamps the version from package.json (the one source of truth) into the manifest and the
// task.json files, and runs `tfx extension create` to write dist/databricks-mlops-<version>.vsix.
//
// - Task versions: scripts/versioning.mjs (monotonic across extension major bumps), checked
//   against every version released in CHANGELOG.md; packaging fails if one would go down.
// - DATABRICKS_MLOPS_PUBLISHER other than the manifest's publisher packages the test extension
//   that installs beside production (scripts/testExtension.mjs: new task ids, supportsTasks,
//   "(test)" names), as dist/<publisher>.databricks-mlops-<version>.vsix.
// - DATABRICKS_MLOPS_VISIBILITY (public | private; default public for the production publisher,
//   private for any other) is set explicitly through a tfx overrides file. A private package needs
//   DATABRICKS_MLOPS_SHARE_WITH (organizations, comma or space separated): a private extension
//   shared with nobody cannot be installed, so packaging refuses it and prints the publish command.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, pkg, taskNames } from './lib.mjs';
import { assertMonotonic, releasedVersions, taskVersion } from './versioning.mjs';
import { rewriteForTestInstall } from './testExtension.mjs';
import { sharedMessages, taskMessages, writeLocalization } from './localize.mjs';

const version = pkg.version;
const manifest = JSON.parse(readFileSync(join(root, 'vss-extension.json'), 'utf8'));
const productionPublisher = manifest.publisher;
const publisher = process.env.DATABRICKS_MLOPS_PUBLISHER || productionPublisher;
const testInstall = publisher !== productionPublisher;
const visibility = process.env.DATABRICKS_MLOPS_VISIBILITY || (testInstall ? 'private' : 'public');
if (!['public', 'private'].includes(visibility)) throw new Error(`DATABRICKS_MLOPS_VISIBILITY must be public or private, not "${visibility}"`);
const shareWith = (process.env.DATABRICKS_MLOPS_SHARE_WITH ?? '').split(/[\s,]+/).filter(Boolean);
if (visibility === 'private' && shareWith.length === 0) {
  throw new Error('A private extension must be shared with at least one organization: set DATABRICKS_MLOPS_SHARE_WITH (or DATABRICKS_MLOPS_VISIBILITY=public)');
}
const stage = join(root, 'dist', testInstall ? `stage-${publisher}` : 'stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'tasks'), { recursive: true });

const tasks = taskNames().map((name) => ({ name, json: JSON.parse(readFileSync(join(root, 'tasks', name, 'task.json'), 'utf8')) }));
const changelog = existsSync(join(root, 'CHANGELOG.md')) ? readFileSync(join(root, 'CHANGELOG.md'), 'utf8') : '';
assertMonotonic(version, releasedVersions(changelog), [...new Set(tasks.map((t) => t.json.version.Major))]);
for (const { json } of tasks) json.version = taskVersion(version, json.version.Major);
// The fixed messages each task prints, for tl.loc: the shared catalogs (shared/runtime/messages.json,
// the input-validation sentences of shared/runtime/rules/messages.json) and the task's own
// (tasks/<name>/messages.json), each key declared once across all of them (shared/runtime/messages.ts).
const shared = sharedMessages();
for (const { name, json } of tasks) json.messages = taskMessages(name, json.messages, shared);

if (testInstall)
  rewriteForTestInstall(
    manifest,
    tasks.map((t) => t.json),
    publisher,
    manifest.id,
  );

for (const { name, json } of tasks) {
  const src = join(root, 'tasks', name);
  const dst = join(stage, 'tasks', name);
  mkdirSync(dst, { recursive: true });
  writeFileSync(join(dst, 'task.json'), JSON.stringify(json, null, 2));
  writeLocalization(dst, json);
  if (!existsSync(join(src, 'index.js'))) throw new Error(`tasks/${name}/index.js is missing: run npm run build first`);
  cpSync(join(src, 'index.js'), join(dst, 'index.js'));
  if (existsSync(join(src, 'lazy'))) cpSync(join(src, 'lazy'), join(dst, 'lazy'), { recursive: true });
  cpSync(join(src, 'icon.png'), join(dst, 'icon.png'));
}

manifest.version = version;
manifest.publisher = publisher;
// Files produced by the build are listed here rather than in the source manifest.
const generated = [
  { path: 'THIRD-PARTY-NOTICES.txt', addressable: true },
  { path: 'schemas', addressable: true },
];
const listed = new Set((manifest.files ?? []).map((f) => f.path));
manifest.files = [...(manifest.files ?? []), ...generated.filter((f) => !listed.has(f.path) && existsSync(join(root, f.path === 'THIRD-PARTY-NOTICES.txt' ? 'dist' : '', f.path)))];
writeFileSync(join(stage, 'vss-extension.json'), JSON.stringify(manifest, null, 2));
for (const f of ['overview.md', 'LICENSE', 'CHANGELOG.md', 'images']) {
  if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
}
for (const f of ['schemas', 'ui/dist']) {
  if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
}
cpSync(join(root, 'dist', 'THIRD-PARTY-NOTICES.txt'), join(stage, 'THIRD-PARTY-NOTICES.txt'));

const out = join(root, 'dist', `${testInstall ? `${publisher}.` : ''}databricks-mlops-${version}.vsix`);
rmSync(out, { force: true });
const overrides = join(root, 'dist', `visibility-overrides${testInstall ? `-${publisher}` : ''}.json`);
writeFileSync(overrides, JSON.stringify({ public: visibility === 'public' }));
// tfx must package without warnings (e.g. a missing file, a deprecated runner): they fail the build.
const tfx = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js'),
    'extension',
    'create',
    '--root',
    stage,
    '--manifests',
    'vss-extension.json',
    '--output-path',
    out,
    '--overrides-file',
    overrides,
    '--no-prompt',
    '--no-color',
  ],
  { cwd: root, encoding: 'utf8' },
);
const tfxOutput = `${tfx.stdout}${tfx.stderr}`;
if (tfx.status !== 0) throw new Error(`tfx extension create failed:\n${tfxOutput}`);
if (/warn/i.test(tfxOutput)) throw new Error(`tfx extension create printed warnings:\n${tfxOutput}`);
if (!existsSync(out)) throw new Error('tfx did not write the .vsix');
console.log(`Packaged ${out} (${visibility}${testInstall ? `, test extension of ${productionPublisher} under ${publisher}` : ''})`);
if (visibility === 'private') {
  console.log(`Publish with: tfx extension publish --vsix ${out} --share-with ${shareWith.join(' ')} --auth-type pat --token <token>`);
}
