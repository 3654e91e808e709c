/**
 * The packaged .vsix as the Marketplace and the agent receive it: what is inside, that every task
 * folder is self-contained (task.json, the bundle and its lazily loaded chunks, the icon, the
 * localization files generated from task.json — nothing else), that versions are
 * stamped from package.json, and that a task extracted alone from the package runs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import JSZip from 'jszip';
import Ajv from 'ajv-draft-04';
import { bundledTaskSuite, summaryOf } from '../helpers/bundledSuite';
import { repoRoot, sharedDir } from '../helpers/repo';

const TASKS = ['DatabricksCreateMonitor', 'DatabricksDeployServing', 'DatabricksRefreshMonitors', 'DatabricksRegisterModel', 'DatabricksRunJob'];
/** The packages each bundle loads only when needed (scripts/build.mjs, LAZY_PACKAGES), with an export each must offer. */
const LAZY_CHUNKS: Record<string, Record<string, string>> = {
  'lazy/azure-devops-node-api.js': { 'azure-devops-node-api/TaskApi.js': 'TaskApi', 'azure-devops-node-api/handlers/bearertoken.js': 'BearerCredentialHandler' },
  'lazy/identity.js': { '@azure/identity': 'ClientAssertionCredential' },
  'lazy/undici.js': { undici: 'ProxyAgent' },
  'lazy/yaml.js': { yaml: 'parseDocument' },
};

