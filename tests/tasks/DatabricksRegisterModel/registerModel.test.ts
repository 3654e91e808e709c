/**
 * DatabricksRegisterModel as the agent runs it: the bundled task in a child process, the AzureRM
 * connection's env vars, the fake cloud. Asserts outputs, the summary and report files, and the
 * requests the workspace saw.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bundledTaskSuite } from '../../helpers/bundledSuite';
import { generatedSha256 } from '../../fake/routes/files';
import { addModelToRun, loggedModelsOf, modelFilesPrefix, seedLoggedRun, seedModelVersion } from '../../fake/seeds/registry';
import type { FakeWorkspace } from '../../fake/workspace';
import { logGroupsOf, type TaskRun } from '../../helpers/runTask';
import type { RegistrationReportData } from '../../../shared/runtime/reportTypes';

const TASK = 'DatabricksRegisterModel';
const MODEL = 'main.ml.churn_model';
const TIME_SCALE = '0.01';
/** POSTs that only read (searches, download credentials). */
const READ_ONLY_POST = /\/(credentials-for-read|credentials-for-download|logged-models\/search|runs\/search)$/;

/** The model's files in the source (run directory or logged model) and in version `n`: relative path → sha256. */
function sourceFiles(ws: FakeWorkspace, prefix: string): Map<string, string> {
  return new Map(ws.state.objects.list(prefix).map((k) => [k.slice(prefix.length + 1), ws.state.objects.get(k)!.sha256]));
}
function versionFiles(ws: FakeWorkspace, n: number): Map<string, string> {
  const model = ws.state.ucModels.getModel(MODEL)!;
  return new Map([...ws.state.ucModels.files(model.versions.get(n)!)].map(([k, v]) => [k, v.sha256]));
}

function reportOf(run: TaskRun): { kind: string; result: string; dryRun?: boolean; data: RegistrationReportData } {
  const attachment = run.attachments.find((a) => a.type === 'databricks-mlops-report');
  assert.ok(attachment, `no report attachment:\n${run.stdout}`);
  return JSON.parse(readFileSync(attachment.path, 'utf8')) as { kind: string; result: string; dryRun?: boolean; data: RegistrationReportData };
}

function summaryOf(run: TaskRun): string {
  assert.equal(run.summaries.length, 1, run.stdout);
  return readFileSync(run.summaries[0]!, 'utf8');
}

