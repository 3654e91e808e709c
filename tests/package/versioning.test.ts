/**
 * Task versions only go up (scripts/versioning.mjs, enforced by scripts/package.mjs): the agent
 * caches tasks by id + version and never downloads a version it already has, so the task
 * version derived from the extension version must rise with it, across extension major bumps too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/repo';
import type * as VersioningModule from '../../scripts/versioning.mjs' with { 'resolution-mode': 'import' };

type Versioning = typeof VersioningModule;

const root = repoRoot();

describe('task versions', () => {
  let v: Versioning;
  before(async () => {
    v = (await import(pathToFileURL(join(root, 'scripts', 'versioning.mjs')).href)) as Versioning;
  });

  it('keep minor.patch within extension major 1, and stay above it after a major bump', () => {
    assert.deepEqual(v.taskVersion('1.0.0', 1), { Major: 1, Minor: 0, Patch: 0 });
    assert.deepEqual(v.taskVersion('1.4.2', 1), { Major: 1, Minor: 4, Patch: 2 });
    assert.deepEqual(v.taskVersion('2.0.0', 1), { Major: 1, Minor: 1000, Patch: 0 });
    assert.deepEqual(v.taskVersion('3.1.7', 2), { Major: 2, Minor: 2001, Patch: 7 });
  });

  it('rise strictly along any increasing sequence of extension versions, CI builds included', () => {
    const sequence = ['1.0.0', '1.0.1', '1.0.100001', '1.0.100002', '1.1.0', '1.999.0', '1.999.4', '2.0.0', '2.0.1', '2.3.0', '3.0.0', '10.2.5'];
    for (let i = 1; i < sequence.length; i++) {
      assert.equal(v.compareTaskVersions(v.taskVersion(sequence[i], 1), v.taskVersion(sequence[i - 1], 1)), 1, `${sequence[i - 1]} → ${sequence[i]}`);
    }
  });

  it('refuses an extension minor that would break the order, and malformed versions', () => {
    assert.throws(() => v.taskVersion('1.1000.0', 1), /would make task versions go down/);
    assert.throws(() => v.taskVersion('1.0', 1), /not a major\.minor\.patch/);
    assert.throws(() => v.taskVersion('0.9.0', 1), /major must be 1 or more/);
  });

  it('checks the packaged version against every release in CHANGELOG.md', () => {
    assert.deepEqual(v.releasedVersions('# Changelog\n\n## Unreleased\n\n## 2.0.0\n\n## 1.4.2 (2026-01-01)\n\n## 2.1.0 (unreleased)\n\n### 1.0.0 notes\n'), ['2.0.0', '1.4.2']);
    assert.doesNotThrow(() => v.assertMonotonic('2.0.1', ['2.0.0', '1.4.2', '1.0.0'], [1]));
    assert.doesNotThrow(() => v.assertMonotonic('2.0.0', ['2.0.0', '1.4.2'], [1]), 'repackaging a released version');
    assert.throws(() => v.assertMonotonic('1.4.3', ['2.0.0', '1.4.2'], [1]), /1\.4\.3 is below the released 2\.0\.0/);
    // The scheme this replaces (task Minor/Patch = extension minor/patch) would take 1.4.2 → 2.0.0 from task 1.4.2 to 1.0.0.
    const naive = (version: string, released: string[]): void => {
      const [, minor, patch] = version.split('.').map(Number);
      for (const old of released) {
        const [, m, p] = old.split('.').map(Number);
        if (minor < m || (minor === m && patch <= p)) throw new Error(`${version} not above ${old}`);
      }
    };
    assert.throws(() => naive('2.0.0', ['1.4.2']));
  });

  it("the repository's own version passes the check packaging runs", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const released = v.releasedVersions(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'));
    assert.ok(released.length > 0, 'CHANGELOG.md lists released versions as "## x.y.z"');
    assert.doesNotThrow(() => v.assertMonotonic(pkg.version, released, [1]));
  });
});
