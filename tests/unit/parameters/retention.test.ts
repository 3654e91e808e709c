import * as assert from 'node:assert/strict';
import { buildParameters } from '../../../tasks/DatabricksDeployServing/src/parameters';
import { retentionJobSettings, retentionSql } from '../../../tasks/DatabricksDeployServing/src/retention';
import { build, CONNECTION, expectError, useTempDir, writeFile } from './support';

const BASE = { ...CONNECTION, endpointName: 'churn-scoring', modelName: 'main.ml.churn_model', modelVersion: '3', inferenceCatalog: 'main', inferenceSchema: 'ml_logs' };

describe('DeployServing inference retention parameters and SQL', () => {
  const dir = useTempDir();

  it('is off by default (applied in code) and read from inferenceTable.retentionDays', () => {
    assert.equal(build(buildParameters, BASE).inferenceRetentionDays, 0);
    const configFile = writeFile(dir(), 'mlops.yml', 'environments:\n  dev:\n    inferenceTable:\n      retentionDays: 90\n');
    const p = build(buildParameters, { ...BASE, configFile, warehouseId: 'abc123' });
    assert.equal(p.inferenceRetentionDays, 90);
    assert.equal(p.warehouseId, 'abc123');
    // 0 on the step turns it off although the file says 90.
    assert.equal(build(buildParameters, { ...BASE, configFile, inferenceRetentionDays: '0' }).inferenceRetentionDays, 0);
  });

  it('needs a warehouse and an inference table', () => {
    expectError(() => build(buildParameters, { ...BASE, inferenceRetentionDays: '30' }), 'warehouseId', 'required when inferenceRetentionDays');
    expectError(
      () => build(buildParameters, { ...BASE, inferenceRetentionDays: '30', warehouseId: 'w1', inferenceTable: 'false' }),
      'inferenceRetentionDays',
      'needs inferenceTable true',
    );
    expectError(() => build(buildParameters, { ...BASE, inferenceRetentionDays: '3651', warehouseId: 'w1' }), 'inferenceRetentionDays', 'from 0 to 3650');
  });

  it('quotes names in the SQL and keeps the window in the file', () => {
    const sql = retentionSql('ep', { catalog: 'my-cat', schema: "s'x", tablePrefix: 'ep_1' }, 7);
    assert.match(sql, /DELETE FROM `my-cat`\.`s'x`\.`ep_1_payload` WHERE request_date < date_sub\(current_date\(\), 7\);/);
    assert.match(sql, /lower\(table_schema\) = lower\('s\\'x'\)/);
    const settings = retentionJobSettings({ endpointName: 'ep', days: 7, warehouseId: 'w1' });
    assert.equal(settings.max_concurrent_runs, 1);
    assert.deepEqual(settings.tasks?.[0]?.sql_task?.file, { path: '/Shared/databricks-mlops/retention/ep.sql', source: 'WORKSPACE' });
  });
});
