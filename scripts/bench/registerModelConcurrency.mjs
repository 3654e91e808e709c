// Benchmark: a 2 GiB model in 8 files (256 MiB each) registered by the bundled
// DatabricksRegisterModel task over a fake cloud whose storage limits each connection to
// 50 MiB/s each way (as one storage connection is limited in practice), with the default
// copyConcurrency (4) and with copyConcurrency 1, in the same run. The files go through the Files
// API route (multipart: every part and every download is a storage connection).
// Figures: the copy's wall time (create answered → finalize sent, timed by the fake) for each, the
// speed-up (goal ≥ 2.5×), and the task's peak RSS with the default concurrency (goal ≤ 200 MB).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';
import { copyMs, runWithPeak } from './registerModel.mjs';

const require = createRequire(import.meta.url);
const TIME_SCALE = 0.01;
const FILES = 8;
const FILE_BYTES = 256 * 1024 ** 2;
const RATE = 50 * 1024 ** 2;

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
    for (let i = 0; i < FILES; i++) ws.state.objects.putGenerated(`${prefix}/shards/model-0000${i + 1}-of-0000${FILES}.safetensors`, FILE_BYTES, 1000 + i);
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
    const speedUp = slow.ms / fast.ms;
    const note = `8 × 256 MiB, storage ${RATE / 2 ** 20} MiB/s per connection, Files API multipart`;
    return [
      { metric: '2 GiB in 8 files: copy wall, default copyConcurrency (4)', value: (fast.ms / 1000).toFixed(1), unit: 's', goal: '', note },
      { metric: '2 GiB in 8 files: copy wall, copyConcurrency 1', value: (slow.ms / 1000).toFixed(1), unit: 's', goal: '(baseline)', note },
      { metric: '2 GiB in 8 files: speed-up of the default over 1', value: speedUp.toFixed(2), unit: '×', goal: '≥ 2.5', note: speedUp >= 2.5 ? 'ok' : 'under goal' },
      { metric: '2 GiB in 8 files: task peak RSS, default concurrency', value: fast.peakMb.toFixed(0), unit: 'MB', goal: '≤ 200', note: fast.peakMb <= 200 ? 'ok' : 'over goal' },
      { metric: '2 GiB in 8 files: byte-exact (default concurrency)', value: exact ? 'yes' : 'NO', unit: '', goal: 'yes', note: '' },
    ];
  } finally {
    await ws.state.objects.close();
    await cloud.close();
  }
}
