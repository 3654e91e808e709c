/**
 * Preloaded into a task process (NODE_OPTIONS=--require) to play an agent that fell back to
 * Node 16: the process reports OLD_NODE_VERSION and lacks the Node 18+ globals a Node 20 bundle
 * relies on (fetch and friends), so a bundle without the guard would crash on them.
 */
const version = process.env.OLD_NODE_VERSION ?? '16.20.2';
Object.defineProperty(process, 'versions', { value: { ...process.versions, node: version } });
Object.defineProperty(process, 'version', { value: `v${version}` });
for (const name of ['fetch', 'Request', 'Response', 'Headers', 'FormData', 'structuredClone']) {
  delete (globalThis as Record<string, unknown>)[name];
}
