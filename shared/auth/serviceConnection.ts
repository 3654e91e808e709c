/**
 * Reads the AzureRM service connection exactly as the agent hands it to a task
 * (ENDPOINT_AUTH_SCHEME_*, ENDPOINT_AUTH_PARAMETER_*, ENDPOINT_DATA_*, ENDPOINT_URL_*), through
 * task-lib so that vaulted values are found, and turns it into one typed value per scheme.
 * Nothing here talks to the network.
 */
import { resolveArmUrl, resolveAuthorityHost, resolveManagementEndpoint } from './authority';
import type { OidcRequestContext } from './oidc';

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
  if (!id) throw new ConnectionError(id, 'No Azure Resource Manager service connection was given (input azureSubscription is empty).');
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
    throw new ConnectionError(
      id,
      `Service connection '${id}' was not found: the agent gave the task no endpoint with this id. Check the azureSubscription input and that this pipeline is authorized to use the connection.`,
    );
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
    throw new ConnectionError(id, `Service connection '${id}' has authority '${common.authorityHost}': Entra ID authorities must use https.`);
  }

  const scheme = parseScheme(id, rawScheme, auth('authenticationType'));
  const describe = `Service connection '${id}' (${scheme})`;
  const required = (key: string, what: string, keepWhitespace = false): string => {
    const value = keepWhitespace ? rawAuth(key) : auth(key);
    if (value === undefined) throw new ConnectionError(id, `${describe} has no ${what} (authorization parameter ${key}).`);
    return value;
  };

  switch (scheme) {
    case 'ManagedServiceIdentity':
      return { ...common, scheme, msiClientId: data('msiclientId'), tenantId: auth('tenantid') };
    case 'ServicePrincipalSecret':
      return {
        ...common,
        scheme,
        tenantId: required('tenantid', 'tenant id'),
        clientId: required('serviceprincipalid', 'service principal (client) id'),
        secret: required('serviceprincipalkey', 'client secret', true),
      };
    case 'ServicePrincipalCertificate': {
      const tenantId = required('tenantid', 'tenant id');
      const clientId = required('serviceprincipalid', 'service principal (client) id');
      const certificatePem = required('servicePrincipalCertificate', 'certificate');
      if (!/-----BEGIN CERTIFICATE-----/.test(certificatePem) || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certificatePem)) {
        throw new ConnectionError(id, `${describe}: the certificate must be one PEM holding both the CERTIFICATE and the PRIVATE KEY blocks.`);
      }
      return { ...common, scheme, tenantId, clientId, certificatePem };
    }
    case 'WorkloadIdentityFederation':
      return {
        ...common,
        scheme,
        tenantId: required('tenantid', 'tenant id'),
        clientId: required('serviceprincipalid', 'service principal (client) id'),
        oidc: readOidcContext(id, describe, reader),
      };
  }
}

function parseScheme(id: string, rawScheme: string | undefined, authenticationType: string | undefined): AzureRmScheme {
  switch ((rawScheme ?? 'ServicePrincipal').toLowerCase()) {
    case 'serviceprincipal': {
      const type = (authenticationType ?? 'spnKey').toLowerCase();
      if (type === 'spnkey') return 'ServicePrincipalSecret';
      if (type === 'spncertificate') return 'ServicePrincipalCertificate';
      throw new ConnectionError(
        id,
        `Service connection '${id}' uses the ServicePrincipal scheme with authenticationType '${authenticationType}'; only spnKey and spnCertificate are supported.`,
      );
    }
    case 'workloadidentityfederation':
      return 'WorkloadIdentityFederation';
    case 'managedserviceidentity':
      return 'ManagedServiceIdentity';
    default:
      throw new ConnectionError(
        id,
        `Service connection '${id}' uses the authentication scheme '${rawScheme}', which these tasks do not support. Use an Azure Resource Manager connection with workload identity federation, a service principal (secret or certificate) or a managed identity.`,
      );
  }
}

function readOidcContext(id: string, describe: string, reader: EndpointReader): OidcRequestContext {
  const accessToken = blankToUndefined(authorizationParameters(SYSTEM_CONNECTION, reader)('AccessToken'));
  if (accessToken === undefined) {
    throw new ConnectionError(
      id,
      `${describe} needs the job's access token to get an OIDC token, but the agent gave none (endpoint SystemVssConnection). Run the task inside an Azure Pipelines job.`,
    );
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
      throw new ConnectionError(id, `${describe} cannot request an OIDC token: System.OidcRequestUri is not set and neither are ${missing.map(variableName).join(', ')}.`);
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
