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
 */
// 'fs', not 'node:fs': the prefix needs Node 14.18+, and this must run on anything the agent picks.
import { writeSync } from 'fs';

/** The oldest Node major the task bundles are built and tested for (package.json engines). */
export const MINIMUM_NODE_MAJOR = 20;

/** The message for a Node version the tasks cannot run on, or undefined when it is fine. */
export function nodeVersionProblem(version: string, agentVersion?: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isFinite(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  const agent = agentVersion ? ` (agent ${agentVersion})` : '';
  return (
    `This task needs Node.js ${MINIMUM_NODE_MAJOR} or later, but the agent${agent} started it on Node.js ${version}. ` +
    'The agent falls back from its Node 20 runtime to Node 16 when the host cannot run Node 20, which needs glibc 2.28 or later ' +
    '(e.g. RHEL/CentOS 7, Ubuntu 18.04, Debian 9 or an old container image). ' +
    'Run the job on a host or container image with glibc 2.28 or later (Ubuntu 20.04+, Debian 10+, RHEL 8+), ' +
    'with Azure Pipelines agent 4.248.0 or later, or on a Microsoft-hosted agent.'
  );
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
): void {
  const problem = nodeVersionProblem(version, agentVersion);
  if (problem === undefined) return;
  const message = escapeMessage(problem);
  write(`##vso[task.issue type=error;]${message}\n##vso[task.complete result=Failed;done=true;]${message}\n`);
  exit(1);
}
