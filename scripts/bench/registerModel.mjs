// Benchmark: DatabricksRegisterModel copies a 1 GiB model file through each of the three write
// routes MLflow chooses (mlflow `mlflow/store/_unity_catalog/registry/rest_store.py`) — the Files API (multipart above 50 MiB, as the Python
// SDK sends it), the ADLS Gen2 SAS route (customer-hosted storage) and presigned URLs (default
// storage) — over the fake cloud, side by side with a plain stream copy of the same bytes over the
// same fake in the same run. The artifact is generated on the fly from a seeded PRNG and only
// hashed on upload, never stored.
// Figures per route:
// - throughput of the task's copy (create answered → finalize sent, timed by the fake) as a ratio
//   to the plain copy (one GET of the signed URL piped into one PUT with node:https, timed by the
//   fake as the duration of that PUT); goal ≥ 0.8;
// - the task's peak RSS (VmHWM of the child from /proc, polled every 50 ms); goal ≤ 150 MB;
// - that the copy is byte-exact (sha256 of the uploaded file = sha256 of the generated one).
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const TIME_SCALE = 0.01;
const BYTES = 1024 ** 3;

const PLAIN_COPY = `
const https = require('node:https');
const [from, to, token] = process.argv.slice(1);
https.get(from, (source) => {
  if (source.statusCode !== 200) { console.error('download ' + source.statusCode); process.exit(1); }
  const u = new URL(to);
  const put = https.request(u, { method: 'PUT', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } }, (res) => {
    let text = '';
    res.on('data', (c) => (text += c));
    res.on('end', () => { if (res.statusCode >= 300) { console.error('upload ' + res.statusCode + ' ' + text); process.exit(1); } });
  });
  put.on('error', (e) => { console.error(e); process.exit(1); });
  source.pipe(put);
}).on('error', (e) => { console.error(e); process.exit(1); });
`;

export function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function plainCopy(env, from, to, token) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PLAIN_COPY, from, to, token], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`plain copy failed: ${stderr}`))));
  });
}

/** Runs the bundled task with its peak RSS polled; returns { result, peakMb }. */
export async function runWithPeak(runTask, options) {
  let peakKb = 0;
  let timer;
  const result = await runTask({
    ...options,
    onStart: (child) => {
      timer = setInterval(() => (peakKb = Math.max(peakKb, vmHwmKb(child.pid))), 50);
    },
  });
  clearInterval(timer);
  return { result, peakMb: peakKb / 1024 };
}

/** Real ms of a registration's copy: the create answered → the finalize sent (both timed by the fake). */
export function copyMs(ws, modelName) {
  const create = ws.requests.find((r) => r.path.endsWith('/model-versions/create') && r.body?.name === modelName);
  const finalize = ws.requests.find((r) => r.path.endsWith('/model-versions/finalize') && r.body?.name === modelName);
  if (!create || !finalize) throw new Error(`no create/finalize of ${modelName} recorded`);
  return finalize.time - (create.time + (create.durationMs ?? 0));
}

const ROUTES = [
  { route: 'filesApi', label: 'Files API (multipart)', setup: (ws) => (ws.state.ucModels.filesApiForModels = 'enabled') },
  {
    route: 'adlsSas',
    label: 'ADLS SAS (customer storage)',
    setup: (ws) => ((ws.state.ucModels.filesApiForModels = 'flagOff'), (ws.state.ucModels.storageMode = 'CUSTOMER_HOSTED')),
  },
  {
    route: 'presigned',
    label: 'presigned URLs (default storage)',
    setup: (ws) => ((ws.state.ucModels.filesApiForModels = 'flagOff'), (ws.state.ucModels.storageMode = 'DEFAULT_STORAGE')),
  },
];

