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
  /**
   * Runs `body` inside a collapsible group of the log (`##[group]title` … `##[endgroup]`, the
   * agent's formatting commands): the poll lines of a long wait. The group is closed however
   * `body` ends (a result, an error, a cancellation). Groups do not nest in the log viewer: a
   * group asked for inside an open one adds its lines to the open one.
   */
  group<T>(title: string, body: () => T): T;
}

/** Group support for a TaskLog writing its lines with `write`; `closeOpen` ends a group still open (the cancellation watchdog, before it exits). */
export function logGroups(write: (line: string) => void): { group: TaskLog['group']; closeOpen(): void } {
  let open = false;
  const closeOpen = (): void => {
    if (!open) return;
    open = false;
    write('##[endgroup]');
  };
  function group<T>(title: string, body: () => T): T {
    if (open) return body();
    write(`##[group]${title.replace(/[\r\n]+/g, ' ')}`);
    open = true;
    let result: T;
    try {
      result = body();
    } catch (error) {
      closeOpen();
      throw error;
    }
    if (result instanceof Promise) return result.finally(closeOpen) as T;
    closeOpen();
    return result;
  }
  return { group, closeOpen };
}

export function neutralize(text: string): string {
  return filterExternalOutput(text, REMOTE).toString('utf8');
}

const groups = logGroups((line) => tl.writeExternalOutput(`${line}\n`, REMOTE));
/** Closes the task log's open group, if any (before the task ends with a result or exits). */
export const closeOpenGroup = groups.closeOpen;

export const taskLog: TaskLog = {
  info: (line) => tl.writeExternalOutput(`${line}\n`, REMOTE),
  remote: (text) => tl.writeExternalOutput(text.endsWith('\n') ? text : `${text}\n`, REMOTE),
  warning: (text) => tl.warningExternalOutput(text, REMOTE),
  error: (text) => tl.errorExternalOutput(text, REMOTE),
  debug: (text) => tl.debugExternalOutput(text, REMOTE),
  section: (title) => tl.writeExternalOutput(`##[section]${title}\n`, REMOTE),
  progress: (percent, operation) => tl.setProgress(Math.max(0, Math.min(100, Math.round(percent))), operation),
  group: groups.group,
};
