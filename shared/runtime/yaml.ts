/**
 * The `yaml` package, loaded on first use: the settings file, custom metrics files and MLmodel
 * files need it, but loading it for every task start costs start-up time.
 */
type YamlModule = typeof import('yaml'); // eslint-disable-line @typescript-eslint/consistent-type-imports

let loaded: YamlModule | undefined;

export function yaml(): YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('yaml') as YamlModule);
}
