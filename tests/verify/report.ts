/** One line per check case, and the guard that turns a harness error into a FAIL line. */
import type { CheckResult } from './types';

export type Report = (r: CheckResult) => void;

export interface CaseOutcome {
  ok: boolean;
  detail: string;
}

/** Runs one case of `check` and reports it as `<label>: <detail>`. */
export async function runCase(report: Report, check: string, task: string, label: string, body: () => Promise<CaseOutcome>): Promise<void> {
  try {
    const r = await body();
    report({ verdict: r.ok ? 'PASS' : 'FAIL', check, task, detail: `${label}: ${r.detail}` });
  } catch (e) {
    report({ verdict: 'FAIL', check, task, detail: `${label}: harness error: ${e instanceof Error ? e.message : String(e)}` });
  }
}

export function formatLine(r: CheckResult): string {
  // Details may quote fuzzed inputs: a logging command in them must not reach the agent.
  const detail = r.detail.replace(/\s*\n\s*/g, ' ').replace(/##vso\[/gi, '##vso(');
  return `${r.verdict} ${r.check} ${r.task} ${detail}`;
}
