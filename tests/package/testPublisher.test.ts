/**
 * A test install beside production (scripts/testExtension.mjs, scripts/package.mjs): packaged
 * under another publisher, every task gets the id Microsoft's publish task (`updateTasksId`)
 * would give it, the results tab's supportsTasks follows, names say "(test)", and visibility is
 * explicit (a private package needs organizations to share with). The .vsix is inspected.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { repoRoot } from '../helpers/repo';
import type * as TestExtensionModule from '../../scripts/testExtension.mjs' with { 'resolution-mode': 'import' };

type TestExtension = typeof TestExtensionModule;

const root = repoRoot();
const PUBLISHER = 'contoso-mlops-test';
/** Every task folder of the repository (each holds a task.json). */
const TASKS = readdirSync(join(repoRoot(), 'tasks'))
  .filter((name) => existsSync(join(repoRoot(), 'tasks', name, 'task.json')))
  .sort();

function packageAs(env: Record<string, string>): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs')], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
}

describe('test install beside production', function () {
  this.timeout(120_000);
  let lib: TestExtension;
  before(async () => {
    lib = (await import(pathToFileURL(join(root, 'scripts', 'testExtension.mjs')).href)) as TestExtension;
  });

  describe('ids and names (pure)', () => {
    it('uuidv5 is RFC 4122 name-based SHA-1 (known vector)', () => {
      // RFC 4122 DNS namespace; the same value as Python's uuid.uuid5(NAMESPACE_DNS, 'www.example.com').
      assert.equal(lib.uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
      // The `uuidv5` package's own vector for its "url" namespace (github.com/download13/uuidv5 test.js), which updateTasksId uses.
      assert.equal(lib.uuidv5(lib.URL_NAMESPACE, 'http://example.org/page'), '6b19973b-8154-5782-bca0-15e6b730ca00');
    });

    it('derives a task id from publisher.extension.task, distinct per publisher', () => {
      const a = lib.testTaskId(PUBLISHER, 'databricks-mlops', 'DatabricksDeployServing');
      assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(a, lib.testTaskId(PUBLISHER, 'databricks-mlops', 'DatabricksDeployServing'));
      assert.notEqual(a, lib.testTaskId('other', 'databricks-mlops', 'DatabricksDeployServing'));
      assert.notEqual(a, lib.testTaskId(PUBLISHER, 'databricks-mlops', 'DatabricksRegisterModel'));
    });

    it('marks names "(test)" within the 40-character limit of friendly names', () => {
      assert.equal(lib.testName('Databricks: deploy model serving', 40), 'Databricks: deploy model serving (test)');
      const long = lib.testName('Databricks: refresh monitors, drift gate', 40);
      assert.ok(long.length <= 40 && long.endsWith(' (test)'), long);
      assert.equal(lib.testName(long, 40), long, 'idempotent');
    });
  });

  describe('the packaged test extension', () => {
    const vsix = join(root, 'dist', `${PUBLISHER}.databricks-mlops-${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}.vsix`);
    let zip: JSZip;
    const production = new Map<string, { id: string; friendlyName: string }>();

    before(async function () {
      if (!TASKS.every((t) => existsSync(join(root, 'tasks', t, 'index.js')))) this.skip();
      rmSync(vsix, { force: true });
      const r = packageAs({ DATABRICKS_MLOPS_PUBLISHER: PUBLISHER, DATABRICKS_MLOPS_SHARE_WITH: 'contoso-test-org' });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      assert.match(String(r.stdout), /--share-with contoso-test-org/);
      zip = await JSZip.loadAsync(readFileSync(vsix));
      for (const task of TASKS) production.set(task, JSON.parse(readFileSync(join(root, 'tasks', task, 'task.json'), 'utf8')) as { id: string; friendlyName: string });
    });
    after(() => rmSync(vsix, { force: true }));

    it('gives every task the updateTasksId id and a "(test)" friendly name; the YAML name stays', async () => {
      for (const task of TASKS) {
        const json = JSON.parse(await zip.file(`tasks/${task}/task.json`)!.async('string')) as { id: string; name: string; friendlyName: string };
        assert.equal(json.name, task);
        assert.equal(json.id, lib.testTaskId(PUBLISHER, 'databricks-mlops', task));
        assert.notEqual(json.id, production.get(task)!.id);
        assert.ok(json.friendlyName.endsWith(' (test)') && json.friendlyName.length <= 40, json.friendlyName);
      }
    });

    it('rewrites supportsTasks of the build tab to the new ids and marks the tab names', async () => {
      const vso = JSON.parse(await zip.file('extension.vsomanifest')!.async('string')) as {
        contributions: Array<{ id: string; type: string; properties: { name?: string; supportsTasks?: string[] } }>;
      };
      const buildTab = vso.contributions.find((c) => c.type === 'ms.vss-build-web.build-results-tab');
      assert.ok(buildTab);
      assert.deepEqual([...(buildTab.properties.supportsTasks ?? [])].sort(), TASKS.map((t) => lib.testTaskId(PUBLISHER, 'databricks-mlops', t)).sort());
      for (const tab of vso.contributions.filter((c) => c.type !== 'ms.vss-distributed-task.task')) {
        assert.match(tab.properties.name ?? '', / \(test\)$/, tab.id);
      }
      const ids = new Set([...production.values()].map((t) => t.id));
      assert.ok(
        !JSON.stringify(vso)
          .split(/"/)
          .some((s) => ids.has(s)),
        'no production task id is left in the manifest',
      );
    });

    it('is a private extension of the test publisher, named "(test)"', async () => {
      const xml = await zip.file('extension.vsixmanifest')!.async('string');
      assert.match(xml, /Publisher="contoso-mlops-test"/);
      assert.match(xml, /<DisplayName>Databricks MLOps for Azure Pipelines \(test\)<\/DisplayName>/);
      assert.doesNotMatch(xml, /<GalleryFlags>[^<]*Public/);
    });

    it('refuses a private package shared with nobody, and takes explicit public visibility', () => {
      const refused = packageAs({ DATABRICKS_MLOPS_PUBLISHER: PUBLISHER });
      assert.notEqual(refused.status, 0);
      assert.match(String(refused.stderr), /must be shared with at least one organization: set DATABRICKS_MLOPS_SHARE_WITH/);
      const bad = packageAs({ DATABRICKS_MLOPS_PUBLISHER: PUBLISHER, DATABRICKS_MLOPS_VISIBILITY: 'everyone' });
      assert.match(String(bad.stderr), /DATABRICKS_MLOPS_VISIBILITY must be public or private/);
    });
  });
});
