/**
 * The packaged extension as the agent receives it: each task folder of the .vsix extracted
 * alone into its own temporary directory (no node_modules, no repository around it), so the
 * suite runs exactly what is shipped.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import JSZip from 'jszip';

export interface TaskInput {
  name: string;
  type: string;
  defaultValue?: string;
  required?: boolean;
  options?: Record<string, string>;
}

export interface PackagedTask {
  name: string;
  /** index.js of the extracted task. */
  entry: string;
  inputs: TaskInput[];
}

export interface PackagedTasks {
  tasks: Map<string, PackagedTask>;
  remove(): void;
}

export async function extractTasks(vsixPath: string): Promise<PackagedTasks> {
  const zip = await JSZip.loadAsync(readFileSync(vsixPath));
  const byTask = new Map<string, string[]>();
  for (const file of Object.keys(zip.files)) {
    const m = /^tasks\/([^/]+)\/[^/]/.exec(file);
    if (!m || zip.files[file]!.dir) continue;
    byTask.set(m[1]!, [...(byTask.get(m[1]!) ?? []), file]);
  }
  const dirs: string[] = [];
  const tasks = new Map<string, PackagedTask>();
  for (const [name, files] of byTask) {
    const dir = mkdtempSync(join(tmpdir(), `dbx-verify-${name}-`));
    dirs.push(dir);
    for (const file of files) {
      const target = join(dir, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, await zip.file(file)!.async('nodebuffer'));
    }
    const taskDir = join(dir, 'tasks', name);
    const manifest = JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8')) as { inputs?: TaskInput[] };
    tasks.set(name, { name, entry: join(taskDir, 'index.js'), inputs: manifest.inputs ?? [] });
  }
  return {
    tasks,
    remove: () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
