// Benchmark: DatabricksRegisterModel registers a 1 GiB model through the fake cloud (the
// artifact is generated on the fly from a seeded PRNG and only hashed on upload, never stored).
// Figures:
// - throughput of the task's copy (download through a signed URL → Files API upload), as a
//   ratio to a plain stream copy of the same bytes over the same fake, done by a bare child
//   process in the same run (goal ≥ 0.8); both timed by the fake (duration of the upload PUT);
// - the task's peak RSS (VmHWM of the child from /proc, polled every 50 ms; goal ≤ 150 MB);
// - that the copy is byte-exact (sha256 of the uploaded file = sha256 of the generated one).
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const TIME_SCALE = 0.01;
const MODEL = 'main.ml.bench_model';
const BYTES = 1024 ** 3;

// The plain copy: one GET of the signed URL piped into one PUT with node:https, nothing else
// (the fastest plain copy measured here; fetch buffers a streamed upload and is slower).
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

function vmHwmKb(pid) {
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

export async function run(ctx = {}) {
  const out = join(root, ctx.outDir ?? process.env.BENCH_OUT_DIR ?? 'out');
  const { FakeCloud } = require(join(out, 'tests/fake/cloud.js'));
  const { seedLoggedRun } = require(join(out, 'tests/fake/seeds/registry.js'));
  const { generatedSha256 } = require(join(out, 'tests/fake/routes/files.js'));
  const { runTask } = require(join(out, 'tests/helpers/runTask.js'));
  const cloud = await FakeCloud.start({ timeScale: TIME_SCALE });
  const ws = cloud.workspace;
  try {
    const conn = cloud.taskConnection('WorkloadIdentityFederation');
    ws.state.uc.addSchema('main.ml');
    const run = seedLoggedRun(ws, { generatedBytes: BYTES, metrics: { f1_score: 0.9 } });
    const artifactKey = ws.state.mlflow.artifactKey(run, 'model/data/model.bin');
    const expectedSha = await generatedSha256(BYTES, ws.state.objects.get(artifactKey).seed);

    // 1. The plain stream copy, into a volume file, timed by the fake.
    const token = cloud.authority.issue('databricks', conn.clientId).token;
    const signed = await ws.state.objects.signedUrl(artifactKey);
    await plainCopy({ PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: conn.env.NODE_EXTRA_CA_CERTS }, signed, `${ws.url}/api/2.0/fs/files/Volumes/main/ml/bench/plain.bin?overwrite=true`, token);
    const plainPut = ws.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/plain.bin'));

    // 2. The bundled task, with its peak RSS polled from /proc.
    let peakKb = 0;
    let timer;
    const result = await runTask({
      task: 'DatabricksRegisterModel',
      env: { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(TIME_SCALE) },
      inputs: { ...conn.inputs, modelName: MODEL, runId: run.info.run_id },
      timeoutMs: 600_000,
      onStart: (child) => {
        timer = setInterval(() => (peakKb = Math.max(peakKb, vmHwmKb(child.pid))), 50);
      },
    });
    clearInterval(timer);
    if (result.result !== 'Succeeded') throw new Error(`registerModel bench: the task ended ${result.result}: ${result.resultMessage}`);
    const taskPut = ws.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/data/model.bin'));
    const model = ws.state.ucModels.getModel(MODEL);
    const copied = ws.state.ucModels.files(model.versions.get(1)).get('data/model.bin');

    const mbps = (ms) => BYTES / 2 ** 20 / (ms / 1000);
    const ratio = plainPut.durationMs / taskPut.durationMs;
    const peakMb = peakKb / 1024;
    ctx.log?.(`registerModel: task copy ${mbps(taskPut.durationMs).toFixed(0)} MiB/s, plain copy ${mbps(plainPut.durationMs).toFixed(0)} MiB/s, peak RSS ${peakMb.toFixed(0)} MB`);
    return [
      { metric: '1 GiB model copy: task throughput', value: mbps(taskPut.durationMs).toFixed(0), unit: 'MiB/s', goal: '', note: `upload PUT ${taskPut.durationMs} ms` },
      { metric: '1 GiB model copy: plain stream copy', value: mbps(plainPut.durationMs).toFixed(0), unit: 'MiB/s', goal: '', note: `upload PUT ${plainPut.durationMs} ms` },
      { metric: '1 GiB model copy: task / plain throughput', value: ratio.toFixed(2), unit: 'ratio', goal: '≥ 0.8', note: ratio >= 0.8 ? 'ok' : 'under goal' },
      { metric: '1 GiB model copy: task peak RSS', value: peakMb.toFixed(0), unit: 'MB', goal: '≤ 150', note: peakMb <= 150 ? 'ok' : 'over goal' },
      { metric: '1 GiB model copy: byte-exact', value: copied?.sha256 === expectedSha ? 'yes' : 'NO', unit: '', goal: 'yes', note: `${copied?.size ?? 0} bytes` },
    ];
  } finally {
    await ws.state.objects.close();
    await cloud.close();
  }
}
