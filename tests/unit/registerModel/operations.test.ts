import * as assert from 'node:assert/strict';
import { registerModelPhases } from '../../../tasks/DatabricksRegisterModel/src/operations';
import { registerModelSummary } from '../../../tasks/DatabricksRegisterModel/src/summary';
import type { RegisterModelParameters } from '../../../tasks/DatabricksRegisterModel/src/parameters';
import type { TaskDeps } from '../../../shared/runtime/task';
import { runOutcome } from '../../helpers/taskPhases';
import { RegistrationFailedError } from '../../../tasks/DatabricksRegisterModel/src/registration';
import type { RegistrationReportData } from '../../../shared/runtime/reportTypes';
import { loggedModelsOf, modelFilesPrefix, seedLoggedRun, seedModelVersion } from '../../fake/seeds/registry';
import type { FakeWorkspace } from '../../fake/workspace';
import { MODEL, SP, params, startHarness, type Harness } from './support';

/** Plan, then apply (or, in plan mode, the planned outcome), with the summary the runner publishes. */
const registerModel = (deps: TaskDeps, p: RegisterModelParameters) => runOutcome(registerModelPhases, registerModelSummary, deps, p);

const REGISTRY = '/api/2.0/mlflow/unity-catalog';
/** POSTs that only read (searches, download credentials): allowed in plan mode and before any write. */
const READ_ONLY_POST = /\/(credentials-for-read|credentials-for-download|logged-models\/search|runs\/search)$/;

function sourceFiles(ws: FakeWorkspace, runId: string): Map<string, string> {
  const run = ws.state.mlflow.getRun(runId)!;
  const prefix = modelFilesPrefix(ws, run);
  return new Map(ws.state.objects.list(prefix).map((k) => [k.slice(prefix.length + 1), ws.state.objects.get(k)!.sha256]));
}

function versionFiles(ws: FakeWorkspace, version: number): Map<string, string> {
  const model = ws.state.ucModels.getModel(MODEL)!;
  return new Map([...ws.state.ucModels.files(model.versions.get(version)!)].map(([k, v]) => [k, v.sha256]));
}

function reportOf(outcome: Awaited<ReturnType<typeof registerModel>>): RegistrationReportData {
  return outcome.report;
}

