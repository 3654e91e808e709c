// Task versions derived from the extension version, monotonic across extension major bumps.
//
// The agent caches each task under _work/_tasks/<Name>_<id>/<Major.Minor.Patch> and never
// downloads a version it already has (azure-pipelines-agent src/Agent.Worker/TaskManager.cs), so a
// task version must never repeat or go down. The task Major is the task's own (task.json, changed
// only with breaking input changes); Minor and Patch come from the extension version:
//   Minor = (extension major - 1) × 1000 + extension minor,  Patch = extension patch.
// 1.x.y keeps x.y (1.4.2 → task 1.4.2); 2.0.0 → task 1.1000.0, above every 1.x; 3.0.0 → 1.2000.0.
// An extension minor ≥ 1000 would break the order, so packaging refuses it.

export const MINOR_STRIDE = 1000;

/** Parses "major.minor.patch" (the Marketplace's three-part version); throws on anything else. */
export function parseVersion(text) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(text).trim());
  if (!m) throw new Error(`"${text}" is not a major.minor.patch version`);
  return m.slice(1, 4).map(Number);
}

/** The {Major, Minor, Patch} of a task whose task.json Major is taskMajor, in extension version extensionVersion. */
export function taskVersion(extensionVersion, taskMajor) {
  const [major, minor, patch] = parseVersion(extensionVersion);
  if (major < 1) throw new Error(`extension version ${extensionVersion}: the major must be 1 or more`);
  if (minor >= MINOR_STRIDE) throw new Error(`extension version ${extensionVersion}: a minor of ${MINOR_STRIDE} or more would make task versions go down at the next major`);
  const Minor = (major - 1) * MINOR_STRIDE + minor;
  if (!Number.isSafeInteger(Minor) || Minor > 2 ** 31 - 1 || patch > 2 ** 31 - 1) throw new Error(`extension version ${extensionVersion}: task version out of range`);
  return { Major: taskMajor, Minor, Patch: patch };
}

/** -1, 0 or 1: how task version a compares with b. */
export function compareTaskVersions(a, b) {
  for (const k of ['Major', 'Minor', 'Patch']) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

/** Released extension versions, from the `## x.y.z` headings of CHANGELOG.md (not those marked unreleased). */
export function releasedVersions(changelog) {
  return [...changelog.matchAll(/^##\s+v?(\d+\.\d+\.\d+)\b(.*)$/gm)].filter((m) => !/unreleased/i.test(m[2])).map((m) => m[1]);
}

/**
 * Throws unless `version` is not below any released extension version and its task versions are
 * above those of every older release (equal for the same version), for every task Major in `taskMajors`.
 */
export function assertMonotonic(version, released, taskMajors) {
  const cmpExt = (a, b) => {
    const [x, y] = [parseVersion(a), parseVersion(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  };
  for (const taskMajor of taskMajors) {
    const current = taskVersion(version, taskMajor);
    for (const old of released) {
      const order = cmpExt(old, version);
      // The Marketplace accepts only versions above the published one, so a package below a
      // released version can never ship; and its tasks would go down.
      if (order > 0) throw new Error(`extension version ${version} is below the released ${old} (CHANGELOG.md): bump package.json`);
      const before = taskVersion(old, taskMajor);
      const cmp = compareTaskVersions(current, before);
      if ((order < 0 && cmp <= 0) || (order === 0 && cmp !== 0)) {
        const show = (v) => `${v.Major}.${v.Minor}.${v.Patch}`;
        throw new Error(
          `task version ${show(current)} of extension ${version} is not above ${show(before)} of the released ${old}: agents that cached ${show(before)} would keep running the old code`,
        );
      }
    }
  }
}
