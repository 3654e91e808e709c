/**
 * Entra ID tokens for the three audiences the tasks call: Azure Databricks, the classic
 * service-management endpoint (X-Databricks-Azure-SP-Management-Token) and ARM. One credential
 * per connection, created on first use; each audience caches its token, refreshes it when
 * fewer than 5 minutes (task time) remain, and lets concurrent callers share one request.
 * Every token is handed to setSecret before any caller sees it.
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { HttpSettings } from '../client/httpSettings';
import { createTokenCycler, type TokenCycler, type TokenSource } from '../client/tokenCycler';
import type { AnsweringSend } from '../client/pipeline';
import type { Clock } from '../runtime/clock';
import { DATABRICKS_SCOPE, armScope, scopeForResource } from './authority';
import * as managedIdentity from './credentials/managedIdentity';
import type { CredentialDeps } from './credentials/options';
import * as servicePrincipalCertificate from './credentials/servicePrincipalCertificate';
import * as servicePrincipalSecret from './credentials/servicePrincipalSecret';
import * as workloadIdentity from './credentials/workloadIdentity';
import type { AzureRmConnection } from './serviceConnection';
import { ConnectionError } from './serviceConnection';
import { message } from '../runtime/messages';

export type { AccessToken as AccessTokenValue, TokenSource } from '../client/tokenCycler';

export interface TokenSources {
  databricks: TokenCycler;
  management: TokenSource;
  arm: TokenCycler;
}

export interface TokenSourceDeps {
  /** For the Azure DevOps OIDC request: every answer resolves, whatever its status. */
  send: AnsweringSend;
  http: HttpSettings;
  setSecret(value: string): void;
  clock: Clock;
  debug?(message: string): void;
}

/** Entra ID (or the managed identity endpoint) did not give a token. */
export class TokenAcquisitionError extends Error {
  override readonly name = 'TokenAcquisitionError';
}

/** Refresh this long (task time) before expiry; Databricks rejects tokens with ≤ 30 s left. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export function createTokenSources(conn: AzureRmConnection, deps: TokenSourceDeps): TokenSources {
  let credential: Promise<TokenCredential> | undefined;
  const getCredential = (): Promise<TokenCredential> =>
    (credential ??= createCredential(conn, deps).catch((e: unknown) => {
      credential = undefined;
      throw e;
    }));

  const source = (scope: string, audience: string): TokenCycler =>
    createTokenCycler(
      async () => {
        let token: AccessToken | null;
        try {
          // No abort signal: the request is shared by every waiting caller (each one can still give up).
          token = await (await getCredential()).getToken(scope);
        } catch (e) {
          if (e instanceof ConnectionError) throw e;
          const reason = e instanceof Error ? e.message : String(e);
          throw new TokenAcquisitionError(message('TokenAcquisitionFailed', audience, conn.connectionId, conn.scheme, reason, hintFor(reason, conn)), { cause: e });
        }
        if (!token?.token) throw new TokenAcquisitionError(message('TokenNotReturned', conn.connectionId, conn.scheme, audience));
        deps.setSecret(token.token);
        deps.debug?.(`Entra ID token for ${audience} acquired; it expires at ${new Date(token.expiresOnTimestamp).toISOString()}`);
        return { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
      },
      { clock: deps.clock, refreshWindowMs: REFRESH_MARGIN_MS },
    );

  const managementEndpoint = conn.managementEndpoint;
  return {
    databricks: source(DATABRICKS_SCOPE, 'Azure Databricks'),
    management: managementEndpoint
      ? source(scopeForResource(managementEndpoint), 'Azure service management')
      : {
          getToken: () => Promise.reject(new ConnectionError(conn.connectionId, message('ConnectionNoManagementEndpoint', conn.connectionId, conn.environment))),
        },
    arm: source(armScope(conn.armUrl), 'Azure Resource Manager'),
  };
}

/** msal-node's codes say little to a pipeline author; add what usually causes them. */
function hintFor(reason: string, conn: AzureRmConnection): string {
  if (/endpoints_resolution_error/.test(reason)) {
    return ` ${message('TokenHintAuthorityUnreachable', conn.authorityHost)}`;
  }
  return '';
}

function createCredential(conn: AzureRmConnection, deps: CredentialDeps): Promise<TokenCredential> {
  switch (conn.scheme) {
    case 'WorkloadIdentityFederation':
      return workloadIdentity.create(conn, deps);
    case 'ServicePrincipalSecret':
      return servicePrincipalSecret.create(conn, deps);
    case 'ServicePrincipalCertificate':
      return servicePrincipalCertificate.create(conn, deps);
    case 'ManagedServiceIdentity':
      return managedIdentity.create(conn, deps);
  }
}
