/**
 * The Azure DevOps OIDC token request, against the fake Azure DevOps over https: the plain POST
 * to System.OidcRequestUri, its retries, its errors, and the TaskApi fallback for agents that
 * do not set System.OidcRequestUri.
 */
import assert from 'node:assert/strict';
import type { OidcRequestContext } from '../../../shared/auth/oidc';
import { OidcTokenError, createOidcTokenFetcher } from '../../../shared/auth/oidc';
import { CancelledError, RequestError } from '../../../shared/client/errors';
import { answeringSend } from '../../../shared/client/pipeline';
import { createClock, type Clock } from '../../../shared/runtime/clock';
import { FakeAzure } from '../../fake/azure';
import { secretSpy, undiciSend } from './support';

/** A clock that records the back-off it is asked for instead of waiting. */
function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    ...createClock(1),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError();
      slept.push(ms);
    },
  };
}

describe('auth/oidc createOidcTokenFetcher', function () {
  let azure: FakeAzure;
  let send: ReturnType<typeof undiciSend>;
  const connectionId = 'd3b07384-d9a0-4c9b-8f0e-6b1c2a3e4f50';

  before(async () => {
    azure = await FakeAzure.start();
    azure.ado.registerServiceConnection(connectionId);
    send = undiciSend(azure.ca.pem);
  });
  after(() => azure.close());

  const context = (overrides: Partial<OidcRequestContext> = {}): OidcRequestContext => ({
    connectionId,
    accessToken: azure.ado.systemAccessToken,
    oidcRequestUri: azure.ado.oidcRequestUri,
    collectionUri: azure.ado.collectionUri,
    teamProjectId: azure.ado.projectId,
    hostType: azure.ado.hostType,
    planId: azure.ado.planId,
    jobId: azure.ado.jobId,
    ...overrides,
  });
  const requestsSince = (n: number) => azure.ado.oidcRequests.slice(n);

  it('POSTs {} to System.OidcRequestUri with api-version 7.1, the connection id and the job token', async () => {
    const spy = secretSpy();
    const fetchToken = createOidcTokenFetcher(context(), { send, setSecret: spy.setSecret, clock: recordingClock() });
    const before = send.sent.length;
    const token = await fetchToken();
    const request = send.sent[before]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url.origin + request.url.pathname, azure.ado.oidcRequestUri);
    assert.equal(request.url.searchParams.get('api-version'), '7.1');
    assert.equal(request.url.searchParams.get('serviceConnectionId'), connectionId);
    assert.equal(request.headers.get('authorization'), `Bearer ${azure.ado.systemAccessToken}`);
    assert.equal(request.headers.get('content-type'), 'application/json');
    assert.equal(request.headers.get('x-tfs-fedauthredirect'), 'Suppress');
    assert.equal(request.body, '{}');
    assert.equal(request.idempotent, false);
    const check = azure.authority.verify(token, 'oidc');
    assert.ok(check.ok);
    assert.equal(check.token.subject, azure.ado.subjectFor(connectionId));
    assert.deepEqual(
      spy.masked.map((m) => m.value),
      [token],
    );
  });

  it('fetches a new token on every call', async () => {
    const fetchToken = createOidcTokenFetcher(context(), { send, setSecret: () => undefined, clock: recordingClock() });
    const n = azure.ado.oidcRequests.length;
    const [a, b] = [await fetchToken(), await fetchToken()];
    assert.notEqual(a, b);
    assert.equal(requestsSince(n).length, 2);
  });

  it('retries 5xx answers three times with back-off, then succeeds', async () => {
    const clock = recordingClock();
    const fetchToken = createOidcTokenFetcher(context(), { send, setSecret: () => undefined, clock });
    const n = azure.ado.oidcRequests.length;
    azure.ado.failNextOidcRequests(3, 503);
    assert.ok(azure.authority.verify(await fetchToken(), 'oidc').ok);
    assert.deepEqual(
      requestsSince(n).map((r) => r.status),
      [503, 503, 503, 200],
    );
    assert.deepEqual(clock.slept, [2000, 4000, 6000]);
  });

  it('gives up after three retries with the last answer', async () => {
    const fetchToken = createOidcTokenFetcher(context(), { send, setSecret: () => undefined, clock: recordingClock() });
    const n = azure.ado.oidcRequests.length;
    azure.ado.failNextOidcRequests(4, 500);
    await assert.rejects(fetchToken(), (e: unknown) => e instanceof OidcTokenError && e.statusCode === 500 && /HTTP 500.*temporarily unavailable/.test(e.message));
    assert.equal(requestsSince(n).length, 4);
  });

  it('retries network failures', async () => {
    let failures = 1;
    const flaky = answeringSend((request) => (failures-- > 0 ? Promise.reject(new RequestError('ECONNRESET', 'socket hang up', request)) : send(request)));
    const clock = recordingClock();
    const fetchToken = createOidcTokenFetcher(context(), { send: flaky, setSecret: () => undefined, clock });
    assert.ok(azure.authority.verify(await fetchToken(), 'oidc').ok);
    assert.deepEqual(clock.slept, [2000]);
  });

  it('does not retry a rejected job token and says what it means', async () => {
    const fetchToken = createOidcTokenFetcher(context({ accessToken: 'not-the-job-token' }), { send, setSecret: () => undefined, clock: recordingClock() });
    const n = azure.ado.oidcRequests.length;
    await assert.rejects(fetchToken(), (e: unknown) => {
      assert.ok(e instanceof OidcTokenError);
      assert.equal(e.statusCode, 401);
      assert.match(e.message, /TF400813/);
      assert.match(e.message, /job access token was rejected/);
      assert.doesNotMatch(e.message, /not-the-job-token/);
      return true;
    });
    assert.equal(requestsSince(n).length, 1);
  });

  it('names the connection when Azure DevOps will not issue a token for it', async () => {
    const fetchToken = createOidcTokenFetcher(context({ connectionId: 'unknown-connection' }), { send, setSecret: () => undefined, clock: recordingClock() });
    await assert.rejects(
      fetchToken(),
      /service connection 'unknown-connection' \(HTTP 400\): Service connection 'unknown-connection' could not be found.*Check that the pipeline is authorized/,
    );
  });

  it('stops waiting when cancelled during back-off', async () => {
    const controller = new AbortController();
    const clock: Clock = { ...recordingClock(), sleep: async () => controller.abort() };
    azure.ado.failNextOidcRequests(1, 503);
    const fetchToken = createOidcTokenFetcher(context(), { send, setSecret: () => undefined, clock });
    await assert.rejects(fetchToken(controller.signal), CancelledError);
  });

  describe('without System.OidcRequestUri (TaskApi.createOidcToken)', () => {
    // azure-devops-node-api reads the agent's certificate settings from task-lib's globals;
    // this is how the agent's CA reaches it in a task, and how the test CA does here.
    const globals = globalThis as Record<string, unknown>;
    // The agent sets the Agent.CAInfo variable; task-lib reads it (and mirrors it in globals).
    before(() => {
      process.env.AGENT_CAINFO = azure.ca.file;
      globals._vsts_task_lib_cert = true;
      globals._vsts_task_lib_cert_ca = azure.ca.file;
    });
    after(() => {
      delete process.env.AGENT_CAINFO;
      delete globals._vsts_task_lib_cert;
      delete globals._vsts_task_lib_cert_ca;
    });

    it('looks up the OIDC token location and POSTs with the negotiated api-version', async () => {
      const spy = secretSpy();
      const fetchToken = createOidcTokenFetcher(context({ oidcRequestUri: undefined }), { send, setSecret: spy.setSecret, clock: recordingClock() });
      const n = azure.ado.oidcRequests.length;
      const sentBefore = send.sent.length;
      const token = await fetchToken();
      const check = azure.authority.verify(token, 'oidc');
      assert.ok(check.ok);
      assert.equal(check.token.subject, azure.ado.subjectFor(connectionId));
      assert.ok(azure.ado.locationRequests >= 1);
      assert.deepEqual(
        requestsSince(n).map((r) => [r.apiVersionFrom, r.status]),
        [['accept', 200]],
      );
      assert.equal(send.sent.length, sentBefore, 'the injected transport is not used on this path');
      assert.deepEqual(
        spy.masked.map((m) => m.value),
        [token],
      );
    });

    it('retries its 5xx answers too', async () => {
      const clock = recordingClock();
      const fetchToken = createOidcTokenFetcher(context({ oidcRequestUri: undefined }), { send, setSecret: () => undefined, clock });
      azure.ado.failNextOidcRequests(2, 503);
      assert.ok(azure.authority.verify(await fetchToken(), 'oidc').ok);
      assert.deepEqual(clock.slept, [2000, 4000]);
    });
  });
});
