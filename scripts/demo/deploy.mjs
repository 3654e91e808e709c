// Demo step (npm start): roll the new champion out on a serving endpoint that already serves
// the previous champion: a 10% canary with a smoke test, then promote it to 100%. Both keep
// 90 days of inference data with a Databricks-side retention job (created, then unchanged).
// ctx = { cloud, task, log, shared } (see scripts/start.mjs); the register step leaves
// shared.modelName / shared.modelVersion / shared.baselineVersion, otherwise they are seeded here.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const ENDPOINT = 'churn-scoring';
const INFERENCE = { catalog: 'main', schema: 'ml_logs', prefix: 'churn_scoring' };

export async function run({ cloud, task, log, shared }) {
  const { seedModel, seedServingEndpoint } = require(join(root, 'out', 'tests/fake/seeds/serving.js'));
  const ws = cloud.workspace;
  const model = shared.modelName ?? 'main.ml.churn_model';
  if (!shared.modelVersion) {
    seedModel(ws, { fullName: model, latestVersion: 2, aliases: { champion: 2 } });
    shared.modelVersion = '2';
    shared.baselineVersion = '1';
  }
  const previous = shared.baselineVersion ?? String(Number(shared.modelVersion) - 1);
  // Production already serves the previous champion, logging to an AI Gateway inference table.
  seedServingEndpoint(ws, { name: ENDPOINT, served: [{ model, version: Number(previous) }], inferenceTable: INFERENCE, tags: [{ key: 'owner', value: 'mlops' }] });
  log(`  (the workspace already serves ${model} version ${previous} on ${ENDPOINT})`);

  const base = {
    endpointName: ENDPOINT,
    modelName: model,
    modelAlias: 'champion',
    inferenceCatalog: INFERENCE.catalog,
    inferenceSchema: INFERENCE.schema,
    inferenceTablePrefix: INFERENCE.prefix,
    tags: 'owner=mlops\nproject=churn',
    notifyOnFailure: 'mlops@contoso.com',
    inferenceRetentionDays: '90',
    warehouseId: 'abcdef1234567890',
    smokeTestPayload: JSON.stringify({
      dataframe_records: [
        { tenure: 3, monthly_charges: 70.5 },
        { tenure: 40, monthly_charges: 20.0 },
      ],
    }),
  };
  const canary = await task(
    'DatabricksDeployServing',
    { ...base, trafficMode: 'canary', canaryPercent: '10' },
    { title: `canary version ${shared.modelVersion} with 10% of the traffic` },
  );
  if (canary.result !== 'Succeeded') return false;
  const promote = await task('DatabricksDeployServing', { ...base, trafficMode: 'promote' }, { title: `promote version ${shared.modelVersion} to 100%` });
  if (promote.result !== 'Succeeded') return false;
  shared.endpointName = ENDPOINT;
  shared.inferenceTable = `${INFERENCE.catalog}.${INFERENCE.schema}.${INFERENCE.prefix}_payload`;
  shared.servedVersion = promote.outputs.servedVersion;
  return true;
}
