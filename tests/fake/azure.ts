/**
 * The fake Azure around a workspace: Entra ID, Azure DevOps (OIDC), a managed identity
 * endpoint and ARM, all https with the test certificates and one shared FakeTokenAuthority.
 * `connectionEnv()` produces exactly the environment the agent gives a task for an AzureRM
 * service connection of each scheme, with the matching app, identity or federated credential
 * registered. FakeCloud (cloud.ts) adds the Databricks workspace.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EndpointReader } from '../../shared/auth/serviceConnection';
import { FakeAzureDevOps } from './ado';
import { FakeArm } from './arm';
import { clientCertificatePem, testCertificates } from './certs';
import { FakeEntra } from './entra';
import { FakeManagedIdentity } from './managedIdentity';
import { FakeTokenAuthority } from './tokens';

export type ConnectionScheme = 'WorkloadIdentityFederation' | 'ServicePrincipalSecret' | 'ServicePrincipalCertificate' | 'ManagedServiceIdentity';

export interface FakeAzureOptions {
  /** Tenant of the apps registered by connectionEnv (default: a random GUID). */
  tenantId?: string;
  /** Azure DevOps organization name (default fakeorg). */
  organization?: string;
}

export interface ConnectionEnvOptions {
  /** Lower-case GUID by default, as the agent writes it. */
  connectionId?: string;
  /** App (client) id; random by default. For ManagedServiceIdentity: a user-assigned identity's client id (msiclientId). */
  clientId?: string;
  /** The secret the connection holds (ServicePrincipalSecret); random by default. */
  secret?: string;
  /** The secret Entra expects, when it should differ from the connection's (wrong-secret tests). */
  registeredSecret?: string;
  /** PEM with certificate and key (ServicePrincipalCertificate); a test certificate by default. */
  certificatePem?: string;
  /** Endpoint data `environment` (default AzureCloud). The authority always points at the fake Entra. */
  environment?: string;
  /** Which endpoint data key carries the fake authority (default activeDirectoryAuthority). */
  authorityKey?: 'activeDirectoryAuthority' | 'environmentAuthorityUrl';
  subscriptionId?: string;
  /** Leave out SYSTEM_OIDCREQUESTURI (older agents), so TaskApi.createOidcToken is used. */
  omitOidcRequestUri?: boolean;
  /** Leave the app unregistered in Entra (or the connection unauthorized in ADO). */
  unregistered?: boolean;
}

export interface ConnectionEnv {
  env: Record<string, string>;
  connectionId: string;
  /** The principal's id: app id, or the managed identity's client id (the token subject). */
  clientId: string;
  tenantId: string;
}

export class FakeAzure {
  readonly authority = new FakeTokenAuthority();
  readonly tenantId: string;
  readonly entra: FakeEntra;
  readonly ado: FakeAzureDevOps;
  readonly msi: FakeManagedIdentity;
  readonly arm: FakeArm;

  protected constructor(opts: FakeAzureOptions = {}) {
    const tls = testCertificates();
    const common = { authority: this.authority, tls: { cert: tls.certPem, key: tls.keyPem } };
    this.tenantId = opts.tenantId ?? randomUUID();
    this.entra = new FakeEntra(common);
    this.ado = new FakeAzureDevOps({ ...common, organization: opts.organization });
    this.msi = new FakeManagedIdentity(common);
    this.arm = new FakeArm(common);
  }

  static async start(opts?: FakeAzureOptions): Promise<FakeAzure> {
    const azure = new FakeAzure(opts);
    await azure.startServices();
    return azure;
  }

  protected async startServices(): Promise<void> {
    await Promise.all([this.entra.start(), this.ado.start(), this.msi.start(), this.arm.start()]);
    this.entra.addArmResource(this.arm.url);
    this.msi.addArmResource(this.arm.url);
  }

  async close(): Promise<void> {
    await Promise.all([this.entra.close(), this.ado.close(), this.msi.close(), this.arm.close()]);
  }

  /** The CA file tasks trust (NODE_EXTRA_CA_CERTS) and its PEM (HttpSettings.ca in-process). */
  get ca(): { file: string; pem: string } {
    const certs = testCertificates();
    return { file: certs.caFile, pem: certs.caPem };
  }

