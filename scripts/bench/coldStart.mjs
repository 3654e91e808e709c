// Cold start of each task: process start → the first request any fake service receives (and,
// for information, → the first request to the workspace, after authentication), bundled
// (tasks/<Name>/index.js) vs unbundled (tsc output with node_modules), medians of interleaved
// runs so machine noise hits both alike. Goal (issue 15): each task's bundled median
// ≤ 2.5 × the median of `node -e 0` (process start → exit) measured in the same run, interleaved
// with the task's own runs; and the .vsix ≤ 2.5 MB. A row over its goal fails the group
// (`pass: false`, scripts/bench.mjs). Also the size of each task's files.
import { statSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { root, pkg, taskNames } from '../lib.mjs';

const require = createRequire(import.meta.url);

// Inputs that validate for each task, so the task goes on to authenticate.
const INPUTS = {
  DatabricksRegisterModel: { modelName: 'main.ml.churn_model', registerFrom: 'existingVersion', modelVersion: 'latest' },
  DatabricksDeployServing: { endpointName: 'churn', modelName: 'main.ml.churn_model', modelVersion: '1', inferenceCatalog: 'main', inferenceSchema: 'ml_logs' },
  DatabricksCreateMonitor: { tableName: 'main.ml_mon.churn_inference', outputSchema: 'main.ml_mon', problemType: 'classification' },
  DatabricksRefreshMonitors: { tables: 'main.ml_mon.churn_inference' },
  DatabricksRunJob: { jobName: 'churn training' },
};

const VSIX_LIMIT_MB = 2.5;
const COLD_START_LIMIT = 2.5; // × node -e 0

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function run({ runs = 9 } = {}) {
  const { FakeCloud } = require(join(root, 'out/tests/fake/cloud.js'));
  const { observeRequests } = require(join(root, 'out/tests/fake/observer.js'));
  const { agentEnv, taskEntry } = require(join(root, 'out/tests/helpers/runTask.js'));
  const { spawn } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const cloud = await FakeCloud.start();
  const rows = [];
  try {
    const vsix = join(root, 'dist', `databricks-mlops-${pkg.version}.vsix`);
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
    const vsixMb = statSync(vsix).size / 1024 / 1024;
    const vsixPass = vsixMb <= VSIX_LIMIT_MB;
    rows.push({ metric: '.vsix size', value: vsixMb.toFixed(2), unit: 'MB', goal: `≤ ${VSIX_LIMIT_MB} MB`, note: vsixPass ? 'ok' : 'OVER the goal', pass: vsixPass });
    for (const task of taskNames()) {
      const entry = taskEntry(task, false);
      const lazyDir = join(dirname(entry), 'lazy');
      const lazy = existsSync(lazyDir)
        ? readdirSync(lazyDir)
            .filter((f) => f.endsWith('.js'))
            .sort()
        : [];
      const kib = (file) => (statSync(file).size / 1024).toFixed(0);
      rows.push({
        metric: `${task} bundle (index.js, loaded at start)`,
        value: kib(entry),
        unit: 'KiB',
        goal: '',
        note: lazy.length ? `loaded when needed: ${lazy.map((f) => `lazy/${f} ${kib(join(lazyDir, f))}`).join(', ')} KiB` : '',
      });
    }
    const conn = cloud.taskConnection('WorkloadIdentityFederation');
    const once = (task, unbundled) =>
      new Promise((resolve, reject) => {
        const tempDir = mkdtempSync(join(tmpdir(), 'dbx-bench-'));
        const env = agentEnv({ task, env: conn.env, inputs: { ...conn.inputs, ...INPUTS[task] } }, tempDir);
        let first;
        let workspace;
        const stop = observeRequests((r) => {
          if (first === undefined) first = r.at;
          if (workspace === undefined && r.service === 'workspace') workspace = r.at;
        });
        const started = performance.now();
        const child = spawn(process.execPath, [taskEntry(task, unbundled)], { env, cwd: tempDir, stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', () => {
          stop();
          if (first === undefined || workspace === undefined) reject(new Error(`${task}: no request reached the fake ${first === undefined ? 'cloud' : 'workspace'}`));
          else resolve({ first: first - started, workspace: workspace - started });
        });
      });
    const nodeOnce = () =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', () => resolve(performance.now() - started));
      });
    const allNode = [];
    for (const task of taskNames()) {
      const bundled = [];
      const unbundled = [];
      const node = [];
      await once(task, false); // warm the file cache for both variants
      await once(task, true);
      for (let i = 0; i < runs; i++) {
        bundled.push(await once(task, false));
        unbundled.push(await once(task, true));
        node.push(await nodeOnce());
      }
      allNode.push(...node);
      const b = median(bundled.map((t) => t.first));
      const u = median(unbundled.map((t) => t.first));
      const w = median(bundled.map((t) => t.workspace));
      const n = median(node);
      const ratio = b / n;
      const pass = ratio <= COLD_START_LIMIT;
      rows.push({
        metric: `${task} cold start (median of ${runs})`,
        value: `${b.toFixed(0)} bundled / ${u.toFixed(0)} unbundled`,
        unit: 'ms',
        goal: `bundled ≤ ${COLD_START_LIMIT} × node -e 0`,
        note: `bundled = ${ratio.toFixed(2)} × node -e 0 (${n.toFixed(0)} ms, interleaved)${pass ? '' : ': OVER the goal'}; bundled/unbundled = ${(b / u).toFixed(2)}; bundled, first workspace request (after auth) at ${w.toFixed(0)} ms`,
        pass,
      });
    }
    rows.push({
      metric: `node -e 0 (process start and exit, median of ${allNode.length})`,
      value: median(allNode).toFixed(0),
      unit: 'ms',
      goal: '',
      note: 'baseline, interleaved with the task runs',
    });
  } finally {
    await cloud.close();
  }
  return rows;
}
