/**
 * The fake cloud end to end, in-process: the agent environment of a connection → the product's
 * connection reader → tokens → workspace URL through ARM → a Databricks call that admits a
 * principal that is not yet a workspace user only with the management headers.
 */
import assert from 'node:assert/strict';
import { explainAuthFailure } from '../../../shared/auth/diagnostics';
import { readAzureRmConnection } from '../../../shared/auth/serviceConnection';
import { createTokenSources } from '../../../shared/auth/tokenSources';
import { managementHeaders, resolveWorkspace } from '../../../shared/auth/workspace';
import { createClock } from '../../../shared/runtime/clock';
import { FakeCloud, endpointReaderFromEnv } from '../../fake/cloud';
import { throwingOnError, undiciSend } from './support';

const RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mlops/providers/Microsoft.Databricks/workspaces/adb-e2e';

describe('fake cloud with the auth module', function () {
  let cloud: FakeCloud;

  before(async () => {
    cloud = await FakeCloud.start();
    cloud.registerWorkspace(RESOURCE_ID);
  });
  after(() => cloud.close());

  it('gives a task exactly the agent variables of a connection', () => {
    const { env, connectionId } = cloud.connectionEnv('WorkloadIdentityFederation');
    assert.match(connectionId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const name of [
      `ENDPOINT_URL_${connectionId}`,
      `ENDPOINT_AUTH_${connectionId}`,
      `ENDPOINT_AUTH_SCHEME_${connectionId}`,
      `ENDPOINT_AUTH_PARAMETER_${connectionId}_TENANTID`,
      `ENDPOINT_AUTH_PARAMETER_${connectionId}_SERVICEPRINCIPALID`,
      `ENDPOINT_DATA_${connectionId}_ENVIRONMENT`,
      `ENDPOINT_DATA_${connectionId}_SUBSCRIPTIONID`,
      `ENDPOINT_DATA_${connectionId}_ACTIVEDIRECTORYAUTHORITY`,
      'ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN',
      'ENDPOINT_URL_SYSTEMVSSCONNECTION',
      'SYSTEM_OIDCREQUESTURI',
      'SYSTEM_COLLECTIONURI',
      'SYSTEM_TEAMPROJECTID',
      'SYSTEM_PLANID',
      'SYSTEM_JOBID',
      'NODE_EXTRA_CA_CERTS',
    ]) {
      assert.ok(env[name], `${name} is set`);
    }
    assert.equal(env.SYSTEM_HOSTTYPE, 'build');
    assert.deepEqual(JSON.parse(env[`ENDPOINT_AUTH_${connectionId}`]!).scheme, 'WorkloadIdentityFederation');
    const secret = cloud.connectionEnv('ServicePrincipalSecret', { secret: 'canary-1234' });
    assert.equal(secret.env[`ENDPOINT_AUTH_PARAMETER_${secret.connectionId}_SERVICEPRINCIPALKEY`], 'canary-1234');
    assert.equal(secret.env[`ENDPOINT_AUTH_PARAMETER_${secret.connectionId}_AUTHENTICATIONTYPE`], 'spnKey');
    const msi = cloud.connectionEnv('ManagedServiceIdentity');
    assert.equal(msi.env.IDENTITY_ENDPOINT, cloud.msi.identityEndpoint);
    assert.equal(msi.env.IDENTITY_HEADER, cloud.msi.identityHeader);
  });

  it('admits a new principal only with the management headers, and explains the refusal', async () => {
    const { env, connectionId, clientId } = cloud.connectionEnv('WorkloadIdentityFederation');
    const conn = readAzureRmConnection(connectionId, endpointReaderFromEnv(env));
    const send = undiciSend(cloud.ca.pem);
    const sources = createTokenSources(conn, { send, http: { ca: cloud.ca.pem }, setSecret: () => undefined, clock: createClock(1) });
    const workspace = await resolveWorkspace({ workspaceResourceId: RESOURCE_ID }, { send: throwingOnError(send), arm: sources.arm, armUrl: conn.armUrl });
    assert.equal(workspace.url, cloud.workspace.url);

    const me = new URL('/api/2.0/preview/scim/v2/Me', workspace.url);
    const call = async (extra: Record<string, string>) =>
      send({
        method: 'GET',
        url: me,
        headers: new Headers({ Authorization: `Bearer ${(await sources.databricks.getToken()).token}`, ...extra }),
        timeoutMs: 10_000,
        idempotent: true,
        attempt: 1,
      });

    const refused = await call({});
    assert.equal(refused.status, 403);
    const body = JSON.parse(refused.bodyText!) as { error_code: unknown; message: string };
    assert.match(explainAuthFailure(refused.status, String(body.error_code), body.message, { path: me.pathname, usedManagementHeaders: false })!, /workspaceResourceId/);

    const admitted = await call(await managementHeaders(RESOURCE_ID, sources.management));
    assert.equal(admitted.status, 200, admitted.bodyText);
    assert.ok(cloud.workspace.users.has(clientId));
  });
});
