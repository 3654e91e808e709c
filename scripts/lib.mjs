// Shared helpers of the build scripts.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The task folders that have an entry point (tasks/<Name>/src/index.ts). */
export function taskNames() {
  return readdirSync(join(root, 'tasks'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'tasks', d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}
