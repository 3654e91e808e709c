/**
 * Everything a task writes to the pipeline log goes through here. Text we compose is written
 * as is; text that comes from Databricks (messages, logs, payloads) goes through task-lib's
 * external-output functions, which neutralise `##vso[` so remote text cannot issue agent
 * commands.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import { filterExternalOutput } from 'azure-pipelines-task-lib/externaloutput';

const REMOTE = { source: 'remote' as const };

export interface TaskLog {
  /** A line we composed (no remote text). */
  info(line: string): void;
  /** A line that contains remote text. */
  remote(text: string): void;
  warning(text: string): void;
  error(text: string): void;
  debug(text: string): void;
  /** A collapsible section header in the log. */
  section(title: string): void;
  progress(percent: number, operation: string): void;
}

export function neutralize(text: string): string {
  return filterExternalOutput(text, REMOTE).toString('utf8');
}

export const taskLog: TaskLog = {
  info: (line) => tl.writeExternalOutput(`${line}\n`, REMOTE),
  remote: (text) => tl.writeExternalOutput(text.endsWith('\n') ? text : `${text}\n`, REMOTE),
  warning: (text) => tl.warningExternalOutput(text, REMOTE),
  error: (text) => tl.errorExternalOutput(text, REMOTE),
  debug: (text) => tl.debugExternalOutput(text, REMOTE),
  section: (title) => tl.writeExternalOutput(`##[section]${title}\n`, REMOTE),
  progress: (percent, operation) => tl.setProgress(Math.max(0, Math.min(100, Math.round(percent))), operation),
};
