/** Behaviour of the fake Azure services that the product tests rely on but do not reach. */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { FakeAzure } from '../../fake/azure';

describe('fake Azure services', function () {
  let azure: FakeAzure;
  let dispatcher: Agent;

  before(async () => {
    azure = await FakeAzure.start();
    dispatcher = new Agent({ connect: { ca: azure.ca.pem } });
  });
  after(async () => {
    await dispatcher.close();
    await azure.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, dispatcher });
  const post = (url: string, body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', body, headers, dispatcher, redirect: 'manual' });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  describe('Entra ID', () => {
    it('serves the OpenID configuration msal-node needs, only for known tenants', async () => {
      azure.connectionEnv('ServicePrincipalSecret');
      const res = await get(`${azure.entra.url}/${azure.tenantId}/v2.0/.well-known/openid-configuration`);
      const config = (await res.json()) as Record<string, string>;
      assert.equal(config.token_endpoint, azure.entra.tokenEndpoint(azure.tenantId));
      for (const key of ['authorization_endpoint', 'issuer', 'jwks_uri']) assert.ok(config[key], key);
      const unknown = await get(`${azure.entra.url}/not-a-tenant/v2.0/.well-known/openid-configuration`);
      assert.equal(unknown.status, 400);
      assert.match(((await unknown.json()) as { error_description: string }).error_description, /^AADSTS90002:/);
    });

    it('refuses a stale OIDC assertion with AADSTS700024', async () => {
      const { env, clientId, connectionId } = azure.connectionEnv('WorkloadIdentityFederation');
      azure.authority.lifetimesMs.oidc = 100;
      try {
        const oidc = await post(`${azure.ado.oidcRequestUri}?api-version=7.1&serviceConnectionId=${connectionId}`, '{}', {
          authorization: `Bearer ${env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN}`,
          'content-type': 'application/json',
        });
        const { oidcToken } = (await oidc.json()) as { oidcToken: string };
        await delay(150);
        const res = await post(
          azure.entra.tokenEndpoint(azure.tenantId),
          form({
            grant_type: 'client_credentials',
            client_id: clientId,
            scope: '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: oidcToken,
          }),
          { 'content-type': 'application/x-www-form-urlencoded' },
        );
        const body = (await res.json()) as { error: string; error_description: string; error_codes: number[] };
        assert.equal(res.status, 401);
        assert.equal(body.error, 'invalid_client');
        assert.deepEqual(body.error_codes, [700024]);
        assert.match(body.error_description, /^AADSTS700024: Client assertion is not within its valid time range/);
      } finally {
        azure.authority.lifetimesMs.oidc = 10 * 60_000;
      }
    });

    it('refuses an unknown application and an unknown resource', async () => {
      const { clientId, env, connectionId } = azure.connectionEnv('ServicePrincipalSecret');
      const secret = env[`ENDPOINT_AUTH_PARAMETER_${connectionId}_SERVICEPRINCIPALKEY`]!;
      const token = (fields: Record<string, string>) =>
        post(azure.entra.tokenEndpoint(azure.tenantId), form({ grant_type: 'client_credentials', ...fields }), { 'content-type': 'application/x-www-form-urlencoded' }).then(
          async (r) => [r.status, ((await r.json()) as { error_codes: number[] }).error_codes[0]],
        );
      assert.deepEqual(await token({ client_id: 'nobody', client_secret: 'x', scope: '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default' }), [400, 700016]);
      assert.deepEqual(await token({ client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }), [400, 500011]);
      assert.deepEqual(await token({ client_id: clientId, client_secret: secret, scope: '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d' }), [400, 1002012]);
    });
  });

  describe('Azure DevOps', () => {
    it('redirects to sign-in unless asked to suppress it, and answers 401 when asked', async () => {
      azure.connectionEnv('WorkloadIdentityFederation');
      const redirected = await post(`${azure.ado.oidcRequestUri}?api-version=7.1&serviceConnectionId=x`, '{}', { authorization: 'Bearer wrong' });
      assert.equal(redirected.status, 302);
      const refused = await post(`${azure.ado.oidcRequestUri}?api-version=7.1&serviceConnectionId=x`, '{}', { authorization: 'Bearer wrong', 'x-tfs-fedauthredirect': 'Suppress' });
      assert.equal(refused.status, 401);
      assert.match(((await refused.json()) as { message: string }).message, /TF400813/);
    });

    it('requires an api-version and the running job', async () => {
      const { connectionId } = azure.connectionEnv('WorkloadIdentityFederation');
      const auth = { authorization: `Bearer ${azure.ado.systemAccessToken}`, 'content-type': 'application/json' };
      assert.equal((await post(`${azure.ado.oidcRequestUri}?serviceConnectionId=${connectionId}`, '{}', auth)).status, 400);
      const otherJob = azure.ado.oidcRequestUri.replace(azure.ado.jobId, '00000000-0000-0000-0000-000000000000');
      assert.equal((await post(`${otherJob}?api-version=7.1&serviceConnectionId=${connectionId}`, '{}', auth)).status, 404);
    });
  });

  describe('managed identity endpoint', () => {
    it('checks the identity header and the user-assigned identity', async () => {
      const url = (extra = '') => `${azure.msi.identityEndpoint}?api-version=2019-08-01&resource=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d${extra}`;
      assert.equal((await get(url(), { 'x-identity-header': 'wrong' })).status, 401);
      assert.equal((await get(url('&client_id=unknown'), { 'x-identity-header': azure.msi.identityHeader })).status, 400);
      const ok = await get(url(), { 'x-identity-header': azure.msi.identityHeader });
      const body = (await ok.json()) as { access_token: string; expires_on: string; token_type: string };
      assert.equal(body.token_type, 'Bearer');
      assert.match(body.expires_on, /^\d{10}$/);
      assert.ok(azure.authority.verify(body.access_token, 'databricks').ok);
    });
  });

  describe('ARM', () => {
    it('lists only the workspaces the caller may read, and requires api-version', async () => {
      const sub = '99999999-0000-0000-0000-000000000000';
      const id = (name: string) => `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/${name}`;
      const reader = azure.authority.issue('arm', 'reader-app').token;
      azure.arm.registerWorkspace({ resourceId: id('open'), workspaceUrl: 'adb-1.azuredatabricks.net' });
      azure.arm.registerWorkspace({ resourceId: id('closed'), workspaceUrl: 'adb-2.azuredatabricks.net', readers: ['someone-else'] });
      const list = await get(`${azure.arm.url}/subscriptions/${sub}/providers/Microsoft.Databricks/workspaces?api-version=2024-05-01`, { authorization: `Bearer ${reader}` });
      const { value } = (await list.json()) as { value: Array<{ id: string; properties: { workspaceUrl: string } }> };
      assert.deepEqual(
        value.map((w) => [w.id, w.properties.workspaceUrl]),
        [[id('open'), 'adb-1.azuredatabricks.net']],
      );
      const noVersion = await get(`${azure.arm.url}${id('open')}`, { authorization: `Bearer ${reader}` });
      assert.equal(noVersion.status, 400);
      assert.equal(((await noVersion.json()) as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
      const wrongAudience = await get(`${azure.arm.url}${id('open')}?api-version=2024-05-01`, {
        authorization: `Bearer ${azure.authority.issue('databricks', 'reader-app').token}`,
      });
      assert.equal(((await wrongAudience.json()) as { error: { code: string } }).error.code, 'InvalidAuthenticationTokenAudience');
    });
  });
});
