/**
 * SQL files in the fake workspace: the scripting parser, the translations a SQL file needs
 * (catalog information schemas, date_sub), and a Jobs SQL file task that really runs its file —
 * DeployServing's own retention SQL and job settings included, so the SQL the product writes is
 * executed, not only matched.
 */
import assert from 'node:assert/strict';
import { getRun, runNow } from '../../../shared/api/jobs';
import { retentionJobSettings, retentionSql, retentionSqlPath } from '../../../tasks/DatabricksDeployServing/src/retention';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { createPayloadTable, insertPayloadRows } from '../../fake/seeds/payload';
import { SqlExecutionError } from '../../fake/sql/engine';
import { parseScript, runScript } from '../../fake/sql/script';
import { startTestWorkspace, type TestWorkspace } from '../../helpers/testWorkspace';

const PAYLOAD = 'main.ml_logs.churn_scoring_payload';
const TARGET = { catalog: 'main', schema: 'ml_logs', tablePrefix: 'churn_scoring' };

describe('fake workspace: SQL files and SQL scripting', function () {
  this.timeout(30_000);

  describe('parseScript', () => {
    it('reads statements, blocks and IF/ELSEIF/ELSE, keeping each statement as written', () => {
      const nodes = parseScript(
        [
          "SELECT 'a;b', \"it's\", 'back\\\\slash';",
          'BEGIN',
          "  IF (SELECT count(*) FROM t) > 0 AND CASE WHEN x THEN true ELSE false END THEN DELETE FROM t WHERE s = 'END IF';",
          '  ELSEIF y THEN BEGIN SELECT 1; SELECT 2; END;',
          '  ELSE SELECT 3;',
          '  END IF;',
          'END;',
          '-- trailing comment',
        ].join('\n'),
      );
      assert.deepEqual(nodes, [
        { kind: 'statement', sql: "SELECT 'a;b', \"it's\", 'back\\\\slash'" },
        {
          kind: 'block',
          body: [
            {
              kind: 'if',
              branches: [
                { condition: '(SELECT count(*) FROM t) > 0 AND CASE WHEN x THEN true ELSE false END', body: [{ kind: 'statement', sql: "DELETE FROM t WHERE s = 'END IF'" }] },
                {
                  condition: 'y',
                  body: [
                    {
                      kind: 'block',
                      body: [
                        { kind: 'statement', sql: 'SELECT 1' },
                        { kind: 'statement', sql: 'SELECT 2' },
                      ],
                    },
                  ],
                },
              ],
              otherwise: [{ kind: 'statement', sql: 'SELECT 3' }],
            },
          ],
        },
      ]);
    });

    it('refuses what it does not run, and unfinished compounds, as syntax errors', () => {
      const refused = (text: string, pattern: RegExp) =>
        assert.throws(
          () => parseScript(text),
          (e: unknown) => e instanceof SqlExecutionError && e.errorClass === 'PARSE_SYNTAX_ERROR' && pattern.test(e.message),
        );
      refused('BEGIN WHILE true DO SELECT 1; END WHILE; END;', /does not run the SQL scripting statement WHILE/);
      refused('BEGIN DECLARE x INT DEFAULT 1; END;', /DECLARE/);
      refused('BEGIN SELECT 1;', /expected END before the end/);
      refused('IF true THEN SELECT 1; END;', /expected IF, got ;/);
      refused('IF true SELECT 1; END IF;', /IF without THEN/);
      refused('END;', /unexpected END/);
    });
  });

  describe('on the fake SQL engine', () => {
    let t: TestWorkspace;
    before(async () => {
      t = await startTestWorkspace({ timeScale: 0.001 });
    });
    after(() => t.close());
    beforeEach(() => t.reset());
    const exec = (sql: string) => t.ws.state.sql.exec(sql);

    it("answers a catalog's information schema with that catalog's tables only, under its Unity Catalog name", async () => {
      await createPayloadTable(t.ws, PAYLOAD);
      const rows = await exec("SELECT table_catalog, table_schema, table_name FROM main.information_schema.tables WHERE table_schema = 'ml_logs'");
      assert.deepEqual(rows.rows, [['main', 'ml_logs', 'churn_scoring_payload']]);
      const aliased = await exec("SELECT t.table_name FROM `main`.information_schema.tables t WHERE t.table_name LIKE 'churn%'");
      assert.deepEqual(aliased.rows, [['churn_scoring_payload']]);
      const columns = await exec("SELECT count(*) FROM main.information_schema.columns WHERE table_name = 'churn_scoring_payload' AND column_name = 'request_date'");
      assert.deepEqual(columns.rows, [['1']]);
    });

    it('shifts dates by days with date_sub and date_add', async () => {
      const r = await exec("SELECT date_sub(DATE'2026-03-01', 1), date_add(CAST('2026-02-28' AS DATE), 2), date_sub(TIMESTAMP'2026-01-10 23:00:00', 9)");
      assert.deepEqual(r.rows, [['2026-02-28', '2026-03-02', '2026-01-01']]);
    });

    it("runs DeployServing's retention SQL: nothing to do before the payload table exists, then only rows older than the window go", async () => {
      const sql = retentionSql('churn-scoring', TARGET, 30);
      await runScript(sql, exec);
      const day = 86_400_000;
      const now = Date.now();
      await insertPayloadRows(
        t.ws,
        PAYLOAD,
        [45, 31, 29, 0].map((age) => ({ requestId: `age-${age}`, time: new Date(now - age * day), request: {}, response: {}, servedEntityId: 'e1' })),
      );
      await runScript(sql, exec);
      const left = await exec(`SELECT databricks_request_id FROM ${PAYLOAD} ORDER BY request_time`);
      assert.deepEqual(
        left.rows.map((r) => r[0]),
        ['age-29', 'age-0'],
      );
    });

    it('stops at the first failing statement and throws its error', async () => {
      await exec('CREATE TABLE main.ml_logs.steps (n INT)');
      await assert.rejects(
        runScript('INSERT INTO main.ml_logs.steps VALUES (1); SELECT * FROM main.ml_logs.missing; INSERT INTO main.ml_logs.steps VALUES (2);', exec),
        SqlExecutionError,
      );
      assert.deepEqual((await exec('SELECT n FROM main.ml_logs.steps')).rows, [['1']]);
    });
  });

  describe('a Jobs SQL file task', () => {
    let t: TestWorkspace;
    before(async () => {
      t = await startTestWorkspace({ timeScale: 0.001 });
    });
    after(() => t.close());
    beforeEach(() => t.reset());

    async function settled(runId: number) {
      // The give-up bound is for a broken fake, not a window the test depends on.
      for (const giveUp = Date.now() + 20_000; Date.now() < giveUp;) {
        const run = await getRun(t.client(), runId);
        if (run.status?.state === 'TERMINATED') return run;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return assert.fail(`run ${runId} never ended`);
    }

    function retentionJob(days: number, warehouseId = DEFAULT_WAREHOUSE_ID): number {
      const path = retentionSqlPath('churn-scoring');
      t.ws.state.workspaceFiles.mkdirs(path.slice(0, path.lastIndexOf('/')));
      t.ws.state.workspaceFiles.write(path, Buffer.from(retentionSql('churn-scoring', TARGET, days)), 'FILE', true);
      return t.ws.state.jobs.store(retentionJobSettings({ endpointName: 'churn-scoring', days, table: TARGET, warehouseId })).job_id;
    }

    it("runs the retention job's file when the task starts: the old rows are deleted", async () => {
      await insertPayloadRows(t.ws, PAYLOAD, [
        { requestId: 'old', time: new Date(Date.now() - 100 * 86_400_000), request: {}, response: {}, servedEntityId: 'e1' },
        { requestId: 'new', time: new Date(), request: {}, response: {}, servedEntityId: 'e1' },
      ]);
      const { run_id } = await runNow(t.client(), { job_id: retentionJob(90) });
      const run = await settled(run_id!);
      assert.equal(run.status?.termination_details?.code, 'SUCCESS', JSON.stringify(run.status));
      assert.deepEqual((await t.ws.state.sql.exec(`SELECT databricks_request_id FROM ${PAYLOAD}`)).rows, [['new']]);
    });

    it('succeeds before the payload table exists (the scheduled run of a new endpoint)', async () => {
      const runId = t.ws.state.jobs.trigger(retentionJob(7));
      const run = await settled(runId);
      assert.equal(run.status?.termination_details?.code, 'SUCCESS', JSON.stringify(run.status));
    });

    it('fails the task with the error of its SQL, of a missing file, or of an unknown warehouse', async () => {
      const path = '/Shared/broken.sql';
      t.ws.state.workspaceFiles.write(path, Buffer.from('DELETE FROM main.ml_logs.nowhere WHERE true;'), 'FILE', true);
      const job = (file: string, warehouseId = DEFAULT_WAREHOUSE_ID) =>
        t.ws.state.jobs.store({ name: `sql ${file}`, tasks: [{ task_key: 'sql', sql_task: { warehouse_id: warehouseId, file: { path: file, source: 'WORKSPACE' } } }] }).job_id;
      const failed = async (jobId: number, pattern: RegExp) => {
        const { run_id } = await runNow(t.client(), { job_id: jobId });
        const run = await settled(run_id!);
        assert.equal(run.status?.termination_details?.code, 'RUN_EXECUTION_ERROR');
        assert.match(run.tasks?.[0]?.status?.termination_details?.message ?? '', pattern);
      };
      await failed(job(path), /TABLE_OR_VIEW_NOT_FOUND/);
      await failed(job('/Shared/none.sql'), /The SQL file \/Shared\/none\.sql does not exist/);
      await failed(job(path, 'nowarehouse'), /Warehouse nowarehouse does not exist/);
    });
  });
});
