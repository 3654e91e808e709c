/**
 * The TaskLog the in-process unit suites give a task: every line kept with its kind (info,
 * remote, warning, …), written once for all suites. Group titles are recorded as info lines,
 * the way the agent's log shows them.
 */
import { logGroups, type TaskLog } from '../../shared/runtime/output';

export type LogKind = 'info' | 'remote' | 'warning' | 'error' | 'debug' | 'section' | 'progress';

export interface LogLine {
  kind: LogKind;
  text: string;
}

export interface RecordingLog extends TaskLog {
  /** Every line, in order. */
  readonly lines: LogLine[];
  /** The lines of one kind (every kind when omitted), joined by newlines. */
  text(kind?: LogKind): string;
  /** Forgets the lines recorded so far. */
  clear(): void;
}

export function recordingLog(): RecordingLog {
  const lines: LogLine[] = [];
  const record = (kind: LogKind) => (text: string) => void lines.push({ kind, text });
  return {
    lines,
    info: record('info'),
    remote: record('remote'),
    warning: record('warning'),
    error: record('error'),
    debug: record('debug'),
    section: record('section'),
    progress: (percent, operation) => void lines.push({ kind: 'progress', text: `${percent}% ${operation}` }),
    group: logGroups(record('info')).group,
    text: (kind) =>
      lines
        .filter((l) => kind === undefined || l.kind === kind)
        .map((l) => l.text)
        .join('\n'),
    clear: () => void lines.splice(0, lines.length),
  };
}

/** A log that drops everything (for tests that look only at results). */
export const quietLog: TaskLog = (() => {
  const drop = () => undefined;
  return { info: drop, remote: drop, warning: drop, error: drop, debug: drop, section: drop, progress: drop, group: (_title, body) => body() };
})();
