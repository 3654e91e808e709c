/**
 * ServicePrincipal with authenticationType spnCertificate. The connection holds one PEM with
 * the certificate and its private key; @azure/identity takes it in memory, so the key is
 * never written to disk (azure-arm-rest writes spnCert.pem; there is no need here).
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ServicePrincipalCertificateConnection } from '../serviceConnection';
import type { CredentialDeps } from './options';
import { authorityCredentialOptions } from './options';

export async function create(conn: ServicePrincipalCertificateConnection, deps: Pick<CredentialDeps, 'http'>): Promise<TokenCredential> {
  const { ClientCertificateCredential } = await import('@azure/identity');
  return new ClientCertificateCredential(conn.tenantId, conn.clientId, { certificate: conn.certificatePem }, authorityCredentialOptions(conn.authorityHost, deps.http));
}
