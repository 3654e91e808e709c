/** The extension version, stamped by the build (esbuild `define`); the package.json version when run unbundled. */
declare const __EXTENSION_VERSION__: string | undefined;

export const EXTENSION_VERSION: string =
  typeof __EXTENSION_VERSION__ === 'string'
    ? __EXTENSION_VERSION__
    : // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../package.json') as { version: string }).version;

export const USER_AGENT = `databricks-mlops-azure-pipelines/${EXTENSION_VERSION}`;
