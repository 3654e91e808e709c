/**
 * The connection every task opens, tested through a bundled task run exactly as the agent runs
 * it: each AzureRM scheme, the ARM workspace lookup with management headers, a sovereign-cloud
 * authority, the 403 hint, validation before any request, a proxy, cancellation, no secret in
 * the output.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { FakeCloud, type ConnectionScheme } from '../../fake/cloud';
import { observeRequests, type ObservedRequest } from '../../fake/observer';
import { runTask, sigtermWhen, type TaskRun } from '../../helpers/runTask';

const TASK = 'DatabricksRefreshMonitors';
const INPUTS = { tables: 'main.ml_mon.churn_inference' };
const RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.Databricks/workspaces/ml-ws';

function connected(run: TaskRun): boolean {
  return /Connected to https:\/\/127\.0\.0\.1:\d+ as /.test(run.stdout);
}

describe('task connection (bundled task, agent env-var contract)', function () {
  this.timeout(60_000);
  let cloud: FakeCloud;
  before(async () => {
    cloud = await FakeCloud.start();
    cloud.registerWorkspace(RESOURCE_ID);
  });
  after(async () => cloud.close());
  beforeEach(() => cloud.workspace.reset());

  for (const scheme of ['WorkloadIdentityFederation', 'ServicePrincipalSecret', 'ServicePrincipalCertificate', 'ManagedServiceIdentity'] as ConnectionScheme[]) {
    it(`authenticates with ${scheme}`, async () => {
      const c = cloud.taskConnection(scheme);
      const run = await runTask({ task: TASK, env: c.env, inputs: { ...c.inputs, ...INPUTS } });
      assert.ok(connected(run), run.stdout + run.stderr);
      const me = cloud.workspace.requests.find((r) => r.path === '/api/2.0/preview/scim/v2/Me');
      assert.equal(me?.subject, c.clientId);
      assert.equal(me?.status, 200);
    });
  }

  it('looks the workspace up through ARM and sends the management headers on every call', async () => {
    const c = cloud.taskConnection('WorkloadIdentityFederation', { workspaceUser: false });
    const run = await runTask({ task: TASK, env: c.env, inputs: { azureSubscription: c.connectionId, workspaceResourceId: RESOURCE_ID, ...INPUTS } });
    assert.ok(connected(run), run.stdout);
    const calls = cloud.workspace.requests;
    assert.ok(calls.length > 0);
    for (const r of calls) assert.ok(r.managementHeaders, `${r.method} ${r.path} without management headers`);
    assert.ok(
      [...cloud.workspace.users].some((u) => u.userName === c.clientId && u.autoProvisioned),
      'principal auto-added',
    );
  });

  it('uses the authority of a sovereign-cloud connection', async () => {
    const c = cloud.taskConnection('ServicePrincipalSecret', { environment: 'AzureUSGovernment' });
    const run = await runTask({ task: TASK, env: c.env, inputs: { ...c.inputs, ...INPUTS } });
    assert.ok(connected(run), run.stdout + run.stderr);
  });

  it('explains a 403 for a principal that is not a workspace user', async () => {
    const c = cloud.taskConnection('ServicePrincipalSecret', { workspaceUser: false });
    const run = await runTask({ task: TASK, env: c.env, inputs: { ...c.inputs, ...INPUTS } });
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /PERMISSION_DENIED|403/);
    assert.match(run.resultMessage ?? '', /workspaceResourceId|not a user of this workspace/i);
  });

  it('fails on a bad input, naming it, before any request', async () => {
    const c = cloud.taskConnection('WorkloadIdentityFederation');
    const seen: ObservedRequest[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const run = await runTask({ task: TASK, env: c.env, inputs: { ...c.inputs, tables: 'not-a-table', concurrency: '0' } });
    stop();
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /tables/);
    assert.match(run.resultMessage ?? '', /concurrency/);
    assert.deepEqual(seen, [], 'no request may be sent before every input validated');
  });

  it('prints no secret even with system.debug=true', async () => {
    const secret = `canary-secret-${Date.now()}`;
    const c = cloud.taskConnection('ServicePrincipalSecret', { secret });
    const run = await runTask({ task: TASK, env: { ...c.env, SYSTEM_DEBUG: 'true' }, inputs: { ...c.inputs, ...INPUTS } });
    assert.ok(connected(run));
    const printed = (run.stdout + run.stderr)
      .split('\n')
      .filter((l) => !l.startsWith('##vso[task.setsecret]'))
      .join('\n');
    const secrets = [secret, cloud.ado.systemAccessToken, ...cloud.authority.issued.map((t) => t.token)];
    for (const s of secrets) assert.ok(!printed.includes(s), 'a secret reached the output');
    for (const t of cloud.authority.issued.filter((t) => t.subject === c.clientId)) assert.ok(run.secrets.includes(t.token), 'every minted token is masked');
  });

  it('stops within 5 s on SIGTERM during a retry wait and sends nothing after it', async () => {
    const c = cloud.taskConnection('WorkloadIdentityFederation');
    cloud.workspace.faults.add({ path: '/api/2.0/preview/scim/v2/Me', status: 503, headers: { 'Retry-After': '120' }, times: Infinity });
    const sigterm = sigtermWhen(/Retry 1 of GET/);
    const run = await runTask({ task: TASK, env: { ...c.env, SYSTEM_DEBUG: 'true' }, inputs: { ...c.inputs, ...INPUTS }, onStdout: sigterm.onStdout });
    const { signalledAt } = sigterm;
    cloud.workspace.faults.clear();
    assert.ok(signalledAt > 0, 'the task never reached the retry wait');
    const exitedAfter = Date.now() - signalledAt;
    assert.ok(exitedAfter <= 5_000, `exited ${exitedAfter} ms after SIGTERM`);
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /cancelled \(SIGTERM\)/);
    assert.ok(
      cloud.workspace.requests.every((r) => r.time <= signalledAt),
      'a request was sent after SIGTERM',
    );
  });

  it('Windows agent: stops within 5 s on CTRL_BREAK (SIGBREAK) during a retry wait, like SIGTERM', async function () {
    // Node cannot send a signal (or a console CTRL_BREAK) to a child on Windows; there the unit test covers SIGBREAK.
    if (process.platform === 'win32') this.skip();
    // Linux cannot send SIGBREAK: a preload turns SIGUSR2 into Node's SIGBREAK event (tests/helpers/sigbreakPreload.ts).
    const preload = join(__dirname, '..', '..', 'helpers', 'sigbreakPreload.js');
    const c = cloud.taskConnection('WorkloadIdentityFederation');
    cloud.workspace.faults.add({ path: '/api/2.0/preview/scim/v2/Me', status: 503, headers: { 'Retry-After': '120' }, times: Infinity });
    let signalledAt = 0;
    let partial = '';
    const run = await runTask({
      task: TASK,
      env: { ...c.env, SYSTEM_DEBUG: 'true', NODE_OPTIONS: `--require ${JSON.stringify(preload)}` },
      inputs: { ...c.inputs, ...INPUTS },
      onStdout: (chunk, child) => {
        if (signalledAt) return;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        if (!lines.some((line) => /Retry 1 of GET/.test(line))) return;
        signalledAt = Date.now();
        child.kill('SIGUSR2');
      },
    });
    cloud.workspace.faults.clear();
    assert.ok(signalledAt > 0, 'the task never reached the retry wait');
    assert.ok(Date.now() - signalledAt <= 5_000, `exited ${Date.now() - signalledAt} ms after SIGBREAK`);
    assert.equal(run.signal, null, 'the task exited by itself (SIGUSR2 unhandled would have killed it)');
    assert.equal(run.result, 'Failed');
    assert.match(run.resultMessage ?? '', /cancelled \(SIGBREAK\)/);
    assert.ok(
      cloud.workspace.requests.every((r) => r.time <= signalledAt),
      'a request was sent after SIGBREAK',
    );
  });

  describe('through the agent proxy', () => {
    let proxy: Server;
    let proxyUrl: string;
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    before(async () => {
      proxy = createServer();
      proxy.on('connect', (req, client: Socket, head: Buffer) => {
        tunnels.push(req.url ?? '');
        sockets.add(client);
        const [host, port] = (req.url ?? '').split(':');
        const upstream = connect(Number(port), host, () => {
          sockets.add(upstream);
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    after(async () => {
      // Tunnels are upgraded sockets the server no longer tracks.
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    });

    it('sends Databricks and Entra ID calls through the proxy the agent is configured with', async () => {
      tunnels.length = 0;
      const c = cloud.taskConnection('ServicePrincipalSecret');
      const run = await runTask({ task: TASK, env: c.env, variables: { 'Agent.ProxyUrl': proxyUrl }, inputs: { ...c.inputs, ...INPUTS } });
      assert.ok(connected(run), run.stdout + run.stderr);
      const workspaceHost = new URL(cloud.workspace.url).host;
      const entraHost = new URL(cloud.entra.url).host;
      assert.ok(tunnels.includes(workspaceHost), `workspace not proxied: ${tunnels.join(', ')}`);
      assert.ok(tunnels.includes(entraHost), `Entra ID not proxied: ${tunnels.join(', ')}`);
    });

    it('goes direct for hosts on the bypass list', async () => {
      tunnels.length = 0;
      const c = cloud.taskConnection('ServicePrincipalSecret');
      const run = await runTask({
        task: TASK,
        env: c.env,
        variables: { 'Agent.ProxyUrl': proxyUrl, 'Agent.ProxyBypassList': JSON.stringify(['127\\.0\\.0\\.1']) },
        inputs: { ...c.inputs, ...INPUTS },
      });
      assert.ok(connected(run), run.stdout + run.stderr);
      assert.deepEqual(tunnels, []);
    });
  });
});
