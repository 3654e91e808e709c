/**
 * The two artefacts every task leaves on the run page: a Markdown summary
 * (`task.uploadsummary`) and a JSON report attachment that the results tab renders.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { escapeMarkdown, SummaryBuilder } from './markdown';
import { dryRunSentence, planBlock } from './plan';
import { message } from './messages';
import type { Outcome, TaskResultName } from './task';

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

/** The attachment type of a run-page summary section (what `task.uploadsummary` attaches). */
const SUMMARY_ATTACHMENT_TYPE = 'Distributedtask.Core.Summary';

/**
 * A summary section title the agent accepts on every OS: the agent refuses attachment names with
 * a character of the agent OS's invalid file-name characters (on Windows `\ / : * ? " < > |`
 * and control characters; agent TaskCommandExtension.cs, TaskAddAttachmentCommand).
 */
export function summaryTitle(text: string): string {
  const safe = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  return safe.length > 120 ? `${safe.slice(0, 119)}…` : safe || 'Databricks';
}

/** "Databricks - deploy churn-scoring (prod)": what the step did, and to which environment of the settings file. */
export function stepTitle(action: string, environment?: string): string {
  return environment ? message('StepTitleInEnvironment', action, environment) : message('StepTitle', action);
}

/**
 * Writes the Markdown summary and attaches it under `title`: the run page titles a summary
 * section with its attachment name, which `task.uploadsummary` sets to the file name. Titles
 * stay unique in the job (a second step with the same title gets " (2)"), since every step of
 * a job shares Agent.TempDirectory.
 */
export function publishSummary(task: string, markdown: string, title?: string): string {
  const dir = outputDirectory();
  const file = join(dir, `${stamp(task)}.md`);
  writeFileSync(file, markdown, 'utf8');
  if (title === undefined) {
    tl.uploadSummary(file);
    return file;
  }
  tl.addAttachment(SUMMARY_ATTACHMENT_TYPE, uniqueTitle(dir, summaryTitle(title)), file);
  return file;
}

/** `title`, or `title (2)`, `(3)`… when an earlier step of the job used it (remembered in `dir`). */
export function uniqueTitle(dir: string, title: string): string {
  const registry = join(dir, 'summary-titles.json');
  let used: string[] = [];
  try {
    used = JSON.parse(readFileSync(registry, 'utf8')) as string[];
  } catch {
    // first summary of the job
  }
  let unique = title;
  for (let n = 2; used.includes(unique); n++) unique = `${title} (${n})`;
  writeFileSync(registry, JSON.stringify([...used, unique]), 'utf8');
  return unique;
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

/** The task's part of its run summary; the rest (heading, message, dryRun sentence, notes, plan) is the same for all. */
export interface SummaryParts<Plan, R> {
  /** The heading after the result icon (Markdown); undefined: the message is the heading. */
  heading(outcome: Outcome<R>, plan: Plan): string | undefined;
  /** Appended to the dryRun sentence: what plan mode still did (e.g. "the gate ran on the metrics as they are"); a function, as the text is a localizable message. */
  dryRunDetail?(): string;
  /** The task's facts, tables and details, between the dryRun sentence and the notes. */
  body(s: SummaryBuilder, outcome: Outcome<R>, plan: Plan, dryRun: boolean): void;
  /** After the plan block (links to the workspace). */
  footer?(s: SummaryBuilder, outcome: Outcome<R>, plan: Plan): void;
}

export const RESULT_ICON: Readonly<Record<TaskResultName, string>> = { Succeeded: '✅', SucceededWithIssues: '⚠️', Failed: '❌' };

/**
 * The one renderer of a run summary: `## <icon> <heading>`, the message, the dryRun sentence,
 * the task's body, the notes, the plan (collapsed), the task's footer.
 */
export function outcomeSummary<Plan, R>(parts: SummaryParts<Plan, R>, outcome: Outcome<R>, plan: Plan, dryRun: boolean): string {
  const s = new SummaryBuilder();
  const heading = parts.heading(outcome, plan);
  s.heading(`${RESULT_ICON[outcome.result]} ${heading ?? escapeMarkdown(outcome.message)}`);
  if (heading !== undefined) s.paragraph(escapeMarkdown(outcome.message));
  if (dryRun) s.paragraph(dryRunSentence(parts.dryRunDetail?.()));
  parts.body(s, outcome, plan, dryRun);
  s.list(outcome.notes.map(escapeMarkdown));
  const block = planBlock(outcome.planLines, dryRun);
  if (block) s.details(block.label, block.content);
  parts.footer?.(s, outcome, plan);
  return s.toString();
}

/** A step result in words (Succeeded, Succeeded with issues, Failed), in the agent's culture. */
export function resultWords(result: 'Succeeded' | 'SucceededWithIssues' | 'Failed'): string {
  return result === 'Succeeded' ? message('ResultSucceeded') : result === 'Failed' ? message('ResultFailed') : message('ResultSucceededWithIssues');
}