describe('DatabricksRegisterModel operations (fake workspace)', function () {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(() => {
    h.ws.resetAll();
    h.ws.users.add(SP);
    h.ws.state.uc.addSchema('main.ml');
  });

  describe('run mode', () => {
    it('registers a new version over REST: model created, files streamed through the Files API, finalized, READY, tags and aliases set', async () => {
      const run = seedLoggedRun(h.ws, { metrics: { f1_score: 0.84 } });
      const deps = h.deps();
      const outcome = await registerModel(deps, params({ runId: run.info!.run_id, candidateAliases: 'challenger', tags: 'team=churn\nbranch=release' }));

      assert.equal(outcome.result, 'Succeeded', outcome.message);
      const model = h.ws.state.ucModels.getModel(MODEL)!;
      assert.equal(model.info.owner, SP, 'the creating principal owns the new model');
      const v1 = model.versions.get(1)!;
      assert.equal(h.ws.state.ucModels.status(v1), 'READY');
      assert.equal(v1.runId, run.info!.run_id);
      const logged = loggedModelsOf(h.ws, run)[0]!.info!;
      assert.equal(v1.source, `models:/${logged.model_id}`, 'an MLflow 3 model is registered from its logged model');
      assert.equal(v1.modelId, logged.model_id);
      assert.equal(String(v1.runWorkspaceId), h.ws.state.mlflow.orgId, 'run_tracking_server_id is the X-Databricks-Org-Id of runs/get');
      assert.deepEqual(versionFiles(h.ws, 1), sourceFiles(h.ws, run.info!.run_id!), 'every model file copied byte for byte, nothing else');
      assert.deepEqual(Object.fromEntries(v1.tags), {
        git_sha: '0123456789abcdef0123456789abcdef01234567',
        branch: 'release',
        build_id: '42',
        pipeline_url: 'https://dev.azure.com/contoso/mlops/_build/results?buildId=42',
        team: 'churn',
      });
      assert.deepEqual(Object.fromEntries(model.aliases), { challenger: 1, champion: 1 });
      assert.deepEqual(outcome.outputs, {
        modelVersion: '1',
        modelUri: `models:/${MODEL}/1`,
        promoted: true,
        candidateMetric: undefined,
        baselineMetric: undefined,
        baselineVersion: undefined,
        runId: run.info!.run_id,
      });
      const uploads = h.ws.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/api/2.0/fs/files/Models/main/ml/churn_model/1/'));
      assert.equal(uploads.length, 5);
      assert.ok(uploads.every((r) => r.query.overwrite === 'true'));
      const report = reportOf(outcome);
      assert.equal(report.filesCopied, 5);
      assert.match(report.versionUrl!, /\/explore\/data\/models\/main\/ml\/churn_model\/version\/1$/);
      assert.match(report.runUrl!, new RegExp(`/ml/experiments/${run.info!.experiment_id}/runs/${run.info!.run_id}$`));
      assert.match(outcome.summaryMarkdown!, /\| champion \| — \| 1 \|/);
    });

    it('a second run with the same inputs reuses the READY version and makes no write call', async () => {
      const run = seedLoggedRun(h.ws, { metrics: { f1_score: 0.84 } });
      const inputs = { runId: run.info!.run_id, candidateAliases: 'challenger', compareMetric: 'f1_score' };
      await registerModel(h.deps(), params(inputs));
      h.ws.reset();
      const outcome = await registerModel(h.deps(), params(inputs));
      assert.equal(outcome.result, 'Succeeded', outcome.message);
      assert.deepEqual(
        h.ws.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
      assert.equal(outcome.outputs?.modelVersion, '1');
      assert.equal(outcome.outputs?.promoted, true, 'the version already holds champion: still promoted');
      assert.equal(reportOf(outcome).reused, true);
      assert.equal(h.ws.state.ucModels.getModel(MODEL)!.versions.size, 1);
    });

    it('finds the newest FINISHED run of an experiment matching runFilter', async () => {
      const t = Date.now();
      const older = seedLoggedRun(h.ws, { startTime: t - 3000, tags: { git_sha: 'f00d' } });
      const newest = seedLoggedRun(h.ws, { startTime: t - 2000, tags: { git_sha: 'f00d' }, metrics: { f1_score: 0.9 } });
      seedLoggedRun(h.ws, { startTime: t - 1000, tags: { git_sha: 'f00d' }, status: 'RUNNING' });
      seedLoggedRun(h.ws, { startTime: t, tags: { git_sha: 'beef' } });
      const outcome = await registerModel(h.deps(), params({ experimentName: '/Shared/churn-training', runFilter: "tags.git_sha = 'f00d' and metrics.f1_score > 0.5" }));
      assert.equal(outcome.outputs?.runId, newest.info!.run_id);
      assert.notEqual(outcome.outputs?.runId, older.info!.run_id);
    });

    it('says when the only matching run has not finished', async () => {
      const running = seedLoggedRun(h.ws, { tags: { git_sha: 'f00d' }, status: 'RUNNING' });
      await assert.rejects(
        registerModel(h.deps(), params({ experimentName: '/Shared/churn-training', runFilter: "tags.git_sha = 'f00d'" })),
        new RegExp(`${running.info!.run_id}, which is RUNNING: no FINISHED run matches`),
      );
      assert.deepEqual(
        h.ws.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
    });

    it("reports the service's syntax error of a runFilter, before any write", async () => {
      seedLoggedRun(h.ws);
      await assert.rejects(
        registerModel(h.deps(), params({ experimentName: '/Shared/churn-training', runFilter: "tags.git_sha == 'f00d'" })),
        (e: Error) => /INVALID_PARAMETER_VALUE \(HTTP 400\)/.test(e.message) && /Invalid filter/.test(e.message),
      );
      assert.deepEqual(
        h.ws.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
    });

    it('refuses a model without a signature (Unity Catalog needs outputs), before any write', async () => {
      const run = seedLoggedRun(h.ws, { signature: 'inputsOnly' });
      await assert.rejects(
        registerModel(h.deps(), params({ runId: run.info!.run_id })),
        /signature without outputs\. Unity Catalog requires a model signature with outputs; log the model with a signature \(mlflow\.models\.infer_signature/,
      );
      const none = seedLoggedRun(h.ws, { signature: 'none' });
      await assert.rejects(registerModel(h.deps(), params({ runId: none.info!.run_id })), /has no signature\. Unity Catalog requires a model signature with outputs/);
      assert.deepEqual(
        h.ws.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
      assert.equal(h.ws.state.ucModels.getModel(MODEL), undefined);
    });

    it('fails with the status message when registration ends in FAILED_REGISTRATION', async () => {
      const run = seedLoggedRun(h.ws);
      h.ws.state.ucModels.addModel(MODEL);
      h.ws.state.ucModels.failNextFinalize(MODEL, 'Model files failed validation: model.pkl is not loadable.');
      await assert.rejects(
        registerModel(h.deps(), params({ runId: run.info!.run_id, candidateAliases: 'challenger' })),
        (e: Error) =>
          e instanceof RegistrationFailedError && /Version 1 of main\.ml\.churn_model failed registration \(FAILED_REGISTRATION\): Model files failed validation/.test(e.message),
      );
      assert.equal(h.ws.state.ucModels.getModel(MODEL)!.aliases.size, 0, 'no alias points at a failed version');
    });

    it('rides out a 429 storm on the upload (Retry-After), re-opening the download for each attempt', async () => {
      const run = seedLoggedRun(h.ws);
      const storm = h.ws.faults.add({ method: 'PUT', path: '/api/2.0/fs/files/Models/*', status: 429, headers: { 'Retry-After': '1' }, times: 6 });
      const outcome = await registerModel(h.deps(), params({ runId: run.info!.run_id }));
      assert.equal(outcome.result, 'Succeeded', outcome.message);
      assert.equal(storm.fired, 6);
      assert.deepEqual(versionFiles(h.ws, 1), sourceFiles(h.ws, run.info!.run_id!));
      const downloads = h.ws.state.objects.storageRequests.filter((r) => r.method === 'GET');
      assert.ok(downloads.length >= 5 + 1, 'each retried attempt read its file again');
    });

    it('leaves exactly one version when the answer to the create call is lost', async () => {
      const run = seedLoggedRun(h.ws);
      const lost = h.ws.faults.add({ method: 'POST', path: `${REGISTRY}/model-versions/create`, kind: 'afterHandler', status: 503 });
      const deps = h.deps();
      const outcome = await registerModel(deps, params({ runId: run.info!.run_id }));
      assert.equal(outcome.result, 'Succeeded', outcome.message);
      assert.equal(lost.fired, 1);
      assert.equal(h.ws.requests.filter((r) => r.path.endsWith('/model-versions/create')).length, 2, 'the client retried the create');
      assert.match(deps.log.text('warning'), /Removed version\(s\) 1 of main\.ml\.churn_model: duplicates/);
      const versions = [...h.ws.state.ucModels.getModel(MODEL)!.versions.values()];
      assert.equal(versions.length, 1, `versions: ${versions.map((v) => v.version).join(', ')}`);
      assert.equal(h.ws.state.ucModels.status(versions[0]!), 'READY');
      assert.equal(outcome.outputs?.modelVersion, String(versions[0]!.version));
    });

    it('completes a PENDING version a previous attempt left behind instead of creating another', async () => {
      const run = seedLoggedRun(h.ws);
      seedModelVersion(h.ws, { modelName: MODEL, run, status: 'PENDING_REGISTRATION' });
      const outcome = await registerModel(h.deps(), params({ runId: run.info!.run_id }));
      assert.equal(outcome.outputs?.modelVersion, '1');
      assert.equal(h.ws.requests.filter((r) => r.path.endsWith('/model-versions/create')).length, 0);
      assert.equal(h.ws.state.ucModels.status(h.ws.state.ucModels.getModel(MODEL)!.versions.get(1)!), 'READY');
    });

    for (const mode of ['flagOff', 'notFound'] as const) {
      it(`uploads with a temporary SAS through the DFS API when the Files API route is unavailable (${mode})`, async () => {
        const run = seedLoggedRun(h.ws);
        h.ws.state.ucModels.filesApiForModels = mode;
        const outcome = await registerModel(h.deps(), params({ runId: run.info!.run_id }));
        assert.equal(outcome.result, 'Succeeded', outcome.message);
        assert.deepEqual(versionFiles(h.ws, 1), sourceFiles(h.ws, run.info!.run_id!));
        const storage = h.ws.state.objects.storageRequests;
        assert.ok(
          storage.some((r) => r.method === 'PATCH'),
          'DFS append/flush calls were made',
        );
        assert.ok(
          storage.every((r) => !r.authorization),
          'the Databricks token is never sent to storage',
        );
        assert.ok(h.ws.requests.some((r) => r.path.endsWith('/generate-temporary-credentials')));
      });
    }

    it('dryRun prints the plan and makes no write call', async () => {
      const run = seedLoggedRun(h.ws, { metrics: { f1_score: 0.9 } });
      const deps = h.deps({ dryRun: true });
      const outcome = await registerModel(deps, params({ runId: run.info!.run_id, candidateAliases: 'challenger', dryRun: 'true' }));
      assert.equal(outcome.result, 'Succeeded');
      assert.deepEqual(
        h.ws.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
      assert.equal(h.ws.state.ucModels.getModel(MODEL), undefined);
      const plan = deps.log.text();
      assert.match(plan, /\+ registered model main\.ml\.churn_model/);
      assert.match(plan, /\+ model version main\.ml\.churn_model\/\(new\)/);
      assert.match(plan, /\+ alias champion/);
      assert.equal(outcome.outputs?.modelVersion, undefined);
      assert.equal(reportOf(outcome).changes?.length, 4);
    });
  });

  describe('existingVersion mode and the gate', () => {
    function seedChampionAndCandidate(championF1: number | undefined, candidateF1: number | undefined) {
      const championRun = seedLoggedRun(h.ws, { metrics: championF1 === undefined ? {} : { f1_score: championF1 } });
      const candidateRun = seedLoggedRun(h.ws, { metrics: candidateF1 === undefined ? {} : { f1_score: candidateF1 } });
      seedModelVersion(h.ws, { modelName: MODEL, run: championRun, aliases: ['champion'] });
      seedModelVersion(h.ws, { modelName: MODEL, run: candidateRun });
      return { championRun, candidateRun };
    }

    it('promotes the latest version when it beats the champion, and moves the aliases', async () => {
      seedChampionAndCandidate(0.8, 0.85);
      const deps = h.deps();
      const outcome = await registerModel(deps, params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', candidateAliases: 'challenger', minImprovement: '0.01' }));
      assert.equal(outcome.result, 'Succeeded', outcome.message);
      assert.deepEqual(Object.fromEntries(h.ws.state.ucModels.getModel(MODEL)!.aliases), { champion: 2, challenger: 2 });
      assert.equal(outcome.outputs?.promoted, true);
      assert.equal(outcome.outputs?.candidateMetric, '0.85');
      assert.equal(outcome.outputs?.baselineMetric, '0.8');
      assert.equal(outcome.outputs?.baselineVersion, 1);
      const report = reportOf(outcome);
      assert.equal(report.gate?.outcome, 'improved');
      assert.deepEqual(report.aliasesSet, [
        { alias: 'challenger', version: '2', previousVersion: undefined },
        { alias: 'champion', version: '2', previousVersion: '1' },
      ]);
      assert.match(outcome.summaryMarkdown!, /\| champion \| 1 \| 2 \|/);
      assert.match(outcome.summaryMarkdown!, /\| f1\\_score \| 0\.85 \| 0\.8 \|/);
      // Second run: nothing to change.
      h.ws.reset();
      const again = await registerModel(h.deps(), params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', candidateAliases: 'challenger', minImprovement: '0.01' }));
      assert.equal(again.result, 'Succeeded');
      assert.deepEqual(h.ws.writeRequests(), [], 'idempotent: aliases and tags already in place');
    });

    it('does not promote a candidate that is not better; candidate aliases are still set', async () => {
      seedChampionAndCandidate(0.8, 0.805);
      const outcome = await registerModel(h.deps(), params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', candidateAliases: 'challenger', minImprovement: '0.01' }));
      assert.equal(outcome.result, 'Succeeded');
      assert.equal(outcome.outputs?.promoted, false);
      assert.deepEqual(Object.fromEntries(h.ws.state.ucModels.getModel(MODEL)!.aliases), { champion: 1, challenger: 2 });
      assert.equal(reportOf(outcome).gate?.outcome, 'not-improved');
    });

    it('fails when not improved and failIfNotImproved is set', async () => {
      seedChampionAndCandidate(0.8, 0.8);
      const outcome = await registerModel(h.deps(), params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', failIfNotImproved: 'true' }));
      assert.equal(outcome.result, 'Failed');
      assert.match(outcome.message, /not promoted and failIfNotImproved is set: tie on f1_score/);
      assert.equal(h.ws.state.ucModels.getModel(MODEL)!.aliases.get('champion'), 1);
    });

    it('minimize: a lower metric wins', async () => {
      seedChampionAndCandidate(0.3, 0.2);
      const outcome = await registerModel(h.deps(), params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', metricGoal: 'minimize' }));
      assert.equal(outcome.outputs?.promoted, true);
    });

    it('fails naming the metric and the run when the candidate lacks the metric, before any write', async () => {
      const { candidateRun } = seedChampionAndCandidate(0.8, undefined);
      await assert.rejects(
        registerModel(h.deps(), params({ registerFrom: 'existingVersion', compareMetric: 'f1_score' })),
        new RegExp(`run ${candidateRun.info!.run_id} has no metric "f1_score"`),
      );
      assert.deepEqual(h.ws.writeRequests(), []);
    });

    it('lets the candidate win with a warning when the baseline lacks the metric', async () => {
      seedChampionAndCandidate(undefined, 0.7);
      const deps = h.deps();
      const outcome = await registerModel(deps, params({ registerFrom: 'existingVersion', compareMetric: 'f1_score' }));
      assert.equal(outcome.result, 'SucceededWithIssues');
      assert.equal(outcome.outputs?.promoted, true);
      assert.match(deps.log.text('warning'), /has no metric "f1_score": the candidate wins/);
      assert.equal(h.ws.state.ucModels.getModel(MODEL)!.aliases.get('champion'), 2);
    });

    it('no baseline alias: the candidate wins', async () => {
      const run = seedLoggedRun(h.ws, { metrics: { f1_score: 0.5 } });
      seedModelVersion(h.ws, { modelName: MODEL, run });
      const outcome = await registerModel(h.deps(), params({ registerFrom: 'existingVersion', modelVersion: '1', compareMetric: 'f1_score' }));
      assert.equal(reportOf(outcome).gate?.outcome, 'no-baseline');
      assert.equal(h.ws.state.ucModels.getModel(MODEL)!.aliases.get('champion'), 1);
    });

    it('explains that alias changes need ownership when PERMISSION_DENIED', async () => {
      const run = seedLoggedRun(h.ws, { metrics: { f1_score: 0.5 } });
      seedModelVersion(h.ws, { modelName: MODEL, run, owner: 'ml-platform-admins' });
      await assert.rejects(
        registerModel(h.deps(), params({ registerFrom: 'existingVersion' })),
        /Setting alias "champion" of main\.ml\.churn_model to version 1 was refused \(PERMISSION_DENIED: .*\)\. Alias changes need ownership of the registered model/,
      );
    });

    it('refuses a version that is not READY', async () => {
      const run = seedLoggedRun(h.ws);
      seedModelVersion(h.ws, { modelName: MODEL, run, status: 'FAILED_REGISTRATION' });
      await assert.rejects(registerModel(h.deps(), params({ registerFrom: 'existingVersion' })), /Version 1 of main\.ml\.churn_model is FAILED_REGISTRATION.*not READY/);
    });

    it('sets only the tags that differ', async () => {
      const run = seedLoggedRun(h.ws);
      seedModelVersion(h.ws, { modelName: MODEL, run, tags: { team: 'churn', build_id: '41' } });
      await registerModel(h.deps(), params({ registerFrom: 'existingVersion', tags: 'team=churn' }));
      const tagWrites = h.ws.requests.filter((r) => r.path.endsWith('/model-versions/tags')).map((r) => (r.body as { key: string }).key);
      assert.deepEqual(tagWrites.sort(), ['branch', 'build_id', 'git_sha', 'pipeline_url']);
    });
  });
});
