/** ServicePrincipal with authenticationType spnKey: client secret. */
import type { TokenCredential } from '@azure/core-auth';
import type { ServicePrincipalSecretConnection } from '../serviceConnection';
import type { CredentialDeps } from './options';
import { authorityCredentialOptions } from './options';

export async function create(conn: ServicePrincipalSecretConnection, deps: Pick<CredentialDeps, 'http'>): Promise<TokenCredential> {
  const { ClientSecretCredential } = await import('@azure/identity');
  return new ClientSecretCredential(conn.tenantId, conn.clientId, conn.secret, authorityCredentialOptions(conn.authorityHost, deps.http));
}
