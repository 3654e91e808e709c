// Benchmark: a 2 GiB model in 8 files (256 MiB each) registered by the bundled
// DatabricksRegisterModel task over a fake cloud whose storage limits each connection to
// 50 MiB/s each way (as one storage connection is limited in practice), with the default
// copyConcurrency (4) and with copyConcurrency 1, in the same run. The files go through the Files
// API route (multipart: every part and every download is a storage connection).
// Figures: the copy's wall time (create answered → finalize sent, timed by the fake) for each, the
// speed-up (goal ≥ 2.5×), and the task's peak RSS with the default concurrency (goal ≤ 200 MB).
//
// What this machine allows: 4 connections at 50 MiB/s ask 200 MiB/s of the fake and the task
// together, more than 2 cores may carry. So the same 8 files are also copied by a plain pool of 4
// node:https stream copies (GET piped into one Put Blob, no task code), in the same run. The
// speed-up goal holds outright where that plain pool itself reaches 2.5 / 0.9; where it does
// not, the machine is the limit, and the task's 4-way copy must reach 0.9 × the plain pool.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';
import { copyMs, runWithPeak } from './registerModel.mjs';

const require = createRequire(import.meta.url);
const TIME_SCALE = 0.01;
const FILES = 8;
const FILE_BYTES = 256 * 1024 ** 2;
const RATE = 50 * 1024 ** 2;

const CONCURRENCY = 4;
const MIN_SHARE_OF_PLAIN = 0.9;
const SPEED_UP_GOAL = 2.5;

