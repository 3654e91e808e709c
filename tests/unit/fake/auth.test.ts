import assert from 'node:assert/strict';
import { DATABRICKS_APP_ID } from '../../fake/auth';
import type { Harness } from './harness';
import { SP, startHarness } from './harness';

const ME = '/api/2.0/preview/scim/v2/Me';

describe('fake workspace: bearer authentication', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(() => {
    h.ws.reset();
    h.clock.now = Date.now();
    h.authority.lifetimesMs.databricks = 60 * 60_000;
  });

  it('admits a valid token of a workspace user and answers SCIM Me with its application id', async () => {
    const r = await h.call('GET', ME);
    assert.equal(r.status, 200);
    const me = r.json<{ id: string; userName: string; displayName: string; active: boolean }>();
    assert.equal(me.userName, SP);
    assert.equal(me.displayName, 'mlops-pipeline');
    assert.equal(me.active, true);
    assert.match(me.id, /^\d+$/);
    assert.equal(h.ws.requests[0]!.subject, SP);
  });

  it('answers a missing credential with 401 and a numeric error_code, as the front end does', async () => {
    const r = await h.call('GET', ME, { token: null });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), { error_code: 401, message: 'Credential was not sent or was of an unsupported type for this API.' });
    assert.equal(r.headers.get('x-databricks-reason-phrase'), 'Credential was not sent or was of an unsupported type for this API.');
    assert.ok(r.headers.get('x-request-id'));

    const basic = await h.call('GET', ME, { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(basic.status, 401);
  });

  it('answers a token it never issued with 403 Invalid access token', async () => {
    const r = await h.call('GET', ME, { token: 'eyJhbGciOi.not-a-token.sig' });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), { error_code: 403, message: 'Invalid access token.' });
    assert.equal(h.ws.requests[0]!.subject, undefined);
  });

  it('refuses an expired token with 401, naming the subject in the record', async () => {
    const t = h.authority.issue('databricks', SP).token;
    h.clock.now += 60 * 60_000 + 1;
    const r = await h.call('GET', ME, { token: t });
    assert.equal(r.status, 401);
    assert.equal(r.json().message, 'Token is expired.');
    assert.equal(h.ws.requests[0]!.subject, SP);
  });

  it('refuses a token that expires within the 30 s margin', async () => {
    h.authority.lifetimesMs.databricks = 20_000;
    const t = h.authority.issue('databricks', SP).token;
    const r = await h.call('GET', ME, { token: t });
    assert.equal(r.status, 401);
    assert.match(String(r.json().message), /expiring within 30 seconds/);
  });

  it('answers a token for another audience with the HTML JWT-claim page (400)', async () => {
    const t = h.authority.issue('management', SP).token;
    const r = await h.call('GET', ME, { token: t });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type')!, /text\/html/);
    assert.match(
      r.text,
      new RegExp(
        `<title>Error 400 io\\.jsonwebtoken\\.IncorrectClaimException: Expected aud claim to be: ${DATABRICKS_APP_ID}, but was: https://management\\.core\\.windows\\.net/\\.</title>`,
      ),
    );
    assert.match(r.text, /Problem accessing \/api\/2\.0\/preview\/scim\/v2\/Me/);
  });

  it('authenticates before routing: an unknown route without a token is 401, with one 404', async () => {
    assert.equal((await h.call('GET', '/api/2.0/unknown', { token: null })).status, 401);
    assert.equal((await h.call('GET', '/api/2.0/unknown')).status, 404);
  });

  describe('principals that are not workspace users', () => {
    const OTHER = '99999999-8888-7777-6666-555555555555';
    const headersFor = (management: string, resourceId = h.ws.resourceId) => ({
      'X-Databricks-Azure-SP-Management-Token': management,
      'X-Databricks-Azure-Workspace-Resource-Id': resourceId,
    });
    let token: string;
    beforeEach(() => {
      h.ws.users.delete(OTHER);
      h.ws.mayAutoProvision = () => true;
      token = h.authority.issue('databricks', OTHER).token;
    });

    it('are refused with 403 without the management headers', async () => {
      const r = await h.call('GET', ME, { token });
      assert.equal(r.status, 403);
      assert.deepEqual(r.json(), { error_code: 403, message: 'User not authorized.' });
      assert.equal(h.ws.users.has(OTHER), false);
    });

    it('are added as users on first call with a valid management token and this workspace id', async () => {
      const management = h.authority.issue('management', OTHER).token;
      // ARM ids are case-insensitive.
      const r = await h.call('GET', ME, { token, headers: headersFor(management, h.ws.resourceId.toLowerCase()) });
      assert.equal(r.status, 200);
      assert.equal(r.json().userName, OTHER);
      assert.equal(h.ws.users.get(OTHER)?.autoProvisioned, true);
      assert.equal(h.ws.requests[0]!.managementHeaders, true);

      const again = await h.call('GET', ME, { token });
      assert.equal(again.status, 200, 'once added, the headers are no longer needed');
      assert.equal(h.ws.requests[1]!.managementHeaders, false);
    });

    it('are refused when the management headers do not hold up', async () => {
      const cases: Array<[string, Record<string, string>]> = [
        ['a Databricks token as management token', headersFor(h.authority.issue('databricks', OTHER).token)],
        ['a management token of someone else', headersFor(h.authority.issue('management', SP).token)],
        ['another workspace', headersFor(h.authority.issue('management', OTHER).token, '/subscriptions/x/resourceGroups/y/providers/Microsoft.Databricks/workspaces/other')],
        ['only one of the two headers', { 'X-Databricks-Azure-Workspace-Resource-Id': h.ws.resourceId }],
      ];
      for (const [what, headers] of cases) {
        const r = await h.call('GET', ME, { token, headers });
        assert.equal(r.status, 403, what);
        assert.equal(r.json().error_code, 403, what);
      }
      assert.equal(h.ws.users.has(OTHER), false);
    });

    it('are refused when the principal may not manage the workspace resource', async () => {
      h.ws.mayAutoProvision = (subject) => subject !== OTHER;
      const r = await h.call('GET', ME, { token, headers: headersFor(h.authority.issue('management', OTHER).token) });
      assert.equal(r.status, 403);
      assert.match(String(r.json().message), /Contributor or Owner/);
    });
  });

  it('records header names but never header values', async () => {
    const management = h.authority.issue('management', SP).token;
    await h.call('GET', ME, { headers: { 'X-Databricks-Azure-SP-Management-Token': management, 'X-Databricks-Azure-Workspace-Resource-Id': h.ws.resourceId } });
    const rec = h.ws.requests[0]!;
    assert.ok(rec.headerNames.includes('authorization'));
    assert.ok(rec.headerNames.includes('x-databricks-azure-sp-management-token'));
    const dump = JSON.stringify(h.ws.requests);
    assert.ok(!dump.includes(h.token), 'bearer token leaked into the record');
    assert.ok(!dump.includes(management), 'management token leaked into the record');
  });
});
