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

let taskDir: string | undefined;
let loaded: boolean | undefined;

/**
 * Where the task's task.json (with its `messages`) and Strings/ are: the bundle's folder in a
 * packaged task. Nothing is read until a message is printed (start-up stays free of it).
 */
export function useTaskStrings(dir: string): void {
  taskDir = dir;
  loaded = undefined;
}

function taskStringsLoaded(): boolean {
  if (loaded !== undefined) return loaded;
  loaded = false;
  if (taskDir === undefined) return loaded;
  const manifest = join(taskDir, 'task.json');
  if (!existsSync(manifest)) return loaded;
  const messages = (JSON.parse(readFileSync(manifest, 'utf8')) as { messages?: Record<string, string> }).messages ?? {};
  if (!Object.keys(MESSAGES).every((key) => key in messages)) return loaded;
  tl.setResourcePath(manifest, true);
  loaded = true;
  return loaded;
}

/** A fixed message in the agent's culture, `%s` filled in order. */
export function message(key: MessageKey, ...args: Array<string | number>): string {
  return taskStringsLoaded() ? tl.loc(key, ...args) : format(MESSAGES[key], ...args);
}
