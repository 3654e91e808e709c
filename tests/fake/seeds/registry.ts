/**
 * Seeding the fake workspace's MLflow runs and Unity Catalog models, for tests, the demo and the
 * benchmark: a run with a logged model (MLmodel with or without a signature, model files, or a
 * generated multi-gigabyte file that is never stored), and READY versions with aliases.
 *
 * The default layout is MLflow 3's, what every current Databricks ML runtime writes
 * (py-sdk `databricks/sdk/service/ml.py` logged models): the model is a logged model (`name` = the artifact path, `source_run_id` =
 * the run) with its files under its own artifact location, and nothing under the run's
 * artifacts but the run's other files. `layout: 'mlflow2'` writes the model under the run's
 * artifacts instead, as MLflow 2 did.
 */
import type { LoggedModel, Run } from '@databricks/sdk-experimental/dist/apis/ml/model';
import type { FakeWorkspace } from '../workspace';
import type { RunSpec } from '../routes/mlflow';
import type { FakeModel, FakeModelVersion } from '../routes/ucModels';

export interface LoggedRunSpec extends Omit<RunSpec, 'experimentName'> {
  experimentName?: string;
  /** Where the model was logged inside the run (default `model`). */
  artifactPath?: string;
  /** `outputs` (default), `inputsOnly` (a signature without outputs) or `none`. */
  signature?: 'outputs' | 'inputsOnly' | 'none';
  /** Extra model files: relative path → content. */
  files?: Record<string, string | Buffer>;
  /** A generated `data/model.bin` of this many bytes (benchmarks). */
  generatedBytes?: number;
  /** The logged model's id (MLflow 3; also written into MLmodel). */
  modelId?: string;
  /** `mlflow3` (default): a logged model of the run; `mlflow2`: files under the run's artifacts. */
  layout?: 'mlflow3' | 'mlflow2';
  /** MLflow 3: the step recorded in the run's model_outputs. */
  step?: number;
  /** MLflow 3: the logged model's artifact location is this UC volume path. */
  loggedModelArtifactUri?: string;
  /** MLflow 3: the logged model's status (default LOGGED_MODEL_READY). */
  loggedModelStatus?: 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';
  /** Extra top-level MLmodel lines (YAML), e.g. `resources:` of an agent model. */
  mlmodelExtra?: string;
  /** The pyfunc loader_module (default mlflow.sklearn). */
  loaderModule?: string;
}

export const DEFAULT_EXPERIMENT = '/Shared/churn-training';

export function mlmodelText(
  signature: LoggedRunSpec['signature'] = 'outputs',
  modelId?: string,
  options: { mlflowVersion?: string; loaderModule?: string; extra?: string; artifactPath?: string } = {},
): string {
  const lines = [
    `artifact_path: ${options.artifactPath ?? 'model'}`,
    'flavors:',
    '  python_function:',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    `    loader_module: ${options.loaderModule ?? 'mlflow.sklearn'}`,
    '    model_path: model.pkl',
    '    python_version: 3.11.9',
    '  sklearn:',
    '    pickled_model: model.pkl',
    '    serialization_format: cloudpickle',
    '    sklearn_version: 1.5.1',
    `mlflow_version: ${options.mlflowVersion ?? '2.19.0'}`,
  ];
  if (modelId) lines.push(`model_id: ${modelId}`);
  if (signature !== 'none') {
    lines.push('signature:');
    lines.push(`  inputs: '[{"type": "double", "name": "tenure", "required": true}, {"type": "double", "name": "monthly_charges", "required": true}]'`);
    if (signature === 'outputs') lines.push(`  outputs: '[{"type": "long", "required": true}]'`);
    lines.push('  params: null');
  }
  if (options.extra) lines.push(...options.extra.replace(/\n$/, '').split('\n'));
  lines.push('utc_time_created: "2026-05-04 09:12:44.123456"', '');
  return lines.join('\n');
}

/** A finished (by default) run with a model logged as `artifactPath` (MLflow 3 unless `layout: 'mlflow2'`). */
export function seedLoggedRun(ws: FakeWorkspace, spec: LoggedRunSpec = {}): Run {
  const run = ws.state.mlflow.addRun({ ...spec, experimentName: spec.experimentName ?? DEFAULT_EXPERIMENT });
  addModelToRun(ws, run, spec);
  // Unrelated artifacts beside the model are not part of it.
  ws.state.objects.put(ws.state.mlflow.artifactKey(run, 'plots/confusion_matrix.png'), Buffer.from('png'));
  return run;
}

