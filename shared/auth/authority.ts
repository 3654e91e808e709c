/**
 * Per-cloud constants and the rules that pick the Entra ID authority host, the
 * service-management resource and the ARM URL for a service connection. Pure functions:
 * everything comes from the connection's endpoint data.
 */

/** The Azure Databricks first-party application (same id in public, US Gov and China clouds). */
export const DATABRICKS_RESOURCE_ID = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d';
export const DATABRICKS_SCOPE = `${DATABRICKS_RESOURCE_ID}/.default`;

export interface CloudConstants {
  authorityHost: string;
  /** The classic service-management resource (audience of X-Databricks-Azure-SP-Management-Token). */
  managementEndpoint: string;
  /** Azure Resource Manager. */
  armUrl: string;
}

/** Keyed by the lower-cased `environment` endpoint data value the agent gives. */
const KNOWN_CLOUDS: Readonly<Record<string, CloudConstants>> = {
  azurecloud: {
    authorityHost: 'https://login.microsoftonline.com',
    managementEndpoint: 'https://management.core.windows.net/',
    armUrl: 'https://management.azure.com/',
  },
  azureusgovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    managementEndpoint: 'https://management.core.usgovcloudapi.net/',
    armUrl: 'https://management.usgovcloudapi.net/',
  },
  azurechinacloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    managementEndpoint: 'https://management.core.chinacloudapi.cn/',
    armUrl: 'https://management.chinacloudapi.cn/',
  },
};

export const PUBLIC_CLOUD: CloudConstants = KNOWN_CLOUDS.azurecloud;

export function knownCloud(environment: string | undefined): CloudConstants | undefined {
  return environment ? KNOWN_CLOUDS[environment.trim().toLowerCase()] : undefined;
}

export interface AuthorityInputs {
  environment?: string;
  /** Endpoint data `activeDirectoryAuthority` (the key azure-arm-rest reads in MSAL mode). */
  activeDirectoryAuthority?: string;
  /** Endpoint data `environmentAuthorityUrl` (ADAL era). */
  environmentAuthorityUrl?: string;
}

/**
 * The authority host: the connection's own authority first (so Azure Stack, sovereign and
 * private clouds work), else the well-known host of its environment, else the public cloud
 * (azure-arm-rest's fallback). Trailing slashes are dropped; msal-node requires https.
 */
export function resolveAuthorityHost(inputs: AuthorityInputs): string {
  const explicit = nonEmpty(inputs.activeDirectoryAuthority) ?? nonEmpty(inputs.environmentAuthorityUrl);
  const host = explicit ?? (knownCloud(inputs.environment) ?? PUBLIC_CLOUD).authorityHost;
  return trimTrailingSlashes(host);
}

/**
 * The service-management resource for the management-token header. Known clouds use their
 * constant; others (Azure Stack, private clouds) the endpoint data
 * `activeDirectoryServiceEndpointResourceId`. Undefined when neither exists.
 */
export function resolveManagementEndpoint(environment: string | undefined, serviceEndpointResourceId: string | undefined): string | undefined {
  return knownCloud(environment)?.managementEndpoint ?? nonEmpty(serviceEndpointResourceId);
}

/** ARM: the connection's URL (ENDPOINT_URL), else the environment's constant, else public. Ends with `/`. */
export function resolveArmUrl(endpointUrl: string | undefined, environment: string | undefined): string {
  const url = nonEmpty(endpointUrl) ?? (knownCloud(environment) ?? PUBLIC_CLOUD).armUrl;
  return `${trimTrailingSlashes(url)}/`;
}

/**
 * v2 scope of a v1 resource: resource + `/.default`. A resource ending in `/` keeps it, which
 * gives the documented `https://management.core.windows.net//.default` (token audience
 * `https://management.core.windows.net/`).
 */
export function scopeForResource(resource: string): string {
  return `${resource}/.default`;
}

/** ARM scope: the ARM URL without its trailing slash, plus `/.default`. */
export function armScope(armUrl: string): string {
  return scopeForResource(trimTrailingSlashes(armUrl));
}

export function trimTrailingSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
