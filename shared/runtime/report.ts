/**
 * The two artefacts every task leaves on the run page: a Markdown summary
 * (`task.uploadsummary`) and a JSON report attachment that the results tab renders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';

export const REPORT_ATTACHMENT_TYPE = 'databricks-mlops-report';

export interface TaskReport {
  /** Which renderer the results tab uses. */
  kind: 'registration' | 'deployment' | 'monitor' | 'drift' | 'connection' | 'job';
  task: string;
  version: 1;
  result: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
  message: string;
  startedAt: string;
  finishedAt: string;
  workspaceUrl?: string;
  dryRun?: boolean;
  data: unknown;
}

export function outputDirectory(): string {
  const base = tl.getVariable('Agent.TempDirectory') || tmpdir();
  const dir = join(base, 'databricks-mlops');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function stamp(task: string): string {
  const id = tl.getVariable('System.JobId') || tl.getVariable('Build.BuildId') || 'local';
  return `${task}-${id}-${process.pid}`;
}

export function publishSummary(task: string, markdown: string): string {
  const file = join(outputDirectory(), `${stamp(task)}.md`);
  writeFileSync(file, markdown, 'utf8');
  tl.uploadSummary(file);
  return file;
}

export function publishReport(report: TaskReport, extraPath?: string): string {
  const text = JSON.stringify(report, null, 2);
  const file = join(outputDirectory(), `${stamp(report.task)}.json`);
  writeFileSync(file, text, 'utf8');
  tl.addAttachment(REPORT_ATTACHMENT_TYPE, `${stamp(report.task)}.json`, file);
  if (extraPath) {
    mkdirSync(dirname(extraPath), { recursive: true });
    writeFileSync(extraPath, text, 'utf8');
  }
  return file;
}
