/**
 * Reads the AzureRM service connection exactly as the agent hands it to a task
 * (ENDPOINT_AUTH_SCHEME_*, ENDPOINT_AUTH_PARAMETER_*, ENDPOINT_DATA_*, ENDPOINT_URL_*), through
 * task-lib so that vaulted values are found, and turns it into one typed value per scheme.
 * Nothing here talks to the network.
 */
import { resolveArmUrl, resolveAuthorityHost, resolveManagementEndpoint } from './authority';
import type { OidcRequestContext } from './oidc';
import { message } from '../runtime/messages';

/** The subset of azure-pipelines-task-lib used here; `tl` itself satisfies it. */
export interface EndpointReader {
  /** The whole authorization ({scheme, parameters}); unlike getEndpointAuthorizationParameter it does not debug-print values. */
  getEndpointAuthorization(id: string, optional: boolean): { parameters: { [key: string]: string }; scheme: string } | undefined;
  getEndpointAuthorizationScheme(id: string, optional: boolean): string | undefined;
  getEndpointAuthorizationParameter(id: string, key: string, optional: boolean): string | undefined;
  getEndpointDataParameter(id: string, key: string, optional: boolean): string | undefined;
  getEndpointUrl(id: string, optional: boolean): string | undefined;
  getVariable(name: string): string | undefined;
}

export type AzureRmScheme = 'WorkloadIdentityFederation' | 'ServicePrincipalSecret' | 'ServicePrincipalCertificate' | 'ManagedServiceIdentity';

interface ConnectionCommon {
  connectionId: string;
  /** Endpoint data `environment` (AzureCloud when absent). */
  environment: string;
  /** Entra ID authority host, no trailing slash. */
  authorityHost: string;
  /** Service-management resource (for the management-token header); undefined for clouds without one. */
  managementEndpoint?: string;
  /** Azure Resource Manager URL, ending with `/`. */
  armUrl: string;
  subscriptionId?: string;
}

export interface WorkloadIdentityConnection extends ConnectionCommon {
  scheme: 'WorkloadIdentityFederation';
  tenantId: string;
  clientId: string;
  /** Where and how to ask Azure DevOps for an OIDC token. */
  oidc: OidcRequestContext;
}

export interface ServicePrincipalSecretConnection extends ConnectionCommon {
  scheme: 'ServicePrincipalSecret';
  tenantId: string;
  clientId: string;
  secret: string;
}

export interface ServicePrincipalCertificateConnection extends ConnectionCommon {
  scheme: 'ServicePrincipalCertificate';
  tenantId: string;
  clientId: string;
  /** One PEM holding the CERTIFICATE and the PRIVATE KEY blocks. */
  certificatePem: string;
}

export interface ManagedIdentityConnection extends ConnectionCommon {
  scheme: 'ManagedServiceIdentity';
  /** Client id of a user-assigned identity; system-assigned when absent. */
  msiClientId?: string;
  tenantId?: string;
}

export type AzureRmConnection = WorkloadIdentityConnection | ServicePrincipalSecretConnection | ServicePrincipalCertificateConnection | ManagedIdentityConnection;

