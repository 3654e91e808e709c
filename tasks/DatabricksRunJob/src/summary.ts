/**
 * The Markdown summary on the run page (the shared renderer adds the result, the message, the
 * dryRun sentence, the notes and the plan): the run link, the facts, the tasks with their
 * states (and, for failed ones, their error), and a link to the job.
 */
import { escapeMarkdown as md, type SummaryBuilder } from '../../../shared/runtime/markdown';
import type { SummaryParts } from '../../../shared/runtime/report';
import type { JobRunReportData } from '../../../shared/runtime/reportTypes';
import { formatDuration, type RunJobPlan } from './operations';
import { message } from './messages';

export const runJobSummary: SummaryParts<RunJobPlan, JobRunReportData> = {
  heading: ({ report: r }) => (r.runId !== undefined ? message('SummaryHeadingRun', r.runId, md(r.jobName)) : message('SummaryHeadingJob', md(r.jobName))),
  body: (s, outcome) => summaryBody(s, outcome.report),
  footer: (s, { report: r }) => {
    if (r.jobUrl) s.paragraph(message('SummaryOpenJob', r.jobUrl));
  },
};

export function summaryBody(s: SummaryBuilder, r: JobRunReportData): void {
  if (r.runPageUrl) s.paragraph(message('SummaryOpenRun', r.runPageUrl));
  const facts: string[] = [];
  const action = {
    started: () => message('SummaryRunStarted'),
    reused: () => message('SummaryRunReused'),
    repaired: () => message('SummaryRunRepaired', (r.repairedTasks ?? []).join(', ')),
    planned: () => message('SummaryRunPlanned'),
  }[r.action]();
  facts.push(message('SummaryRunFact', md(action), r.attempt));
  if (r.resultState) {
    const took = r.durationSeconds !== undefined ? ` ${message('SummaryResultDuration', formatDuration(r.durationSeconds))}` : '';
    facts.push(message('SummaryResultFact', md(r.resultState), took, r.polls !== undefined ? ` ${message('SummaryPolls', r.polls)}` : ''));
  }
  if (r.stopped)
    facts.push(message('SummaryStoppedFact', r.stopped.why === 'cancelled' ? message('SummaryStoppedCancelled') : message('SummaryStoppedTimeout'), md(r.stopped.detail)));
  if (r.outputTask) facts.push(message('SummaryOutputTaskFact', md(r.outputTask)));
  if (r.mlflowRunId)
    facts.push(
      message('SummaryMlflowRunFact', md(r.mlflowRunId), r.mlflowRunSource === 'exitValue' ? message('SummaryMlflowRunFromExitValue') : message('SummaryMlflowRunFromTag')),
    );
  s.lineBreaks(facts);
  if (r.tasks.length) {
    s.table(
      [
        message('SummaryColumnTask'),
        message('SummaryColumnState'),
        message('SummaryColumnResult'),
        message('SummaryColumnAttempt'),
        message('SummaryColumnDuration'),
        message('SummaryColumnError'),
      ],
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
