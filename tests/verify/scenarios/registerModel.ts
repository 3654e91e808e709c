/**
 * DatabricksRegisterModel scenarios: a new version registered from a finished MLflow run (model
 * created, files copied, tags and aliases set), and a challenger gated against the champion.
 */
import { seedLoggedRun, seedModelVersion } from '../../fake/seeds/registry';
import type { FakeWorkspace } from '../../fake/workspace';
import type { FuzzSpec, Scenario, WaitPoint } from '../types';

const TASK = 'DatabricksRegisterModel';
const MODEL = 'main.ml.churn_model';

function counts(ws: FakeWorkspace): Record<string, number> {
  const model = ws.state.ucModels.getModel(MODEL);
  return { models: model ? 1 : 0, versions: model?.versions.size ?? 0, aliases: model?.aliases.size ?? 0 };
}

/** The copy of the model files and the wait for READY (short in the fake: a few hundred ms). */
const WAITS: WaitPoint[] = [
  { name: 'copy', line: /Copying \d+ file/, realMs: 300 },
  { name: 'finalize', line: /Finalizing version/, realMs: 150 },
];

/** POSTs that change nothing: signed read URLs (run artifacts, logged models), the logged-model search, READ credentials. */
const READ_ONLY = [
  { method: 'POST', path: /^\/api\/2\.0\/mlflow\/artifacts\/credentials-for-read$/ },
  { method: 'POST', path: /^\/api\/2\.0\/mlflow\/logged-models\/search$/ },
  { method: 'POST', path: /^\/api\/2\.0\/mlflow\/logged-models\/[^/]+\/artifacts\/credentials-for-download$/ },
  { method: 'POST', path: /^\/api\/2\.0\/fs\/create-download-url$/ },
];

export const registerModelScenarios: Scenario[] = [
  {
    task: TASK,
    name: 'register-from-run',
    prepare: (cloud) => {
      cloud.workspace.state.uc.addSchema('main.ml');
      const run = seedLoggedRun(cloud.workspace, { metrics: { f1_score: 0.84 } });
      return { modelName: MODEL, runId: run.info!.run_id!, candidateAliases: 'challenger', tags: 'team=churn' };
    },
    counts,
    readOnlyCalls: READ_ONLY,
    waits: WAITS,
  },
  {
    task: TASK,
    name: 'gate-challenger',
    prepare: (cloud) => {
      const ws = cloud.workspace;
      ws.state.uc.addSchema('main.ml');
      const champion = seedLoggedRun(ws, { metrics: { f1_score: 0.8 } });
      seedModelVersion(ws, { modelName: MODEL, run: champion, aliases: ['champion'] });
      const challenger = seedLoggedRun(ws, { metrics: { f1_score: 0.86 } });
      return { modelName: MODEL, runId: challenger.info!.run_id!, compareMetric: 'f1_score', minImprovement: '0.01', promoteAliases: 'champion' };
    },
    counts,
    readOnlyCalls: READ_ONLY,
    waits: WAITS,
  },
];

export const registerModelFuzz: FuzzSpec = {
  task: TASK,
  // compareMetric set so the gate inputs are in force (hidden inputs may be ignored).
  base: () => ({ modelName: MODEL, runId: '0123456789abcdef0123456789abcdef', compareMetric: 'f1_score' }),
  names: ['modelName', 'runId', 'baselineAlias', 'candidateAliases', 'promoteAliases'],
  invalid: {
    modelName: ['churn_model', 'main.ml', 'main..m', 'a.b.c.d', 'main.ml.churn model', 'main.ml.mödel'],
    runId: ['not a run id', 'run/../x', 'abc def'],
    artifactPath: ['../escape', '/absolute/model', 'a/../../b'],
    minImprovement: ['-1', 'NaN', 'Infinity', 'ten', '1e'],
    baselineAlias: ['latest', '9lives', 'has space', 'a'.repeat(300)],
    candidateAliases: ['good, bad alias', '-x'],
    promoteAliases: ['champion, x y', '9'],
    tags: ['novalue', '=v', 'bad key!=v'],
    timeoutMinutes: ['0', '721', '-5', '2.5', 'soon'],
  },
};