/** The connection is missing, incomplete or of a kind the tasks cannot use. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly connectionId: string,
    message: string,
  ) {
    super(message);
  }
}

const SYSTEM_CONNECTION = 'SystemVssConnection';

export function readAzureRmConnection(connectionId: string, reader: EndpointReader): AzureRmConnection {
  const id = connectionId.trim();
  if (!id) throw new ConnectionError(id, message('ConnectionNotGiven'));
  const param = authorizationParameters(id, reader);
  const auth = (key: string) => blankToUndefined(param(key));
  // A secret is passed on byte for byte: only a blank value counts as missing.
  const rawAuth = (key: string) => {
    const value = param(key);
    return value?.trim() ? value : undefined;
  };
  const data = (key: string) => blankToUndefined(reader.getEndpointDataParameter(id, key, true));

  const rawScheme = blankToUndefined(reader.getEndpointAuthorizationScheme(id, true));
  const url = blankToUndefined(reader.getEndpointUrl(id, true));
  if (rawScheme === undefined && url === undefined && auth('tenantid') === undefined) {
    throw new ConnectionError(id, message('ConnectionNotFound', id));
  }

  const environment = data('environment') ?? 'AzureCloud';
  const common: ConnectionCommon = {
    connectionId: id,
    environment,
    authorityHost: resolveAuthorityHost({
      environment,
      activeDirectoryAuthority: data('activeDirectoryAuthority'),
      environmentAuthorityUrl: data('environmentAuthorityUrl'),
    }),
    managementEndpoint: resolveManagementEndpoint(environment, data('activeDirectoryServiceEndpointResourceId')),
    armUrl: resolveArmUrl(url, environment),
    subscriptionId: data('subscriptionid'),
  };
  if (!common.authorityHost.toLowerCase().startsWith('https://')) {
    throw new ConnectionError(id, message('ConnectionAuthorityNotHttps', id, common.authorityHost));
  }

  const scheme = parseScheme(id, rawScheme, auth('authenticationType'));
  // What a parameter is, named in the error when it is missing (evaluated only then: the text is localizable).
  const required = (key: string, what: () => string, keepWhitespace = false): string => {
    const value = keepWhitespace ? rawAuth(key) : auth(key);
    if (value === undefined) throw new ConnectionError(id, message('ConnectionMissingParameter', id, scheme, what(), key));
    return value;
  };
  const tenant = () => message('ConnectionPartTenantId');
  const client = () => message('ConnectionPartClientId');

  switch (scheme) {
    case 'ManagedServiceIdentity':
      return { ...common, scheme, msiClientId: data('msiclientId'), tenantId: auth('tenantid') };
    case 'ServicePrincipalSecret':
      return {
        ...common,
        scheme,
        tenantId: required('tenantid', tenant),
        clientId: required('serviceprincipalid', client),
        secret: required('serviceprincipalkey', () => message('ConnectionPartClientSecret'), true),
      };
    case 'ServicePrincipalCertificate': {
      const tenantId = required('tenantid', tenant);
      const clientId = required('serviceprincipalid', client);
      const certificatePem = required('servicePrincipalCertificate', () => message('ConnectionPartCertificate'));
      if (!/-----BEGIN CERTIFICATE-----/.test(certificatePem) || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certificatePem)) {
        throw new ConnectionError(id, message('ConnectionCertificateNotPem', id, scheme));
      }
      return { ...common, scheme, tenantId, clientId, certificatePem };
    }
    case 'WorkloadIdentityFederation':
      return {
        ...common,
        scheme,
        tenantId: required('tenantid', tenant),
        clientId: required('serviceprincipalid', client),
        oidc: readOidcContext(id, scheme, reader),
      };
  }
}

function parseScheme(id: string, rawScheme: string | undefined, authenticationType: string | undefined): AzureRmScheme {
  switch ((rawScheme ?? 'ServicePrincipal').toLowerCase()) {
    case 'serviceprincipal': {
      const type = (authenticationType ?? 'spnKey').toLowerCase();
      if (type === 'spnkey') return 'ServicePrincipalSecret';
      if (type === 'spncertificate') return 'ServicePrincipalCertificate';
      throw new ConnectionError(id, message('ConnectionUnsupportedAuthenticationType', id, String(authenticationType)));
    }
    case 'workloadidentityfederation':
      return 'WorkloadIdentityFederation';
    case 'managedserviceidentity':
      return 'ManagedServiceIdentity';
    default:
      throw new ConnectionError(id, message('ConnectionUnsupportedScheme', id, String(rawScheme)));
  }
}

function readOidcContext(id: string, scheme: AzureRmScheme, reader: EndpointReader): OidcRequestContext {
  const accessToken = blankToUndefined(authorizationParameters(SYSTEM_CONNECTION, reader)('AccessToken'));
  if (accessToken === undefined) {
    throw new ConnectionError(id, message('ConnectionNoJobAccessToken', id, scheme));
  }
  const variable = (name: string) => blankToUndefined(reader.getVariable(name));
  const context: OidcRequestContext = {
    connectionId: id,
    accessToken,
    oidcRequestUri: variable('System.OidcRequestUri'),
    collectionUri: variable('System.CollectionUri') ?? variable('System.TeamFoundationCollectionUri'),
    teamProjectId: variable('System.TeamProjectId'),
    hostType: variable('System.HostType'),
    planId: variable('System.PlanId'),
    jobId: variable('System.JobId'),
  };
  if (!context.oidcRequestUri) {
    const missing = (['collectionUri', 'teamProjectId', 'hostType', 'planId', 'jobId'] as const).filter((k) => !context[k]);
    if (missing.length > 0) {
      throw new ConnectionError(id, message('ConnectionNoOidcVariables', id, scheme, missing.map(variableName).join(', ')));
    }
  }
  return context;
}

function variableName(key: 'collectionUri' | 'teamProjectId' | 'hostType' | 'planId' | 'jobId'): string {
  return { collectionUri: 'System.CollectionUri', teamProjectId: 'System.TeamProjectId', hostType: 'System.HostType', planId: 'System.PlanId', jobId: 'System.JobId' }[key];
}

function blankToUndefined(value: string | undefined | null): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/**
 * Reads authorization parameters from the endpoint's whole authorization object (keys compared
 * case-insensitively), because task-lib's getEndpointAuthorizationParameter writes each value it
 * returns to the debug log, and these values are secrets (client secret, certificate key, the
 * job's access token). Falls back to the per-parameter call only when the object is absent.
 */
function authorizationParameters(id: string, reader: EndpointReader): (key: string) => string | undefined {
  let parameters: Map<string, string> | undefined;
  try {
    const authorization = reader.getEndpointAuthorization(id, true);
    if (authorization?.parameters) parameters = new Map(Object.entries(authorization.parameters).map(([k, v]) => [k.toLowerCase(), v]));
  } catch {
    parameters = undefined;
  }
  return (key) => (parameters ? parameters.get(key.toLowerCase()) : reader.getEndpointAuthorizationParameter(id, key, true));
}
