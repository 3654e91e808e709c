import * as assert from 'node:assert/strict';
import { PlanModeViolation } from '../../../shared/client/databricksClient';
import { PollTimeoutError } from '../../../shared/client/poll';
import { executeStatement, runSelect, StatementFailedError } from '../../../shared/api/sql';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { translateSql } from '../../fake/sql/translate';
import { startWorkspace, type TestWorkspace } from './workspace';

const WH = DEFAULT_WAREHOUSE_ID;
const T = 'main.ml_logs.events';

describe('SQL statements: fake engine and shared/api/sql', () => {
  let t: TestWorkspace;
  before(async () => {
    t = await startWorkspace();
  });
  after(() => t.close());
  beforeEach(async () => {
    t.reset();
    await t.ws.state.sql.exec(`CREATE TABLE ${T} (id BIGINT, name STRING, score DOUBLE, ts TIMESTAMP, ok BOOLEAN, \`window\` STRUCT<start: TIMESTAMP, \`end\`: TIMESTAMP>)`);
    for (let i = 0; i < 25; i++) {
      await t.ws.state.sql.exec(`INSERT INTO ${T} VALUES (:id, :name, :score, :ts, :ok, named_struct('start', :ts, 'end', :ts))`, {
        id: i,
        name: `n${i}`,
        score: i / 4,
        ts: new Date(Date.UTC(2025, 0, 1 + i)),
        ok: i % 2 === 0,
      });
    }
  });

  it('registers tables created through SQL in Unity Catalog with Databricks types', () => {
    const table = t.ws.state.uc.getTable(T);
    assert.ok(table?.table_id);
    assert.deepEqual(
      table.columns!.map((c) => `${c.name}:${c.type_text}`),
      ['id:bigint', 'name:string', 'score:double', 'ts:timestamp', 'ok:boolean', 'window:struct<start:timestamp,end:timestamp>'],
    );
  });

  it('runs a SELECT with typed named parameters and converts every value by type', async () => {
    const r = await runSelect(t.client(), WH, `SELECT id, name, score, ts, ok, window.start AS win FROM ${T} WHERE id >= :min AND ts < :before AND name <> :skip ORDER BY id`, {
      min: 3,
      before: new Date(Date.UTC(2025, 0, 6)),
      skip: "n4' OR '1'='1",
    });
    assert.deepEqual(r.rows, [
      { id: 3, name: 'n3', score: 0.75, ts: '2025-01-04T00:00:00.000Z', ok: false, win: '2025-01-04T00:00:00.000Z' },
      { id: 4, name: 'n4', score: 1, ts: '2025-01-05T00:00:00.000Z', ok: true, win: '2025-01-05T00:00:00.000Z' },
    ]);
    assert.deepEqual(
      r.columns.map((c) => c.typeName),
      ['LONG', 'STRING', 'DOUBLE', 'TIMESTAMP', 'BOOLEAN', 'TIMESTAMP'],
    );
    const post = t.ws.requests.find((q) => q.method === 'POST')!;
    const body = post.body as { parameters: Array<{ name: string; value: string; type: string }> };
    assert.deepEqual(
      body.parameters.map((p) => p.type),
      ['BIGINT', 'TIMESTAMP', 'STRING'],
    );
    assert.ok(body.parameters.every((p) => typeof p.value === 'string'));
  });

  it('sends every value as a string in JSON_ARRAY and structs as JSON text', async () => {
    const r = await t.client().post<{ result: { data_array: string[][] } }>('/api/2.0/sql/statements', {
      warehouse_id: WH,
      statement: `SELECT id, \`window\` FROM ${T} WHERE id = :id`,
      parameters: [{ name: 'id', value: '2', type: 'INT' }],
    });
    assert.deepEqual(r.result.data_array, [['2', '{"start":"2025-01-03T00:00:00.000Z","end":"2025-01-03T00:00:00.000Z"}']]);
  });

  it('follows every result chunk', async () => {
    t.ws.state.sql.chunkRows = 10;
    const r = await runSelect(t.client(), WH, `SELECT id FROM ${T} ORDER BY id`);
    assert.deepEqual(
      r.rows.map((row) => row.id),
      Array.from({ length: 25 }, (_, i) => i),
    );
    const chunkGets = t.ws.requests.filter((q) => /\/result\/chunks\/\d+$/.test(q.path)).map((q) => q.path.split('/').pop());
    assert.deepEqual(chunkGets, ['1', '2']);
  });

  it('marks a result cut by row_limit as truncated', async () => {
    const r = await runSelect(t.client(), WH, `SELECT id FROM ${T}`, {}, { rowLimit: 5 });
    assert.equal(r.rows.length, 5);
    assert.equal(r.truncated, true);
  });

  it('polls a PENDING then RUNNING statement with back-off until it succeeds', async () => {
    t.ws.state.sql.script({ match: /count\(\*\)/i, pendingMs: 10_000, runningMs: 20_000 });
    const states: string[] = [];
    const r = await runSelect(t.client(), WH, `SELECT count(*) AS n FROM ${T}`, {}, { clock: t.clock, waitTimeoutSeconds: 0, onState: (s) => states.push(s) });
    assert.deepEqual(r.rows, [{ n: 25 }]);
    assert.deepEqual(states, ['PENDING', 'RUNNING']);
    const gets = t.ws.requests.filter((q) => q.method === 'GET').length;
    assert.ok(gets >= 2 && gets < 20, `polled ${gets} times`);
  });

  it('turns FAILED inside an HTTP 200 into StatementFailedError with code, message and SQLSTATE', async () => {
    const e = await runSelect(t.client(), WH, 'SELECT * FROM main.ml_logs.missing').catch((x: unknown) => x);
    assert.ok(e instanceof StatementFailedError);
    assert.equal(e.state, 'FAILED');
    assert.equal(e.errorCode, 'BAD_REQUEST');
    assert.equal(e.sqlState, '42P01');
    assert.match(e.message, /TABLE_OR_VIEW_NOT_FOUND/);
    assert.equal(t.ws.requests[0]!.status, 200);
  });

  it('answers a scripted failure as FAILED with the scripted error', async () => {
    t.ws.state.sql.script({ match: /FROM/, fail: { errorCode: 'RESOURCE_EXHAUSTED', message: 'warehouse queue full', sqlState: '53000' }, times: 1 });
    const e = await runSelect(t.client(), WH, `SELECT 1 FROM ${T}`).catch((x: unknown) => x);
    assert.ok(e instanceof StatementFailedError);
    assert.equal(e.errorCode, 'RESOURCE_EXHAUSTED');
    // times: 1 → the next one runs.
    assert.equal((await runSelect(t.client(), WH, `SELECT 1 AS one FROM ${T} LIMIT 1`)).rows[0]!.one, 1);
  });

  it('fails an unbound parameter and refuses complex parameter types and bad wait timeouts', async () => {
    const unbound = await runSelect(t.client(), WH, `SELECT * FROM ${T} WHERE id = :nope`).catch((x: unknown) => x);
    assert.ok(unbound instanceof StatementFailedError);
    assert.equal(unbound.sqlState, '42P02');
    const complex = await t
      .client()
      .post('/api/2.0/sql/statements', { warehouse_id: WH, statement: 'SELECT :a', parameters: [{ name: 'a', value: '[1]', type: 'ARRAY<INT>' }] })
      .catch((x: unknown) => x);
    assert.match(String(complex), /complex types are not supported/);
    const wait = await t
      .client()
      .post('/api/2.0/sql/statements', { warehouse_id: WH, statement: 'SELECT 1', wait_timeout: '3s' })
      .catch((x: unknown) => x);
    assert.match(String(wait), /wait_timeout must be 0s or between 5s and 50s/);
    const warehouse = await runSelect(t.client(), 'nope', 'SELECT 1').catch((x: unknown) => x);
    assert.match(String(warehouse), /Warehouse nope does not exist/);
  });

  it('cancels: on_wait_timeout CANCEL, POST cancel, and our own timeout', async () => {
    t.ws.state.sql.script({ match: /slow/, runningMs: 3_600_000 });
    const c = t.client();
    const r = await c.post<{ statement_id: string; status: { state: string } }>('/api/2.0/sql/statements', {
      warehouse_id: WH,
      statement: `SELECT 'slow'`,
      wait_timeout: '5s',
      on_wait_timeout: 'CANCEL',
    });
    assert.equal(r.status.state, 'CANCELED');

    const r2 = await c.post<{ statement_id: string; status: { state: string } }>('/api/2.0/sql/statements', { warehouse_id: WH, statement: `SELECT 'slow'`, wait_timeout: '0s' });
    assert.equal(r2.status.state, 'RUNNING');
    await c.post(`/api/2.0/sql/statements/${r2.statement_id}/cancel`);
    assert.equal((await c.get<{ status: { state: string } }>(`/api/2.0/sql/statements/${r2.statement_id}`)).status.state, 'CANCELED');

    const e = await runSelect(c, WH, `SELECT 'slow'`, {}, { clock: t.clock, waitTimeoutSeconds: 0, timeoutMs: 60_000 }).catch((x: unknown) => x);
    assert.ok(e instanceof PollTimeoutError);
    const cancels = t.ws.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/cancel'));
    assert.deepEqual(cancels.at(-1)?.body, {}, 'the cancel sends {} as JSON, as the SDKs do');
    assert.ok(t.ws.state.sql.statementsMatching(/slow/).every((s) => s.state === 'CANCELED'));
  });

  it('allows SELECTs in plan mode and refuses statements that write', async () => {
    const ro = t.client({ readOnly: true });
    assert.equal((await runSelect(ro, WH, `SELECT count(*) AS n FROM ${T}`)).rows[0]!.n, 25);
    await assert.rejects(executeStatement(ro, WH, `CREATE OR REPLACE VIEW main.ml_logs.v AS SELECT 1 AS x`), PlanModeViolation);
  });

  it('creates views with CREATE OR REPLACE VIEW and registers them in Unity Catalog', async () => {
    await executeStatement(t.client(), WH, `CREATE OR REPLACE VIEW \`main\`.\`ml_logs\`.\`recent\` AS SELECT id, score FROM ${T} WHERE ok`);
    const id = t.ws.state.uc.getTable('main.ml_logs.recent')!.table_id;
    assert.equal(t.ws.state.uc.getTable('main.ml_logs.recent')!.table_type, 'VIEW');
    await executeStatement(t.client(), WH, `CREATE OR REPLACE VIEW main.ml_logs.recent AS SELECT id FROM ${T}`);
    assert.equal(t.ws.state.uc.getTable('main.ml_logs.recent')!.table_id, id, 'replace keeps the table id');
    assert.deepEqual(
      t.ws.state.uc.getTable('main.ml_logs.recent')!.columns!.map((c) => c.name),
      ['id'],
    );
  });
});

