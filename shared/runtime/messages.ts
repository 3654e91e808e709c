/**
 * The fixed messages the shared runtime prints, localizable the way Microsoft's tasks are: the
 * English text is declared once, in messages.json; packaging (scripts/package.mjs) adds it to
 * every packaged task.json's `messages`, and so to Strings/resources.resjson/en-US as
 * loc.messages.<key> (scripts/localize.mjs). In the packaged task, task-lib's tl.loc reads the
 * culture's resources.resjson (System.Culture, default en-US), else task.json's `messages`.
 * Where no task.json with messages sits beside the code (the repository's own layout), the
 * English text is formatted directly — the same words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import * as tl from 'azure-pipelines-task-lib/task';
import MESSAGES from './messages.json';

export type MessageKey = keyof typeof MESSAGES;

let loaded = false;

/** Loads the task's strings when a task.json with a `messages` section is beside the bundle (the agent's layout of a packaged task). */
export function loadTaskStrings(dir: string): void {
  const manifest = join(dir, 'task.json');
  if (!existsSync(manifest)) return;
  const messages = (JSON.parse(readFileSync(manifest, 'utf8')) as { messages?: Record<string, string> }).messages ?? {};
  if (!Object.keys(MESSAGES).every((key) => key in messages)) return;
  tl.setResourcePath(manifest, true);
  loaded = true;
}

/** A fixed message in the agent's culture, `%s` filled in order. */
export function message(key: MessageKey, ...args: Array<string | number>): string {
  return loaded ? tl.loc(key, ...args) : format(MESSAGES[key], ...args);
}