  connectionEnv(scheme: ConnectionScheme, opts: ConnectionEnvOptions = {}): ConnectionEnv {
    const id = opts.connectionId ?? randomUUID();
    const tenantId = this.tenantId;
    const clientId = opts.clientId ?? (scheme === 'ManagedServiceIdentity' ? this.msi.systemAssignedClientId : randomUUID());
    const params: Record<string, string> = {};
    let authScheme: string;

    switch (scheme) {
      case 'ServicePrincipalSecret': {
        const secret = opts.secret ?? `fake-secret-${randomBytes(12).toString('base64url')}`;
        if (!opts.unregistered) this.entra.registerApp({ tenantId, clientId, secret: opts.registeredSecret ?? secret });
        authScheme = 'ServicePrincipal';
        Object.assign(params, { tenantid: tenantId, serviceprincipalid: clientId, authenticationType: 'spnKey', serviceprincipalkey: secret });
        break;
      }
      case 'ServicePrincipalCertificate': {
        const pem = opts.certificatePem ?? clientCertificatePem().pem;
        if (!opts.unregistered) this.entra.registerApp({ tenantId, clientId, certificatePem: pem });
        authScheme = 'ServicePrincipal';
        Object.assign(params, { tenantid: tenantId, serviceprincipalid: clientId, authenticationType: 'spnCertificate', servicePrincipalCertificate: pem });
        break;
      }
      case 'WorkloadIdentityFederation': {
        if (!opts.unregistered) {
          const subject = this.ado.registerServiceConnection(id);
          this.entra.registerApp({ tenantId, clientId, federatedSubject: subject });
        }
        authScheme = 'WorkloadIdentityFederation';
        Object.assign(params, { tenantid: tenantId, serviceprincipalid: clientId });
        break;
      }
      case 'ManagedServiceIdentity': {
        if (opts.clientId && !opts.unregistered) this.msi.registerUserAssigned(opts.clientId);
        authScheme = 'ManagedServiceIdentity';
        Object.assign(params, { tenantid: tenantId });
        break;
      }
    }

    const data: Record<string, string> = {
      environment: opts.environment ?? 'AzureCloud',
      subscriptionId: opts.subscriptionId ?? '00000000-0000-0000-0000-000000000000',
      subscriptionName: 'Fake subscription',
      [opts.authorityKey ?? 'activeDirectoryAuthority']: `${this.entra.url}/`,
      scopeLevel: 'Subscription',
    };
    if (scheme === 'ManagedServiceIdentity' && opts.clientId) data.msiclientId = opts.clientId;

    const env: Record<string, string> = {
      [`ENDPOINT_URL_${id}`]: `${this.arm.url}/`,
      [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ parameters: params, scheme: authScheme }),
      [`ENDPOINT_AUTH_SCHEME_${id}`]: authScheme,
      [`ENDPOINT_DATA_${id}`]: JSON.stringify(data),
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: this.ado.systemAccessToken }, scheme: 'OAuth' }),
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: this.ado.systemAccessToken,
      ENDPOINT_URL_SYSTEMVSSCONNECTION: this.ado.collectionUri,
      SYSTEM_COLLECTIONURI: this.ado.collectionUri,
      SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: this.ado.collectionUri,
      SYSTEM_TEAMPROJECTID: this.ado.projectId,
      SYSTEM_TEAMPROJECT: this.ado.projectName,
      SYSTEM_HOSTTYPE: this.ado.hostType,
      SYSTEM_PLANID: this.ado.planId,
      SYSTEM_JOBID: this.ado.jobId,
      NODE_EXTRA_CA_CERTS: this.ca.file,
    };
    for (const [key, value] of Object.entries(params)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
    for (const [key, value] of Object.entries(data)) env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
    if (!opts.omitOidcRequestUri) env.SYSTEM_OIDCREQUESTURI = this.ado.oidcRequestUri;
    if (scheme === 'ManagedServiceIdentity') {
      env.IDENTITY_ENDPOINT = this.msi.identityEndpoint;
      env.IDENTITY_HEADER = this.msi.identityHeader;
    }
    return { env, connectionId: id, clientId, tenantId };
  }
}

/**
 * Reads an agent environment the way task-lib does: authorization scheme and parameters
 * case-insensitively (task-lib's vault lower-cases names), endpoint data and URL by exact id
 * with the key upper-cased, variables with dots and spaces as underscores, upper-cased.
 */
export function endpointReaderFromEnv(env: Record<string, string | undefined>): EndpointReader {
  const lower = new Map(Object.entries(env).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    getEndpointAuthorization: (id) => {
      const json = lower.get(`endpoint_auth_${id}`.toLowerCase());
      return json ? (JSON.parse(json) as { parameters: Record<string, string>; scheme: string }) : undefined;
    },
    getEndpointAuthorizationScheme: (id) => lower.get(`endpoint_auth_scheme_${id}`.toLowerCase()),
    getEndpointAuthorizationParameter: (id, key) => lower.get(`endpoint_auth_parameter_${id}_${key}`.toLowerCase()),
    getEndpointDataParameter: (id, key) => env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`],
    getEndpointUrl: (id) => env[`ENDPOINT_URL_${id}`],
    getVariable: (name) => env[name.replace(/[. ]/g, '_').toUpperCase()],
  };
}
