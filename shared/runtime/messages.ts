/**
 * The fixed messages the tasks print, localizable the way Microsoft's tasks are. The English text
 * is declared once: the shared runtime's in shared/runtime/messages.json, each task's own in
 * tasks/<TaskName>/messages.json (one declaration per key; packaging refuses a key declared
 * twice). Packaging (scripts/package.mjs) adds both to the task's packaged task.json `messages`,
 * and so to Strings/resources.resjson/en-US as loc.messages.<key> (scripts/localize.mjs). In the
 * packaged task, task-lib's tl.loc reads the culture's resources.resjson (System.Culture, default
 * en-US), else task.json's `messages`. Where no task.json with those messages sits beside the
 * code (the repository's own layout), the English text is formatted directly — the same words.
 *
 * Placeholders are `%s`, filled in order (tl.loc and util.format both); a test checks that every
 * call passes as many arguments as its message has placeholders, that every key used is
 * declared and that every declared key is used.
 *
 * What goes through message(): every text a pipeline user reads — results, errors, warnings,
 * notes, log sections and groups, status and progress lines, the summaries and the plan lines.
 * Debug lines (tl.debug, TaskLog.debug) stay English, as in Microsoft's own tasks: e.g.
 * https://github.com/microsoft/azure-pipelines-tasks/blob/master/Tasks/AzureCLIV2/azureclitask.ts
 * writes `tl.debug('key based endpoint')` beside `console.log(tl.loc('SettingAzureCloud', …))`
 * and `tl.setResult(…, tl.loc('ScriptFailed', …))`. They are for whoever debugs the task, and
 * searching for them must find the code. Remote text is never a message: it is printed as it came.
 *
 * Never call message() while a module loads (a constant): in the bundle that runs before the
 * entry's useTaskStrings(), so it would print English. Keep such texts lazy (a function).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import * as tl from 'azure-pipelines-task-lib/task';
import MESSAGES from './messages.json';

export type MessageCatalog = Readonly<Record<string, string>>;
export type MessageArgument = string | number;

let taskDir: string | undefined;
/** The packaged task.json's messages, once read; null when there is none beside the code. */
let manifestMessages: Readonly<Record<string, string>> | null | undefined;
let resourcePathSet = false;
/** Per catalog, whether the packaged task.json declares all its keys (checked once per useTaskStrings). */
let checkedCatalogs = new WeakMap<MessageCatalog, boolean>();

/**
 * Where the task's task.json (with its `messages`) and Strings/ are: the bundle's folder in a
 * packaged task. Nothing is read until a message is printed (start-up stays free of it).
 */
export function useTaskStrings(dir: string): void {
  taskDir = dir;
  manifestMessages = undefined;
  resourcePathSet = false;
  checkedCatalogs = new WeakMap();
}

function packagedMessages(): Readonly<Record<string, string>> | null {
  if (manifestMessages !== undefined) return manifestMessages;
  manifestMessages = null;
  if (taskDir === undefined) return manifestMessages;
  const manifest = join(taskDir, 'task.json');
  if (!existsSync(manifest)) return manifestMessages;
  manifestMessages = (JSON.parse(readFileSync(manifest, 'utf8')) as { messages?: Record<string, string> }).messages ?? {};
  return manifestMessages;
}

/** Whether tl.loc can answer every key of `catalog` (the packaged task.json declares them all). */
function localized(catalog: MessageCatalog): boolean {
  const known = checkedCatalogs.get(catalog);
  if (known !== undefined) return known;
  const packaged = packagedMessages();
  const answers = packaged !== null && Object.keys(catalog).every((key) => key in packaged);
  checkedCatalogs.set(catalog, answers);
  if (!answers) return false;
  if (!resourcePathSet) {
    tl.setResourcePath(join(taskDir!, 'task.json'), true);
    resourcePathSet = true;
  }
  return true;
}

/** The `message(key, ...args)` of one catalog: the text in the agent's culture, `%s` filled in order. */
export function messageCatalog<const C extends MessageCatalog>(catalog: C): (key: keyof C & string, ...args: MessageArgument[]) => string {
  return (key, ...args) => (localized(catalog) ? tl.loc(key, ...args) : format(catalog[key], ...args));
}

export type MessageKey = keyof typeof MESSAGES;

/** A fixed message of the shared runtime (shared/runtime/messages.json). */
export const message = messageCatalog(MESSAGES);
