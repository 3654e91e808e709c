/**
 * ManagedServiceIdentity against the fake App Service style endpoint. msal-node selects the
 * managed identity source (endpoint and header) once per process and keeps it, with its token
 * cache, in static fields: this is the only in-process suite that uses managed identity, and
 * it uses one fake endpoint throughout.
 */
import assert from 'node:assert/strict';
import { readAzureRmConnection } from '../../../shared/auth/serviceConnection';
import { createTokenSources } from '../../../shared/auth/tokenSources';
import { createClock } from '../../../shared/runtime/clock';
import { FakeAzure, endpointReaderFromEnv } from '../../fake/azure';
import { secretSpy, setEnv, undiciSend } from './support';

describe('auth/credentials managed identity against the fake endpoint', function () {
  let azure: FakeAzure;
  let restoreEnv: () => void;

  before(async () => {
    azure = await FakeAzure.start();
    restoreEnv = setEnv({ IDENTITY_ENDPOINT: azure.msi.identityEndpoint, IDENTITY_HEADER: azure.msi.identityHeader });
  });
  after(async () => {
    restoreEnv();
    await azure.close();
  });

  const sourcesFor = (msiClientId?: string) => {
    const { env, connectionId } = azure.connectionEnv('ManagedServiceIdentity', { clientId: msiClientId });
    const conn = readAzureRmConnection(connectionId, endpointReaderFromEnv(env));
    const spy = secretSpy();
    return { conn, spy, sources: createTokenSources(conn, { send: undiciSend(azure.ca.pem), http: { ca: azure.ca.pem }, setSecret: spy.setSecret, clock: createClock(1) }) };
  };

  it('gets tokens of the system-assigned identity for each audience', async () => {
    const { spy, sources } = sourcesFor();
    const databricks = await sources.databricks.getToken();
    const management = await sources.management.getToken();
    const arm = await sources.arm.getToken();
    for (const [token, audience] of [
      [databricks, 'databricks'],
      [management, 'management'],
      [arm, 'arm'],
    ] as const) {
      const check = azure.authority.verify(token.token, audience);
      assert.ok(check.ok, audience);
      assert.equal(check.token.subject, azure.msi.systemAssignedClientId);
      assert.ok(spy.seqOf(token.token), `${audience} masked`);
    }
    const resources = azure.msi.requests.filter((r) => r.status === 200).map((r) => r.resource);
    assert.deepEqual(resources, ['2ff814a6-3304-4ab8-85cb-cd0e6f879c1d', 'https://management.core.windows.net/', azure.arm.url]);
    assert.ok(azure.msi.requests.every((r) => r.clientId === undefined));
  });

  it('asks for the user-assigned identity named by msiclientId', async () => {
    const clientId = 'a1b2c3d4-0000-4000-8000-00000000abcd';
    const { conn, sources } = sourcesFor(clientId);
    assert.equal(conn.scheme === 'ManagedServiceIdentity' && conn.msiClientId, clientId);
    const token = await sources.databricks.getToken();
    const check = azure.authority.verify(token.token, 'databricks');
    assert.ok(check.ok);
    assert.equal(check.token.subject, clientId);
    assert.equal(azure.msi.requests.at(-1)!.clientId, clientId);
  });
});
