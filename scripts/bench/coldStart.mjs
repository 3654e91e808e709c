// Cold start of each task: process start → the first request any fake service receives,
// bundled (tasks/<Name>/index.js) vs unbundled (tsc output with node_modules), medians of
// interleaved runs so machine noise hits both alike. Also the .vsix and bundle sizes.
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
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
    if (existsSync(vsix)) rows.push({ metric: '.vsix size', value: (statSync(vsix).size / 1024 / 1024).toFixed(2), unit: 'MB', goal: '≤ 2.5 MB' });
    for (const task of taskNames()) {
      rows.push({ metric: `${task} bundle`, value: (statSync(taskEntry(task, false)).size / 1024).toFixed(0), unit: 'KiB', goal: '' });
    }
    const conn = cloud.taskConnection('WorkloadIdentityFederation');
    const once = (task, unbundled) =>
      new Promise((resolve, reject) => {
        const tempDir = mkdtempSync(join(tmpdir(), 'dbx-bench-'));
        const env = agentEnv({ task, env: conn.env, inputs: { ...conn.inputs, ...INPUTS[task] } }, tempDir);
        let first;
        const stop = observeRequests((r) => {
          if (first === undefined) first = r.at;
        });
        const started = performance.now();
        const child = spawn(process.execPath, [taskEntry(task, unbundled)], { env, cwd: tempDir, stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', () => {
          stop();
          if (first === undefined) reject(new Error(`${task}: no request reached the fake cloud`));
          else resolve(first - started);
        });
      });
    for (const task of taskNames()) {
      const bundled = [];
      const unbundled = [];
      await once(task, false); // warm the file cache for both variants
      await once(task, true);
      for (let i = 0; i < runs; i++) {
        bundled.push(await once(task, false));
        unbundled.push(await once(task, true));
      }
      const b = median(bundled);
      const u = median(unbundled);
      rows.push({ metric: `${task} cold start (median of ${runs})`, value: `${b.toFixed(0)} bundled / ${u.toFixed(0)} unbundled`, unit: 'ms', goal: '≤ 250 ms bundled', note: `bundled/unbundled = ${(b / u).toFixed(2)}` });
    }
    const node = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await new Promise((r) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('close', r));
      node.push(performance.now() - t);
    }
    rows.push({ metric: 'node -e 0 (process start and exit)', value: median(node).toFixed(0), unit: 'ms', goal: '', note: 'baseline' });
  } finally {
    await cloud.close();
  }
  return rows;
}
