import * as assert from 'node:assert/strict';
import { parseSignature, SignatureError } from '../../../tasks/DatabricksCreateMonitor/src/unpack/signature';
import { createViewStatement, viewColumns, type ViewSpec } from '../../../tasks/DatabricksCreateMonitor/src/unpack/viewSql';
import { SqlEngine } from '../../fake/sql/engine';
import { UnityCatalogStore } from '../../fake/routes/unityCatalog';
import { PAYLOAD_COLUMNS_DDL } from '../../fake/seeds/monitoring';

const MLMODEL = [
  'artifact_path: model',
  'signature:',
  `  inputs: '[{"type": "double", "name": "tenure", "required": true}, {"type": "string", "name": "plan", "required": true}, {"type": "long", "name": "support calls", "required": false}]'`,
  `  outputs: '[{"type": "long", "required": true}]'`,
  '',
].join('\n');

const SPEC: ViewSpec = {
  viewName: 'main.ml_mon.churn_inference',
  payloadTable: 'main.ml_logs.churn_scoring_payload',
  ...parseSignature(MLMODEL, 'MLmodel'),
  timestampColumn: 'timestamp',
  modelIdColumn: 'model_id',
  predictionColumn: 'prediction',
};

describe('CreateMonitor: unpacking the payload table', () => {
  it('reads feature names and types and the prediction type from the MLmodel signature', () => {
    assert.deepEqual(SPEC.features, [
      { name: 'tenure', sqlType: 'DOUBLE' },
      { name: 'plan', sqlType: 'STRING' },
      { name: 'support calls', sqlType: 'BIGINT' },
    ]);
    assert.equal(SPEC.predictionType, 'BIGINT');
    assert.throws(() => parseSignature('artifact_path: model\n', 'models:/x/1'), SignatureError);
    const tensor = parseSignature(`signature:\n  inputs: '[{"type": "double", "name": "a"}]'\n  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'\n`, 'x');
    assert.equal(tensor.predictionType, 'DOUBLE');
    // A name that could end a SQL quote is refused before any SQL is generated.
    for (const name of ["a') ; DROP TABLE x; --", 'a\\', 'a`b', 'a"b', 'a\nb']) {
      const text = `signature:\n  inputs: '${JSON.stringify([{ type: 'double', name }]).replace(/'/g, "''")}'\n`;
      assert.throws(() => parseSignature(text, 'm'), /cannot unpack it safely/, name);
    }
  });

  describe('the view, run for real over seeded payload rows', () => {
    let engine: SqlEngine;
    const at = (h: number) => new Date(Date.UTC(2025, 0, 1, h));
    before(async () => {
      const uc = new UnityCatalogStore(() => Date.now());
      uc.addSchema('main.ml_mon');
      engine = new SqlEngine(() => uc);
      await engine.exec(`CREATE TABLE ${SPEC.payloadTable} (${PAYLOAD_COLUMNS_DDL})`);
      const insert = (id: string, h: number, status: number, request: unknown, response: unknown) =>
        engine.exec(
          `INSERT INTO ${SPEC.payloadTable} (databricks_request_id, request_time, status_code, request, response, served_entity_id) VALUES (:id, :t, :status, :req, :resp, 'se-churn-3')`,
          { id, t: at(h), status, req: JSON.stringify(request), resp: JSON.stringify(response) },
        );
      await insert('records', 1, 200, { dataframe_records: [{ tenure: 3, plan: 'basic', 'support calls': 1 }, { tenure: 40.5, plan: 'pro', 'support calls': 0 }] }, { predictions: [1, 0] });
      await insert('split', 2, 200, { dataframe_split: { columns: ['plan', 'tenure', 'support calls'], data: [['pro', 12, 2]] } }, { predictions: [0] });
      await insert('instances', 3, 200, { instances: [{ tenure: 7, plan: 'basic', 'support calls': 4 }] }, { predictions: [1] });
      await insert('inputs', 4, 200, { inputs: [{ tenure: 9, plan: 'pro', 'support calls': null }] }, { predictions: [0] });
      await insert('failed', 5, 500, { dataframe_records: [{ tenure: 1, plan: 'x', 'support calls': 0 }] }, { error_code: 'INTERNAL_ERROR' });
      await engine.exec(createViewStatement(SPEC));
    });

    it('yields one row per prediction for every request format, successful requests only', async () => {
      const r = await engine.exec(`SELECT databricks_request_id, \`timestamp\`, model_id, tenure, plan, \`support calls\`, prediction FROM ${SPEC.viewName} ORDER BY \`timestamp\`, tenure`);
      assert.deepEqual(r.rows, [
        ['records', '2025-01-01T01:00:00.000Z', 'se-churn-3', '3', 'basic', '1', '1'],
        ['records', '2025-01-01T01:00:00.000Z', 'se-churn-3', '40.5', 'pro', '0', '0'],
        ['split', '2025-01-01T02:00:00.000Z', 'se-churn-3', '12', 'pro', '2', '0'],
        ['instances', '2025-01-01T03:00:00.000Z', 'se-churn-3', '7', 'basic', '4', '1'],
        ['inputs', '2025-01-01T04:00:00.000Z', 'se-churn-3', '9', 'pro', null, '0'],
      ]);
    });

    it('has the columns the monitor is told about, with the signature types', async () => {
      const columns = await engine.describe(SPEC.viewName);
      assert.deepEqual(columns.map((c) => c.name), viewColumns(SPEC));
      assert.deepEqual(
        columns.map((c) => c.typeText),
        ['timestamp', 'string', 'string', 'string', 'double', 'string', 'bigint', 'bigint'],
      );
    });
  });
});