/** Logs one more model into an existing run (another step, or another name); returns its logged model in MLflow 3. */
export function addModelToRun(ws: FakeWorkspace, run: Run, spec: LoggedRunSpec = {}): LoggedModel | undefined {
  const artifactPath = spec.artifactPath ?? 'model';
  const layout = spec.layout ?? 'mlflow3';
  const logged =
    layout === 'mlflow3'
      ? ws.state.mlflow.addLoggedModel({
          experimentId: run.info!.experiment_id!,
          name: artifactPath,
          sourceRunId: run.info!.run_id,
          step: spec.step,
          status: spec.loggedModelStatus,
          artifactUri: spec.loggedModelArtifactUri,
          modelId: spec.modelId,
        })
      : undefined;
  const keyOf = (relative: string) => (logged ? ws.state.mlflow.loggedModelKey(logged, relative) : ws.state.mlflow.artifactKey(run, `${artifactPath}/${relative}`));
  const put = (relative: string, content: string | Buffer) => ws.state.objects.put(keyOf(relative), Buffer.isBuffer(content) ? content : Buffer.from(content));
  const mlflowVersion = layout === 'mlflow3' ? '3.8.1' : '2.19.0';
  put('MLmodel', mlmodelText(spec.signature, logged?.info?.model_id ?? spec.modelId, { mlflowVersion, loaderModule: spec.loaderModule, extra: spec.mlmodelExtra, artifactPath }));
  put('conda.yaml', `channels: [conda-forge]\ndependencies: [python=3.11.9, pip, {pip: [mlflow==${mlflowVersion}, scikit-learn==1.5.1]}]\nname: mlflow-env\n`);
  put('python_env.yaml', 'python: 3.11.9\nbuild_dependencies: [pip]\ndependencies: [-r requirements.txt]\n');
  put('requirements.txt', `mlflow==${mlflowVersion}\nscikit-learn==1.5.1\n`);
  if (spec.generatedBytes !== undefined) {
    ws.state.objects.putGenerated(keyOf('data/model.bin'), spec.generatedBytes, 20260504);
  } else {
    put('model.pkl', Buffer.from(`pickled-model:${run.info!.run_id}:${logged?.info?.model_id ?? ''}:`.repeat(64)));
  }
  for (const [relative, content] of Object.entries(spec.files ?? {})) put(relative, content);
  return logged;
}

/** The run's logged models named `artifactPath`, in the order they were logged. */
export function loggedModelsOf(ws: FakeWorkspace, run: Run, artifactPath = 'model'): LoggedModel[] {
  return ws.state.mlflow.loggedModelsOf([run.info!.experiment_id!]).filter((m) => m.info?.source_run_id === run.info!.run_id && m.info?.name === artifactPath);
}

/** The object-store prefix of the model's files: the run's newest logged model of that name, else the run's artifact directory. */
export function modelFilesPrefix(ws: FakeWorkspace, run: Run, artifactPath = 'model'): string {
  const logged = loggedModelsOf(ws, run, artifactPath).at(-1);
  return logged ? ws.state.mlflow.loggedModelKey(logged, '') : ws.state.mlflow.artifactKey(run, artifactPath);
}

export interface SeededVersionSpec {
  modelName: string;
  run: Run;
  artifactPath?: string;
  aliases?: string[];
  tags?: Record<string, string>;
  /** Owner of a model created here (default: the group every principal is in). */
  owner?: string;
  status?: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
}

/** A version registered from `run` (READY by default, with its files copied) holding `aliases`. */
export function seedModelVersion(ws: FakeWorkspace, spec: SeededVersionSpec): { model: FakeModel; version: FakeModelVersion } {
  const store = ws.state.ucModels;
  const model = store.addModel(spec.modelName, { owner: spec.owner });
  const artifactPath = spec.artifactPath ?? 'model';
  // As MLflow registers it: a logged model as models:/<id> with its model_id, an MLflow 2 model by its run artifact URI.
  const logged = loggedModelsOf(ws, spec.run, artifactPath).at(-1);
  const source = logged ? `models:/${logged.info!.model_id}` : `${spec.run.info!.artifact_uri}/${artifactPath}`;
  const version = store.addVersion(model, {
    source,
    runId: spec.run.info!.run_id,
    modelId: logged?.info?.model_id,
    tags: spec.tags,
    createdBy: 'data-scientist@contoso.com',
    status: spec.status ?? 'READY',
  });
  if ((spec.status ?? 'READY') === 'READY') {
    const objects = ws.state.objects;
    const prefix = modelFilesPrefix(ws, spec.run, artifactPath);
    for (const key of objects.list(prefix)) objects.objects.set(`${version.storageKey}/${key.slice(prefix.length + 1)}`, objects.get(key)!);
  }
  for (const alias of spec.aliases ?? []) store.setAlias(model, alias, version.version);
  return { model, version };
}
