/**
 * The first thing a task bundle runs (scripts/build.mjs puts nodeGuardEntry.ts in front of
 * every bundle, before any module of the task or its dependencies is evaluated): a task built for
 * Node 20 fails at once, with a message that says why and what to do, when the agent started it
 * on an older Node.
 *
 * Why it happens: the agent runs our Node20_1 handler on Node 16 when the host cannot run its
 * Node 20 binary (glibc older than 2.28) and a node16 folder exists, printing only a warning
 * (azure-pipelines-agent src/Agent.Worker/Handlers/NodeHandler.cs `GetNodeFolderWithFallback`).
 * Without this check the task would crash later on a missing Node 18+ global such as `fetch`.
 *
 * Deliberately dependency-free and written for old runtimes (no task-lib: it may not even load):
 * the agent's logging commands are written directly, synchronously, so nothing is lost when the
 * process exits right after.
 *
 * Localizable like every other message, but without tl.loc: the guard runs in the bundle's banner,
 * before any bundled module (task-lib included) is evaluated, and bundling task-lib into the banner
 * would put a second copy of it in every task and load it on the very runtimes it may fail on. So
 * the guard reads the one string it needs itself, the way task-lib's loc does (internal.js
 * `_loadLocStrings`): the agent's System.Culture (the SYSTEM_CULTURE environment variable), the
 * culture folder under Strings/resources.resjson beside the bundle (matched case-insensitively,
 * BOM stripped), key `loc.messages.<key>`; else the English text of shared/runtime/messages.json
 * (only these two keys are bundled into the banner: esbuild keeps just the JSON properties imported).
 * Placeholders are `%s`, filled in order.
 */
// 'fs', not 'node:fs': the prefix needs Node 14.18+, and this must run on anything the agent picks.
import { readdirSync, readFileSync, writeSync } from 'fs';
import { join } from 'path';
import { NodeVersionAgent, NodeVersionTooOld } from './messages.json';

/** The oldest Node major the task bundles are built and tested for (package.json engines). */
export const MINIMUM_NODE_MAJOR = 20;

/** Where the guard's strings are: the task folder (the bundle's) and the agent's culture. */
export interface GuardStrings {
  dir: string;
  culture: string | undefined;
}

const DEFAULT_STRINGS: GuardStrings = { dir: __dirname, culture: process.env.SYSTEM_CULTURE };

/** The culture's `loc.messages.<key>` from Strings/resources.resjson/<culture>/, else the English text. */
function guardMessage(key: string, english: string, strings: GuardStrings, args: Array<string | number>): string {
  let text = english;
  try {
    const culture = (strings.culture || '').toUpperCase();
    const base = join(strings.dir, 'Strings', 'resources.resjson');
    const folder = culture ? readdirSync(base).filter((name) => name.toUpperCase() === culture)[0] : undefined;
    if (folder !== undefined) {
      const content = readFileSync(join(base, folder, 'resources.resjson'), 'utf8').replace(/^\uFEFF/, '');
      const localized = (JSON.parse(content) as Record<string, unknown>)[`loc.messages.${key}`];
      if (typeof localized === 'string' && localized) text = localized;
    }
  } catch {
    // No Strings folder (the repository's layout) or an unreadable one: the English text.
  }
  let next = 0;
  return text.replace(/%[s%]/g, (m) => (m === '%%' ? '%' : String(next < args.length ? args[next++] : m)));
}

/** The message for a Node version the tasks cannot run on, or undefined when it is fine. */
export function nodeVersionProblem(version: string, agentVersion?: string, strings: GuardStrings = DEFAULT_STRINGS): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isFinite(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  const agent = agentVersion ? guardMessage('NodeVersionAgent', NodeVersionAgent, strings, [agentVersion]) : '';
  return guardMessage('NodeVersionTooOld', NodeVersionTooOld, strings, [MINIMUM_NODE_MAJOR, agent, version]);
}

/** Escapes a logging-command message the way task-lib does (line breaks and '%'). */
function escapeMessage(text: string): string {
  return text.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Fails the step (error issue + task.complete Failed) and exits when the running Node is too old.
 * Returns normally when it is fine.
 */
export function enforceNodeVersion(
  version: string = process.versions.node,
  agentVersion: string | undefined = process.env.AGENT_VERSION,
  write: (text: string) => void = (text) => {
    writeSync(1, text);
  },
  exit: (code: number) => void = (code) => process.exit(code),
  strings: GuardStrings = DEFAULT_STRINGS,
): void {
  const problem = nodeVersionProblem(version, agentVersion, strings);
  if (problem === undefined) return;
  const message = escapeMessage(problem);
  write(`##vso[task.issue type=error;]${message}\n##vso[task.complete result=Failed;done=true;]${message}\n`);
  exit(1);
}