describe('DatabricksRegisterModel task (bundled, fake cloud)', function () {
  this.timeout(60_000);
  const suite = bundledTaskSuite(TASK, {
    timeScale: Number(TIME_SCALE),
    inputs: () => ({ modelName: MODEL }),
    seed: (cloud) => void cloud.workspace.state.uc.addSchema('main.ml'),
  });
  const run = (inputs: Record<string, string>) => suite.run(inputs);

  it("registers a run's model, gates it against the champion and promotes it: outputs, summary and report", async () => {
    const champion = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.81 } });
    seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: champion, aliases: ['champion'] });
    const candidate = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.84 } });

    const result = await run({ runId: candidate.info!.run_id!, compareMetric: 'f1_score', candidateAliases: 'challenger', description: 'build 42' });

    assert.equal(result.result, 'Succeeded', result.stdout + result.stderr);
    assert.deepEqual(result.outputs, {
      modelVersion: '2',
      modelUri: `models:/${MODEL}/2`,
      promoted: 'true',
      candidateMetric: '0.84',
      baselineMetric: '0.81',
      baselineVersion: '1',
      runId: candidate.info!.run_id!,
    });
    const model = suite.cloud.workspace.state.ucModels.getModel(MODEL)!;
    assert.deepEqual(Object.fromEntries(model.aliases), { champion: 2, challenger: 2 });
    assert.equal(model.versions.get(2)!.description, 'build 42');
    const summary = summaryOf(result);
    assert.match(summary, /^## ✅ main\.ml\.churn\\_model version 2: promoted to champion\./);
    assert.match(summary, /\| f1\\_score \| 0\.84 \| 0\.81 \|/);
    assert.match(summary, /\| champion \| 1 \| 2 \|/);
    assert.match(summary, new RegExp(`\\(https://127\\.0\\.0\\.1:\\d+/explore/data/models/main/ml/churn_model/version/2\\)`));
    assert.match(summary, new RegExp(`/ml/experiments/${candidate.info!.experiment_id}/runs/${candidate.info!.run_id}\\)`));
    const report = reportOf(result);
    assert.equal(report.kind, 'registration');
    assert.equal(report.data.gate?.outcome, 'improved');
    assert.equal(report.data.filesCopied, 5);
    assert.ok(result.progress.length > 0, 'progress reported while copying');
  });

  it('fails before any request at the workspace on bad inputs', async () => {
    const result = await run({ modelName: 'ml.churn_model', runId: 'abc', metricGoal: 'biggest', minImprovement: 'a lot' });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage ?? '', /modelName/);
    assert.match(result.resultMessage ?? '', /metricGoal/);
    assert.match(result.resultMessage ?? '', /minImprovement/);
    assert.deepEqual(suite.cloud.workspace.requests, []);
  });

  it('dryRun prints the plan and writes nothing', async () => {
    const candidate = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.84 } });
    const result = await run({ runId: candidate.info!.run_id!, candidateAliases: 'challenger', dryRun: 'true' });
    assert.equal(result.result, 'Succeeded', result.stdout);
    assert.deepEqual(
      suite.cloud.workspace.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
      [],
    );
    assert.match(result.stdout, /\+ model version main\.ml\.churn_model\/\(new\)/);
    assert.match(summaryOf(result), /\*\*Plan mode \(dryRun\):\*\* nothing was written\./);
    assert.equal(reportOf(result).dryRun, true);
  });

  it('a second run with the same inputs makes zero write calls', async () => {
    const r1 = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.7 } });
    const r2 = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.9 } });
    seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: r1, aliases: ['champion'] });
    seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: r2 });
    const inputs = { registerFrom: 'existingVersion', compareMetric: 'f1_score', candidateAliases: 'challenger', tags: 'team=churn' };
    const first = await run(inputs);
    assert.equal(first.result, 'Succeeded', first.stdout);
    suite.cloud.workspace.reset();
    const second = await run(inputs);
    assert.equal(second.result, 'Succeeded', second.stdout);
    assert.deepEqual(suite.cloud.workspace.writeRequests(), []);
    assert.equal(second.outputs.modelVersion, '2');
    assert.equal(second.outputs.promoted, 'true');
  });

  it('fails with an ownership hint when an alias change is refused', async () => {
    const r1 = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.7 } });
    seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: r1, owner: 'ml-platform-admins' });
    const result = await run({ registerFrom: 'existingVersion' });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage ?? '', /Alias changes need ownership of the registered model/);
  });

  describe("finding the model as MLflow's _register_model does", () => {
    it("MLflow 3 (the default of current runtimes): registers the run's logged model as models:/<id> with model_id and run_id, and records the version on it", async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { metrics: { f1_score: 0.84 } });
      const logged = loggedModelsOf(suite.cloud.workspace, candidate)[0]!.info!;
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout + result.stderr);
      const v = suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(1)!;
      assert.equal(v.source, `models:/${logged.model_id}`);
      assert.equal(v.modelId, logged.model_id);
      assert.equal(v.runId, candidate.info!.run_id);
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
      assert.ok(!suite.cloud.workspace.requests.some((r) => r.path.endsWith('/artifacts/credentials-for-read')), "nothing is read from the run's own artifacts");
      assert.match(result.stdout, new RegExp(`registering its logged model ${logged.model_id} \\(MLflow 3 layout\\)`));
      const create = suite.cloud.workspace.requests.find((r) => r.path.endsWith('/model-versions/create'))!.body as Record<string, unknown>;
      assert.equal(create.model_id, logged.model_id);
      assert.equal(create.feature_deps, '');
      const tag = suite.cloud.workspace.state.mlflow.getLoggedModel(logged.model_id!)!.info!.tags!.find((t) => t.key === 'mlflow.modelVersions');
      assert.deepEqual(JSON.parse(tag!.value!), [{ name: MODEL, version: 1 }]);
    });

    it('two logged models of one run with the same name: the one at the largest step', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { step: 5 });
      // Logged later, at an earlier step: not the one MLflow picks.
      addModelToRun(suite.cloud.workspace, candidate, { step: 2 });
      const [atStep5, atStep2] = loggedModelsOf(suite.cloud.workspace, candidate);
      assert.ok(atStep5 && atStep2);
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.equal(suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(1)!.source, `models:/${atStep5.info!.model_id}`);
      assert.match(result.stdout, /step 5, the largest of 2 logged models named 'model'/);
    });

    it('modelId: registers that logged model directly, with its source run', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { artifactPath: 'agent' });
      const logged = loggedModelsOf(suite.cloud.workspace, candidate, 'agent')[0]!.info!;
      const result = await run({ modelId: logged.model_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const v = suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(1)!;
      assert.equal(v.source, `models:/${logged.model_id}`);
      assert.equal(v.runId, candidate.info!.run_id);
      assert.equal(String(v.runWorkspaceId), suite.cloud.workspace.state.mlflow.orgId);
      assert.equal(result.outputs.runId, candidate.info!.run_id);
    });

    it('MLflow 2: a run with the model under its artifacts is registered from the run path, as before', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { layout: 'mlflow2' });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const v = suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(1)!;
      assert.equal(v.source, `${candidate.info!.artifact_uri}/model`);
      assert.equal(v.modelId, undefined);
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
      assert.ok(!suite.cloud.workspace.requests.some((r) => r.path.endsWith('/logged-models/search')), 'the run directory is enough');
    });

    it('a logged model stored in a UC volume is read through the Files API', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { loggedModelArtifactUri: '/Volumes/main/ml/mlflow/models/churn/artifacts' });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.ok(suite.cloud.workspace.requests.some((r) => r.method === 'GET' && r.path === '/api/2.0/fs/files/Volumes/main/ml/mlflow/models/churn/artifacts/MLmodel'));
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, '/Volumes/main/ml/mlflow/models/churn/artifacts'));
    });

    it('nothing under either layout: a clear error naming the run, the path and both layouts, before any write', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { artifactPath: 'sklearn-model' });
      const result = await run({ runId: candidate.info!.run_id!, artifactPath: 'model' });
      assert.equal(result.result, 'Failed');
      const message = result.resultMessage ?? '';
      assert.match(message, new RegExp(`Run ${candidate.info!.run_id} has no model at 'model'`));
      assert.match(message, /no directory 'model' \(MLflow 2 layout\)/);
      assert.match(message, /no logged model named 'model' with source run .* \(MLflow 3 layout\)/);
      assert.deepEqual(
        suite.cloud.workspace.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
    });

    it('a workspace without the logged-model routes (404 on search): the same clear error', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      suite.cloud.workspace.faults.add({
        method: 'POST',
        path: '/api/2.0/mlflow/logged-models/search',
        status: 404,
        body: { error_code: 'ENDPOINT_NOT_FOUND', message: 'No API found' },
        times: Infinity,
      });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage ?? '', /has no model at 'model'.*\(MLflow 2 layout\).*\(MLflow 3 layout\)/s);
    });

    it('a logged model whose upload failed is refused, before any write', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { loggedModelStatus: 'LOGGED_MODEL_UPLOAD_FAILED' });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage ?? '', /is LOGGED_MODEL_UPLOAD_FAILED, not LOGGED_MODEL_READY/);
      assert.deepEqual(
        suite.cloud.workspace.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
    });

    it('lost create answer with a models:/ source: exactly one version, continued', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      const lost = suite.cloud.workspace.faults.add({ method: 'POST', path: '/api/2.0/mlflow/unity-catalog/model-versions/create', kind: 'afterHandler', status: 503 });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.equal(lost.fired, 1);
      assert.match(result.stdout, /Removed version\(s\) 1 of main\.ml\.churn_model: duplicates created by a retried create/);
      const versions = [...suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.values()];
      assert.equal(versions.length, 1);
      assert.match(versions[0]!.source, /^models:\/m-/);
      assert.equal(suite.cloud.workspace.state.ucModels.status(versions[0]!), 'READY');
    });

    it('a PENDING version of the same logged model left by an earlier run is completed, not duplicated', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: candidate, status: 'PENDING_REGISTRATION' });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.equal(result.outputs.modelVersion, '1');
      assert.ok(!suite.cloud.workspace.requests.some((r) => r.path.endsWith('/model-versions/create')));
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
      // The READY wait's poll lines sit in one closed group.
      const wait = logGroupsOf(result.stdout).find((g) => g.title === `Waiting for version 1 of ${MODEL} to be READY (up to 20 min)`);
      assert.ok(wait, result.stdout);
    });

    for (const layout of ['mlflow3', 'mlflow2'] as const) {
      it(`re-run (${layout}): the READY version of the same source is reused, no write call`, async () => {
        const candidate = seedLoggedRun(suite.cloud.workspace, { layout });
        const first = await run({ runId: candidate.info!.run_id! });
        assert.equal(first.result, 'Succeeded', first.stdout);
        suite.cloud.workspace.reset();
        const second = await run({ runId: candidate.info!.run_id! });
        assert.equal(second.result, 'Succeeded', second.stdout);
        assert.equal(second.outputs.modelVersion, '1');
        assert.deepEqual(
          suite.cloud.workspace.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
          [],
        );
        assert.equal(reportOf(second).data.reused, true);
      });
    }
  });

  describe('storage routes, chosen as MLflow chooses them', () => {
    const FLAG = '/api/2.0/mlflow/unity-catalog/registered-models:is-databricks-sdk-models-artifact-repository-enabled';
    const index = (test: (r: { method: string; path: string }) => boolean) => suite.cloud.workspace.requests.findIndex(test);

    it('asks the flag with no parameters, before creating the version; true → Files API', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const flag = suite.cloud.workspace.requests.find((r) => r.path === FLAG)!;
      assert.deepEqual(flag.query, {});
      assert.ok(index((r) => r.path === FLAG) < index((r) => r.path.endsWith('/model-versions/create')), 'flag before create');
      assert.equal(suite.cloud.workspace.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/api/2.0/fs/files/Models/')).length, 5);
      assert.equal(reportOf(result).data.storage?.route, 'filesApi');
    });

    for (const status of [404, 500]) {
      it(`flag RPC answering ${status}: false with a warning, the credentials route (ADLS SAS), never a failure`, async () => {
        const candidate = seedLoggedRun(suite.cloud.workspace);
        suite.cloud.workspace.faults.add({
          method: 'GET',
          path: FLAG,
          status,
          body: { error_code: status === 404 ? 'ENDPOINT_NOT_FOUND' : 'INTERNAL_ERROR', message: 'boom' },
          times: Infinity,
        });
        const result = await run({ runId: candidate.info!.run_id! });
        assert.equal(result.result, 'SucceededWithIssues', result.stdout);
        assert.match(result.stdout, /Failed to confirm whether the Files API takes model files in this workspace .*falling back to temporary credentials/);
        assert.ok(!suite.cloud.workspace.requests.some((r) => r.method === 'PUT' && r.path.startsWith('/api/2.0/fs/files/Models/')));
        assert.ok(
          suite.cloud.workspace.state.objects.storageRequests.some((r) => r.method === 'PATCH'),
          'DFS appends with the SAS',
        );
        assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
        assert.equal(reportOf(result).data.storage?.flagSource, 'error');
      });
    }

    it('the MLflow environment variable overrides the RPC', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      const result = await suite.run({ runId: candidate.info!.run_id! }, { env: { MLFLOW_USE_DATABRICKS_SDK_MODEL_ARTIFACTS_REPO_FOR_UC: 'false' } });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.ok(!suite.cloud.workspace.requests.some((r) => r.path === FLAG), 'no RPC');
      assert.equal(reportOf(result).data.storage?.route, 'adlsSas');
    });

    it('ADLS SAS expiring mid-copy (403 from storage): renewed once and the file sent again', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      // Each file takes 3 storage requests (create, append, flush): every SAS dies during the second file it is used for.
      suite.cloud.workspace.state.objects.expireSasAfterRequests = 4;
      const result = await run({ runId: candidate.info!.run_id!, copyConcurrency: '1' });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const refused = suite.cloud.workspace.state.objects.storageRequests.filter((r) => r.status === 403);
      assert.ok(refused.length >= 2, `403s after expiry: ${refused.length}`);
      const credentials = suite.cloud.workspace.requests.filter((r) => r.path.endsWith('/generate-temporary-credentials'));
      assert.equal(credentials.length, refused.length + 1, 'one renewal per expired SAS');
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
    });

    it('ADLS SAS close to its expiration_time: renewed before use, no request refused', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      // Valid, but inside the 5-minute renewal margin from the start.
      suite.cloud.workspace.state.objects.sasLifetimeMs = 4 * 60_000;
      const result = await run({ runId: candidate.info!.run_id!, copyConcurrency: '1' });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.ok(suite.cloud.workspace.requests.filter((r) => r.path.endsWith('/generate-temporary-credentials')).length >= 5, 'renewed before each file');
      assert.deepEqual(
        suite.cloud.workspace.state.objects.storageRequests.filter((r) => r.status === 403),
        [],
      );
    });

    it('DEFAULT_STORAGE: presigned upload URLs (fs/create-upload-url), one PUT per file with the returned headers', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      suite.cloud.workspace.state.ucModels.storageMode = 'DEFAULT_STORAGE';
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const urls = suite.cloud.workspace.requests.filter((r) => r.path === '/api/2.0/fs/create-upload-url');
      assert.deepEqual(
        urls.map((r) => (r.body as { path: string }).path).sort(),
        [...sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)).keys()].map((f) => `/Models/main/ml/churn_model/1/${f}`).sort(),
      );
      const puts = suite.cloud.workspace.state.objects.storageRequests.filter((r) => r.method === 'PUT');
      assert.equal(puts.length, 5);
      assert.ok(puts.every((r) => r.status === 201 && !r.authorization));
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
      assert.equal(reportOf(result).data.storage?.route, 'presigned');
      assert.match(summaryOf(result), /presigned URLs \(default storage\)/);
    });

    it('DEFAULT_STORAGE: an expired presigned URL gets a new one, once', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      suite.cloud.workspace.state.ucModels.storageMode = 'DEFAULT_STORAGE';
      suite.cloud.workspace.state.objects.expireNextPresignedUrls = 1;
      const result = await run({ runId: candidate.info!.run_id!, copyConcurrency: '1' });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.equal(suite.cloud.workspace.requests.filter((r) => r.path === '/api/2.0/fs/create-upload-url').length, 6, 'five files and one renewal');
      assert.equal(suite.cloud.workspace.state.objects.storageRequests.filter((r) => r.method === 'PUT' && r.status === 403).length, 1);
      assert.deepEqual(versionFiles(suite.cloud.workspace, 1), sourceFiles(suite.cloud.workspace, modelFilesPrefix(suite.cloud.workspace, candidate)));
    });

    it('storage behind a firewall (403 AuthorizationFailure): explained, the PENDING version named, and the next run continues it', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace);
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      // The Unity Catalog storage account (model versions) is firewalled; the MLflow artifact storage is not.
      suite.cloud.workspace.state.objects.firewalledPrefix = '/uc-models/';
      const failed = await run({ runId: candidate.info!.run_id! });
      assert.equal(failed.result, 'Failed');
      const message = failed.resultMessage ?? '';
      assert.match(message, /403 AuthorizationFailure: on this route the build agent talks to the workspace's storage account directly/);
      assert.match(message, /self-hosted agent inside that network, or use a workspace where the Files API route for models is enabled/);
      assert.match(message, /Version 1 of main\.ml\.churn_model is left PENDING_REGISTRATION .*the next run with the same inputs continues it/s);
      suite.cloud.workspace.state.objects.firewalledPrefix = undefined;
      const again = await run({ runId: candidate.info!.run_id! });
      assert.equal(again.result, 'Succeeded', again.stdout);
      assert.equal(again.outputs.modelVersion, '1');
      assert.equal(suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.size, 1);
    });

    it('plan mode names the layout, the route and why, the file count and bytes, in the log, the summary and the JSON report', async () => {
      const older = seedLoggedRun(suite.cloud.workspace);
      seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: older });
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      suite.cloud.workspace.state.ucModels.storageMode = 'DEFAULT_STORAGE';
      const candidate = seedLoggedRun(suite.cloud.workspace);
      const result = await run({ runId: candidate.info!.run_id!, dryRun: 'true' });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.deepEqual(
        suite.cloud.workspace.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path) && !r.path.endsWith('/generate-temporary-credentials')),
        [],
      );
      const read = suite.cloud.workspace.requests.filter((r) => r.path.endsWith('/generate-temporary-credentials'));
      assert.ok(
        read.every((r) => (r.body as { operation: string }).operation === 'MODEL_VERSION_OPERATION_READ'),
        'plan mode only reads',
      );
      assert.match(
        result.stdout,
        /Storage route: presigned URLs \(default storage\): the workspace's models artifact repository flag is false, and the model's storage mode is DEFAULT_STORAGE/,
      );
      const data = reportOf(result).data;
      assert.equal(data.model?.layout, 'mlflow3');
      assert.equal(data.model?.files, 5);
      assert.ok((data.model?.bytes ?? 0) > 0);
      assert.deepEqual(
        { route: data.storage?.route, flag: data.storage?.flag, storageMode: data.storage?.storageMode },
        { route: 'presigned', flag: false, storageMode: 'DEFAULT_STORAGE' },
      );
      const summary = summaryOf(result);
      assert.match(summary, /\*\*Model\*\*: logged model m-[0-9a-f]+ .*MLflow 3 layout.*; 5 file\(s\)/);
      assert.match(summary, /\*\*Storage route\*\*: presigned URLs \(default storage\)\. Why: .*DEFAULT\\_STORAGE/);
    });
  });

  describe('what MLflow checks and sends from the MLmodel', () => {
    it('model_version_dependencies from resources (on-behalf-of-user entries skipped), or from auth_policy when set', async () => {
      const resources = [
        'resources:',
        '  api_version: "1"',
        '  databricks:',
        '    vector_search_index:',
        '    - name: main.rag.docs_index',
        '    serving_endpoint:',
        '    - name: databricks-meta-llama-3-3-70b-instruct',
        '    - name: user-scoped-endpoint',
        '      on_behalf_of_user: true',
        '    function:',
        '    - name: main.rag.lookup',
        '    uc_connection:',
        '    - name: github',
        '    table:',
        '    - name: main.rag.faq',
        '    sql_warehouse:',
        '    - name: abc123',
      ].join('\n');
      const agent = seedLoggedRun(suite.cloud.workspace, { artifactPath: 'agent', mlmodelExtra: resources });
      const result = await run({ runId: agent.info!.run_id!, artifactPath: 'agent' });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.deepEqual(suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(1)!.dependencies, [
        { type: 'DATABRICKS_VECTOR_INDEX', name: 'main.rag.docs_index' },
        { type: 'DATABRICKS_MODEL_ENDPOINT', name: 'databricks-meta-llama-3-3-70b-instruct' },
        { type: 'DATABRICKS_UC_FUNCTION', name: 'main.rag.lookup' },
        { type: 'DATABRICKS_UC_CONNECTION', name: 'github' },
        { type: 'DATABRICKS_TABLE', name: 'main.rag.faq' },
      ]);

      const policy = [
        'auth_policy:',
        '  system_auth_policy:',
        '    resources:',
        '      api_version: "1"',
        '      databricks:',
        '        serving_endpoint:',
        '        - name: system-endpoint',
        '  user_auth_policy:',
        '    api_scopes: [serving.serving-endpoints]',
        'resources:',
        '  api_version: "1"',
        '  databricks:',
        '    serving_endpoint:',
        '    - name: ignored-when-auth-policy-is-set',
      ].join('\n');
      const scoped = seedLoggedRun(suite.cloud.workspace, { artifactPath: 'agent', mlmodelExtra: policy });
      const second = await run({ runId: scoped.info!.run_id!, artifactPath: 'agent' });
      assert.equal(second.result, 'Succeeded', second.stdout);
      assert.deepEqual(suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(2)!.dependencies, [{ type: 'DATABRICKS_MODEL_ENDPOINT', name: 'system-endpoint' }]);
    });

    it("a Feature Store-packaged model is refused with MLflow's reason, before any write", async () => {
      const fs = seedLoggedRun(suite.cloud.workspace, { loaderModule: 'databricks.feature_store.mlflow_model' });
      const result = await run({ runId: fs.info!.run_id! });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage ?? '', /This model was packaged by Databricks Feature Store and can only be registered on a Databricks cluster/);
      assert.deepEqual(
        suite.cloud.workspace.writeRequests().filter((r) => !READ_ONLY_POST.test(r.path)),
        [],
      );
    });
  });

  describe("large files through the Files API: the SDK's multipart protocol above 50 MiB", () => {
    // Three 100 MiB parts (the last one 50 MiB).
    const BYTES = 250 * 1024 * 1024;
    const copiedBin = () => suite.cloud.workspace.state.ucModels.files(suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.get(1)!).get('data/model.bin');

    it('initiate → a part URL per part → parts PUT to storage → complete; byte-exact', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { generatedBytes: BYTES });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const path = '/api/2.0/fs/files/Models/main/ml/churn_model/1/data/model.bin';
      const initiate = suite.cloud.workspace.requests.filter((r) => r.method === 'POST' && r.path === path && r.query.action === 'initiate-upload');
      assert.equal(initiate.length, 1);
      const partUrls = suite.cloud.workspace.requests
        .filter((r) => r.path === '/api/2.0/fs/create-upload-part-urls')
        .map((r) => r.body as { start_part_number: number; count: number; expire_time: string });
      assert.deepEqual(
        partUrls.map((b) => b.start_part_number),
        [1, 2, 3],
        '100 MiB parts',
      );
      assert.ok(partUrls.every((b) => b.count === 1 && /Z$/.test(b.expire_time)));
      const complete = suite.cloud.workspace.requests.find((r) => r.method === 'POST' && r.path === path && r.query.action === 'complete-upload')!;
      assert.equal(complete.query.upload_type, 'multipart');
      assert.equal((complete.body as { parts: unknown[] }).parts.length, 3);
      assert.ok(!suite.cloud.workspace.requests.some((r) => r.method === 'PUT' && r.path === path), 'no single PUT');
      assert.equal(copiedBin()?.sha256, await generatedSha256(BYTES, 20260504));
      assert.equal(suite.cloud.workspace.state.objects.completedMultipart, 1);
    });

    it('an expired part URL gets a new one and the part is sent again', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { generatedBytes: BYTES });
      suite.cloud.workspace.state.objects.expireNextPartUrls = 0;
      // Part 3's first URL is issued expired.
      const store = suite.cloud.workspace.state.objects;
      const original = store.multipartUrl.bind(store);
      let issued = 0;
      store.multipartUrl = async (token, part) => {
        if (part !== 'abort' && ++issued === 3) store.expireNextPartUrls = 1;
        return original(token, part);
      };
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      const starts = suite.cloud.workspace.requests
        .filter((r) => r.path === '/api/2.0/fs/create-upload-part-urls')
        .map((r) => (r.body as { start_part_number: number }).start_part_number);
      // Part 3 asked for twice (the next part's URL is asked for while a part is sent, so the order interleaves).
      assert.deepEqual(
        [...starts].sort((a, b) => a - b),
        [1, 2, 3, 3],
      );
      assert.equal(copiedBin()?.sha256, await generatedSha256(BYTES, 20260504));
    });

    it('the first part refused by storage (Azure firewall): the session is aborted and the file goes in one PUT, as the SDK falls back', async () => {
      const candidate = seedLoggedRun(suite.cloud.workspace, { generatedBytes: BYTES });
      suite.cloud.workspace.state.objects.firewalledPrefix = '/uc-models/';
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Succeeded', result.stdout);
      assert.equal(suite.cloud.workspace.state.objects.completedMultipart, 0);
      assert.ok(suite.cloud.workspace.requests.some((r) => r.method === 'POST' && r.path === '/api/2.0/fs/create-abort-upload-url'));
      assert.ok(suite.cloud.workspace.requests.some((r) => r.method === 'PUT' && r.path === '/api/2.0/fs/files/Models/main/ml/churn_model/1/data/model.bin'));
      assert.equal(copiedBin()?.sha256, await generatedSha256(BYTES, 20260504));
    });

    it('storage mode unknown before create (new model), DEFAULT_STORAGE and a file above 5 GiB: the version just created is deleted again, and the error says so', async () => {
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      suite.cloud.workspace.state.ucModels.storageMode = 'DEFAULT_STORAGE';
      const candidate = seedLoggedRun(suite.cloud.workspace, { generatedBytes: 6 * 1024 ** 3 });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage ?? '', /larger than the 5\.0 GiB one presigned PUT can take.*Version 1, created for this copy, was deleted again/s);
      assert.equal(suite.cloud.workspace.state.ucModels.getModel(MODEL)!.versions.size, 0, 'no PENDING version left behind');
      assert.equal(suite.cloud.workspace.state.objects.storageRequests.filter((r) => r.method === 'PUT').length, 0, 'not a byte moved');
    });

    it('DEFAULT_STORAGE cannot take a file above one presigned PUT (5 GiB): refused before the version is created', async () => {
      const older = seedLoggedRun(suite.cloud.workspace);
      seedModelVersion(suite.cloud.workspace, { modelName: MODEL, run: older });
      suite.cloud.workspace.state.ucModels.filesApiForModels = 'flagOff';
      suite.cloud.workspace.state.ucModels.storageMode = 'DEFAULT_STORAGE';
      const candidate = seedLoggedRun(suite.cloud.workspace, { generatedBytes: 6 * 1024 ** 3 });
      const result = await run({ runId: candidate.info!.run_id! });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage ?? '', /data\/model\.bin \(6\.0 GiB\) is larger than the 5\.0 GiB one presigned PUT can take/);
      assert.ok(!suite.cloud.workspace.requests.some((r) => r.path.endsWith('/model-versions/create')));
    });
  });
});
