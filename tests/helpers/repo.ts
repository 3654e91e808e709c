import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from a compiled test file wherever the out folder is. */
export function repoRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'databricks-mlops-azure-pipelines') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
}

/** ../shared beside the project (reference data); undefined when absent. */
export function sharedDir(): string | undefined {
  const dir = join(repoRoot(), '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}
