/**
 * Each scheme's handler obtains real tokens from the fake Entra ID, in-process, over https
 * with the test CA given as the agent's CA (HttpSettings.ca). The fake authority lives on
 * 127.0.0.1, a non-public host, so these runs also prove sovereign/private authorities work
 * (authorityHost from the connection, no instance discovery against the public cloud).
 * Managed identity is in managedIdentity.test.ts (msal-node keeps its source per process).
 */
import assert from 'node:assert/strict';
import { pipelineOptions } from '../../../shared/auth/credentials/options';
import type { AzureRmConnection } from '../../../shared/auth/serviceConnection';
import { readAzureRmConnection } from '../../../shared/auth/serviceConnection';
import { TokenAcquisitionError, createTokenSources } from '../../../shared/auth/tokenSources';
import { createClock } from '../../../shared/runtime/clock';
import type { ConnectionEnvOptions, ConnectionScheme } from '../../fake/azure';
import { FakeAzure, endpointReaderFromEnv } from '../../fake/azure';
import { clientCertificatePem } from '../../fake/certs';
import { secretSpy, undiciSend } from './support';

describe('auth/credentials against the fake Entra ID', function () {
  let azure: FakeAzure;
  let send: ReturnType<typeof undiciSend>;

  before(async () => {
    azure = await FakeAzure.start();
    send = undiciSend(azure.ca.pem);
  });
  after(() => azure.close());

  const connect = (scheme: ConnectionScheme, opts?: ConnectionEnvOptions): { conn: AzureRmConnection; clientId: string } => {
    const { env, connectionId, clientId } = azure.connectionEnv(scheme, opts);
    return { conn: readAzureRmConnection(connectionId, endpointReaderFromEnv(env)), clientId };
  };
  const sourcesFor = (conn: AzureRmConnection, http = { ca: azure.ca.pem }) => {
    const spy = secretSpy();
    return { spy, sources: createTokenSources(conn, { send, http, setSecret: spy.setSecret, clock: createClock(1) }) };
  };

  for (const scheme of ['ServicePrincipalSecret', 'ServicePrincipalCertificate', 'WorkloadIdentityFederation'] as const) {
    it(`${scheme}: gets Databricks, management and ARM tokens for the app`, async () => {
      const { conn, clientId } = connect(scheme);
      const { spy, sources } = sourcesFor(conn);
      for (const [source, audience] of [
        [sources.databricks, 'databricks'],
        [sources.management, 'management'],
        [sources.arm, 'arm'],
      ] as const) {
        const token = await source.getToken();
        const check = azure.authority.verify(token.token, audience);
        assert.ok(check.ok, `${audience}: ${JSON.stringify(check)}`);
        assert.equal(check.token.subject, clientId);
        assert.ok(Math.abs(token.expiresOnTimestamp - check.token.expiresOn) < 2000, 'expiry taken from expires_in');
        assert.ok(spy.seqOf(token.token), `${audience} token masked`);
      }
      const auth = { ServicePrincipalSecret: 'client_secret', ServicePrincipalCertificate: 'certificate', WorkloadIdentityFederation: 'federated' } as const;
      assert.equal(azure.entra.tokenRequests.filter((r) => r.clientId === clientId && r.status === 200 && r.auth === auth[scheme]).length, 3);
    });
  }

  it('sends a certificate assertion Entra can verify against the registered certificate', async () => {
    const { conn, clientId } = connect('ServicePrincipalCertificate');
    await sourcesFor(conn).sources.databricks.getToken();
    const request = azure.entra.tokenRequests.find((r) => r.clientId === clientId)!;
    const header = JSON.parse(Buffer.from(request.assertion!.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.ok(header['x5t#S256'] ?? header.x5t, 'thumbprint header sent');
    assert.match(String(header.alg), /^(RS|PS)256$/);
  });

  it('refuses a certificate that is not the registered one (signature/thumbprint check)', async () => {
    const other = clientCertificatePem('spn-other');
    const { env, connectionId } = azure.connectionEnv('ServicePrincipalCertificate', { certificatePem: other.pem, unregistered: true });
    const conn = readAzureRmConnection(connectionId, endpointReaderFromEnv(env));
    if (conn.scheme !== 'ServicePrincipalCertificate') assert.fail('scheme');
    azure.entra.registerApp({ tenantId: conn.tenantId, clientId: conn.clientId, certificatePem: clientCertificatePem().pem });
    await assert.rejects(sourcesFor(conn).sources.databricks.getToken(), (e: unknown) => {
      assert.ok(e instanceof TokenAcquisitionError);
      assert.match(e.message, /AADSTS700027/);
      return true;
    });
  });

  it('reports a wrong client secret with the AADSTS code, the connection and never the secret', async () => {
    const secret = 'canary-secret-7f3a9c';
    const { conn } = connect('ServicePrincipalSecret', { secret, registeredSecret: 'the-real-one' });
    await assert.rejects(sourcesFor(conn).sources.databricks.getToken(), (e: unknown) => {
      assert.ok(e instanceof TokenAcquisitionError);
      assert.match(e.message, /AADSTS7000215/);
      assert.match(e.message, new RegExp(conn.connectionId));
      assert.match(e.message, /Azure Databricks/);
      assert.doesNotMatch(e.message, /canary-secret/);
      return true;
    });
  });

  it('reports a workload identity connection the pipeline may not use (Azure DevOps refuses the OIDC token)', async () => {
    const { conn } = connect('WorkloadIdentityFederation', { unregistered: true });
    await assert.rejects(sourcesFor(conn).sources.databricks.getToken(), (e: unknown) => {
      assert.ok(e instanceof TokenAcquisitionError);
      assert.match(e.message, /could not be found, or the pipeline is not authorized/);
      return true;
    });
  });

  it("works for a sovereign cloud: the connection authority and that cloud's management endpoint", async () => {
    const { conn, clientId } = connect('ServicePrincipalSecret', { environment: 'AzureUSGovernment' });
    assert.equal(conn.managementEndpoint, 'https://management.core.usgovcloudapi.net/');
    assert.equal(conn.authorityHost, azure.entra.url);
    const token = await sourcesFor(conn).sources.management.getToken();
    assert.ok(azure.authority.verify(token.token, 'management').ok);
    const request = azure.entra.tokenRequests.filter((r) => r.clientId === clientId).at(-1)!;
    assert.equal(request.scope, 'https://management.core.usgovcloudapi.net//.default');
  });

  it('finds the authority in environmentAuthorityUrl when activeDirectoryAuthority is absent', async () => {
    const { conn } = connect('ServicePrincipalSecret', { authorityKey: 'environmentAuthorityUrl' });
    assert.equal(conn.authorityHost, azure.entra.url);
    assert.ok(azure.authority.verify((await sourcesFor(conn).sources.databricks.getToken()).token, 'databricks').ok);
  });

  it('reaches the authority only because the agent CA is applied (no CA: TLS fails)', async () => {
    const { conn } = connect('ServicePrincipalSecret');
    await assert.rejects(sourcesFor(conn, {} as { ca: string }).sources.databricks.getToken(), (e: unknown) => {
      assert.ok(e instanceof TokenAcquisitionError);
      assert.match(e.message, /endpoints_resolution_error/);
      assert.match(e.message, new RegExp(`OpenID configuration of authority ${azure.entra.url.replace(/\./g, '\\.')}.*certificate settings`));
      return true;
    });
  });

  describe('pipeline options', () => {
    const proxy = { url: 'http://user@proxy.contoso.com:3128', username: 'user', password: 'p@ss', bypass: ['127\\.0\\.0\\.1', 'login\\.bypassed\\.example'] };

    it('routes the authority through the agent proxy unless it is on the bypass list', () => {
      assert.deepEqual(pipelineOptions('https://login.microsoftonline.com', { proxy }).proxyOptions, {
        host: 'http://proxy.contoso.com',
        port: 3128,
        username: 'user',
        password: 'p@ss',
      });
      assert.equal(pipelineOptions('https://login.bypassed.example', { proxy }).proxyOptions, undefined);
      assert.equal(pipelineOptions(undefined, { proxy }).proxyOptions, undefined);
    });

    it('adds TLS settings only when the agent has certificates, keeping the default CAs', () => {
      assert.equal(pipelineOptions('https://login.microsoftonline.com', {}).tlsOptions, undefined);
      const tls = pipelineOptions('https://login.microsoftonline.com', { ca: azure.ca.pem, clientCert: { cert: 'C', key: 'K', passphrase: 'P' } }).tlsOptions!;
      const ca = tls.ca as string[];
      assert.equal(ca.at(-1), azure.ca.pem);
      assert.ok(ca.length > 100, 'Node root certificates kept');
      assert.deepEqual([tls.cert, tls.key, tls.passphrase], ['C', 'K', 'P']);
    });
  });
});
