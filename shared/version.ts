/** The extension version, stamped by the build (esbuild `define`); read from package.json when run unbundled. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

declare const __EXTENSION_VERSION__: string | undefined;

function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'databricks-mlops-azure-pipelines' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

export const EXTENSION_VERSION: string = typeof __EXTENSION_VERSION__ === 'string' ? __EXTENSION_VERSION__ : packageVersion();

export const USER_AGENT = `databricks-mlops-azure-pipelines/${EXTENSION_VERSION}`;