export async function run(ctx = {}) {
  const out = join(root, ctx.outDir ?? process.env.BENCH_OUT_DIR ?? 'out');
  const { FakeCloud } = require(join(out, 'tests/fake/cloud.js'));
  const { seedLoggedRun, modelFilesPrefix } = require(join(out, 'tests/fake/seeds/registry.js'));
  const { generatedSha256 } = require(join(out, 'tests/fake/routes/files.js'));
  const { runTask } = require(join(out, 'tests/helpers/runTask.js'));
  const cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  const ws = cloud.workspace;
  const rows = [];
  try {
    const conn = cloud.taskConnection('WorkloadIdentityFederation');
    ws.state.uc.addSchema('main.ml');
    const run = seedLoggedRun(ws, { generatedBytes: BYTES, metrics: { f1_score: 0.9 } });
    const artifactKey = `${modelFilesPrefix(ws, run)}/data/model.bin`;
    const expectedSha = await generatedSha256(BYTES, ws.state.objects.get(artifactKey).seed);
    const mbps = (ms) => BYTES / 2 ** 20 / (ms / 1000);

    // 1. The plain stream copy, into a volume file, timed by the fake.
    const token = cloud.authority.issue('databricks', conn.clientId).token;
    const signed = await ws.state.objects.signedUrl(artifactKey);
    await plainCopy(
      { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: conn.env.NODE_EXTRA_CA_CERTS },
      signed,
      `${ws.url}/api/2.0/fs/files/Volumes/main/ml/bench/plain.bin?overwrite=true`,
      token,
    );
    const plainMs = ws.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/plain.bin')).durationMs;
    rows.push({
      metric: '1 GiB model copy: plain stream copy',
      value: mbps(plainMs).toFixed(0),
      unit: 'MiB/s',
      goal: '(baseline)',
      note: `one GET piped into one PUT, ${plainMs} ms`,
    });

    // 2. The bundled task through each route, one model per route.
    for (const r of ROUTES) {
      r.setup(ws);
      const modelName = `main.ml.bench_${r.route.toLowerCase()}`;
      const { result, peakMb } = await runWithPeak(runTask, {
        task: 'DatabricksRegisterModel',
        env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
        inputs: { ...conn.inputs, modelName, runId: run.info.run_id },
        timeoutMs: 600_000,
      });
      if (result.result !== 'Succeeded') throw new Error(`registerModel bench (${r.route}): the task ended ${result.result}: ${result.resultMessage}`);
      const ms = copyMs(ws, modelName);
      const copied = ws.state.ucModels.files(ws.state.ucModels.getModel(modelName).versions.get(1)).get('data/model.bin');
      const ratio = plainMs / ms;
      ctx.log?.(`registerModel ${r.route}: ${mbps(ms).toFixed(0)} MiB/s, peak RSS ${peakMb.toFixed(0)} MB`);
      rows.push(
        { metric: `1 GiB model copy, ${r.label}: task throughput`, value: mbps(ms).toFixed(0), unit: 'MiB/s', goal: '', note: `create → finalize ${ms} ms (5 files)` },
        {
          metric: `1 GiB model copy, ${r.label}: task / plain throughput`,
          value: ratio.toFixed(2),
          unit: 'ratio',
          goal: '≥ 0.8',
          note: ratio >= 0.8 ? 'ok' : 'UNDER the goal',
          pass: ratio >= 0.8,
        },
        {
          metric: `1 GiB model copy, ${r.label}: task peak RSS`,
          value: peakMb.toFixed(0),
          unit: 'MB',
          goal: '≤ 150',
          note: peakMb <= 150 ? 'ok' : 'OVER the goal',
          pass: peakMb <= 150,
        },
        {
          metric: `1 GiB model copy, ${r.label}: byte-exact`,
          value: copied?.sha256 === expectedSha ? 'yes' : 'NO',
          unit: '',
          goal: 'yes',
          note: `${copied?.size ?? 0} bytes`,
          pass: copied?.sha256 === expectedSha,
        },
      );
    }
    return rows;
  } finally {
    await ws.state.objects.close();
    await cloud.close();
  }
}
