/**
 * Judgements shared by the checks: whether a failed run explained itself, whether the process
 * leaked an exception, and what counts as a write.
 */
import type { TaskRun } from '../helpers/runTask';
import type { RecordedRequest } from '../fake/workspace';
import type { CallPattern } from './types';

/** A V8 stack frame, as an unhandled exception or a careless log line prints it. */
const STACK_FRAME = /^\s+at (?:.+ \()?(?:\/|node:|file:|[A-Za-z]:\\).+:\d+:\d+\)?$/m;

/** Why a run's output shows an unhandled exception or a stack trace, or it set no result; undefined when clean. */
export function leakedException(run: TaskRun): string | undefined {
  if (run.result === undefined) return `no task.complete line (exit ${run.exitCode ?? run.signal})`;
  return stackTrace(run);
}

/** Why a run's output shows an unhandled exception or a stack trace; undefined when clean. */
export function stackTrace(run: TaskRun): string | undefined {
  for (const [name, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    const frame = STACK_FRAME.exec(text);
    if (frame) return `stack trace in ${name}: ${frame[0].trim()}`;
    if (/UnhandledPromiseRejection|uncaughtException|Unhandled (?:promise )?rejection/i.test(text)) return `unhandled exception reported in ${name}`;
  }
  return undefined;
}

/**
 * Why a Failed run's message is not clear; undefined when it is. Clear: no stack trace, no
 * 'undefined' or '[object Object]', and it names what failed: an HTTP status, a service error
 * code or the failing call (`GET /api/...`), or says what to do about a timeout or a lost answer.
 */
export function unclearFailure(run: TaskRun): string | undefined {
  const leak = leakedException(run);
  if (leak) return leak;
  const message = run.resultMessage ?? '';
  if (!message.trim()) return 'empty failure message';
  if (/\bundefined\b/.test(message)) return `message says 'undefined': ${first(message)}`;
  if (message.includes('[object Object]')) return `message says '[object Object]': ${first(message)}`;
  const names = /\b[1-5]\d\d\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b(?:GET|POST|PUT|PATCH|DELETE)\s+\/|\/api\/|timed? ?out|reset|\bJSON\b|malformed|HTML|budget/i;
  if (!names.test(message)) return `message names neither a status, an error code nor the call: ${first(message)}`;
  return undefined;
}

function first(message: string): string {
  return message.split('\n')[0]!.slice(0, 200);
}

/** The requests that could change something, minus the calls in `exempt` (e.g. read-only POSTs). */
export function writes(requests: readonly RecordedRequest[], exempt: readonly CallPattern[] = []): RecordedRequest[] {
  return requests.filter(
    (r) =>
      r.method !== 'GET' &&
      r.method !== 'HEAD' &&
      (r.path.startsWith('/api/') || r.path.startsWith('/serving-endpoints/')) &&
      !exempt.some((c) => c.method === r.method && c.path.test(r.path)),
  );
}

export function describeRequests(requests: readonly RecordedRequest[], max = 4): string {
  const shown = requests.slice(0, max).map((r) => `${r.method} ${r.path}`);
  return requests.length > max ? `${shown.join(', ')} (+${requests.length - max} more)` : shown.join(', ');
}

/** Whether two resource-count maps are equal, and where `after` exceeds `limit`. */
export function exceeded(after: Record<string, number>, limit: Record<string, number>): string[] {
  return Object.entries(after)
    .filter(([k, v]) => v > (limit[k] ?? 0))
    .map(([k, v]) => `${k} ${v} > ${limit[k] ?? 0}`);
}

export function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

export function formatCounts(c: Record<string, number>): string {
  return Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Succeeded, possibly with warnings. */
export function succeeded(run: TaskRun): boolean {
  return run.result === 'Succeeded' || run.result === 'SucceededWithIssues';
}
