// Demo step 1: DatabricksRegisterModel. A champion (version 1, f1 0.81) is already in Unity
// Catalog; the run the training step handed back (shared.mlflowRunId; without that step, the
// experiment's newest run of the commit) (f1 0.84) logged its model the MLflow 3 way (a logged
// model, as every current Databricks ML runtime does); it is found as MLflow's _register_model
// finds it and registered over REST as models:/<model_id> (files streamed into the new version
// through the storage route the workspace selects, finalized, READY), gated against the champion
// and promoted. A second, dryRun invocation shows the plan of a re-run: nothing left to change.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const MODEL = 'main.ml.churn_model';

export async function run({ cloud, task, log, shared }) {
  const { seedLoggedRun, seedModelVersion, DEFAULT_EXPERIMENT } = require(join(root, process.env.DEMO_OUT_DIR ?? 'out', 'tests/fake/seeds/registry.js'));
  const ws = cloud.workspace;
  ws.state.uc.addSchema('main.ml');
  const champion = seedLoggedRun(ws, { metrics: { f1_score: 0.81, auc: 0.88 }, tags: { git_sha: 'aaaa111' }, startTime: Date.now() - 86_400_000 });
  seedModelVersion(ws, { modelName: MODEL, run: champion, aliases: ['champion'] });
  if (!shared.mlflowRunId) seedLoggedRun(ws, { metrics: { f1_score: 0.84, auc: 0.9 }, tags: { git_sha: '0123456789abcdef0123456789abcdef01234567' } });

  const source = shared.mlflowRunId
    ? { runId: shared.mlflowRunId }
    : { experimentName: DEFAULT_EXPERIMENT, runFilter: "tags.git_sha = '0123456789abcdef0123456789abcdef01234567'" };
  const inputs = {
    modelName: MODEL,
    registerFrom: 'run',
    ...source,
    compareMetric: 'f1_score',
    minImprovement: '0.01',
    candidateAliases: 'challenger',
    promoteAliases: 'champion',
    description: 'Churn model from build 42',
    tags: 'team=churn',
  };
  const registered = await task('DatabricksRegisterModel', inputs, { title: 'register the run, gate on f1_score, promote' });
  if (registered.result !== 'Succeeded') return false;
  shared.modelName = MODEL;
  shared.modelVersion = registered.outputs.modelVersion;
  shared.baselineVersion = registered.outputs.baselineVersion;
  const version = ws.state.ucModels.getModel(MODEL).versions.get(Number(registered.outputs.modelVersion));
  if (!version.source.startsWith('models:/') || !version.modelId) {
    log(`  ✗ expected an MLflow 3 registration (source models:/<model_id>), got source ${version.source}`);
    return false;
  }
  log(
    `  → ${MODEL} version ${registered.outputs.modelVersion} (source ${version.source}, an MLflow 3 logged model) is champion (was version ${registered.outputs.baselineVersion}).`,
  );

  const replay = await task('DatabricksRegisterModel', { ...inputs, dryRun: 'true' }, { title: 'the same step again in plan mode: nothing to change' });
  return replay.result === 'Succeeded';
}
