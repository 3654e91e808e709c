/**
 * Checks vss-extension.json and the files it points at. Paths in the manifest are relative to
 * the packaging stage (dist/stage), which mirrors the repository layout for the files checked
 * here, so they are resolved against the repository root.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { findRepoRoot, headingAnchors, loadExtension, loadTask, taskDir, TASK_NAMES } from './manifestFiles';
import { readPng } from './png';

const REPOSITORY = 'https://github.com/databricks-mlops/azure-pipelines';

const root = findRepoRoot();
const manifest = loadExtension(root);
const contributions = manifest.contributions ?? [];
const files = manifest.files ?? [];

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

describe('vss-extension.json', () => {
  it('has the extension identity and Marketplace metadata', () => {
    assert.equal(manifest.manifestVersion, 1);
    assert.equal(manifest.id, 'databricks-mlops');
    assert.equal(manifest.name, 'Databricks MLOps for Azure Pipelines');
    assert.ok(manifest.publisher);
    assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
    assert.equal(manifest.public, false);
    assert.deepEqual(manifest.targets, [{ id: 'Microsoft.VisualStudio.Services' }]);
    assert.deepEqual(manifest.categories, ['Azure Pipelines']);
    // tfx rejects longer descriptions.
    assert.ok(manifest.description && manifest.description.length < 200, 'description is set and under 200 characters');
    assert.deepEqual(manifest.repository, { type: 'git', uri: REPOSITORY });
  });

  it('contributes the five tasks, each from an existing task folder', () => {
    const taskContributions = contributions.filter((c) => c.type === 'ms.vss-distributed-task.task');
    assert.equal(taskContributions.length, TASK_NAMES.length);
    for (const name of TASK_NAMES) {
      const contribution = contributions.find((candidate) => candidate.properties?.name === `tasks/${name}`);
      assert.ok(contribution, `no contribution for tasks/${name}`);
      assert.equal(contribution.id, kebab(name));
      assert.equal(contribution.type, 'ms.vss-distributed-task.task');
      assert.deepEqual(contribution.targets, ['ms.vss-distributed-task.tasks']);
      assert.equal(loadTask(root, name).name, name, `tasks/${name}/task.json names another task`);
    }
    assert.equal(new Set(contributions.map((c) => c.id)).size, contributions.length, 'contribution ids are unique');
  });

  it('has a contribution for every task folder of the repository', () => {
    const folders = readdirSync(join(root, 'tasks')).filter((entry) => existsSync(join(taskDir(root, entry), 'task.json')));
    assert.deepEqual(folders.sort(), [...TASK_NAMES].sort());
  });

  it('packages every task folder and every file it names', () => {
    const paths = files.map((file) => file.path);
    for (const name of TASK_NAMES) assert.ok(paths.includes(`tasks/${name}`), `files lacks tasks/${name}`);
    for (const file of files) {
      assert.ok(existsSync(join(root, file.path)), `files entry ${file.path} does not exist`);
    }
  });

  it('marks the icon, overview and license addressable when it lists them in files', () => {
    // A non-addressable `files` entry for one of these replaces the asset tfx derives from
    // `icons`/`content`, and the Marketplace page then has no overview or license.
    const referenced = [manifest.icons?.default, manifest.content?.details?.path, manifest.content?.license?.path];
    for (const file of files.filter((candidate) => referenced.includes(candidate.path))) {
      assert.equal(file.addressable, true, `${file.path} should be addressable`);
    }
  });

  it('has a 128×128 PNG icon', () => {
    assert.equal(manifest.icons?.default, 'images/icon.png');
    const icon = readPng(readFileSync(join(root, 'images', 'icon.png')));
    assert.deepEqual([icon.width, icon.height], [128, 128]);
  });

  it('has an overview that documents every task under the anchor of its helpUrl', () => {
    const path = manifest.content?.details?.path;
    assert.equal(path, 'overview.md');
    const overview = readFileSync(join(root, path), 'utf8');
    const anchors = headingAnchors(overview);
    for (const name of TASK_NAMES) {
      assert.ok(overview.includes(`task: ${name}@1`), `overview.md has no YAML example of ${name}@1`);
      const helpUrl = loadTask(root, name).helpUrl ?? '';
      assert.ok(helpUrl.startsWith(`${REPOSITORY}/blob/main/${path}#`), `${name}: helpUrl ${helpUrl}`);
      const anchor = helpUrl.slice(`${REPOSITORY}/blob/main/${path}#`.length);
      assert.ok(anchors.has(anchor), `overview.md has no heading for #${anchor}`);
    }
  });

  it('has an MIT license', () => {
    const path = manifest.content?.license?.path;
    assert.equal(path, 'LICENSE');
    assert.ok(statSync(join(root, path)).isFile());
    const license = readFileSync(join(root, path), 'utf8');
    assert.match(license, /^MIT License/);
    assert.match(license, /Copyright \(c\) 2026 Databricks MLOps for Azure Pipelines contributors/);
  });
});
