/**
 * Everything a run left where a person or a pipeline could read it: its stdout (masking
 * commands excepted), stderr, and every file it wrote (summaries, attachments, reports, all of
 * its temporary directory).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskRun } from '../helpers/runTask';

export interface Evidence {
  /** Where the text came from: stdout, stderr or a file path. */
  where: string;
  text: string;
}

export function runEvidence(run: TaskRun): Evidence[] {
  // ##vso[task.setsecret] is how a task asks the agent to mask a value: it must carry it.
  const stdout = run.stdout
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('##vso[task.setsecret]'))
    .join('\n');
  const files = new Set<string>([...filesUnder(run.tempDir), ...run.summaries, ...run.attachments.map((a) => a.path)]);
  if (run.outputs.reportPath) files.add(run.outputs.reportPath);
  const evidence: Evidence[] = [
    { where: 'stdout', text: stdout },
    { where: 'stderr', text: run.stderr },
  ];
  for (const file of files) {
    if (existsSync(file) && statSync(file).isFile()) evidence.push({ where: file, text: readFileSync(file, 'latin1') });
  }
  return evidence;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}
