/**
 * DatabricksRunJob scenario: a three-task training workflow run to its end (30 s of task time
 * of work, the exit value naming the MLflow run); failing runs are the task tests' subject
 * (tests/tasks/DatabricksRunJob), the checks here need a run that succeeds.
 * A re-run of the same step finds the same run (same idempotency token): run-now is its lookup,
 * so the second call is expected, a second run is not.
 */
import type { FakeWorkspace } from '../../fake/workspace';
import type { FuzzSpec, Scenario, WaitPoint } from '../types';

const TASK = 'DatabricksRunJob';
const JOB = 'churn training';
/** The workflow's task time once started: 3 tasks of 10 s, each with 2 s of TERMINATING. */
const WORK_MS = 40_000;

function counts(ws: FakeWorkspace): Record<string, number> {
  return { jobs: ws.state.jobs.jobs.size, runs: ws.state.jobs.runs.size };
}

function waits(timeScale: number): WaitPoint[] {
  return [{ name: 'run', line: /Waiting for run \d+/, realMs: WORK_MS * timeScale }];
}

/** run-now with the step's token on every run of the step; runs/cancel once the pipeline cancels. */
const RUN_NOW = [{ method: 'POST', path: /^\/api\/2\.2\/jobs\/run-now$/ }];
const CANCEL = [{ method: 'POST', path: /^\/api\/2\.2\/jobs\/runs\/cancel$/ }];

function seedJob(ws: FakeWorkspace): number {
  return ws.state.jobs.addJob({
    name: JOB,
    parameters: { git_sha: 'main' },
    tasks: [
      { key: 'prep', script: { durationMs: 10_000 } },
      {
        key: 'train',
        dependsOn: ['prep'],
        script: { durationMs: 10_000, notebookExit: '{"mlflow_run_id": "0123456789abcdef0123456789abcdef"}' },
      },
      { key: 'log', dependsOn: ['train'], script: { durationMs: 10_000 } },
    ],
  }).job_id;
}

export function runJobScenarios(timeScale: number): Scenario[] {
  return [
    {
      task: TASK,
      name: 'train-to-the-end',
      prepare: (cloud) => ({ jobId: String(seedJob(cloud.workspace)), jobParameters: 'git_sha=f00d', outputTask: 'train' }),
      counts,
      perRunActions: RUN_NOW,
      cancelCalls: CANCEL,
      waits: waits(timeScale),
    },
  ];
}

export const runJobFuzz: FuzzSpec = {
  task: TASK,
  base: () => ({ jobId: '123', jobParameters: 'git_sha=f00d' }),
  names: ['outputTask'],
  invalid: {
    jobId: ['0', '-1', '1.5', 'job', '12 34'],
    jobParameters: ['novalue', '=v', 'bad key!=v'],
    timeoutMinutes: ['0', '10081', '-5', '2.5', 'soon'],
    outputTask: ['has space', 'x'.repeat(101), 'a/b'],
    experimentName: ['relative/path', 'Shared/x'],
  },
};
