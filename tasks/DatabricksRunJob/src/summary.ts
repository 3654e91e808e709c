/**
 * The Markdown summary on the run page (the shared renderer adds the result, the message, the
 * dryRun sentence, the notes and the plan): the run link, the facts, the tasks with their
 * states (and, for failed ones, their error), and a link to the job.
 */
import { escapeMarkdown as md, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { JobRunReportData } from '../../../shared/runtime/reportTypes';
import { formatDuration, type RunJobPlan } from './operations';

export const runJobSummary: SummaryParts<RunJobPlan, JobRunReportData> = {
  heading: ({ report: r }) => `Databricks ${r.runId !== undefined ? `run ${r.runId} of job \`${md(r.jobName)}\`` : `job \`${md(r.jobName)}\``}`,
  body: (s, outcome) => summaryBody(s, outcome.report),
  footer: (s, { report: r }) => {
    if (r.jobUrl) s.paragraph(`[Open the job in the workspace](${r.jobUrl})`);
  },
};

export function summaryBody(s: SummaryBuilder, r: JobRunReportData): void {
  if (r.runPageUrl) s.paragraph(`[Open the run in the workspace](${r.runPageUrl})`);
  const facts: string[] = [];
  const action = {
    started: 'started by this step',
    reused: 'started by an earlier attempt of this step (same idempotency token)',
    repaired: `repaired: re-ran ${(r.repairedTasks ?? []).join(', ')}`,
    planned: 'planned only',
  }[r.action];
  facts.push(`**Run:** ${md(action)} · **attempt:** ${r.attempt}`);
  if (r.resultState)
    facts.push(
      `**Result:** ${md(r.resultState)}${r.durationSeconds !== undefined ? ` in ${formatDuration(r.durationSeconds)}` : ''}${r.polls !== undefined ? ` (${r.polls} polls)` : ''}`,
    );
  if (r.stopped) facts.push(`**Stopped:** ${r.stopped.why === 'cancelled' ? 'the pipeline cancelled the step' : 'timeoutMinutes passed'}; ${md(r.stopped.detail)}`);
  if (r.outputTask) facts.push(`**Output task:** \`${md(r.outputTask)}\``);
  if (r.mlflowRunId) facts.push(`**MLflow run:** \`${md(r.mlflowRunId)}\` (${r.mlflowRunSource === 'exitValue' ? 'from the exit value' : 'found by its job-run tag'})`);
  s.lineBreaks(facts);
  if (r.tasks.length) {
    s.table(
      ['task', 'state', 'result', 'attempt', 'duration', 'error'],
      r.tasks.map((t) => {
        const error = t.error ?? t.message ?? '';
        return [
          md(t.taskKey),
          md(t.state),
          md(t.resultState ?? ''),
          String(t.attempt || ''),
          t.durationSeconds !== undefined ? formatDuration(t.durationSeconds) : '',
          md(error.length > 200 ? `${error.slice(0, 200)}…` : error),
        ];
      }),
      ['left', 'left', 'left', 'right', 'right', 'left'],
    );
  }
}
