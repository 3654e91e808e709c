/**
 * The Markdown summary on the run page: the outcome first, then the run link, the tasks with
 * their states (and, for failed ones, their error), the outputs, and the plan.
 */
import { diffBlock, escapeMarkdown as md } from '../../../shared/runtime/markdown';
import { formatDuration, type RunJobResult } from './operations';

const ICON: Record<RunJobResult['result'], string> = { Succeeded: '✅', SucceededWithIssues: '⚠️', Failed: '❌' };

export function runJobSummary(result: RunJobResult): string {
  const r = result.report;
  const title = r.runId !== undefined ? `run ${r.runId} of job \`${md(r.jobName)}\`` : `job \`${md(r.jobName)}\``;
  const lines: string[] = [`## ${ICON[result.result]} Databricks ${title}`, '', md(result.message), ''];
  if (result.dryRun) lines.push('**Plan mode (dryRun):** nothing was started.', '');
  if (r.runPageUrl) lines.push(`[Open the run in the workspace](${r.runPageUrl})`, '');
  const facts: string[] = [];
  const action = { started: 'started by this step', reused: 'started by an earlier attempt of this step (same idempotency token)', repaired: `repaired: re-ran ${(r.repairedTasks ?? []).join(', ')}`, planned: 'planned only' }[r.action];
  facts.push(`**Run:** ${md(action)} · **attempt:** ${r.attempt}`);
  if (r.resultState) facts.push(`**Result:** ${md(r.resultState)}${r.durationSeconds !== undefined ? ` in ${formatDuration(r.durationSeconds)}` : ''}${r.polls !== undefined ? ` (${r.polls} polls)` : ''}`);
  if (r.stopped) facts.push(`**Stopped:** ${r.stopped.why === 'cancelled' ? 'the pipeline cancelled the step' : 'timeoutMinutes passed'}; ${md(r.stopped.detail)}`);
  if (r.outputTask) facts.push(`**Output task:** \`${md(r.outputTask)}\``);
  if (r.mlflowRunId) facts.push(`**MLflow run:** \`${md(r.mlflowRunId)}\` (${r.mlflowRunSource === 'exitValue' ? 'from the exit value' : 'found by its job-run tag'})`);
  lines.push(...facts.map((f) => `${f}  `), '');
  if (r.tasks.length) {
    lines.push('| task | state | result | attempt | duration | error |', '|---|---|---|---:|---:|---|');
    for (const t of r.tasks) {
      const error = t.error ?? t.message ?? '';
      lines.push(`| ${md(t.taskKey)} | ${md(t.state)} | ${md(t.resultState ?? '')} | ${t.attempt || ''} | ${t.durationSeconds !== undefined ? formatDuration(t.durationSeconds) : ''} | ${md(error.length > 200 ? `${error.slice(0, 200)}…` : error)} |`);
    }
    lines.push('');
  }
  for (const note of result.notes) lines.push(`- ${md(note)}`);
  if (result.notes.length) lines.push('');
  lines.push('<details><summary>Plan</summary>', '', ...diffBlock(result.planLines), '</details>', '');
  if (r.jobUrl) lines.push(`[Open the job in the workspace](${r.jobUrl})`, '');
  return lines.join('\n');
}
