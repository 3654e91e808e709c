// Generates, from the input manifests (tasks/<Task>/src/inputs.ts and shared/runtime/commonInputs.ts,
// compiled by tsc into out/), each task.json's `groups` and `inputs`, the input tables of
// docs/INPUTS.md (between their markers), the settings file's field list the tasks load it with
// (shared/runtime/settingsFields.generated.ts, from the inputs' `settings`) and its JSON Schema
// (schemas/databricks-mlops-config.schema.json, with the descriptions); and checks what is not
// generated (the precedence rule, groups, visible rules, defaults, a settings key two manifests
// declare differently), failing with messages that name the input and the file.
// Run by scripts/build.mjs after tsc: locally it writes what is stale (and compiles again when the
// settings field list changed, so out/ has it too); with --check, and in an Azure Pipelines build
// (TF_BUILD=True), it writes nothing and fails when a committed generated file is stale, so a
// change to a manifest cannot be merged without its generated files (the unit tests in
// tests/unit/manifests/inputManifest.test.ts check the same).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root, taskNames } from './lib.mjs';

const check = process.argv.includes('--check') || process.env.TF_BUILD === 'True';
const require = createRequire(import.meta.url);
const out = (...parts) => join(root, 'out', ...parts);
if (!existsSync(out('shared', 'build', 'inputArtifacts.js'))) throw new Error('gen-inputs: run tsc first (npm run compile): out/shared/build/inputArtifacts.js is missing');
const artifacts = require(out('shared', 'build', 'inputArtifacts.js'));
const settingsArtifacts = require(out('shared', 'build', 'settingsArtifacts.js'));
const { configJsonSchema } = require(out('shared', 'runtime', 'configSchema.js'));

const manifests = [];
const problems = [];
for (const task of taskNames()) {
  const compiled = out('tasks', task, 'src', 'inputs.js');
  if (!existsSync(compiled)) {
    problems.push(`${artifacts.manifestFile(task)}: missing (every task declares its inputs there)`);
    continue;
  }
  const { INPUTS } = require(compiled);
  if (INPUTS?.task !== task) {
    problems.push(`${artifacts.manifestFile(task)}: must export INPUTS = defineTaskInputs('${task}', …)`);
    continue;
  }
  manifests.push(INPUTS);
}

const stale = [];
const update = (relative, text) => {
  const file = join(root, relative);
  if (readFileSync(file, 'utf8') === text) return;
  stale.push(relative);
  if (!check) writeFileSync(file, text);
};

for (const manifest of manifests) {
  const relative = join('tasks', manifest.task, 'task.json');
  const taskJson = JSON.parse(readFileSync(join(root, relative), 'utf8'));
  const parametersSource = readFileSync(join(root, artifacts.parametersFile(manifest.task)), 'utf8');
  problems.push(...artifacts.checkManifest(manifest, { instanceNameFormat: taskJson.instanceNameFormat, parametersSource }));
  update(relative, `${JSON.stringify(artifacts.withGeneratedInputs(taskJson, manifest), null, 2)}\n`);
}
const settings = settingsArtifacts.settingsFields(manifests);
problems.push(...settings.problems);
if (problems.length > 0) {
  console.error(`The task inputs are inconsistent:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
try {
  update(artifacts.INPUTS_DOC_FILE, artifacts.withGeneratedDoc(readFileSync(join(root, artifacts.INPUTS_DOC_FILE), 'utf8'), manifests));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
update(join('schemas', 'databricks-mlops-config.schema.json'), `${JSON.stringify(configJsonSchema(settings.fields), null, 2)}\n`);
update(settingsArtifacts.SETTINGS_MODULE_FILE, settingsArtifacts.renderSettingsModule(settings.fields));
if (!check && stale.includes(settingsArtifacts.SETTINGS_MODULE_FILE)) {
  // The tasks are bundled from the sources, but the tests run on out/: compile the new field list.
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error(`gen-inputs: ${settingsArtifacts.SETTINGS_MODULE_FILE} does not compile (see above)`);
    process.exit(1);
  }
}

if (check && stale.length > 0) {
  console.error(`Generated from the input manifests but stale (run npm run build and commit): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(stale.length > 0 ? `Inputs: wrote ${stale.join(', ')}` : `Inputs: ${manifests.length} task manifests, generated files up to date`);