describe('the packaged .vsix', function () {
  this.timeout(60_000);
  const root = repoRoot();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const vsixPath = join(root, 'dist', `databricks-mlops-${pkg.version}.vsix`);
  let zip: JSZip;
  let files: string[];

  before(async function () {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: npm test packages it first (npm run package)`);
    zip = await JSZip.loadAsync(readFileSync(vsixPath));
    files = Object.keys(zip.files).filter((f) => !zip.files[f].dir);
  });

  /** One task folder of the package, extracted alone into a new temporary folder. */
  async function extractTask(task: string, prefix: string): Promise<{ dir: string; taskDir: string }> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    for (const f of files.filter((f) => f.startsWith(`tasks/${task}/`))) {
      const target = join(dir, f);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, await zip.file(f)!.async('nodebuffer'));
    }
    return { dir, taskDir: join(dir, 'tasks', task) };
  }

  function englishStrings(taskDir: string): Record<string, string> {
    return JSON.parse(readFileSync(join(taskDir, 'Strings', 'resources.resjson', 'en-US', 'resources.resjson'), 'utf8')) as Record<string, string>;
  }

  /** A translation beside en-US, as a culture folder would ship one: the English strings with `translated` over them. */
  function addCulture(taskDir: string, culture: string, translated: Record<string, string>): void {
    mkdirSync(join(taskDir, 'Strings', 'resources.resjson', culture), { recursive: true });
    writeFileSync(join(taskDir, 'Strings', 'resources.resjson', culture, 'resources.resjson'), JSON.stringify({ ...englishStrings(taskDir), ...translated }));
  }

  it('holds each task folder with exactly task.json, index.js and its lazy chunks, icon.png and the localization files', () => {
    for (const task of TASKS) {
      const inFolder = files
        .filter((f) => f.startsWith(`tasks/${task}/`))
        .map((f) => f.slice(`tasks/${task}/`.length))
        .sort();
      assert.deepEqual(
        inFolder,
        ['Strings/resources.resjson/en-US/resources.resjson', 'icon.png', 'index.js', ...Object.keys(LAZY_CHUNKS), 'task.json', 'task.loc.json'].sort(),
        task,
      );
    }
    assert.ok(!files.some((f) => f.includes('node_modules/')), 'no node_modules in the package');
  });

  it("localizes every task string as Microsoft's tasks do: task.loc.json points at resources.resjson, which holds task.json's English text", async () => {
    type Input = { name: string; label?: string; helpMarkDown?: string };
    type Task = {
      friendlyName: string;
      description: string;
      helpMarkDown?: string;
      instanceNameFormat: string;
      version: unknown;
      groups?: Array<{ name: string; displayName: string }>;
      inputs: Input[];
      messages?: Record<string, string>;
    };
    for (const task of TASKS) {
      const json = JSON.parse(await zip.file(`tasks/${task}/task.json`)!.async('string')) as Task;
      const loc = JSON.parse(await zip.file(`tasks/${task}/task.loc.json`)!.async('string')) as Task;
      const resources = JSON.parse(await zip.file(`tasks/${task}/Strings/resources.resjson/en-US/resources.resjson`)!.async('string')) as Record<string, string>;
      assert.equal(loc.friendlyName, 'ms-resource:loc.friendlyName', task);
      assert.equal(loc.description, 'ms-resource:loc.description', task);
      assert.equal(loc.instanceNameFormat, 'ms-resource:loc.instanceNameFormat', task);
      assert.equal(resources['loc.friendlyName'], json.friendlyName, task);
      assert.equal(resources['loc.helpMarkDown'], json.helpMarkDown, task);
      assert.deepEqual(loc.version, json.version, `${task}: the same stamped version`);
      for (const g of json.groups ?? []) assert.equal(resources[`loc.group.displayName.${g.name}`], g.displayName, `${task} group ${g.name}`);
      for (const [i, input] of json.inputs.entries()) {
        assert.equal(loc.inputs[i]!.label, `ms-resource:loc.input.label.${input.name}`, `${task} ${input.name}`);
        assert.equal(resources[`loc.input.label.${input.name}`], input.label, `${task} ${input.name}`);
        if (input.helpMarkDown) assert.equal(resources[`loc.input.help.${input.name}`], input.helpMarkDown, `${task} ${input.name}`);
      }
      // Resolving every ms-resource: reference gives task.json back, and no resource is unused.
      const used = new Set<string>();
      const resolved = JSON.parse(JSON.stringify(loc), (_k, v: unknown) => {
        if (typeof v !== 'string' || !v.startsWith('ms-resource:')) return v;
        const key = v.slice('ms-resource:'.length);
        used.add(key);
        assert.ok(key in resources, `${task}: ${key} missing from resources.resjson`);
        return resources[key];
      }) as Task;
      assert.deepEqual(resolved, json, task);
      assert.deepEqual(
        Object.keys(resources).filter((k) => !used.has(k)),
        [],
        task,
      );
    }
  });

  it("prints the shared messages through tl.loc in the agent's culture (task.json messages + Strings/resources.resjson/<culture>)", async () => {
    const { dir, taskDir } = await extractTask('DatabricksRunJob', 'dbx-vsix-loc-');
    const json = JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8')) as { messages: Record<string, string> };
    const shared = JSON.parse(readFileSync(join(root, 'shared', 'runtime', 'messages.json'), 'utf8')) as Record<string, string>;
    const rules = JSON.parse(readFileSync(join(root, 'shared', 'runtime', 'rules', 'messages.json'), 'utf8')) as Record<string, string>;
    const own = JSON.parse(readFileSync(join(root, 'tasks', 'DatabricksRunJob', 'messages.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(json.messages, { ...shared, ...rules, ...own }, "the shared messages, the rule sentences and the task's own are in the packaged task.json");
    assert.equal(englishStrings(taskDir)['loc.messages.JobTimeoutWarning'], shared.JobTimeoutWarning);
    // A translation beside en-US, as a culture folder would ship one.
    addCulture(taskDir, 'de-DE', { 'loc.messages.JobTimeoutWarning': 'DE: %s braucht bis zu %s min (%s), mehr als %s; timeoutInMinutes mindestens %s.' });
    // The default timeoutMinutes (120) exceeds the job timeout: the warning comes before the (absent) connection fails the step.
    const start = (culture?: string) =>
      spawnSync(process.execPath, [join(taskDir, 'index.js')], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          AGENT_TEMPDIRECTORY: dir,
          INPUT_AZURESUBSCRIPTION: 'c',
          INPUT_WORKSPACEURL: 'https://adb-1.2.azuredatabricks.net',
          INPUT_JOBID: '7',
          SYSTEM_COLLECTIONID: 'c0ffee00-0000-0000-0000-000000000001',
          BUILD_BUILDID: '42',
          SYSTEM_STAGENAME: 'Train',
          SYSTEM_PHASENAME: 'train',
          SYSTEM_TASKINSTANCENAME: 'train',
          SYSTEM_JOBATTEMPT: '1',
          ...(culture ? { SYSTEM_CULTURE: culture } : {}),
        },
        encoding: 'utf8',
      });
    const german = start('de-DE');
    assert.match(german.stdout, /##vso\[task\.issue type=warning[^\]]*\]DE: DatabricksRunJob braucht bis zu 121 min \(120 min waiting for the run/, german.stdout + german.stderr);
    const english = start();
    assert.match(
      english.stdout,
      /##vso\[task\.issue type=warning[^\]]*\]DatabricksRunJob can run for up to 121 min with these inputs .*timeoutInMinutes to at least 130 /,
      english.stdout + english.stderr,
    );
    assert.doesNotMatch(english.stdout + german.stdout, /Can't find loc string|Resource file haven't been set/);
  });

  it("prints input-validation errors through tl.loc in the agent's culture: the rule sentences and the Input … (from …) frame, rules built at module load included", async () => {
    const { dir, taskDir } = await extractTask('DatabricksRunJob', 'dbx-vsix-rules-');
    assert.equal(englishStrings(taskDir)['loc.messages.IntegerRange'], 'must be an integer from %s to %s');
    addCulture(taskDir, 'de-DE', {
      'loc.messages.InputsInvalid': '%s Eingaben sind ungültig:',
      'loc.messages.InputErrorFromTask': "Eingabe '%s' (aus der Aufgabe): %s",
      'loc.messages.InputErrorFromFile': "Eingabe '%s' (aus %s): %s",
      'loc.messages.LocationAtPath': '%s bei %s',
      'loc.messages.LocationLine': '%s, Zeile %s',
      'loc.messages.LocationLineColumn': '%s, Zeile %s, Spalte %s',
      'loc.messages.RuleGot': '%s; erhalten %s',
      'loc.messages.PositiveInteger': 'muss eine positive ganze Zahl sein',
      'loc.messages.IntegerRange': 'muss eine ganze Zahl von %s bis %s sein',
    });
    // jobId on the task breaks positiveIntegerRule(), the file's timeoutMinutes integerRule(1, 10080): both rules are built
    // when the bundle loads its input manifest, before the entry says where its strings are.
    const settings = join(dir, 'databricks-mlops.yml');
    writeFileSync(settings, 'environments:\n  dev:\n    job:\n      timeoutMinutes: 0\n');
    const start = (culture?: string) =>
      spawnSync(process.execPath, [join(taskDir, 'index.js')], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          AGENT_TEMPDIRECTORY: dir,
          INPUT_AZURESUBSCRIPTION: 'c',
          INPUT_WORKSPACEURL: 'https://adb-1.2.azuredatabricks.net',
          INPUT_JOBID: '0',
          INPUT_CONFIGFILE: settings,
          ...(culture ? { SYSTEM_CULTURE: culture } : {}),
        },
        encoding: 'utf8',
      });
    const failure = (run: ReturnType<typeof start>) => {
      const complete = /##vso\[task\.complete result=Failed;[^\]]*\](.*)/.exec(run.stdout);
      assert.ok(complete, run.stdout + run.stderr);
      return complete[1]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%3B/g, ';').replace(/%25/g, '%');
    };
    const german = failure(start('de-DE'));
    assert.match(german, /^2 Eingaben sind ungültig:\n/, german);
    assert.match(german, /- Eingabe 'jobId' \(aus der Aufgabe\): muss eine positive ganze Zahl sein; erhalten "0"\./, german);
    assert.ok(
      german.includes(`- Eingabe 'timeoutMinutes' (aus ${settings} bei environments.dev.job.timeoutMinutes, Zeile 4`) &&
        /\): muss eine ganze Zahl von 1 bis 10080 sein; erhalten "0"\./.test(german),
      german,
    );
    const english = failure(start());
    assert.match(english, /^2 inputs are invalid:\n/, english);
    assert.match(english, /- Input 'jobId' \(from the task\): must be a positive integer; got "0"\./, english);
    assert.ok(english.includes(`- Input 'timeoutMinutes' (from ${settings} at environments.dev.job.timeoutMinutes, line 4`), english);
    assert.match(english, /\): must be an integer from 1 to 10080; got "0"\./, english);
  });

  it("carries every task's own printed messages (tasks/<task>/messages.json) and the shared ones in task.json messages and resources.resjson", async () => {
    const shared = {
      ...(JSON.parse(readFileSync(join(root, 'shared', 'runtime', 'messages.json'), 'utf8')) as Record<string, string>),
      ...(JSON.parse(readFileSync(join(root, 'shared', 'runtime', 'rules', 'messages.json'), 'utf8')) as Record<string, string>),
    };
    for (const task of TASKS) {
      const own = JSON.parse(readFileSync(join(root, 'tasks', task, 'messages.json'), 'utf8')) as Record<string, string>;
      assert.ok(Object.keys(own).length > 0, `${task} declares its printed messages`);
      const json = JSON.parse(await zip.file(`tasks/${task}/task.json`)!.async('string')) as { messages: Record<string, string> };
      const resources = JSON.parse(await zip.file(`tasks/${task}/Strings/resources.resjson/en-US/resources.resjson`)!.async('string')) as Record<string, string>;
      assert.deepEqual(json.messages, { ...shared, ...own }, task);
      for (const [key, text] of Object.entries(json.messages)) assert.equal(resources[`loc.messages.${key}`], text, `${task} ${key}`);
    }
  });

  describe("a task's own and the shared runtime's messages in the agent's culture (the packaged DatabricksRunJob against the fake workspace)", () => {
    const suite = bundledTaskSuite('DatabricksRunJob', { timeScale: 0.01 });
    let taskDir: string;
    before(async () => {
      taskDir = (await extractTask('DatabricksRunJob', 'dbx-vsix-own-')).taskDir;
      addCulture(taskDir, 'de-DE', {
        'loc.messages.PlanWouldRun': 'Planmodus: Job %s (%s) mit %s Task(s) und %s Parameter(n) würde laufen; nichts gestartet.',
        // The shared runtime's line (shared/runtime/connect.ts), the task's summary heading and the shared dryRun sentence.
        'loc.messages.Connected': 'Verbunden mit %s als %s (%s).',
        'loc.messages.ConnectedAsConnectionPrincipal': 'Verbunden mit %s als Prinzipal der Dienstverbindung (%s).',
        'loc.messages.SummaryHeadingJob': 'Databricks-Job `%s`',
        'loc.messages.DryRunSentence': '**Planmodus (dryRun):** nichts wurde geschrieben.',
        // The Node guard reads it itself, before task-lib is loaded (shared/runtime/nodeVersion.ts).
        'loc.messages.NodeVersionTooOld': 'Diese Aufgabe braucht Node.js %s oder neuer, aber der Agent%s startete sie mit Node.js %s.',
        'loc.messages.NodeVersionAgent': ' (Agent %s)',
      });
    });

    it("prints the completion message from the culture's resources.resjson, and the English one by default", async () => {
      const job = suite.cloud.workspace.state.jobs.addJob({ name: 'churn training', parameters: {}, tasks: [{ key: 'train', script: { durationMs: 60_000 } }] });
      const inputs = { jobId: String(job.job_id), dryRun: 'true', timeoutMinutes: '30' };
      const german = await suite.run(inputs, { entry: join(taskDir, 'index.js'), variables: { 'System.Culture': 'de-DE' } });
      assert.equal(german.result, 'Succeeded', german.stdout);
      assert.equal(german.resultMessage, `Planmodus: Job churn training (${job.job_id}) mit 1 Task(s) und 0 Parameter(n) würde laufen; nichts gestartet.`);
      const english = await suite.run(inputs, { entry: join(taskDir, 'index.js') });
      assert.equal(english.resultMessage, `Plan mode (dryRun): would run job churn training (${job.job_id}) with 1 task(s) and 0 parameter(s); nothing was started.`);
      assert.doesNotMatch(german.stdout + english.stdout, /Can't find loc string|Resource file haven't been set/);
    });

    it("the Node guard of the banner fails the step in the culture's words on an old Node, in English by default", () => {
      const preload = join(root, 'out', 'tests', 'helpers', 'oldNodePreload.js');
      const start = (culture?: string) =>
        spawnSync(process.execPath, [join(taskDir, 'index.js')], {
          cwd: taskDir,
          env: {
            PATH: process.env.PATH ?? '',
            NODE_OPTIONS: `--require ${JSON.stringify(preload)}`,
            OLD_NODE_VERSION: '16.20.2',
            AGENT_VERSION: '4.252.0',
            ...(culture ? { SYSTEM_CULTURE: culture } : {}),
          },
          encoding: 'utf8',
        });
      const german = start('de-DE');
      assert.equal(german.status, 1, german.stdout + german.stderr);
      assert.match(
        german.stdout,
        /^##vso\[task\.complete result=Failed;done=true;\]Diese Aufgabe braucht Node\.js 20 oder neuer, aber der Agent \(Agent 4\.252\.0\) startete sie mit Node\.js 16\.20\.2\.$/m,
      );
      const english = start();
      assert.match(english.stdout, /\]This task needs Node\.js 20 or later, but the agent \(agent 4\.252\.0\) started it on Node\.js 16\.20\.2\. /);
    });

    it("prints the shared runtime's lines and writes the summary in the culture's words, and in English by default", async () => {
      const job = suite.cloud.workspace.state.jobs.addJob({ name: 'churn scoring', parameters: {}, tasks: [{ key: 'score', script: { durationMs: 60_000 } }] });
      const inputs = { jobId: String(job.job_id), dryRun: 'true', timeoutMinutes: '30' };
      const german = await suite.run(inputs, { entry: join(taskDir, 'index.js'), variables: { 'System.Culture': 'de-DE' } });
      assert.equal(german.result, 'Succeeded', german.stdout);
      assert.match(german.stdout, /^Verbunden mit https?:\/\/\S+ als .+ \(\w+\)\.$/m, german.stdout);
      assert.doesNotMatch(german.stdout, /^Connected to /m);
      const summary = summaryOf(german);
      assert.match(summary, /^## ✅ Databricks-Job `churn scoring`$/m, summary);
      assert.match(summary, /^\*\*Planmodus \(dryRun\):\*\* nichts wurde geschrieben\.$/m, summary);
      const english = await suite.run(inputs, { entry: join(taskDir, 'index.js') });
      assert.match(english.stdout, /^Connected to https?:\/\/\S+ as .+ \(\w+\)\.$/m, english.stdout);
      const englishSummary = summaryOf(english);
      assert.match(englishSummary, /^## ✅ Databricks job `churn scoring`$/m, englishSummary);
      assert.match(englishSummary, /^\*\*Plan mode \(dryRun\):\*\* nothing was written\.$/m, englishSummary);
    });
  });

  it('carries the manifest, the Marketplace page, the license and the third-party notices', async () => {
    for (const f of ['extension.vsixmanifest', 'overview.md', 'LICENSE', 'images/icon.png', 'THIRD-PARTY-NOTICES.txt']) {
      assert.ok(files.includes(f), `${f} missing`);
    }
    const manifest = await zip.file('extension.vsixmanifest')!.async('string');
    assert.match(manifest, new RegExp(`Version="${pkg.version.replace(/\./g, '\\.')}"`));
    assert.match(manifest, /Id="databricks-mlops"/);
    // Visibility is explicit (scripts/package.mjs): the production listing is public, never a private one shared with nobody.
    assert.match(manifest, /<GalleryFlags>[^<]*Public[^<]*<\/GalleryFlags>/);
  });

  it('stamps the package version into every task.json, which stays valid against tasks.schema.json', async function () {
    const [, minor, patch] = pkg.version.split('.').map(Number);
    const shared = sharedDir();
    const schemaFile = shared && join(shared, 'schemas', 'tasks.schema.json');
    const validate =
      schemaFile && existsSync(schemaFile)
        ? new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
        : undefined;
    if (!validate) console.log('      (../shared/schemas/tasks.schema.json is absent: schema validation of the packaged task.json skipped)');
    for (const task of TASKS) {
      const json = JSON.parse(await zip.file(`tasks/${task}/task.json`)!.async('string')) as {
        version: { Major: number; Minor: number; Patch: number };
        execution: Record<string, { target: string }>;
      };
      assert.deepEqual(json.version, { Major: 1, Minor: minor, Patch: patch }, task);
      assert.deepEqual(Object.keys(json.execution).sort(), ['Node20_1', 'Node24']);
      if (validate) assert.ok(validate(json), `${task}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('runs a task extracted alone from the package (no node_modules), with task-lib strings embedded', async () => {
    const { dir, taskDir } = await extractTask('DatabricksDeployServing', 'dbx-vsix-');
    const r = spawnSync(process.execPath, [join(taskDir, 'index.js')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        AGENT_TEMPDIRECTORY: dir,
        INPUT_AZURESUBSCRIPTION: 'c',
        INPUT_WORKSPACEURL: 'https://adb-1.2.azuredatabricks.net',
        INPUT_ENDPOINTNAME: 'has spaces',
        INPUT_MODELNAME: 'main.ml.m',
        INPUT_MODELVERSION: '1',
        INPUT_INFERENCECATALOG: 'main',
        INPUT_INFERENCESCHEMA: 'logs',
      },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /##vso\[task\.complete result=Failed;[^\]]*\].*endpointName/);
    assert.ok(!/LIB_ResourceFile|loc_/.test(r.stdout), 'task-lib messages are not localised strings');
  });

  it('loads each lazy chunk of a task extracted alone from the package (no node_modules), offering what the bundle asks of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbx-vsix-lazy-'));
    for (const task of TASKS) {
      for (const f of files.filter((f) => f.startsWith(`tasks/${task}/lazy/`))) {
        const target = join(dir, f);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, await zip.file(f)!.async('nodebuffer'));
      }
      // The bundle's stubs: require('./lazy/<chunk>.js').modules[<specifier>].
      const bundle = await zip.file(`tasks/${task}/index.js`)!.async('string');
      for (const chunk of Object.keys(LAZY_CHUNKS)) assert.ok(bundle.includes(`require("./${chunk}")`), `${task}: index.js does not load ${chunk}`);
      const probe = `const out = {}; for (const [chunk, specifiers] of Object.entries(${JSON.stringify(LAZY_CHUNKS)})) for (const [specifier, name] of Object.entries(specifiers)) out[specifier] = typeof require(require('node:path').join(process.cwd(), ${JSON.stringify(`tasks/${task}`)}, chunk)).modules[specifier][name]; console.log(JSON.stringify(out));`;
      const r = spawnSync(process.execPath, ['-e', probe], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      assert.equal(r.status, 0, `${task}: ${r.stderr}`);
      const types = JSON.parse(r.stdout) as Record<string, string>;
      for (const specifiers of Object.values(LAZY_CHUNKS)) for (const specifier of Object.keys(specifiers)) assert.equal(types[specifier], 'function', `${task}: ${specifier}`);
    }
  });
});
