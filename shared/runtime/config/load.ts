/**
 * Loads the settings file (`configFile`) for one task and environment.
 *
 * 1. The file is parsed with the `yaml` package (syntax errors name the line and column) and
 *    validated against configFileSchema as a whole, every environment included: a mistake in
 *    prod is found by the dev run. Unknown keys are errors, with a "did you mean" (issues.ts).
 * 2. The environment is picked and its values layered over `defaults:` (layers.ts), each value
 *    remembering its file, path and line, so a value that breaks an input rule later is
 *    reported at its place in the file.
 */
import * as fs from 'node:fs';
import { configFileSchema, type TaskName } from '../configSchema';
import { InputError, InputErrors, type ConfigLocation } from '../inputError';
import { ruleMessage } from '../rules/messages';
import { YamlDocument } from '../yamlDocument';
import { schemaErrors } from './issues';
import { pickEnvironment, taskValues, type ConfigValues, type Mapping } from './layers';
import { Locator } from './locator';

export function loadConfig(file: string, environment: string | undefined, task: TaskName): ConfigValues {
  const text = readConfigText(file);
  const doc = YamlDocument.parse(text);
  const where = new Locator(file, doc);
  const syntax = doc.syntaxErrors;
  if (syntax.length > 0) {
    throw new InputErrors(syntax.map((error) => fileError(ruleMessage('NotValidYaml', firstLine(error.message)), { file, path: '', line: error.line, column: error.column })));
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    throw new InputErrors([fileError(ruleMessage('NotValidYaml', (error as Error).message), { file, path: '' })]);
  }
  if (data == null) throw new InputErrors([fileError(ruleMessage('ConfigEmpty'), { file, path: '' })]);

  const result = configFileSchema().safeParse(data, { reportInput: true });
  if (!result.success) throw new InputErrors(schemaErrors(result.error.issues, where));

  const document = data as { defaults?: Mapping; environments: Record<string, Mapping> };
  const environments = Object.keys(document.environments);
  const chosen = pickEnvironment(file, environments, environment);
  const values = taskValues(task, document.defaults, document.environments[chosen], chosen, where);
  return { file, environment: chosen, environments, task, values };
}

function readConfigText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const rule =
      code === 'ENOENT' ? ruleMessage('FileNotFound') : code === 'EISDIR' ? ruleMessage('IsDirectoryNotFile') : ruleMessage('CannotBeReadBecause', (error as Error).message);
    throw new InputErrors([new InputError({ input: 'configFile', rule, value: file, fromTask: true })]);
  }
}

function fileError(rule: string, source: ConfigLocation): InputError {
  return new InputError({ input: 'configFile', rule, source });
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
