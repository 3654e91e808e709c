/** The results-tab contribution in vss-extension.json: shown for the five tasks, files shipped. */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../helpers/repo';
import { RELEASE_TAB_OBJECT_ID } from '../../ui/src/releaseAttachments';

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

describe('release-stage tab: contribution', () => {
  const release = manifest.contributions.find((c) => c.type === 'ms.vss-web.tab') as
    (Contribution & { includes?: string[]; properties: Contribution['properties'] & { registeredObjectId?: string; dynamic?: boolean } }) | undefined;

  it('is a tab on the release environment (stage) view with the registered object the page registers', () => {
    assert.ok(release, 'no ms.vss-web.tab contribution');
    assert.deepEqual(release.targets, ['ms.vss-releaseManagement-web.release-environment-editor-tab']);
    assert.deepEqual(release.includes, ['ms.vss-releaseManagement-web.release-service-data-external']);
    assert.equal(release.properties.registeredObjectId, RELEASE_TAB_OBJECT_ID);
    assert.equal(release.properties.dynamic, true);
  });

  it('serves the same page as the build tab and may read releases', () => {
    assert.equal(release?.properties.uri, tab?.properties.uri, 'one renderer, two hosts');
    assert.equal(release?.properties.name, tab?.properties.name);
    assert.ok(manifest.scopes?.includes('vso.release'), 'scopes lacks vso.release');
  });
});
