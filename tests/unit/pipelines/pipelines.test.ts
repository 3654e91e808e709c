/**
 * The repository's pipelines (azure-pipelines.yml, samples/**) against the Azure Pipelines YAML
 * schema extended with our four tasks, validated offline by azure-pipelines-language-service;
 * and proof that the validation catches what it should.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../helpers/repo';
import {
  extendServiceSchema,
  inputSchema,
  loadExtendedPipelineSchema,
  loadTaskManifests,
  SERVICE_SCHEMA_MISSING,
  serviceSchemaPath,
  taskReference,
  taskSchemaEntries,
  type SchemaNode,
  type TaskManifest,
} from '../../helpers/pipelineSchema';
import { referenceProblems } from './references';
import { formatDiagnostics, PipelineValidator } from './validate';

const root = repoRoot();

function pipelineFiles(): string[] {
  const files = [join(root, 'azure-pipelines.yml')];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.push(path);
    }
  };
  if (existsSync(join(root, 'samples'))) walk(join(root, 'samples'));
  return files;
}

function manifestOutputs(manifests: readonly TaskManifest[]): (taskRef: string) => readonly string[] | undefined {
  const byRef = new Map<string, readonly string[]>();
  for (const m of manifests) {
    const outputs = (m as TaskManifest & { outputVariables?: Array<{ name: string }> }).outputVariables ?? [];
    byRef.set(
      taskReference(m).toLowerCase(),
      outputs.map((o) => o.name),
    );
  }
  return (taskRef) => byRef.get(taskRef.toLowerCase());
}

const sample: TaskManifest = {
  name: 'SampleTask',
  friendlyName: 'Sample',
  description: 'Does things',
  version: { Major: 2 },
  inputs: [
    { name: 'azureSubscription', label: 'Connection', type: 'connectedService:AzureRM', required: true },
    { name: 'configFile', label: 'Settings file', type: 'filePath' },
    { name: 'target', label: 'Target', type: 'string', required: true, aliases: ['destination'] },
    { name: 'mode', label: 'Mode', type: 'pickList', options: { fast: 'Fast', safe: 'Safe' } },
    { name: 'resource', label: 'Resource', type: 'pickList', properties: { EditableOptions: 'True' } },
    { name: 'dryRun', label: 'Dry run', type: 'boolean' },
  ],
};

describe('pipeline schema generation (tests/helpers/pipelineSchema)', () => {
  it('types inputs like the stock schema: boolean, closed pick list as enum, editable pick list as text', () => {
    assert.deepEqual(inputSchema({ name: 'dryRun', type: 'boolean', label: 'Dry run' }), { type: 'boolean', ignoreCase: 'key', description: 'Dry run' });
    assert.deepEqual(inputSchema(sample.inputs![3]), { enum: ['fast', 'safe'], ignoreCase: 'all', description: 'Mode' });
    assert.deepEqual(inputSchema(sample.inputs![4]), { type: 'string', ignoreCase: 'key', description: 'Resource' });
    assert.deepEqual(inputSchema(sample.inputs![2]).aliases, ['destination']);
  });

  it('lets the settings file stand in for required inputs, but never for the service connection', () => {
    const { name, inputs } = taskSchemaEntries(sample);
    assert.deepEqual(name.enum, ['SampleTask@2']);
    const task = (inputs.properties as SchemaNode).task as SchemaNode;
    assert.equal(task.pattern, '^SampleTask@2$');
    const inputsNode = (inputs.properties as SchemaNode).inputs as SchemaNode;
    assert.equal(inputsNode.additionalProperties, false);
    assert.deepEqual(inputsNode.required, ['azureSubscription']);
    assert.deepEqual(inputsNode.anyOf, [{ required: ['target'] }, { required: ['configFile'] }]);
    assert.deepEqual(inputs.required, ['task', 'inputs']);
  });

  it('keeps every required input required for a task without a settings file', () => {
    const plain: TaskManifest = { ...sample, inputs: sample.inputs!.filter((i) => i.name !== 'configFile') };
    const inputsNode = (taskSchemaEntries(plain).inputs.properties as SchemaNode).inputs as SchemaNode;
    assert.deepEqual(inputsNode.required, ['azureSubscription', 'target']);
    assert.equal(inputsNode.anyOf, undefined);
  });

  it('appends to a copy of the schema and refuses a schema of another shape', () => {
    const base: SchemaNode = { definitions: { task: { properties: { task: { anyOf: [{ enum: ['Bash@3'] }] } }, anyOf: [{ properties: {} }] } } };
    const extended = extendServiceSchema(base, [sample]);
    const task = (extended.definitions as SchemaNode).task as SchemaNode;
    assert.equal((task.anyOf as unknown[]).length, 2);
    assert.equal((((task.properties as SchemaNode).task as SchemaNode).anyOf as unknown[]).length, 2);
    assert.equal((((base.definitions as SchemaNode).task as SchemaNode).anyOf as unknown[]).length, 1, 'the input schema is not modified');
    assert.throws(() => extendServiceSchema({ definitions: {} }, [sample]), /definitions\.task is not an object/);
  });

  it('covers the five tasks of the repository', () => {
    assert.deepEqual(loadTaskManifests(root).map(taskReference), [
      'DatabricksCreateMonitor@1',
      'DatabricksDeployServing@1',
      'DatabricksRefreshMonitors@1',
      'DatabricksRegisterModel@1',
      'DatabricksRunJob@1',
    ]);
  });
});

describe('output-variable references (references.ts)', () => {
  const outputs = (taskRef: string): readonly string[] | undefined => (taskRef === 'DatabricksRegisterModel@1' ? ['modelVersion', 'promoted'] : undefined);
  const pipeline = (reference: string): string =>
    [
      'jobs:',
      '  - deployment: dev',
      '    environment: dev',
      '    strategy:',
      '      runOnce:',
      '        deploy:',
      '          steps:',
      '            - task: DatabricksRegisterModel@1',
      '              name: register',
      '  - job: after',
      '    dependsOn: dev',
      '    variables:',
      `      v: $[ ${reference} ]`,
      '    steps:',
      '      - script: echo $(Build.SourceVersion)',
    ].join('\n');

  it('accepts the runOnce deployment job key <job>.<step>.<variable>', () => {
    assert.deepEqual(referenceProblems(pipeline("dependencies.dev.outputs['dev.register.modelVersion']"), outputs), []);
  });

  it('reports an output the task does not set, a key without the job, and an unknown job', () => {
    assert.match(referenceProblems(pipeline("dependencies.dev.outputs['dev.register.version']"), outputs).join('\n'), /has no output "version"/);
    assert.match(referenceProblems(pipeline("dependencies.dev.outputs['register.modelVersion']"), outputs).join('\n'), /keyed 'dev\.register\.modelVersion'/);
    assert.match(referenceProblems(pipeline("stageDependencies.Dev.build.outputs['register.promoted']"), outputs).join('\n'), /no job "build"/);
    assert.match(referenceProblems(pipeline("variables['register.promotd']"), outputs).join('\n'), /has no output "promotd"/);
  });
});

describe('pipelines validate against the Azure Pipelines schema with our tasks', function () {
  let validator: PipelineValidator;
  let stock: PipelineValidator;

  before(function () {
    const schema = loadExtendedPipelineSchema(root);
    const stockPath = serviceSchemaPath();
    if (!schema || !stockPath) {
      console.log(`      ${SERVICE_SCHEMA_MISSING}`);
      this.skip();
    }
    validator = new PipelineValidator(schema);
    stock = new PipelineValidator(JSON.parse(readFileSync(stockPath, 'utf8')) as SchemaNode);
  });

  for (const file of pipelineFiles()) {
    const name = relative(root, file);
    it(`${name} has no diagnostics`, async () => {
      const diagnostics = await validator.validate(readFileSync(file, 'utf8'), name);
      assert.deepEqual(diagnostics, [], formatDiagnostics(name, diagnostics));
    });

    it(`${name} reads only outputs our tasks set, with the key each job kind needs`, () => {
      assert.deepEqual(referenceProblems(readFileSync(file, 'utf8'), manifestOutputs(loadTaskManifests(root))), []);
    });
  }

  it('overview.md: every YAML example of a task step validates', async () => {
    const overview = readFileSync(join(root, 'overview.md'), 'utf8');
    const examples = [...overview.matchAll(/```yaml\n(- task: [\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(examples.length >= 5, `found ${examples.length} task examples`);
    for (const example of examples) {
      const text = `steps:\n${example.replace(/^/gm, '  ')}`;
      const diagnostics = await validator.validate(text, 'overview.md');
      assert.deepEqual(diagnostics, [], `${formatDiagnostics('overview.md example', diagnostics)}\n${example}`);
    }
  });

  const deploy = (inputs: string): string => ['steps:', '  - task: DatabricksDeployServing@1', '    inputs:', '      azureSubscription: mlops-dev', inputs].join('\n') + '\n';

  it('accepts a valid step of our task (the baseline of the failing cases below)', async () => {
    assert.deepEqual(await validator.validate(deploy('      endpointName: churn\n      modelName: main.ml.churn\n      trafficMode: canary')), []);
  });

  it('reports a misspelled input of our task', async () => {
    const diagnostics = await validator.validate(deploy('      endpointNme: churn\n      modelName: main.ml.churn'));
    assert.ok(
      diagnostics.some((d) => d.line === 5 && /Unexpected property endpointNme/.test(d.message)),
      formatDiagnostics('typo', diagnostics),
    );
  });

  it('reports a value that is not in a pick list', async () => {
    const diagnostics = await validator.validate(deploy('      endpointName: churn\n      modelName: main.ml.churn\n      trafficMode: sideways'));
    const hit = diagnostics.find((d) => d.line === 7);
    assert.ok(hit, formatDiagnostics('pick list', diagnostics));
    assert.match(hit.message, /Value is not accepted/);
    assert.match(hit.message, /replace.*canary.*promote/);
  });

  it('reports a missing required input unless a settings file is given', async function () {
    // Our task.json files mark only the connection as required (the settings file can give
    // the rest), so this runs on the sample task above, added to the stock schema.
    const withSample = new PipelineValidator(extendServiceSchema(JSON.parse(readFileSync(serviceSchemaPath()!, 'utf8')) as SchemaNode, [sample]));
    const step = (inputs: string): string => `steps:\n  - task: SampleTask@2\n    inputs:\n      azureSubscription: c\n${inputs}\n`;
    const missing = await withSample.validate(step('      mode: fast'));
    assert.ok(
      missing.some((d) => /Missing property "target"/.test(d.message)),
      formatDiagnostics('missing', missing),
    );
    assert.deepEqual(await withSample.validate(step('      configFile: settings.yml')), []);
  });

  it('reports a step without the service connection even with a settings file', async () => {
    const text = 'steps:\n  - task: DatabricksRefreshMonitors@1\n    inputs:\n      configFile: settings.yml\n';
    const diagnostics = await validator.validate(text);
    assert.ok(
      diagnostics.some((d) => /Missing property "azureSubscription"/.test(d.message)),
      formatDiagnostics('connection', diagnostics),
    );
  });

  it('tolerates a template expression in a name the pattern checks, but not a literal that breaks it', async () => {
    const job = (name: string) =>
      `parameters:\n  - name: envs\n    type: object\n    default: [dev]\njobs:\n  - \${{ each env in parameters.envs }}:\n      - job: ${name}\n        steps:\n          - script: echo hi\n`;
    assert.deepEqual(await validator.validate(job('refresh_${{ env }}')), []);
    assert.match(formatDiagnostics('x', await validator.validate(job('refresh.${{ env }}'))), /does not match the pattern/);
    assert.match(formatDiagnostics('x', await validator.validate(job('re fresh'))), /does not match the pattern/);
  });

  it('rejects our tasks with the stock schema (so the extension is what makes them valid)', async () => {
    const diagnostics = await stock.validate(deploy('      endpointName: churn\n      modelName: main.ml.churn'));
    assert.notDeepEqual(diagnostics, []);
  });
});
