// Demo step (npm start): deploy the registered model to a serving endpoint, as a pipeline
// would: create the endpoint with the champion version, then canary the challenger with 10%
// of the traffic and promote it. Prints what the pipeline log would show.
// ctx = { cloud, runTask, log, model?, outDir? }; the register step normally leaves the model
// with aliases champion/challenger, otherwise versions are seeded here.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const EP = 'churn-scoring';

export async function run(ctx) {
  const { cloud, runTask, log } = ctx;
  const model = ctx.model ?? 'main.ml.churn_model';
  const ws = cloud.workspace;
  const { seedModel } = require(join(root, ctx.outDir ?? 'out', 'tests/fake/seeds/serving.js'));
  const registered = ws.state.ucModels.getModel(model);
  if (!registered || !registered.aliases.has('champion') || !registered.aliases.has('challenger')) {
    seedModel(ws, { fullName: model, latestVersion: 2, aliases: { champion: 1, challenger: 2 } });
  }
  const conn = cloud.taskConnection('WorkloadIdentityFederation');
  const base = {
    ...conn.inputs,
    endpointName: EP,
    modelName: model,
    inferenceCatalog: 'main',
    inferenceSchema: 'ml_logs',
    tags: 'owner=mlops\nproject=churn',
    notifyOnFailure: 'mlops@contoso.com',
    smokeTestPayload: JSON.stringify({ dataframe_records: [{ tenure: 3, monthly_charges: 70.5 }, { tenure: 40, monthly_charges: 20.0 }] }),
  };
  const env = { ...conn.env, DATABRICKS_MLOPS_TIME_SCALE: String(ws.timeScale) };
  const steps = [
    ['Deploy the champion', { modelAlias: 'champion' }],
    ['Canary the challenger (10%)', { modelAlias: 'challenger', trafficMode: 'canary', canaryPercent: '10' }],
    ['Promote the challenger', { modelAlias: 'challenger', trafficMode: 'promote' }],
  ];
  for (const [title, inputs] of steps) {
    log(`\n=== DatabricksDeployServing@1: ${title} ===`);
    const result = await runTask({ task: 'DatabricksDeployServing', env, inputs: { ...base, ...inputs } });
    for (const line of result.stdout.split('\n')) if (line && !line.startsWith('##vso[')) log(line);
    log(`Result: ${result.result}: ${result.resultMessage ?? ''}`);
    if (result.result !== 'Succeeded') throw new Error(`Demo deploy step '${title}' ended ${result.result}`);
    for (const [k, v] of Object.entries(result.outputs)) log(`  output ${k} = ${v}`);
  }
}
