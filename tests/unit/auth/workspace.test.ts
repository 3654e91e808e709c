/** workspaceResourceId → workspace URL through the fake ARM, and the management headers. */
import assert from 'node:assert/strict';
import { readAzureRmConnection } from '../../../shared/auth/serviceConnection';
import type { TokenSources } from '../../../shared/auth/tokenSources';
import { createTokenSources } from '../../../shared/auth/tokenSources';
import { WorkspaceResolutionError, managementHeaders, resolveWorkspace } from '../../../shared/auth/workspace';
import { createClock } from '../../../shared/runtime/clock';
import { FakeAzure, endpointReaderFromEnv } from '../../fake/azure';
import { throwingOnError, undiciSend } from './support';

const SUB = '11111111-2222-3333-4444-555555555555';
const RESOURCE_ID = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Databricks/workspaces/adb-prod`;

describe('auth/workspace', function () {
  let azure: FakeAzure;
  let send: ReturnType<typeof undiciSend>;
  let sources: TokenSources;
  let clientId: string;
  let armUrl: string;

  before(async () => {
    azure = await FakeAzure.start();
    send = undiciSend(azure.ca.pem);
    const connection = azure.connectionEnv('ServicePrincipalSecret', { subscriptionId: SUB });
    clientId = connection.clientId;
    const conn = readAzureRmConnection(connection.connectionId, endpointReaderFromEnv(connection.env));
    armUrl = conn.armUrl;
    sources = createTokenSources(conn, { send, http: { ca: azure.ca.pem }, setSecret: () => undefined, clock: createClock(1) });
    azure.arm.registerWorkspace({ resourceId: RESOURCE_ID, workspaceUrl: 'adb-1234567890123456.7.azuredatabricks.net' });
  });
  after(() => azure.close());

  const resolve = (resourceId: string) => resolveWorkspace({ workspaceResourceId: resourceId }, { send: throwingOnError(send), arm: sources.arm, armUrl });

  it('reads properties.workspaceUrl of the workspace resource with the ARM token', async () => {
    const before = send.sent.length;
    assert.deepEqual(await resolve(RESOURCE_ID), { url: 'https://adb-1234567890123456.7.azuredatabricks.net', resourceId: RESOURCE_ID });
    const request = send.sent[before]!;
    assert.equal(request.method, 'GET');
    assert.equal(request.url.pathname, RESOURCE_ID);
    assert.equal(request.url.searchParams.get('api-version'), '2024-05-01');
    const bearer = request.headers.get('authorization')!.replace(/^Bearer /, '');
    assert.ok(azure.authority.verify(bearer, 'arm').ok);
    assert.equal(azure.arm.requests.at(-1)!.subject, clientId);
  });

  it('matches the resource id case-insensitively, as ARM does', async () => {
    assert.equal((await resolve(RESOURCE_ID.toLowerCase())).url, 'https://adb-1234567890123456.7.azuredatabricks.net');
  });

  it('uses workspaceUrl as given, without a trailing slash and without calling ARM', async () => {
    const before = send.sent.length;
    assert.deepEqual(await resolveWorkspace({ workspaceUrl: 'https://adb-1.2.azuredatabricks.net/' }, { send: throwingOnError(send), arm: sources.arm, armUrl }), {
      url: 'https://adb-1.2.azuredatabricks.net',
    });
    assert.equal(send.sent.length, before);
  });

  it('explains a workspace that does not exist', async () => {
    await assert.rejects(resolve(RESOURCE_ID.replace('adb-prod', 'adb-missing')), (e: unknown) => {
      assert.ok(e instanceof WorkspaceResolutionError);
      assert.equal(e.statusCode, 404);
      assert.match(e.message, /adb-missing' was not found through the service connection \(ResourceNotFound: .*Check the subscription, resource group and workspace name/);
      return true;
    });
    await assert.rejects(resolve(RESOURCE_ID.replace('rg-ml', 'rg-nope')), /ResourceGroupNotFound: Resource group 'rg-nope' could not be found/);
  });

  it('explains a principal without read access to the workspace', async () => {
    const restricted = RESOURCE_ID.replace('adb-prod', 'adb-restricted');
    azure.arm.registerWorkspace({ resourceId: restricted, workspaceUrl: 'adb-2.azuredatabricks.net', readers: ['someone-else'] });
    await assert.rejects(resolve(restricted), (e: unknown) => {
      assert.ok(e instanceof WorkspaceResolutionError);
      assert.equal(e.statusCode, 403);
      assert.match(e.message, /AuthorizationFailed/);
      assert.match(e.message, /Reader role/);
      return true;
    });
  });

  it('explains a token ARM rejects', async () => {
    const bogus = { getToken: async () => ({ token: 'not-an-arm-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    await assert.rejects(resolveWorkspace({ workspaceResourceId: RESOURCE_ID }, { send: throwingOnError(send), arm: bogus, armUrl }), (e: unknown) => {
      assert.ok(e instanceof WorkspaceResolutionError);
      assert.equal(e.statusCode, 401);
      assert.match(e.message, /ARM rejected the service connection's token.*InvalidAuthenticationToken/);
      return true;
    });
  });

  it('builds the management headers from the management token and the resource id', async () => {
    const headers = await managementHeaders(RESOURCE_ID, sources.management);
    assert.deepEqual(Object.keys(headers).sort(), ['X-Databricks-Azure-SP-Management-Token', 'X-Databricks-Azure-Workspace-Resource-Id']);
    assert.equal(headers['X-Databricks-Azure-Workspace-Resource-Id'], RESOURCE_ID);
    const check = azure.authority.verify(headers['X-Databricks-Azure-SP-Management-Token'], 'management');
    assert.ok(check.ok);
    assert.equal(check.token.subject, clientId);
  });
});
