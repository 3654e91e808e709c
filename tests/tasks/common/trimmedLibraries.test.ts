/**
 * The library code scripts/build.mjs leaves out of the bundled tasks (NOT_BUNDLED: modules no code
 * path of the tasks reaches, replaced by stubs that throw; NAMED_BINDINGS_ONLY: the lazy chunk of
 * @azure/identity offers only the credentials the sources import), tested on the built task: the
 * paths that run the libraries' remaining code (azure-devops-node-api's TaskApi through
 * typed-rest-client without its NTLM handler; undici's Agent with the agent's CA) still work
 * (every bundled task test runs task-lib without its ToolRunner and minimatch),
 * and what was left out fails loudly, naming the module, instead of behaving differently.
 * The four authentication schemes and the proxy (undici's ProxyAgent) run in connection.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FakeCloud } from '../../fake/cloud';
import { runTask, taskEntry, type TaskRun } from '../../helpers/runTask';

const TASK = 'DatabricksRefreshMonitors';
const INPUTS = { tables: 'main.ml_mon.churn_inference' };

function connected(run: TaskRun): boolean {
  return /Connected to https:\/\/127\.0\.0\.1:\d+ as /.test(run.stdout);
}

/** Runs `script` in a fresh node process with `chunk` (a file of the task's lazy/ folder) as `chunk`; its JSON output. */
function probeChunk(chunk: string, script: string): unknown {
  const file = join(dirname(taskEntry(TASK)), 'lazy', chunk);
  const r = spawnSync(
    process.execPath,
    ['-e', `const chunk = require(${JSON.stringify(file)}).modules; (async () => { ${script} })().then((out) => console.log(JSON.stringify(out)));`],
    {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown;
}

const THROWS = `const thrown = (f) => { try { f(); return 'no error'; } catch (e) { return e.message; } };`;

describe('the trimmed libraries of the bundled task (scripts/build.mjs NOT_BUNDLED, NAMED_BINDINGS_ONLY)', function () {
  this.timeout(60_000);
  let cloud: FakeCloud;
  before(async () => {
    cloud = await FakeCloud.start();
  });
  after(async () => cloud.close());
  beforeEach(() => cloud.workspace.reset());

  it('authenticates with workload identity federation on an agent without System.OidcRequestUri (TaskApi, typed-rest-client without NTLM)', async () => {
    const c = cloud.taskConnection('WorkloadIdentityFederation', { omitOidcRequestUri: true });
    const run = await runTask({ task: TASK, env: c.env, inputs: { ...c.inputs, ...INPUTS } });
    assert.ok(connected(run), run.stdout + run.stderr);
    const oidc = cloud.ado.oidcRequests.filter((r) => r.connectionId === c.connectionId);
    assert.ok(oidc.length > 0, 'no OIDC token request reached Azure DevOps');
    assert.ok(
      oidc.every((r) => r.apiVersionFrom === 'accept' && r.status === 200),
      JSON.stringify(oidc.map((r) => [r.apiVersionFrom, r.status])),
    );
    assert.ok(!/not bundled/.test(run.stdout + run.stderr), run.stdout + run.stderr);
  });

  it("trusts the agent's CA (Agent.CAInfo) through undici's Agent, with no NODE_EXTRA_CA_CERTS", async () => {
    const c = cloud.taskConnection('ServicePrincipalSecret');
    const env = { ...c.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const run = await runTask({ task: TASK, env, variables: { 'Agent.CAInfo': cloud.ca.file }, inputs: { ...c.inputs, ...INPUTS } });
    assert.ok(connected(run), run.stdout + run.stderr);
    assert.ok(!/not bundled/.test(run.stdout + run.stderr), run.stdout + run.stderr);
  });

  it('offers the undici members the tasks use; the ones left out throw, naming the module', () => {
    const out = probeChunk(
      'undici.js',
      `${THROWS} const u = chunk.undici;
       const kept = Object.fromEntries(['fetch', 'request', 'Agent', 'ProxyAgent', 'Dispatcher', 'errors'].map((k) => [k, typeof u[k]]));
       const fetched = await (await u.fetch('data:,hello')).text();
       return { kept, fetched,
         webSocket: thrown(() => new u.WebSocket('ws://127.0.0.1:1')),
         mockAgent: thrown(() => new u.MockAgent()),
         eventSource: thrown(() => new u.EventSource('http://127.0.0.1:1')),
         getCookies: thrown(() => u.getCookies(new Headers())),
         retryAgent: thrown(() => new u.RetryAgent(new u.Agent())),
         cacheOpen: await u.caches.open('x').then(() => 'no error', (e) => e.message) };`,
    ) as Record<string, unknown>;
    assert.deepEqual(out.kept, { fetch: 'function', request: 'function', Agent: 'function', ProxyAgent: 'function', Dispatcher: 'function', errors: 'object' });
    assert.equal(out.fetched, 'hello');
    for (const [key, module] of Object.entries({
      webSocket: 'undici/lib/web/websocket/websocket.js',
      mockAgent: 'undici/lib/mock/mock-agent.js',
      eventSource: 'undici/lib/web/eventsource/eventsource.js',
      getCookies: 'undici/lib/web/cookies/index.js',
      retryAgent: 'undici/lib/dispatcher/retry-agent.js',
      cacheOpen: 'undici/lib/web/cache/cache.js',
    })) {
      assert.equal(out[key], `${module} is not bundled with this task (scripts/build.mjs, NOT_BUNDLED): no code path of the task was expected to use it`, key);
    }
  });

  it("holds task-lib's ToolRunner and minimatch as stubs (the tasks start no tool and match no files), and no q", () => {
    const bundle = readFileSync(taskEntry(TASK), 'utf8');
    for (const module of ['azure-pipelines-task-lib/toolrunner.js', 'minimatch/minimatch.js']) assert.ok(bundle.includes(`"${module}"`), `${module} is not a stub in index.js`);
    // q's own error text: q is loaded only by the ToolRunner.
    assert.ok(!bundle.includes("Q can't get fulfillment value from any promise"), 'q is still bundled');
  });

  it('offers the four @azure/identity credentials the tasks construct, and no other', () => {
    const out = probeChunk('identity.js', `const m = chunk['@azure/identity']; return Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]]));`);
    assert.deepEqual(out, {
      ClientAssertionCredential: 'function',
      ClientCertificateCredential: 'function',
      ClientSecretCredential: 'function',
      ManagedIdentityCredential: 'function',
    });
  });
});
