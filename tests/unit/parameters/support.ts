/**
 * Helpers of the Parameters and config tests: record-backed inputs, temp files, and
 * assertions over the InputErrors a build throws.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputErrors, type InputError } from '../../../shared/runtime/inputError';
import { mapInputSource, mapVariableSource, type InputSource, type VariableSource } from '../../../shared/runtime/inputs';

export type Inputs = Record<string, string | undefined>;

/** The common inputs a valid run needs. */
export const CONNECTION: Inputs = { azureSubscription: 'arm-connection', workspaceUrl: 'https://adb-1234567890123456.7.azuredatabricks.net' };

export type Build<P> = (inputs: InputSource, vars: VariableSource) => P;

export function build<P>(buildParameters: Build<P>, inputs: Inputs, vars: Inputs = {}): P {
  return buildParameters(mapInputSource(inputs), mapVariableSource(vars));
}

/** The errors a build throws; fails when it does not throw InputErrors. */
export function errorsOf(run: () => unknown): readonly InputError[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InputErrors, `expected InputErrors, got ${String(error)}`);
    return error.errors;
  }
  assert.fail('expected InputErrors, but the inputs were accepted');
}

/** Asserts exactly one error, about `input`, whose message contains every fragment. */
export function expectError(run: () => unknown, input: string, ...fragments: (string | RegExp)[]): InputError {
  const errors = errorsOf(run);
  assert.equal(errors.length, 1, `expected one error, got:\n${errors.map((e) => e.message).join('\n')}`);
  const [error] = errors;
  assert.equal(error.input, input, error.message);
  for (const fragment of fragments) {
    if (typeof fragment === 'string') assert.ok(error.message.includes(fragment), `"${fragment}" not in: ${error.message}`);
    else assert.match(error.message, fragment);
  }
  return error;
}

/** A temp directory created before the current mocha suite and removed after it. */
export function useTempDir(): () => string {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbx-mlops-params-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The repository root (holds package.json), from the compiled test's folder. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the tests');
    dir = parent;
  }
  return dir;
}