// One process, CONCURRENCY stream copies at a time; prints the wall ms of the whole pool.
const PLAIN_POOL = `
const https = require('node:https');
const [concurrency, ...args] = process.argv.slice(1);
const jobs = [];
for (let i = 0; i < args.length; i += 3) jobs.push({ from: args[i], to: args[i + 1], size: args[i + 2] });
const agent = new https.Agent({ keepAlive: true });
const copy = ({ from, to, size }) => new Promise((resolve, reject) => {
  https.get(from, { agent }, (source) => {
    if (source.statusCode !== 200) return reject(new Error('download ' + source.statusCode));
    const headers = { 'x-ms-blob-type': 'BlockBlob', 'content-length': size, 'content-type': 'application/octet-stream' };
    const put = https.request(to, { method: 'PUT', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error('upload ' + res.statusCode))));
    });
    put.on('error', reject);
    source.pipe(put);
  }).on('error', reject);
});
(async () => {
  const start = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: Number(concurrency) }, async () => { while (next < jobs.length) await copy(jobs[next++]); }));
  process.stdout.write(String(Date.now() - start));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

function plainPool(env, jobs) {
  return new Promise((resolve, reject) => {
    const args = jobs.flatMap((j) => [j.from, j.to, String(j.size)]);
    const child = spawn(process.execPath, ['-e', PLAIN_POOL, String(CONCURRENCY), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(stdout)) : reject(new Error(`plain pool copy failed: ${stderr}`))));
  });
}

export async function run(ctx = {}) {
  const out = join(root, ctx.outDir ?? process.env.BENCH_OUT_DIR ?? 'out');
  const { FakeCloud } = require(join(out, 'tests/fake/cloud.js'));
  const { seedLoggedRun, modelFilesPrefix } = require(join(out, 'tests/fake/seeds/registry.js'));
  const { generatedSha256 } = require(join(out, 'tests/fake/routes/files.js'));
  const { runTask } = require(join(out, 'tests/helpers/runTask.js'));
  const cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  const ws = cloud.workspace;
  try {
    const conn = cloud.taskConnection('WorkloadIdentityFederation');
    ws.state.uc.addSchema('main.ml');
    const run = seedLoggedRun(ws, { metrics: { f1_score: 0.9 } });
    const prefix = modelFilesPrefix(ws, run);
    const shardKey = (i) => `${prefix}/shards/model-0000${i + 1}-of-0000${FILES}.safetensors`;
    for (let i = 0; i < FILES; i++) ws.state.objects.putGenerated(shardKey(i), FILE_BYTES, 1000 + i);
    ws.state.objects.bytesPerSecondPerConnection = RATE;
    const registered = {};
    for (const [label, concurrency] of [
      ['default (4)', undefined],
      ['1', '1'],
    ]) {
      const modelName = `main.ml.bench_shards_${concurrency ?? 'default'}`;
      const inputs = { ...conn.inputs, modelName, runId: run.info.run_id, ...(concurrency ? { copyConcurrency: concurrency } : {}) };
      const { result, peakMb } = await runWithPeak(runTask, {
        task: 'DatabricksRegisterModel',
        env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
        inputs,
        timeoutMs: 900_000,
      });
      if (result.result !== 'Succeeded') throw new Error(`registerModelConcurrency bench (${label}): the task ended ${result.result}: ${result.resultMessage}`);
      registered[label] = { ms: copyMs(ws, modelName), peakMb, modelName };
      ctx.log?.(`registerModelConcurrency ${label}: ${registered[label].ms} ms, peak RSS ${peakMb.toFixed(0)} MB`);
    }
    const fast = registered['default (4)'];
    const slow = registered['1'];
    const files = ws.state.ucModels.files(ws.state.ucModels.getModel(fast.modelName).versions.get(1));
    let exact = true;
    for (let i = 0; i < FILES; i++) exact &&= files.get(`shards/model-0000${i + 1}-of-0000${FILES}.safetensors`)?.sha256 === (await generatedSha256(FILE_BYTES, 1000 + i));
    const jobs = [];
    for (let i = 0; i < FILES; i++)
      jobs.push({ from: await ws.state.objects.signedUrl(shardKey(i)), to: await ws.state.objects.presignedUploadUrl(`/bench/plain/shard-${i}`), size: FILE_BYTES });
    const plainMs = await plainPool({ PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: conn.env.NODE_EXTRA_CA_CERTS }, jobs);
    ctx.log?.(`registerModelConcurrency plain pool of ${CONCURRENCY}: ${plainMs} ms`);

    const speedUp = slow.ms / fast.ms;
    const allowed = slow.ms / plainMs;
    const share = plainMs / fast.ms;
    const machineBound = allowed < SPEED_UP_GOAL / MIN_SHARE_OF_PLAIN;
    const speedUpPass = speedUp >= SPEED_UP_GOAL || (machineBound && share >= MIN_SHARE_OF_PLAIN);
    const speedUpNote =
      speedUp >= SPEED_UP_GOAL
        ? 'ok'
        : machineBound
          ? `${speedUpPass ? 'ok' : 'UNDER the goal'}: this machine allows ${allowed.toFixed(2)}× (the plain pool), the task reaches ${share.toFixed(2)} of it`
          : `UNDER the goal: the plain pool reaches ${allowed.toFixed(2)}× here`;
    const note = `8 × 256 MiB, storage ${RATE / 2 ** 20} MiB/s per connection, Files API multipart`;
    return [
      { metric: '2 GiB in 8 files: copy wall, default copyConcurrency (4)', value: (fast.ms / 1000).toFixed(1), unit: 's', goal: '', note },
      { metric: '2 GiB in 8 files: copy wall, copyConcurrency 1', value: (slow.ms / 1000).toFixed(1), unit: 's', goal: '(baseline)', note },
      {
        metric: `2 GiB in 8 files: plain pool of ${CONCURRENCY} stream copies`,
        value: (plainMs / 1000).toFixed(1),
        unit: 's',
        goal: '(baseline: what this machine allows)',
        note: `node:https GET piped into a Put Blob, ${CONCURRENCY} at a time, same throttled storage`,
      },
      {
        metric: '2 GiB in 8 files: speed-up of the default over 1',
        value: speedUp.toFixed(2),
        unit: '×',
        goal: `≥ ${SPEED_UP_GOAL} (≥ ${MIN_SHARE_OF_PLAIN} × the plain pool where it reaches less than ${(SPEED_UP_GOAL / MIN_SHARE_OF_PLAIN).toFixed(2)}×)`,
        note: speedUpNote,
        pass: speedUpPass,
      },
      {
        metric: '2 GiB in 8 files: task peak RSS, default concurrency',
        value: fast.peakMb.toFixed(0),
        unit: 'MB',
        goal: '≤ 200',
        note: fast.peakMb <= 200 ? 'ok' : 'OVER the goal',
        pass: fast.peakMb <= 200,
      },
      { metric: '2 GiB in 8 files: byte-exact (default concurrency)', value: exact ? 'yes' : 'NO', unit: '', goal: 'yes', note: '', pass: exact },
    ];
  } finally {
    await ws.state.objects.close();
    await cloud.close();
  }
}
