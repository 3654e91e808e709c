/**
 * WorkloadIdentityFederation: a client assertion that is a fresh Azure DevOps OIDC token.
 *
 * @azure/identity hands the callback to msal-node both in the application's configuration and
 * in the request, and msal-node calls it for each, so every getToken would fetch two OIDC
 * tokens (and it calls it even when answering from its cache). So acquisitions run one at a
 * time and the callback's token is shared within one acquisition only: each Entra token request
 * presents an OIDC token fetched for it, and no OIDC token outlives the acquisition. The task
 * caches the Entra tokens (tokenSources.ts), never the OIDC token.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { afterRequestSent } from '../../client/transport';
import { createOidcTokenFetcher } from '../oidc';
import type { WorkloadIdentityConnection } from '../serviceConnection';
import type { CredentialDeps } from './options';
import { authorityCredentialOptions } from './options';

export async function create(conn: WorkloadIdentityConnection, deps: CredentialDeps): Promise<TokenCredential> {
  const fetchOidcToken = createOidcTokenFetcher(conn.oidc, { ...deps, timeoutMs: deps.http.timeoutMs });
  // The credential is created when the first token is needed. The OIDC token for that first
  // acquisition is requested first, and @azure/identity (with msal-node, ~400 KiB:
  // tasks/<Name>/lazy/identity.js) is loaded while Azure DevOps answers: once the request has
  // been written, not before (loading blocks the event loop the request needs to go out).
  let prefetched: Promise<string> | undefined = fetchOidcToken();
  prefetched.catch(() => undefined); // a failure surfaces in the acquisition that uses it
  await afterRequestSent(originOf(conn.oidc.oidcRequestUri), prefetched);
  const { ClientAssertionCredential } = await import('@azure/identity');
  let assertion: Promise<string> | undefined;
  const credential = new ClientAssertionCredential(conn.tenantId, conn.clientId, () => (assertion ??= fetchOidcToken()), authorityCredentialOptions(conn.authorityHost, deps.http));

  let previous: Promise<unknown> = Promise.resolve();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const acquire = async () => {
        assertion = prefetched;
        prefetched = undefined;
        try {
          return await credential.getToken(scopes, options);
        } finally {
          assertion = undefined;
        }
      };
      const result = previous.then(acquire, acquire);
      previous = result.catch(() => undefined);
      return result;
    },
  };
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined; // the request fails on it, in the acquisition that uses it
  }
}
