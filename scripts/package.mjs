// Stages the extension (each task folder holds only task.json, the bundle and its icon),
// stamps the version from package.json (the one source of truth) into the manifest and the
// task.json files, and runs `tfx extension create` to write dist/databricks-mlops-<version>.vsix.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, pkg, taskNames } from './lib.mjs';

const version = pkg.version;
const [, minor, patch] = version.split('.').map(Number);
const publisher = process.env.DATABRICKS_MLOPS_PUBLISHER || 'databricks-mlops';
const stage = join(root, 'dist', 'stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'tasks'), { recursive: true });

for (const name of taskNames()) {
  const src = join(root, 'tasks', name);
  const dst = join(stage, 'tasks', name);
  mkdirSync(dst, { recursive: true });
  const taskJson = JSON.parse(readFileSync(join(src, 'task.json'), 'utf8'));
  taskJson.version = { Major: taskJson.version.Major, Minor: minor, Patch: patch };
  writeFileSync(join(dst, 'task.json'), JSON.stringify(taskJson, null, 2));
  if (!existsSync(join(src, 'index.js'))) throw new Error(`tasks/${name}/index.js is missing: run npm run build first`);
  cpSync(join(src, 'index.js'), join(dst, 'index.js'));
  cpSync(join(src, 'icon.png'), join(dst, 'icon.png'));
}

const manifest = JSON.parse(readFileSync(join(root, 'vss-extension.json'), 'utf8'));
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

const out = join(root, 'dist', `databricks-mlops-${version}.vsix`);
rmSync(out, { force: true });
// tfx must package without warnings (e.g. a missing file, a deprecated runner): they fail the build.
const tfx = spawnSync(process.execPath, [
  join(root, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js'),
  'extension', 'create', '--root', stage, '--manifests', 'vss-extension.json', '--output-path', out, '--no-prompt', '--no-color',
], { cwd: root, encoding: 'utf8' });
const tfxOutput = `${tfx.stdout}${tfx.stderr}`;
if (tfx.status !== 0) throw new Error(`tfx extension create failed:\n${tfxOutput}`);
if (/warn/i.test(tfxOutput)) throw new Error(`tfx extension create printed warnings:\n${tfxOutput}`);
if (!existsSync(out)) throw new Error('tfx did not write the .vsix');
console.log(`Packaged ${out}`);
