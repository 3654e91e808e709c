/** Input rules over files: a file to write; JSON object text or the file holding it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { YamlValue } from '../yamlDocument';
import { fail, ok, rule, type Check, type ValueRule } from './core';
import { ruleMessage } from './messages';

/** A file to write; resolved against `baseDir`. An existing directory is refused. */
export function outputFileRule(baseDir: string): ValueRule<string> {
  return rule((raw) => {
    const resolved = path.resolve(baseDir, raw.trim());
    if (fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) return fail(ruleMessage('IsDirectoryGiveFile'));
    return ok(resolved);
  });
}

export type JsonObject = { [key: string]: unknown };

/**
 * JSON object text, or the path (resolved against `baseDir`) of a file holding one; in the
 * settings file also a mapping, taken as the object itself (not turned into JSON text). `check`
 * adds the caller's own rule over the object.
 */
export function jsonObjectOrFileRule(baseDir: string, check: (value: JsonObject) => string | undefined): ValueRule<JsonObject> {
  const mapping = (value: Exclude<YamlValue, string>): Check<JsonObject> => {
    if (Array.isArray(value)) return fail(ruleMessage('JsonNotArray'), { hideValue: true });
    if (typeof value !== 'object' || value === null) return fail(ruleMessage('JsonTextFileOrMapping'));
    const problem = check(value as JsonObject);
    return problem === undefined ? ok(value as JsonObject) : fail(ruleMessage('JsonObjectProblem', ruleMessage('TheMapping'), problem), { hideValue: true });
  };
  return rule((raw) => {
    const text = raw.trim();
    let json = text;
    let origin = ruleMessage('TheJsonText');
    if (!text.startsWith('{')) {
      if (text.startsWith('[')) return fail(ruleMessage('JsonNotArray'), { hideValue: true });
      const file = path.resolve(baseDir, text);
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        return fail(ruleMessage('JsonNoFile', file));
      }
      origin = ruleMessage('TheFile', file);
      try {
        json = fs.readFileSync(file, 'utf8');
      } catch (error) {
        return fail(ruleMessage('CannotBeRead', origin, (error as Error).message), { hideValue: true });
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      return fail(ruleMessage('NotValidJson', origin, (error as Error).message), { hideValue: true });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(ruleMessage('MustHoldJsonObject', origin), { hideValue: true });
    }
    const problem = check(value as JsonObject);
    return problem === undefined ? ok(value as JsonObject) : fail(ruleMessage('JsonObjectProblem', origin, problem), { hideValue: true });
  }, mapping);
}
