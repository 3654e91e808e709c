import assert from 'node:assert/strict';
import { explainAuthFailure } from '../../../shared/auth/diagnostics';

const explain = (status: number, code: string, message: string, path: string, usedManagementHeaders = false, method?: string) =>
  explainAuthFailure(status, code, message, { path, usedManagementHeaders, method });

describe('auth/diagnostics explainAuthFailure', () => {
  it('says nothing for statuses other than 401 and 403', () => {
    assert.equal(explain(404, 'RESOURCE_DOES_NOT_EXIST', 'nope', '/api/2.0/serving-endpoints/x'), undefined);
    assert.equal(explain(500, 'INTERNAL_ERROR', 'boom', '/api/2.0/serving-endpoints/x'), undefined);
  });

  it('explains a principal that is not a workspace user, suggesting workspaceResourceId', () => {
    const hint = explain(403, '403', 'User not authorized.', '/api/2.1/unity-catalog/models/a.b.c');
    assert.match(hint!, /not a user of this workspace/);
    assert.match(hint!, /workspaceResourceId/);
    assert.match(hint!, /Contributor/);
    assert.match(hint!, /workspace settings/);
  });

  it('explains the failed auto-add when the management headers were already sent', () => {
    const hint = explain(403, '403', 'User not authorized. The principal has no Contributor or Owner role on the workspace.', '/api/2.0/serving-endpoints', true);
    assert.match(hint!, /did not add it automatically/);
    assert.match(hint!, /Contributor \(or Owner\) role on the workspace resource/);
    assert.doesNotMatch(hint!, /set workspaceResourceId/);
  });

  it('treats an unexplained 401 as a principal the workspace does not know', () => {
    assert.match(explain(401, 'UNAUTHENTICATED', 'Unauthorized', '/api/2.0/mlflow/runs/get')!, /not a user of this workspace/);
  });

  it('explains expired and invalid tokens', () => {
    assert.match(explain(401, '401', 'Token is expired.', '/api/2.0/mlflow/runs/get')!, /expired or invalid/);
    assert.match(explain(403, '403', 'Invalid access token.', '/api/2.0/mlflow/runs/get')!, /expired or invalid/);
  });

  it('says that setting or deleting an alias needs ownership of the model', () => {
    for (const [method, path] of [
      ['PUT', '/api/2.1/unity-catalog/models/main.ml.churn/aliases/champion'],
      ['DELETE', '/api/2.1/unity-catalog/models/main.ml.churn/aliases/champion'],
      ['POST', '/api/2.0/mlflow/registered-models/alias'],
    ] as const) {
      assert.match(
        explain(403, 'PERMISSION_DENIED', 'User does not have MANAGE on Model', path, false, method)!,
        /requires ownership of the registered model/,
        `${method} ${path}`,
      );
    }
    // Reading a version by alias is not an alias change.
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.1/unity-catalog/models/main.ml.churn/aliases/champion', false, 'GET')!, /USE CATALOG.*CREATE MODEL VERSION/);
  });

  it('names the Unity Catalog privileges by what the path touches', () => {
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.0/mlflow/unity-catalog/model-versions/create')!, /USE CATALOG.*USE SCHEMA.*CREATE MODEL VERSION/);
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.0/serving-endpoints/churn/config')!, /CAN MANAGE on the endpoint.*CREATE TABLE/);
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.1/unity-catalog/tables/main.ml.t/monitor')!, /own the monitored table.*CREATE TABLE on the output schema/);
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/data-quality/v1/monitors')!, /monitor/);
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.0/sql/statements')!, /CAN USE on the SQL warehouse/);
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.0/mlflow/runs/get')!, /CAN READ on the experiment/);
    assert.match(explain(403, 'PERMISSION_DENIED', 'denied', '/api/2.0/clusters/list')!, /lacks a permission for \/api\/2\.0\/clusters\/list/);
  });
});