describe('SQL translation (fake only)', () => {
  const catalogs = new Set(['main']);
  it('leaves string literals and comments alone and renames catalogs only in three-part names', () => {
    const r = translateSql("SELECT p.window.start, ':table', `main`.s.t.x -- main.a.b :x\nFROM main.s.t p WHERE c = :c", { catalogs, parameterTypes: { c: 'VARCHAR' } });
    assert.equal(r.sql, `SELECT p."window".start, ':table', "uc_main".s.t.x -- main.a.b :x\nFROM "uc_main".s.t p WHERE c = CAST($c AS VARCHAR)`);
    assert.deepEqual(r.parameters, ['c']);
  });
  it('translates from_json, element_at, named_struct and LATERAL VIEW posexplode', () => {
    const r = translateSql("SELECT element_at(a, i + 1), named_struct('x', 1) FROM t LATERAL VIEW OUTER posexplode(from_json(j, 'struct<v:array<double>>').v) e AS i, v", {
      catalogs,
    });
    assert.equal(
      r.sql,
      `SELECT list_extract(a, i + 1), struct_pack("x" := 1) FROM t LEFT JOIN LATERAL (SELECT unnest(range(len(__e))) AS i, unnest(__e) AS v FROM (SELECT from_json(j, '{"v":["DOUBLE"]}').v AS __e)) e ON true`,
    );
  });
});
