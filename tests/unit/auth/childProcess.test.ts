/**
 * Every scheme in a separate node process, as a task runs: the real task-lib reads the
 * connection from the agent variables (vaulting the ENDPOINT_AUTH_* ones), the test CA is
 * trusted only through NODE_EXTRA_CA_CERTS (HttpSettings carries no CA), and masking shows up
 * as ##vso[task.setsecret] lines before a token could be printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ConnectionScheme } from '../../fake/azure';
import { FakeAzure } from '../../fake/azure';

const AUTH = resolve(__dirname, '../../../shared/auth/index.js');
const CLOCK = resolve(__dirname, '../../../shared/runtime/clock.js');

const SCRIPT = `
const tl = require('azure-pipelines-task-lib/task');
const auth = require(${JSON.stringify(AUTH)});
const { createClock } = require(${JSON.stringify(CLOCK)});
const send = async (request) => {
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal });
  return { request, status: res.status, headers: res.headers, bodyText: await res.text() };
};
(async () => {
  const conn = auth.readAzureRmConnection(process.env.TEST_CONNECTION_ID, tl);
  const sources = auth.createTokenSources(conn, { send, http: {}, setSecret: tl.setSecret, clock: createClock(1) });
  for (const name of ['databricks', 'management', 'arm']) {
    const { token } = await sources[name].getToken();
    process.stdout.write('TOKEN ' + name + ' ' + token + '\\n');
  }
})().catch((e) => { process.stdout.write('FAILED ' + e.message + '\\n'); process.exitCode = 1; });
`;

function runNode(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], { cwd: resolve(__dirname, '../../../..'), env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('auth in a task process (task-lib, NODE_EXTRA_CA_CERTS)', function () {
  let azure: FakeAzure;
  before(async () => {
    azure = await FakeAzure.start();
  });
  after(() => azure.close());

  for (const scheme of ['WorkloadIdentityFederation', 'ServicePrincipalSecret', 'ServicePrincipalCertificate', 'ManagedServiceIdentity'] as ConnectionScheme[]) {
    it(`${scheme}: tokens for every audience, each masked first`, async () => {
      const { env, connectionId } = azure.connectionEnv(scheme);
      const run = await runNode({ ...env, TEST_CONNECTION_ID: connectionId });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const lines = run.stdout.split('\n');
      const secretLine = (value: string) => lines.findIndex((l) => l === `##vso[task.setsecret]${value}`);
      for (const audience of ['databricks', 'management', 'arm'] as const) {
        const at = lines.findIndex((l) => l.startsWith(`TOKEN ${audience} `));
        const token = lines[at]!.split(' ')[2]!;
        assert.ok(azure.authority.verify(token, audience).ok, audience);
        const masked = secretLine(token);
        assert.ok(masked >= 0 && masked < at, `${audience} token masked before it was printed`);
      }
      if (scheme === 'WorkloadIdentityFederation') {
        const oidc = azure.ado.oidcRequests.filter((r) => r.connectionId === connectionId);
        assert.equal(oidc.length, 3);
        for (const r of oidc) assert.ok(secretLine(r.token!) >= 0, 'OIDC token masked');
      }
    });
  }

  it('WorkloadIdentityFederation on an agent without System.OidcRequestUri (TaskApi)', async () => {
    const { env, connectionId } = azure.connectionEnv('WorkloadIdentityFederation', { omitOidcRequestUri: true });
    const run = await runNode({ ...env, TEST_CONNECTION_ID: connectionId });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const oidc = azure.ado.oidcRequests.filter((r) => r.connectionId === connectionId);
    assert.deepEqual(
      oidc.map((r) => [r.apiVersionFrom, r.status]),
      [
        ['accept', 200],
        ['accept', 200],
        ['accept', 200],
      ],
    );
  });
});
