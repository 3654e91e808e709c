/**
 * Locating and reading the repository's manifests (task.json, vss-extension.json) for the
 * manifest tests. The compiled tests run from an output folder (out/, out-x/…) at any depth,
 * so the repository root is found by walking up to this project's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'databricks-mlops-azure-pipelines';

export const TASK_NAMES = ['DatabricksRegisterModel', 'DatabricksDeployServing', 'DatabricksCreateMonitor', 'DatabricksRefreshMonitors', 'DatabricksRunJob'] as const;

export type TaskName = (typeof TASK_NAMES)[number];

export interface TaskGroup {
  name: string;
  displayName: string;
  isExpanded?: boolean;
  visibleRule?: string;
}

export interface TaskInput {
  name: string;
  label: string;
  type: string;
  aliases?: string[];
  defaultValue?: string | boolean;
  required?: boolean;
  groupName?: string;
  visibleRule?: string;
  helpMarkDown?: string;
  options?: Record<string, string>;
  properties?: Record<string, string | boolean>;
}

export interface DataSourceBinding {
  target?: string;
  endpointId?: string;
  endpointUrl?: string;
  resultSelector?: string;
  resultTemplate?: string;
}

export interface ExecutionObject {
  target: string;
}

/** The parts of task.json the tests inspect (the JSON Schema checks the rest). */
export interface TaskManifest {
  $schema?: string;
  id: string;
  name: string;
  friendlyName: string;
  description?: string;
  helpUrl?: string;
  helpMarkDown?: string;
  category?: string;
  author?: string;
  version: { Major: number; Minor: number; Patch: number };
  minimumAgentVersion?: string;
  instanceNameFormat: string;
  groups?: TaskGroup[];
  inputs?: TaskInput[];
  dataSourceBindings?: DataSourceBinding[];
  outputVariables?: { name: string; description?: string }[];
  execution?: Record<string, ExecutionObject>;
  restrictions?: { settableVariables?: { allowed?: string[] } };
}

export interface ExtensionFile {
  path: string;
  addressable?: boolean;
  packagePath?: string;
}

export interface ExtensionContribution {
  id: string;
  type: string;
  targets: string[];
  properties?: { name?: string };
}

export interface ExtensionManifest {
  manifestVersion: number;
  id: string;
  name: string;
  publisher: string;
  version: string;
  description?: string;
  public?: boolean;
  targets?: { id: string }[];
  categories?: string[];
  icons?: { default?: string };
  content?: { details?: { path?: string }; license?: { path?: string } };
  repository?: { type?: string; uri?: string };
  files?: ExtensionFile[];
  contributions?: ExtensionContribution[];
}

/** Walks up from `start` to the directory holding this project's package.json. */
export function findRepoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${start}`);
    dir = parent;
  }
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function taskDir(root: string, task: string): string {
  return join(root, 'tasks', task);
}

export function loadTask(root: string, task: string): TaskManifest {
  return readJson<TaskManifest>(join(taskDir(root, task), 'task.json'));
}

export function loadExtension(root: string): ExtensionManifest {
  return readJson<ExtensionManifest>(join(root, 'vss-extension.json'));
}

/** The GitHub-style anchor of a Markdown heading ("## Getting started" → "getting-started"). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split(/\r?\n/)) {
    const match = /^#{1,6}\s+(.+?)\s*$/.exec(line);
    if (!match) continue;
    anchors.add(
      match[1]
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}
