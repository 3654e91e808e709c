// Demo step 0: DatabricksRunJob. The training workflow (prep → train → log) runs as a
// Databricks job on the service connection's own auth; the log shows each task's state as it
// changes, and the training notebook's exit value hands back the MLflow run id
// (dbutils.notebook.exit(json.dumps({"mlflow_run_id": ...}))) that the register step uses.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from '../lib.mjs';

const require = createRequire(import.meta.url);
const MINUTE = 60_000;

export async function run({ cloud, task, log, shared }) {
  const { seedLoggedRun } = require(join(root, process.env.DEMO_OUT_DIR ?? 'out', 'tests/fake/seeds/registry.js'));
  const ws = cloud.workspace;
  // The run the training notebook logs (its model files included).
  const trained = seedLoggedRun(ws, { metrics: { f1_score: 0.84, auc: 0.9 }, tags: { git_sha: '0123456789abcdef0123456789abcdef01234567' } });
  const job = ws.state.jobs.addJob({
    name: 'churn-classifier training',
    parameters: { git_sha: 'main', branch: 'main' },
    tasks: [
      { key: 'prep', script: { durationMs: 3 * MINUTE } },
      { key: 'train', dependsOn: ['prep'], script: { durationMs: 12 * MINUTE, notebookExit: JSON.stringify({ mlflow_run_id: trained.info.run_id, f1_score: 0.84 }) } },
      { key: 'log', dependsOn: ['train'], kind: 'python', script: { durationMs: MINUTE, logs: 'logged metrics and the model' } },
    ],
  });
  const trainedRun = await task(
    'DatabricksRunJob',
    { jobName: 'churn-classifier training', jobParameters: 'git_sha=0123456789abcdef0123456789abcdef01234567\nbranch=main', outputTask: 'train' },
    { title: 'run the training workflow, wait, read the MLflow run id', variables: { 'System.JobAttempt': '1', 'System.StageName': 'Dev', 'System.PhaseName': 'dev' } },
  );
  if (trainedRun.result !== 'Succeeded') return false;
  shared.mlflowRunId = trainedRun.outputs.mlflowRunId;
  log(`  → job ${job.job_id} run ${trainedRun.outputs.jobRunId} ended ${trainedRun.outputs.resultState}; MLflow run ${shared.mlflowRunId} goes to registration.`);
  return shared.mlflowRunId === trained.info.run_id;
}
