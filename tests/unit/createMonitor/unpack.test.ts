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
  modelIdSource: 'servedEntityId',
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
    const tensor = parseSignature(
      `signature:\n  inputs: '[{"type": "double", "name": "a"}]'\n  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'\n`,
      'x',
    );
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
      await insert(
        'records',
        1,
        200,
        {
          dataframe_records: [
            { tenure: 3, plan: 'basic', 'support calls': 1 },
            { tenure: 40.5, plan: 'pro', 'support calls': 0 },
          ],
        },
        { predictions: [1, 0] },
      );
      await insert('split', 2, 200, { dataframe_split: { columns: ['plan', 'tenure', 'support calls'], data: [['pro', 12, 2]] } }, { predictions: [0] });
      await insert('instances', 3, 200, { instances: [{ tenure: 7, plan: 'basic', 'support calls': 4 }] }, { predictions: [1] });
      await insert('inputs', 4, 200, { inputs: [{ tenure: 9, plan: 'pro', 'support calls': null }] }, { predictions: [0] });
      await insert('failed', 5, 500, { dataframe_records: [{ tenure: 1, plan: 'x', 'support calls': 0 }] }, { error_code: 'INTERNAL_ERROR' });
      await engine.exec(createViewStatement(SPEC));
    });

    it('yields one row per prediction for every request format, successful requests only', async () => {
      const r = await engine.exec(
        `SELECT databricks_request_id, \`timestamp\`, model_id, tenure, plan, \`support calls\`, prediction FROM ${SPEC.viewName} ORDER BY \`timestamp\`, tenure`,
      );
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
      assert.deepEqual(
        columns.map((c) => c.name),
        viewColumns(SPEC),
      );
      assert.deepEqual(
        columns.map((c) => c.typeText),
        ['timestamp', 'string', 'string', 'string', 'double', 'string', 'bigint', 'bigint'],
      );
    });
  });

  describe('the model id: <model>/<version> through system.serving.served_entities', () => {
    let engine: SqlEngine;
    const JOINED: ViewSpec = { ...SPEC, viewName: 'main.ml_mon.churn_by_model', modelIdSource: 'servedEntities' };
    before(async () => {
      const uc = new UnityCatalogStore(() => Date.now());
      uc.addSchema('main.ml_mon');
      engine = new SqlEngine(() => uc);
      await engine.exec(`CREATE TABLE ${SPEC.payloadTable} (${PAYLOAD_COLUMNS_DDL})`);
      await engine.exec(
        'CREATE TABLE system.serving.served_entities (served_entity_id STRING, served_entity_name STRING, entity_name STRING, entity_version STRING, change_time TIMESTAMP)',
      );
      // Version 7 has two history rows (a config change): it must not double its predictions.
      for (const [id, name, version, h] of [
        ['se-7', 'churn-7', '7', 1],
        ['se-7', 'churn-7', '7', 2],
        ['se-8', 'churn-8', '8', 3],
      ] as const) {
        await engine.exec('INSERT INTO system.serving.served_entities VALUES (:id, :name, :model, :version, :t)', {
          id,
          name,
          model: 'main.ml.churn_model',
          version,
          t: new Date(Date.UTC(2025, 0, 1, h)),
        });
      }
      const insert = (id: string, entity: string, tenure: number) =>
        engine.exec(
          `INSERT INTO ${SPEC.payloadTable} (databricks_request_id, request_time, status_code, request, response, served_entity_id) VALUES (:id, :t, 200, :req, '{"predictions": [1]}', :entity)`,
          { id, entity, t: new Date(Date.UTC(2025, 0, 2, tenure)), req: JSON.stringify({ dataframe_records: [{ tenure, plan: 'basic', 'support calls': 0 }] }) },
        );
      await insert('champion', 'se-7', 1);
      await insert('canary', 'se-8', 2);
      await insert('unlisted', 'se-unknown', 3);
      await engine.exec(createViewStatement(JOINED));
    });

    it('maps each request to its served model version, once per prediction; an entity the system table lacks keeps its id', async () => {
      const r = await engine.exec(`SELECT databricks_request_id, model_id FROM ${JOINED.viewName} ORDER BY \`timestamp\``);
      assert.deepEqual(r.rows, [
        ['champion', 'main.ml.churn_model/7'],
        ['canary', 'main.ml.churn_model/8'],
        ['unlisted', 'se-unknown'],
      ]);
    });

    it('the fallback view (system table unreadable) reads no system table and keeps the served entity id', () => {
      assert.doesNotMatch(createViewStatement(SPEC), /served_entities/);
      assert.match(createViewStatement(JOINED), /LEFT JOIN entities e ON e\.served_entity_id = p\.served_entity_id/);
      assert.deepEqual(viewColumns(JOINED), viewColumns(SPEC));
    });
  });
});
