/**
 * Seeding the fake workspace's MLflow runs and Unity Catalog models, for tests, the demo and the
 * benchmark: a run with a logged model (MLmodel with or without a signature, model files, or a
 * generated multi-gigabyte file that is never stored), and READY versions with aliases.
 */
import type { Run } from '@databricks/sdk-experimental/dist/apis/ml/model';
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
  /** MLflow 3 logged model id written into MLmodel. */
  modelId?: string;
}

export const DEFAULT_EXPERIMENT = '/Shared/churn-training';

export function mlmodelText(signature: LoggedRunSpec['signature'] = 'outputs', modelId?: string): string {
  const lines = [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.sklearn',
    '    model_path: model.pkl',
    '    python_version: 3.11.9',
    '  sklearn:',
    '    pickled_model: model.pkl',
    '    serialization_format: cloudpickle',
    '    sklearn_version: 1.5.1',
    'mlflow_version: 2.19.0',
  ];
  if (modelId) lines.push(`model_id: ${modelId}`);
  if (signature !== 'none') {
    lines.push('signature:');
    lines.push(`  inputs: '[{"type": "double", "name": "tenure", "required": true}, {"type": "double", "name": "monthly_charges", "required": true}]'`);
    if (signature === 'outputs') lines.push(`  outputs: '[{"type": "long", "required": true}]'`);
    lines.push('  params: null');
  }
  lines.push('utc_time_created: "2026-05-04 09:12:44.123456"', '');
  return lines.join('\n');
}

/** A finished (by default) run with a logged model under `artifactPath`. */
export function seedLoggedRun(ws: FakeWorkspace, spec: LoggedRunSpec = {}): Run {
  const run = ws.state.mlflow.addRun({ ...spec, experimentName: spec.experimentName ?? DEFAULT_EXPERIMENT });
  const artifactPath = spec.artifactPath ?? 'model';
  const put = (relative: string, content: string | Buffer) =>
    ws.state.objects.put(ws.state.mlflow.artifactKey(run, `${artifactPath}/${relative}`), Buffer.isBuffer(content) ? content : Buffer.from(content));
  put('MLmodel', mlmodelText(spec.signature, spec.modelId));
  put('conda.yaml', 'channels: [conda-forge]\ndependencies: [python=3.11.9, pip, {pip: [mlflow==2.19.0, scikit-learn==1.5.1]}]\nname: mlflow-env\n');
  put('python_env.yaml', 'python: 3.11.9\nbuild_dependencies: [pip]\ndependencies: [-r requirements.txt]\n');
  put('requirements.txt', 'mlflow==2.19.0\nscikit-learn==1.5.1\n');
  if (spec.generatedBytes !== undefined) {
    ws.state.objects.putGenerated(ws.state.mlflow.artifactKey(run, `${artifactPath}/data/model.bin`), spec.generatedBytes, 20260504);
  } else {
    put('model.pkl', Buffer.from(`pickled-model:${run.info!.run_id}:`.repeat(64)));
  }
  for (const [relative, content] of Object.entries(spec.files ?? {})) put(relative, content);
  // Unrelated artifacts beside the model are not part of it.
  ws.state.objects.put(ws.state.mlflow.artifactKey(run, 'plots/confusion_matrix.png'), Buffer.from('png'));
  return run;
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
  const source = `${spec.run.info!.artifact_uri}/${artifactPath}`;
  const version = store.addVersion(model, { source, runId: spec.run.info!.run_id, tags: spec.tags, createdBy: 'data-scientist@contoso.com', status: spec.status ?? 'READY' });
  if ((spec.status ?? 'READY') === 'READY') {
    const objects = ws.state.objects;
    const prefix = ws.state.mlflow.artifactKey(spec.run, artifactPath);
    for (const key of objects.list(prefix)) objects.objects.set(`${version.storageKey}/${key.slice(prefix.length + 1)}`, objects.get(key)!);
  }
  for (const alias of spec.aliases ?? []) store.setAlias(model, alias, version.version);
  return { model, version };
}
