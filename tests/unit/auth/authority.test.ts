import assert from 'node:assert/strict';
import { DATABRICKS_SCOPE, armScope, resolveArmUrl, resolveAuthorityHost, resolveManagementEndpoint, scopeForResource } from '../../../shared/auth/authority';

describe('auth/authority', () => {
  it('picks the authority host of each known cloud by environment name (any case)', () => {
    assert.equal(resolveAuthorityHost({ environment: 'AzureCloud' }), 'https://login.microsoftonline.com');
    assert.equal(resolveAuthorityHost({ environment: 'azureusgovernment' }), 'https://login.microsoftonline.us');
    assert.equal(resolveAuthorityHost({ environment: 'AzureChinaCloud' }), 'https://login.chinacloudapi.cn');
  });

  it('prefers activeDirectoryAuthority, then environmentAuthorityUrl, over the environment', () => {
    assert.equal(
      resolveAuthorityHost({ environment: 'AzureCloud', activeDirectoryAuthority: 'https://login.sovereign.example/', environmentAuthorityUrl: 'https://old.example/' }),
      'https://login.sovereign.example',
    );
    assert.equal(resolveAuthorityHost({ environment: 'AzureCloud', activeDirectoryAuthority: '  ', environmentAuthorityUrl: 'https://adal.example//' }), 'https://adal.example');
  });

  it('uses the endpoint data for Azure Stack and falls back to the public cloud otherwise', () => {
    assert.equal(
      resolveAuthorityHost({ environment: 'AzureStack', activeDirectoryAuthority: 'https://adfs.local.azurestack.external/adfs/' }),
      'https://adfs.local.azurestack.external/adfs',
    );
    assert.equal(resolveAuthorityHost({ environment: 'AzureStack' }), 'https://login.microsoftonline.com');
    assert.equal(resolveAuthorityHost({}), 'https://login.microsoftonline.com');
  });

  it('gives the service-management endpoint per cloud, else the endpoint data, else none', () => {
    assert.equal(resolveManagementEndpoint('AzureCloud', undefined), 'https://management.core.windows.net/');
    assert.equal(resolveManagementEndpoint('AzureUSGovernment', 'ignored'), 'https://management.core.usgovcloudapi.net/');
    assert.equal(resolveManagementEndpoint('AzureChinaCloud', undefined), 'https://management.core.chinacloudapi.cn/');
    assert.equal(resolveManagementEndpoint('AzureStack', 'https://management.stack.local/1234'), 'https://management.stack.local/1234');
    assert.equal(resolveManagementEndpoint('AzureStack', undefined), undefined);
  });

  it('gives the ARM URL from ENDPOINT_URL, else per cloud, always ending with one slash', () => {
    assert.equal(resolveArmUrl('https://arm.example', 'AzureCloud'), 'https://arm.example/');
    assert.equal(resolveArmUrl(undefined, 'AzureChinaCloud'), 'https://management.chinacloudapi.cn/');
    assert.equal(resolveArmUrl('', 'AzureUSGovernment'), 'https://management.usgovcloudapi.net/');
    assert.equal(resolveArmUrl(undefined, undefined), 'https://management.azure.com/');
  });

  it('builds v2 scopes the way Entra expects them', () => {
    assert.equal(DATABRICKS_SCOPE, '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default');
    assert.equal(scopeForResource('https://management.core.windows.net/'), 'https://management.core.windows.net//.default');
    assert.equal(armScope('https://management.azure.com/'), 'https://management.azure.com/.default');
  });
});
