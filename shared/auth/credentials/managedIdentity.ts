/**
 * ManagedServiceIdentity: the identity of the machine running the agent (self-hosted agents
 * on Azure VMs, scale sets, App Service). No authority is involved: msal-node finds the
 * managed identity endpoint from the environment (IDENTITY_ENDPOINT/IDENTITY_HEADER, else
 * IMDS). Those endpoints are local, so no proxy is applied; the agent's CA still is.
 *
 * msal-node keeps the endpoint it found, and its token cache, in static fields: one managed
 * identity source per process, which is how a task runs.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ManagedIdentityConnection } from '../serviceConnection';
import type { CredentialDeps } from './options';
import { pipelineOptions } from './options';

export async function create(conn: ManagedIdentityConnection, deps: Pick<CredentialDeps, 'http'>): Promise<TokenCredential> {
  const { ManagedIdentityCredential } = await import('@azure/identity');
  const options = pipelineOptions(undefined, deps.http);
  return conn.msiClientId ? new ManagedIdentityCredential({ ...options, clientId: conn.msiClientId }) : new ManagedIdentityCredential(options);
}
