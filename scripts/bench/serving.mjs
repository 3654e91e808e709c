// Benchmark: how DatabricksDeployServing waits for a rollout. For simulated updates of 1, 5 and
// 30 minutes (workspace and task time compressed by the same factor), the bundled task runs
// against the fake cloud; from the workspace's recorded requests we count the readiness polls
// (GETs of the endpoint after the config PUT) and the delay between the moment the rollout
// became ready and the first poll that saw it, in task time.
// Goals: delay ≤ 15 s, polls ≤ 20 + T/15 s.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const TIME_SCALE = 0.01;
const EP = 'bench-serving';
const MODEL = 'main.ml.churn_model';

export async function run(ctx = {}) {
  const out = join(root, ctx.outDir ?? process.env.BENCH_OUT_DIR ?? 'out');
  const { FakeCloud } = require(join(out, 'tests/fake/cloud.js'));
  const { seedModel, seedServingEndpoint } = require(join(out, 'tests/fake/seeds/serving.js'));
  const { runTask } = require(join(out, 'tests/helpers/runTask.js'));
  const cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  const rows = [];
  try {
    for (const minutes of [1, 5, 30]) {
      const ws = cloud.workspace;
      ws.resetAll();
      const conn = cloud.taskConnection('WorkloadIdentityFederation');
      seedModel(ws, { fullName: MODEL, latestVersion: 8 });
      seedServingEndpoint(ws, { name: EP, served: [{ model: MODEL, version: 7 }] });
      ws.state.serving.updateDurationMs = minutes * 60_000;
      const result = await runTask({
        task: 'DatabricksDeployServing',
        env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
        inputs: { ...conn.inputs, endpointName: EP, modelName: MODEL, modelVersion: '8', inferenceTable: 'false', timeoutMinutes: '60' },
        timeoutMs: 120_000,
      });
      if (result.result !== 'Succeeded') throw new Error(`serving bench (${minutes} min): the task ended ${result.result}: ${result.resultMessage}`);
      const put = ws.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/config'));
      const readyAt = put.time + ws.scaled(minutes * 60_000);
      const polls = ws.requests.filter((r) => r.method === 'GET' && r.path === `/api/2.0/serving-endpoints/${EP}` && r.time > put.time);
      // The task stops polling once it sees the endpoint ready: its last poll is the detecting one
      // (its recorded arrival may precede readyAt by the fake's handling time, hence max 0).
      const detecting = polls[polls.length - 1];
      const delaySeconds = Math.max(0, detecting.time - readyAt) / TIME_SCALE / 1000;
      const pollGoal = 20 + (minutes * 60) / 15;
      rows.push(
        {
          metric: `serving wait ${minutes} min: polls`,
          value: polls.length,
          unit: 'polls',
          goal: `≤ ${pollGoal}`,
          note: polls.length <= pollGoal ? 'ok' : 'OVER the goal',
          pass: polls.length <= pollGoal,
        },
        {
          metric: `serving wait ${minutes} min: detection delay`,
          value: Math.round(delaySeconds * 10) / 10,
          unit: 's (task time)',
          goal: '≤ 15',
          note: delaySeconds <= 15 ? 'ok' : 'OVER the goal',
          pass: delaySeconds <= 15,
        },
      );
      ctx.log?.(`serving ${minutes} min: ${polls.length} polls, ready detected ${delaySeconds.toFixed(1)} s after it happened`);
    }
  } finally {
    await cloud.close();
  }
  return rows;
}

// `node scripts/bench/serving.mjs` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run({ log: console.log }));
}
