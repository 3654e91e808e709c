/**
 * The inputs a task process receives, built the way the agent builds them (agent
 * src/Agent.Worker/TaskRunner.cs, `LoadDefaultInputs` and the lines after it):
 *
 * 1. every input of task.json with its `defaultValue` (trimmed; inputs without one get ""),
 * 2. the step's inputs over them (trimmed), names case-insensitive,
 * 3. `$(name)` macros expanded in every value, defaults included, from the job's variables and
 *    then the environment (an unknown macro stays as written),
 * 4. filePath inputs rooted: relative values are joined to the sources directory, and an empty
 *    one arrives as the sources directory itself.
 *
 * A harness that passed only the step's inputs would hide every bug that lives in steps 1, 3
 * and 4 (e.g. a default that silently beats the settings file).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

interface ManifestInput {
  name: string;
  type: string;
  defaultValue?: string | boolean;
}

/** INPUT_<NAME> → value, as the agent would set them for `given` (the step's inputs). */
export function agentInputEnv(manifestPath: string, given: Readonly<Record<string, string | undefined>>, variables: Readonly<Record<string, string>>): Record<string, string> {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { inputs?: ManifestInput[] };
  const declared = manifest.inputs ?? [];
  const values = new Map<string, { name: string; value: string }>();
  for (const input of declared) values.set(input.name.toLowerCase(), { name: input.name, value: String(input.defaultValue ?? '').trim() });
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined) values.set(name.toLowerCase(), { name: values.get(name.toLowerCase())?.name ?? name, value: value.trim() });
  }
  const sourcesDirectory = variables.BUILD_SOURCESDIRECTORY ?? variables.SYSTEM_DEFAULTWORKINGDIRECTORY ?? '';
  const filePaths = new Set(declared.filter((i) => i.type === 'filePath').map((i) => i.name.toLowerCase()));
  const env: Record<string, string> = {};
  for (const [key, { name, value }] of values) {
    let expanded = expandMacros(value, variables);
    if (filePaths.has(key) && sourcesDirectory && !isAbsolute(expanded)) expanded = expanded === '' ? sourcesDirectory : join(sourcesDirectory, expanded);
    env[`INPUT_${name.replace(/[. ]/g, '_').toUpperCase()}`] = expanded;
  }
  return env;
}

/** `$(Agent.TempDirectory)` → the value of AGENT_TEMPDIRECTORY; unknown macros are left as they are. */
export function expandMacros(value: string, variables: Readonly<Record<string, string>>): string {
  return value.replace(/\$\(([^()]+)\)/g, (macro, name: string) => variables[name.replace(/[. ]/g, '_').toUpperCase()] ?? macro);
}
