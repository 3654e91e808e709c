import assert from 'node:assert/strict';
import { dataPlaneBase } from '../../../tasks/DatabricksDeployServing/src/smokeTest';

describe('DeployServing smoke test: the data-plane host of a route-optimized endpoint', () => {
  const ws = 'https://adb-1234567890123456.7.azuredatabricks.net';
  it('strips the invocations path and keeps Azure Databricks hosts', () => {
    assert.equal(dataPlaneBase('https://1234.5.serving.azuredatabricks.net/serving-endpoints/churn/invocations', ws), 'https://1234.5.serving.azuredatabricks.net');
    assert.equal(dataPlaneBase('https://1234.5.serving.azuredatabricks.net', ws), 'https://1234.5.serving.azuredatabricks.net');
    assert.equal(dataPlaneBase(`${ws}/route-optimized/abc/serving-endpoints/churn/invocations`, ws), `${ws}/route-optimized/abc`);
  });
  it('never sends the token to another host, or over http', () => {
    for (const url of [
      'https://evil.example.com/serving-endpoints/churn/invocations',
      'http://1234.serving.azuredatabricks.net',
      'https://azuredatabricks.net.evil.com',
      'not a url',
    ]) {
      const r = dataPlaneBase(url, ws);
      assert.equal(typeof r, 'object', url);
    }
  });
});
