// Benchmark: DatabricksRunJob waiting for a 2-hour training run (task time, compressed 500×
// for workspace and task alike). From the workspace's recorded requests: the runs/get polls
// made, and the delay between the moment the run became TERMINATED and the first poll that saw
// it (task time). The task's CPU time (start-up included) is measured in its own process; the
// compressed clock only shortens the sleeps, not the work, so CPU over the run's 2 hours of task
// time is the figure a real 2-hour run gives. Goals: delay ≤ 15 s, CPU ≤ 2 % of wall.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const TIME_SCALE = 0.002;
const HOURS = 2;
const MINUTE = 60_000;

export async function run(ctx = {}) {
  const out = join(root, ctx.outDir ?? process.env.BENCH_OUT_DIR ?? 'out');
  const { FakeCloud } = require(join(out, 'tests/fake/cloud.js'));
  const { runTask, taskEntry } = require(join(out, 'tests/helpers/runTask.js'));
  const cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  try {
    const ws = cloud.workspace;
    const conn = cloud.taskConnection('WorkloadIdentityFederation');
    const job = ws.state.jobs.addJob({
      name: 'bench training',
      tasks: [
        { key: 'prep', script: { durationMs: 10 * MINUTE } },
        { key: 'train', dependsOn: ['prep'], script: { durationMs: HOURS * 60 * MINUTE - 12 * MINUTE, notebookExit: '{"mlflow_run_id": "0123456789abcdef0123456789abcdef"}' } },
        { key: 'log', dependsOn: ['train'], script: { durationMs: MINUTE } },
      ],
    });
    const cpuFile = join(mkdtempSync(join(tmpdir(), 'bench-runjob-')), 'cpu.json');
    const started = Date.now();
    const result = await runTask({
      task: 'DatabricksRunJob',
      entry: join(root, 'scripts', 'bench', 'runJobCpu.cjs'),
      env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE), BENCH_CPU_FILE: cpuFile, BENCH_TASK_ENTRY: taskEntry('DatabricksRunJob') },
      inputs: { ...conn.inputs, jobId: String(job.job_id), timeoutMinutes: '180', outputTask: 'train' },
      timeoutMs: 300_000,
    });
    const wallMs = Date.now() - started;
    if (result.result !== 'Succeeded') throw new Error(`runJob bench: the task ended ${result.result}: ${result.resultMessage}`);
    const stored = ws.state.jobs.runsOf(job.job_id)[0];
    const settled = ws.state.jobs.view(stored, Date.now()).settled;
    const gets = ws.requests.filter((r) => r.method === 'GET' && r.path === '/api/2.2/jobs/runs/get');
    const detecting = gets.find((r) => r.time >= settled);
    const delaySeconds = Math.max(0, detecting.time - settled) / TIME_SCALE / 1000;
    const polls = gets.filter((r) => r.time <= detecting.time).length;
    const cpu = JSON.parse(readFileSync(cpuFile, 'utf8'));
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const taskWallSeconds = wallMs / TIME_SCALE / 1000;
    const cpuPercent = (cpuSeconds / taskWallSeconds) * 100;
    ctx.log?.(`runJob ${HOURS} h: ${polls} polls, end seen ${delaySeconds.toFixed(1)} s late, CPU ${cpuSeconds.toFixed(2)} s over ${(taskWallSeconds / 3600).toFixed(2)} h`);
    return [
      { metric: `run job ${HOURS} h: polls`, value: polls, unit: 'polls', goal: '', note: `${(taskWallSeconds / polls).toFixed(1)} s apart on average (task time)` },
      {
        metric: `run job ${HOURS} h: end-detection delay`,
        value: Math.round(delaySeconds * 10) / 10,
        unit: 's (task time)',
        goal: '≤ 15',
        note: delaySeconds <= 15 ? 'ok' : 'OVER the goal',
        pass: delaySeconds <= 15,
      },
      {
        metric: `run job ${HOURS} h: task CPU time`,
        value: Math.round(cpuSeconds * 100) / 100,
        unit: 's',
        goal: '',
        note: `start-up included; ${(wallMs / 1000).toFixed(1)} s of real time at scale ${TIME_SCALE}`,
      },
      {
        metric: `run job ${HOURS} h: task CPU share of wall`,
        value: Math.round(cpuPercent * 1000) / 1000,
        unit: '% (task time)',
        goal: '≤ 2',
        note: cpuPercent <= 2 ? 'ok' : 'OVER the goal',
        pass: cpuPercent <= 2,
      },
    ];
  } finally {
    await cloud.close();
  }
}

// `node scripts/bench/runJob.mjs` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run({ log: console.log }));
}
