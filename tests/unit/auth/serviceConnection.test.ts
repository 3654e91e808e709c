import assert from 'node:assert/strict';
import { ConnectionError, readAzureRmConnection } from '../../../shared/auth/serviceConnection';
import { endpointReaderFromEnv } from '../../fake/azure';

const ID = '6f1c2a0e-3b7d-4c55-9f0a-2d8e1b4c7a90';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = 'c0ffee00-1111-2222-3333-444455556666';

/** The variables the agent writes for an endpoint, plus the job's system variables. */
function agentEnv(scheme: string | undefined, params: Record<string, string>, data: Record<string, string> = {}, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    [`ENDPOINT_URL_${ID}`]: 'https://management.azure.com/',
    ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: 'system-access-token',
    SYSTEM_OIDCREQUESTURI: 'https://dev.azure.com/org/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken',
    ...extra,
  };
  if (scheme !== undefined) env[`ENDPOINT_AUTH_SCHEME_${ID}`] = scheme;
  for (const [k, v] of Object.entries(params)) env[`ENDPOINT_AUTH_PARAMETER_${ID}_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries({ environment: 'AzureCloud', subscriptionId: 'sub-1', ...data })) env[`ENDPOINT_DATA_${ID}_${k.toUpperCase()}`] = v;
  return env;
}

function read(env: Record<string, string>) {
  return readAzureRmConnection(ID, endpointReaderFromEnv(env));
}

function expectConnectionError(env: Record<string, string>, pattern: RegExp): void {
  assert.throws(
    () => read(env),
    (e: unknown) => {
      assert.ok(e instanceof ConnectionError, `expected ConnectionError, got ${String(e)}`);
      assert.equal(e.connectionId, ID);
      assert.match(e.message, pattern);
      assert.match(e.message, new RegExp(ID));
      return true;
    },
  );
}

describe('auth/serviceConnection readAzureRmConnection', () => {
  it('reads a workload identity federation connection with its OIDC context', () => {
    const conn = read(
      agentEnv(
        'WorkloadIdentityFederation',
        { tenantid: TENANT, serviceprincipalid: CLIENT },
        {},
        {
          SYSTEM_COLLECTIONURI: 'https://dev.azure.com/org/',
          SYSTEM_TEAMPROJECTID: 'proj',
          SYSTEM_HOSTTYPE: 'build',
          SYSTEM_PLANID: 'p',
          SYSTEM_JOBID: 'j',
        },
      ),
    );
    assert.equal(conn.scheme, 'WorkloadIdentityFederation');
    if (conn.scheme !== 'WorkloadIdentityFederation') return;
    assert.equal(conn.tenantId, TENANT);
    assert.equal(conn.clientId, CLIENT);
    assert.deepEqual(conn.oidc, {
      connectionId: ID,
      accessToken: 'system-access-token',
      oidcRequestUri: 'https://dev.azure.com/org/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken',
      collectionUri: 'https://dev.azure.com/org/',
      teamProjectId: 'proj',
      hostType: 'build',
      planId: 'p',
      jobId: 'j',
    });
    assert.equal(conn.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(conn.managementEndpoint, 'https://management.core.windows.net/');
    assert.equal(conn.armUrl, 'https://management.azure.com/');
    assert.equal(conn.subscriptionId, 'sub-1');
    assert.equal(conn.environment, 'AzureCloud');
  });

  it('compares scheme names case-insensitively', () => {
    assert.equal(read(agentEnv('workloadidentityfederation', { tenantid: TENANT, serviceprincipalid: CLIENT })).scheme, 'WorkloadIdentityFederation');
    assert.equal(read(agentEnv('MANAGEDSERVICEIDENTITY', {})).scheme, 'ManagedServiceIdentity');
    assert.equal(
      read(agentEnv('servicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'SPNKEY', serviceprincipalkey: 's' })).scheme,
      'ServicePrincipalSecret',
    );
  });

  it('reads a ServicePrincipal secret connection, keeping the secret byte for byte', () => {
    const conn = read(agentEnv('ServicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnKey', serviceprincipalkey: ' s3cr~et ' }));
    assert.equal(conn.scheme, 'ServicePrincipalSecret');
    if (conn.scheme === 'ServicePrincipalSecret') assert.equal(conn.secret, ' s3cr~et ');
  });

  it('treats a missing scheme as ServicePrincipal and a missing authenticationType as spnKey', () => {
    const conn = read(agentEnv(undefined, { tenantid: TENANT, serviceprincipalid: CLIENT, serviceprincipalkey: 'k' }));
    assert.equal(conn.scheme, 'ServicePrincipalSecret');
  });

  it('reads a ServicePrincipal certificate connection', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
    const conn = read(agentEnv('ServicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnCertificate', servicePrincipalCertificate: pem }));
    assert.equal(conn.scheme, 'ServicePrincipalCertificate');
    if (conn.scheme === 'ServicePrincipalCertificate') assert.equal(conn.certificatePem, pem.trim());
  });

  it('reads a managed identity connection with and without msiclientId', () => {
    const system = read(agentEnv('ManagedServiceIdentity', { tenantid: TENANT }));
    assert.equal(system.scheme, 'ManagedServiceIdentity');
    if (system.scheme === 'ManagedServiceIdentity') assert.equal(system.msiClientId, undefined);
    const user = read(agentEnv('ManagedServiceIdentity', {}, { msiclientId: 'user-assigned-id' }));
    if (user.scheme === 'ManagedServiceIdentity') assert.equal(user.msiClientId, 'user-assigned-id');
    else assert.fail('expected ManagedServiceIdentity');
  });

  it('uses the connection authority and the cloud of its environment', () => {
    const conn = read(agentEnv('ManagedServiceIdentity', {}, { environment: 'AzureUSGovernment', activeDirectoryAuthority: 'https://login.microsoftonline.us/' }, {}));
    assert.equal(conn.authorityHost, 'https://login.microsoftonline.us');
    assert.equal(conn.managementEndpoint, 'https://management.core.usgovcloudapi.net/');
    // ENDPOINT_URL wins over the environment's default ARM URL.
    assert.equal(conn.armUrl, 'https://management.azure.com/');
  });

  it('reads an Azure Stack connection from its endpoint data', () => {
    const env = agentEnv(
      'ServicePrincipal',
      { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnKey', serviceprincipalkey: 'k' },
      {
        environment: 'AzureStack',
        activeDirectoryAuthority: 'https://login.stack.contoso.local/',
        activeDirectoryServiceEndpointResourceId: 'https://management.stack.contoso.local/abc',
      },
      { [`ENDPOINT_URL_${ID}`]: 'https://management.stack.contoso.local' },
    );
    const conn = read(env);
    assert.equal(conn.authorityHost, 'https://login.stack.contoso.local');
    assert.equal(conn.managementEndpoint, 'https://management.stack.contoso.local/abc');
    assert.equal(conn.armUrl, 'https://management.stack.contoso.local/');
  });

  it('names the connection and what is missing', () => {
    expectConnectionError(agentEnv('ServicePrincipal', { serviceprincipalid: CLIENT, serviceprincipalkey: 'k' }), /tenant id \(authorization parameter tenantid\)/);
    expectConnectionError(
      agentEnv('ServicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnKey' }),
      /no client secret \(authorization parameter serviceprincipalkey\)/,
    );
    expectConnectionError(
      agentEnv('ServicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnKey', serviceprincipalkey: '   ' }),
      /no client secret/,
    );
    expectConnectionError(
      agentEnv('ServicePrincipal', { tenantid: TENANT, authenticationType: 'spnCertificate', servicePrincipalCertificate: 'x' }),
      /service principal \(client\) id/,
    );
    expectConnectionError(agentEnv('WorkloadIdentityFederation', { serviceprincipalid: CLIENT }), /WorkloadIdentityFederation\) has no tenant id/);
  });

  it('refuses a certificate without its private key', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expectConnectionError(
      agentEnv('ServicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnCertificate', servicePrincipalCertificate: pem }),
      /both the CERTIFICATE and the PRIVATE KEY/,
    );
  });

  it('refuses unsupported schemes and authentication types', () => {
    expectConnectionError(agentEnv('PublishProfile', { tenantid: TENANT }), /scheme 'PublishProfile', which these tasks do not support/);
    expectConnectionError(agentEnv('ServicePrincipal', { tenantid: TENANT, serviceprincipalid: CLIENT, authenticationType: 'spnWhatever' }), /authenticationType 'spnWhatever'/);
  });

  it('says when the agent gave no such connection', () => {
    expectConnectionError({}, /was not found.*authorized to use the connection/);
    assert.throws(() => readAzureRmConnection('  ', endpointReaderFromEnv({})), /input azureSubscription is empty/);
  });

  it('needs the job access token and a way to reach the OIDC endpoint for workload identity', () => {
    const base = agentEnv('WorkloadIdentityFederation', { tenantid: TENANT, serviceprincipalid: CLIENT });
    const noToken = { ...base };
    delete noToken.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN;
    expectConnectionError(noToken, /SystemVssConnection/);
    const noUri = { ...base };
    delete noUri.SYSTEM_OIDCREQUESTURI;
    expectConnectionError(
      { ...noUri, SYSTEM_COLLECTIONURI: 'https://dev.azure.com/org/', SYSTEM_PLANID: 'p' },
      /System\.OidcRequestUri is not set and neither are System\.TeamProjectId, System\.HostType, System\.JobId/,
    );
    const fallback = read({
      ...noUri,
      SYSTEM_COLLECTIONURI: 'https://dev.azure.com/org/',
      SYSTEM_TEAMPROJECTID: 'proj',
      SYSTEM_HOSTTYPE: 'build',
      SYSTEM_PLANID: 'p',
      SYSTEM_JOBID: 'j',
    });
    if (fallback.scheme === 'WorkloadIdentityFederation') assert.equal(fallback.oidc.oidcRequestUri, undefined);
    else assert.fail('expected WorkloadIdentityFederation');
  });

  it('refuses an http authority', () => {
    expectConnectionError(agentEnv('ManagedServiceIdentity', {}, { activeDirectoryAuthority: 'http://login.local/' }), /must use https/);
  });
});
