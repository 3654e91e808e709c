/** Job-run reports (DatabricksRunJob): the run, its tasks with their states and errors, and what it handed back. */
import { h, link } from '../dom';
import { formatDuration } from '../format';
import type { JobRunReportData, JobRunTaskResult } from '../model';
import type { KindView, Tone } from './parts';
import { callout, chip, code, facts, section, table } from './parts';

const ACTION: Record<JobRunReportData['action'], string> = {
  started: 'Started by this step',
  reused: 'Started by an earlier attempt (same idempotency token)',
  repaired: 'Repaired: failed tasks re-run',
  planned: 'Planned only',
};

function resultTone(result: string | undefined): Tone {
  if (result === 'SUCCESS') return 'success';
  if (result === undefined) return 'neutral';
  if (result === 'SUCCESS_WITH_FAILURES' || result === 'CANCELED' || result === 'SKIPPED') return 'warning';
  return 'danger';
}

function taskRow(task: JobRunTaskResult): Array<Node | string> {
  const name = task.runPageUrl ? link(task.taskKey, task.runPageUrl) : code(task.taskKey);
  return [name, task.state, task.resultState ? chip(task.resultState, resultTone(task.resultState)) : '', String(task.attempt || ''), formatDuration(task.durationSeconds) ?? ''];
}

export function renderJobRun(data: JobRunReportData, dryRun: boolean | undefined): KindView {
  const body: Node[] = [
    facts([
      ['Job', data.jobUrl ? link(`${data.jobName} (${data.jobId})`, data.jobUrl) : `${data.jobName} (${data.jobId})`],
      ['Run', data.runPageUrl && data.runId !== undefined ? link(String(data.runId), data.runPageUrl) : undefined],
      ['Run started', dryRun ? 'no (plan mode)' : (ACTION[data.action] ?? data.action)],
      ['Pipeline attempt', String(data.attempt)],
      ['Result', data.resultState ? chip(data.resultState, resultTone(data.resultState)) : undefined],
      ['Duration', formatDuration(data.durationSeconds)],
      ['Polls', data.polls !== undefined ? String(data.polls) : undefined],
      ['Repaired tasks', data.repairedTasks?.length ? data.repairedTasks.join(', ') : undefined],
      ['Output task', data.outputTask ? code(data.outputTask) : undefined],
      [
        'MLflow run',
        data.mlflowRunId ? h('span', null, code(data.mlflowRunId), data.mlflowRunSource === 'tagSearch' ? ' (found by its job-run tag)' : ' (from the exit value)') : undefined,
      ],
    ]),
  ];
  if (data.stopped) {
    body.push(callout('warning', data.stopped.why === 'cancelled' ? 'The pipeline cancelled the step' : 'timeoutMinutes passed', h('p', null, data.stopped.detail)));
  }
  const parameters = data.parameterNames ?? [];
  if (parameters.length)
    body.push(
      section(
        'Job parameters set by the step',
        'parameters',
        h(
          'span',
          { class: 'inline-list' },
          parameters.map((name) => code(name)),
        ),
      ),
    );
  if (data.tasks.length) body.push(section('Tasks', 'tasks', table(['Task', 'State', 'Result', 'Attempt', 'Duration'], data.tasks.map(taskRow))));
  for (const task of data.tasks.filter((t) => t.error || t.errorTraceTail || t.logsTail)) {
    body.push(
      callout(
        'danger',
        `Task ${task.taskKey}: ${task.resultState ?? task.state}`,
        task.error ? h('p', null, task.error) : null,
        task.errorTraceTail ? h('pre', null, task.errorTraceTail) : null,
        task.logsTail ? h('pre', null, task.logsTail) : null,
      ),
    );
  }
  if (data.notebookOutput !== undefined) body.push(section('Exit value', 'exit-value', h('pre', null, data.notebookOutput)));
  return { title: `Job ${data.jobName}${data.runId !== undefined ? `, run ${data.runId}` : ''}`, body };
}
