// Packaging under another publisher (a test or preview install beside production in one
// organization). Task ids are unique per organization (microsoft/azure-pipelines-tasks#465), so
// every task id is rewritten, as Microsoft's PublishAzureDevOpsExtension task does with
// `updateTasksId` (microsoft/azure-devops-extension-tasks BuildTasks/Common/v5/Common.ts,
// `updateTaskId` / `updateExtensionManifestTaskIds`): id = uuidv5 of
// "<publisher>.<extension id>.<task name>" in the namespace uuidv5(URL, "https://marketplace.visualstudio.com/vsts"),
// and every contribution's `supportsTasks` follows. Friendly names, the extension name and the
// tab names get " (test)" so the two installs can be told apart in the task picker and on the run page.
import { createHash } from 'node:crypto';

/** RFC 4122 URL namespace (the `uuidv5` package's "url"). */
export const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
export const MARKETPLACE_NAMESPACE_URL = 'https://marketplace.visualstudio.com/vsts';
export const TEST_SUFFIX = ' (test)';
/** tfx rejects longer friendly names (tfs-cli app/lib/jsonvalidate.ts). */
export const FRIENDLY_NAME_MAX = 40;

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidv5(namespace, name) {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The task id under another publisher/extension, as `updateTasksId` computes it. */
export function testTaskId(publisher, extensionId, taskName) {
  return uuidv5(uuidv5(URL_NAMESPACE, MARKETPLACE_NAMESPACE_URL), `${publisher}.${extensionId}.${taskName}`);
}

/** " (test)" appended, the base shortened with "…" where the 40-character limit needs it. */
export function testName(name, max = Infinity) {
  if (name.endsWith(TEST_SUFFIX)) return name;
  const room = max - TEST_SUFFIX.length;
  const base = name.length > room ? `${name.slice(0, room - 1).trimEnd()}…` : name;
  return `${base}${TEST_SUFFIX}`;
}

/**
 * Rewrites the task.json objects (in place) and the extension manifest (in place) for a test
 * install: new task ids, names marked, supportsTasks mapped old → new. Returns the id map.
 */
export function rewriteForTestInstall(manifest, tasks, publisher, extensionId) {
  const ids = new Map();
  for (const task of tasks) {
    const id = testTaskId(publisher, extensionId, task.name);
    ids.set(task.id.toLowerCase(), id);
    task.id = id;
    task.friendlyName = testName(task.friendlyName, FRIENDLY_NAME_MAX);
  }
  manifest.name = testName(manifest.name);
  for (const contribution of manifest.contributions ?? []) {
    if (contribution.type === 'ms.vss-distributed-task.task') continue;
    const props = contribution.properties ?? {};
    if (Array.isArray(props.supportsTasks)) {
      props.supportsTasks = props.supportsTasks.map((id) => {
        const mapped = ids.get(String(id).toLowerCase());
        if (!mapped) throw new Error(`contribution ${contribution.id}: supportsTasks names ${id}, which is not a task of this extension`);
        return mapped;
      });
    }
    if (typeof props.name === 'string') props.name = testName(props.name);
  }
  return ids;
}
