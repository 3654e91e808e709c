// Task strings for localization, generated from task.json (the English source of truth, what tfx
// validates and the agent reads) the way microsoft/azure-pipelines-tasks does it (make-util.js
// createResjson / createTaskLocJson; Tasks/AzureCLIV2 as the example):
// - Strings/resources.resjson/en-US/resources.resjson: a flat JSON object with the keys
//   loc.friendlyName, loc.helpMarkDown, loc.description, loc.instanceNameFormat, loc.releaseNotes,
//   loc.group.displayName.<group>, loc.input.label.<input>, loc.input.help.<input> and
//   loc.messages.<key> (other cultures sit beside en-US with the same keys);
// - task.loc.json: a copy of task.json with those fields replaced by "ms-resource:<key>".
// At run time task-lib's tl.loc reads loc.messages.<key> from the culture's resources.resjson
// (System.Culture, default en-US), else task.json's `messages`.
// scripts/package.mjs writes both into every staged task folder, from the stamped task.json, so
// versions and the test extension's names always match.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

export const RESJSON_PATH = join('Strings', 'resources.resjson', 'en-US', 'resources.resjson');

/**
 * The shared message catalogs every task carries, by repository path: the shared runtime's
 * printed messages (shared/runtime/messages.ts) and the input-validation sentences
 * (shared/runtime/rules/messages.ts).
 */
export const SHARED_CATALOGS = ['shared/runtime/messages.json', 'shared/runtime/rules/messages.json'];

/** The shared catalogs, each with its path: `{ [path]: messages }`. */
export function sharedMessages(repo = root) {
  return Object.fromEntries(SHARED_CATALOGS.map((path) => [path, JSON.parse(readFileSync(join(repo, path), 'utf8'))]));
}

/**
 * The `messages` of a packaged task.json: every shared catalog (`{ [path]: messages }`,
 * sharedMessages) and the task's own (tasks/<name>/messages.json), besides any the task.json
 * declares itself. A key declared in two of these places is refused (one declaration per
 * message: tl.loc has one namespace per task).
 */
export function taskMessages(name, declared, shared = sharedMessages(), repo = root) {
  const file = join(repo, 'tasks', name, 'messages.json');
  const own = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const sources = [[`tasks/${name}/task.json`, declared ?? {}], ...Object.entries(shared), [`tasks/${name}/messages.json`, own]];
  const merged = {};
  const from = {};
  for (const [where, messages] of sources) {
    for (const [key, text] of Object.entries(messages)) {
      if (typeof text !== 'string') throw new Error(`${where}: message ${key} is not a string`);
      if (key in merged) throw new Error(`${where} declares message ${key}, which ${from[key]} declares`);
      merged[key] = text;
      from[key] = where;
    }
  }
  return merged;
}

/** The en-US resources and the task.loc.json of one task.json (not modified). */
export function localize(taskJson) {
  const resources = {};
  const loc = structuredClone(taskJson);
  const put = (key, value, set) => {
    if (typeof value !== 'string') return;
    resources[key] = value;
    set(`ms-resource:${key}`);
  };
  put('loc.friendlyName', taskJson.friendlyName, (v) => (loc.friendlyName = v));
  put('loc.helpMarkDown', taskJson.helpMarkDown, (v) => (loc.helpMarkDown = v));
  put('loc.description', taskJson.description, (v) => (loc.description = v));
  put('loc.instanceNameFormat', taskJson.instanceNameFormat, (v) => (loc.instanceNameFormat = v));
  put('loc.releaseNotes', taskJson.releaseNotes, (v) => (loc.releaseNotes = v));
  for (const [i, group] of (taskJson.groups ?? []).entries()) {
    put(`loc.group.displayName.${group.name}`, group.displayName, (v) => (loc.groups[i].displayName = v));
  }
  for (const [i, input] of (taskJson.inputs ?? []).entries()) {
    put(`loc.input.label.${input.name}`, input.label, (v) => (loc.inputs[i].label = v));
    put(`loc.input.help.${input.name}`, input.helpMarkDown, (v) => (loc.inputs[i].helpMarkDown = v));
  }
  for (const [key, message] of Object.entries(taskJson.messages ?? {})) {
    put(`loc.messages.${key}`, message, (v) => (loc.messages[key] = v));
  }
  return { resources, loc };
}

/** Writes task.loc.json and Strings/resources.resjson/en-US/resources.resjson into a task folder. */
export function writeLocalization(taskFolder, taskJson) {
  const { resources, loc } = localize(taskJson);
  writeFileSync(join(taskFolder, 'task.loc.json'), `${JSON.stringify(loc, null, 2)}\n`);
  mkdirSync(join(taskFolder, 'Strings', 'resources.resjson', 'en-US'), { recursive: true });
  writeFileSync(join(taskFolder, RESJSON_PATH), `${JSON.stringify(resources, null, 2)}\n`);
}
