/** The results-tab contribution in vss-extension.json: shown for the five tasks, files shipped. */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../helpers/repo';

interface Contribution {
  id: string;
  type: string;
  targets: string[];
  properties: { name?: string; uri?: string; supportsTasks?: string[] };
}

interface Manifest {
  scopes?: string[];
  files?: Array<{ path: string; addressable?: boolean }>;
  contributions: Contribution[];
}

const root = repoRoot();
const manifest = JSON.parse(readFileSync(join(root, 'vss-extension.json'), 'utf8')) as Manifest;
const tab = manifest.contributions.find((c) => c.type === 'ms.vss-build-web.build-results-tab');

describe('results tab: contribution', () => {
  it('is a build-results tab on the build results view', () => {
    assert.ok(tab, 'no ms.vss-build-web.build-results-tab contribution');
    assert.equal(tab.id, 'databricks-mlops-results');
    assert.deepEqual(tab.targets, ['ms.vss-build-web.build-results-view']);
    assert.equal(tab.properties.name, 'Databricks MLOps');
  });

  it('is shown for exactly the five tasks (supportsTasks = their task.json ids)', () => {
    const ids = readdirSync(join(root, 'tasks'))
      .filter((name) => existsSync(join(root, 'tasks', name, 'task.json')))
      .map((name) => (JSON.parse(readFileSync(join(root, 'tasks', name, 'task.json'), 'utf8')) as { id: string }).id);
    assert.equal(ids.length, 5);
    assert.deepEqual([...(tab?.properties.supportsTasks ?? [])].sort(), ids.sort());
  });

  it('may read builds and ships its page as an addressable file', () => {
    assert.ok(manifest.scopes?.includes('vso.build'), 'scopes lacks vso.build');
    assert.equal(tab?.properties.uri, 'ui/dist/index.html');
    const entry = manifest.files?.find((f) => f.path === 'ui/dist');
    assert.ok(entry, 'files lacks ui/dist');
    assert.equal(entry.addressable, true);
  });

  it('has a page shell that loads the bundle and the stylesheet the build writes', () => {
    const html = readFileSync(join(root, 'ui', 'index.html'), 'utf8');
    assert.match(html, /<script src="index\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="index\.css">/);
    assert.match(html, /id="app"/);
  });
});
