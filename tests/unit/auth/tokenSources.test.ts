/**
 * Caching, refresh, single flight and masking of the Entra tokens, with workload identity
 * federation against the fake Entra ID and Azure DevOps, counting requests at the fakes.
 */
import assert from 'node:assert/strict';
import { CancelledError } from '../../../shared/client/errors';
import type { AzureRmConnection } from '../../../shared/auth/serviceConnection';
import { ConnectionError, readAzureRmConnection } from '../../../shared/auth/serviceConnection';
import { createTokenSources, REFRESH_MARGIN_MS } from '../../../shared/auth/tokenSources';
import { createTokenCycler } from '../../../shared/client/tokenCycler';
import type { Clock } from '../../../shared/runtime/clock';
import { createClock } from '../../../shared/runtime/clock';
import type { ConnectionScheme } from '../../fake/azure';
import { FakeAzure, endpointReaderFromEnv } from '../../fake/azure';
import { nextSequence } from '../../fake/azureHttps';
import { secretSpy, undiciSend } from './support';

describe('auth/tokenSources', function () {
  let azure: FakeAzure;

  before(async () => {
    azure = await FakeAzure.start();
  });
  after(() => azure.close());
  afterEach(() => {
    azure.authority.lifetimesMs.databricks = 60 * 60_000;
  });

  const setup = (scheme: ConnectionScheme = 'WorkloadIdentityFederation', clock: Clock = createClock(1)) => {
    const { env, connectionId, clientId } = azure.connectionEnv(scheme);
    const conn = readAzureRmConnection(connectionId, endpointReaderFromEnv(env));
    const spy = secretSpy();
    const sources = createTokenSources(conn, { send: undiciSend(azure.ca.pem), http: { ca: azure.ca.pem }, setSecret: spy.setSecret, clock });
    const entraRequests = () => azure.entra.tokenRequests.filter((r) => r.clientId === clientId);
    const oidcRequests = () => azure.ado.oidcRequests.filter((r) => r.connectionId === connectionId);
    return { conn, spy, sources, entraRequests, oidcRequests };
  };

  it('presents a fresh OIDC token for every Entra token request', async () => {
    const { sources, entraRequests, oidcRequests } = setup();
    await sources.databricks.getToken();
    await sources.management.getToken();
    const entra = entraRequests();
    const oidc = oidcRequests();
    assert.equal(entra.length, 2);
    assert.equal(oidc.length, 2);
    assert.notEqual(entra[0]!.assertion, entra[1]!.assertion);
    // Each Entra request used the OIDC token issued just before it.
    for (const request of entra) {
      const issued = oidc.filter((o) => o.seq < request.seq).at(-1)!;
      assert.equal(request.assertion, issued.token);
    }
  });

  it('keeps one OIDC token per Entra request when audiences are fetched concurrently', async () => {
    const { sources, entraRequests, oidcRequests } = setup();
    await Promise.all([sources.databricks.getToken(), sources.management.getToken(), sources.arm.getToken()]);
    const assertions = entraRequests().map((r) => r.assertion);
    assert.equal(assertions.length, 3);
    assert.equal(new Set(assertions).size, 3);
    assert.equal(oidcRequests().length, 3);
  });

  it('answers from its cache without asking Azure DevOps or Entra again', async () => {
    const { sources, entraRequests, oidcRequests } = setup();
    const first = await sources.databricks.getToken();
    const again = await sources.databricks.getToken();
    const third = await sources.databricks.getToken();
    assert.equal(again.token, first.token);
    assert.equal(third.token, first.token);
    assert.equal(entraRequests().length, 1);
    assert.equal(oidcRequests().length, 1);
  });

  it('shares one request among concurrent callers and creates one credential for all audiences', async () => {
    const { sources, entraRequests, oidcRequests } = setup('ServicePrincipalSecret');
    const metadataBefore = azure.entra.metadataRequests;
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => sources.databricks.getToken()));
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    assert.equal(entraRequests().length, 1);
    await sources.arm.getToken();
    await sources.management.getToken();
    assert.equal(entraRequests().length, 3);
    // One credential (one MSAL application) resolves the authority metadata once.
    assert.equal(azure.entra.metadataRequests - metadataBefore, 1);
    assert.equal(oidcRequests().length, 0);
  });

  it('refreshes when fewer than 5 minutes of task time remain (scaled), with a new OIDC token', async () => {
    // Time scale 0.001: the 5-minute margin is 300 ms; tokens live 4 s (Entra states whole
    // seconds). The source reads the time from its clock, which the test sets: the second read
    // is at the same moment as the first, the third 50 ms inside the margin (however long the
    // machine took in between).
    azure.authority.lifetimesMs.databricks = 4_000;
    let now = Date.now();
    const clock = { ...createClock(0.001), now: () => now };
    const { sources, entraRequests, oidcRequests } = setup('WorkloadIdentityFederation', clock);
    const first = await sources.databricks.getToken();
    assert.equal((await sources.databricks.getToken()).token, first.token, 'still well before the margin');
    now = first.expiresOnTimestamp - 300 + 50;
    const refreshed = await sources.databricks.getToken();
    assert.notEqual(refreshed.token, first.token);
    assert.ok(azure.authority.verify(refreshed.token, 'databricks').ok);
    assert.equal(entraRequests().length, 2);
    assert.equal(oidcRequests().length, 2);
  });

  it('masks every minted token (OIDC and Entra) before it is used or returned', async () => {
    const { spy, sources, entraRequests, oidcRequests } = setup();
    const tokens = [await sources.databricks.getToken(), await sources.management.getToken(), await sources.arm.getToken()];
    const returnedAt = nextSequence();
    for (const t of tokens) {
      const seq = spy.seqOf(t.token);
      assert.ok(seq !== undefined && seq < returnedAt, 'access token masked before return');
    }
    for (const request of entraRequests()) {
      const seq = spy.seqOf(request.assertion!);
      assert.ok(seq !== undefined && seq < request.seq, 'OIDC token masked before it was sent to Entra');
    }
    assert.equal(spy.masked.length, tokens.length + oidcRequests().length);
  });

  it('lets a caller give up on a shared request without cancelling it for the others', async () => {
    const { sources, entraRequests } = setup('ServicePrincipalSecret');
    const controller = new AbortController();
    const abandoned = sources.databricks.getToken(controller.signal);
    const kept = sources.databricks.getToken();
    controller.abort();
    await assert.rejects(abandoned, CancelledError);
    assert.ok((await kept).token);
    assert.equal(entraRequests().length, 1);
    await assert.rejects(sources.databricks.getToken(AbortSignal.abort()), CancelledError);
  });

  it('tries again after a failure instead of caching it', async () => {
    let calls = 0;
    const source = createTokenCycler(
      async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
        return { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
      { clock: createClock(1) },
    );
    await assert.rejects(source.getToken(), /transient/);
    assert.equal((await source.getToken()).token, 't');
    assert.equal(calls, 2);
  });

  it('does not refetch a short-lived token on every call (refreshes at half its lifetime)', async () => {
    let calls = 0;
    const source = createTokenCycler(async () => ({ token: `t${++calls}`, expiresOnTimestamp: Date.now() + 60_000 }), {
      clock: createClock(1),
      refreshWindowMs: REFRESH_MARGIN_MS,
    });
    await source.getToken();
    await source.getToken();
    assert.equal(calls, 1);
  });

  it('explains that a cloud without a service-management endpoint cannot use the management token', async () => {
    const conn: AzureRmConnection = { ...setup('ServicePrincipalSecret').conn, managementEndpoint: undefined, environment: 'AzureStack' };
    const sources = createTokenSources(conn, { send: undiciSend(azure.ca.pem), http: { ca: azure.ca.pem }, setSecret: () => undefined, clock: createClock(1) });
    await assert.rejects(
      sources.management.getToken(),
      (e: unknown) => e instanceof ConnectionError && /activeDirectoryServiceEndpointResourceId.*Use workspaceUrl/.test(e.message),
    );
  });
});
