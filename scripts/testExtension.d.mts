// Types of scripts/testExtension.mjs for the TypeScript tests.
export const URL_NAMESPACE: string;
export const MARKETPLACE_NAMESPACE_URL: string;
export const TEST_SUFFIX: string;
export const FRIENDLY_NAME_MAX: number;
export function uuidv5(namespace: string, name: string): string;
export function testTaskId(publisher: string, extensionId: string, taskName: string): string;
export function testName(name: string, max?: number): string;
export function rewriteForTestInstall(
  manifest: { name: string; contributions?: Array<{ id: string; type: string; properties?: Record<string, unknown> }> },
  tasks: Array<{ id: string; name: string; friendlyName: string }>,
  publisher: string,
  extensionId: string,
): Map<string, string>;
