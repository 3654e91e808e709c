/**
 * CreateMonitor operations in-process against the fake workspace (real client, real HTTP):
 * create, minimal update, no-op, API choice and fallback, immutable fields, waiting, dryRun,
 * the unpacking view and refreshAfterCreate.
 */
import * as assert from 'node:assert/strict';
import type { CreateMonitorParameters } from '../../../tasks/DatabricksCreateMonitor/src/parameters';
import { startWorkspace, type TestWorkspace } from './workspace';
import { SERVED_ENTITIES_PROBE } from '../../../tasks/DatabricksCreateMonitor/src/unpack/viewSql';
import { createMonitor, ENDPOINT, MODEL, PAYLOAD, params, recorder, seedInferenceTable, seedUnpackSource, TABLE, type Recorder } from './support';

describe('CreateMonitor operations', function () {
  this.timeout(20_000);
  let t: TestWorkspace;
  let rec: Recorder;
  before(async () => {
    t = await startWorkspace();
  });
  after(() => t.close());
  beforeEach(() => {
    t.reset();
    // A new monitor is PENDING until it has been read twice: the create answer says PENDING and
    // the task's wait sees it turn ACTIVE, on any machine.
    t.ws.state.monitors.activationReads = 2;
    rec = recorder();
  });

  const run = (p: CreateMonitorParameters, readOnly = false) => createMonitor({ client: t.client({ readOnly }), ctx: rec.ctx }, p);
  /** Write calls; the read-only probe of system.serving.served_entities (a SELECT statement) is a read. */
  const isProbe = (r: { path: string; body?: unknown }) =>
    r.path === '/api/2.0/sql/statements' && (r.body as { statement?: string } | undefined)?.statement === SERVED_ENTITIES_PROBE;
  const writes = () =>
    t.ws
      .writeRequests()
      .filter((r) => !isProbe(r))
      .map((r) => `${r.method} ${r.path}`);
  const statementsBesidesProbe = () => [...t.ws.state.sql.statements.values()].filter((s) => s.sql !== SERVED_ENTITIES_PROBE).length;

  describe('on an existing table', () => {
    beforeEach(() => seedInferenceTable(t.ws));

    it('creates a monitor with the data quality API, waits until ACTIVE and names its outputs', async () => {
      const r = await run(params({ labelColumn: 'label', granularities: '1 day, 1 hour', baselineTableName: 'main.ml.churn_training', slicingExpressions: 'plan' }));
      assert.equal(r.result, 'Succeeded', r.message);
      assert.match(r.message, /was created \(ACTIVE\)/);
      const m = t.ws.state.monitors.get(TABLE)!;
      assert.deepEqual(m.profile.granularities, ['1 day', '1 hour']);
      assert.equal(m.profile.label, 'label');
      assert.equal(m.warehouseId, 'abcdef1234567890');
      assert.equal(m.assetsDir, `/Workspace/Shared/lakehouse_monitoring/${TABLE}`);
      assert.deepEqual(writes(), ['POST /api/data-quality/v1/monitors']);
      assert.deepEqual(r.outputs, {
        profileMetricsTable: 'main.ml_mon.churn_inference_profile_metrics',
        driftMetricsTable: 'main.ml_mon.churn_inference_drift_metrics',
        dashboardUrl: `${t.ws.url}/sql/dashboardsv3/${m.dashboardId}`,
        monitorApiUsed: 'dataQuality',
      });
      assert.equal(r.report.action, 'create');
      assert.equal(r.report.status, 'ACTIVE');
      assert.match(r.apiChoice, /data quality API .* available in this workspace/);
      // One status line per change of state, progress while waiting.
      assert.match(rec.text('info'), /PENDING; waiting until ACTIVE/);
      assert.equal(rec.lines.filter((l) => l.text.includes('Monitor of main.ml_mon.churn_inference: ACTIVE.')).length, 1);
      assert.ok(rec.lines.some((l) => l.kind === 'progress'));
    });

    it('updates only what changed: PATCH with an update_mask of exactly the changed fields', async () => {
      await run(params());
      t.ws.reset();
      const r = await run(params({ schedule: '0 0 6 * * ?', notifyEmails: 'mlops@contoso.com, oncall@contoso.com' }));
      assert.equal(r.result, 'Succeeded', r.message);
      const patch = t.ws.writeRequests();
      assert.equal(patch.length, 1);
      assert.equal(patch[0]!.method, 'PATCH');
      assert.equal(patch[0]!.query.update_mask, 'data_profiling_config.schedule,data_profiling_config.notification_settings');
      assert.equal(t.ws.state.monitors.get(TABLE)!.schedule?.cron, '0 0 6 * * ?');
      assert.equal(r.report.action, 'update');
      assert.deepEqual(
        r.report.changes?.find((c) => c.resource.startsWith('monitor'))?.fields?.map((f) => f.path),
        ['schedule', 'notifications.on_failure'],
      );
    });

    it('a re-run with the same inputs makes no write call (write-only fields are not compared)', async () => {
      const p = params({ labelColumn: 'label', granularities: '1 hour, 1 day', customMetricsFile: undefined });
      await run(p);
      t.ws.reset();
      const r = await run(p);
      assert.equal(r.result, 'Succeeded', r.message);
      assert.deepEqual(writes(), []);
      assert.equal(r.report.action, 'noop');
      assert.match(r.message, /is up to date \(ACTIVE\); nothing changed\./);
    });

    for (const mode of ['endpointNotFound', 'featureDisabled'] as const) {
      it(`falls back to the legacy API when v1 is unavailable (${mode}), and says why`, async () => {
        t.ws.state.monitors.v1Mode = mode;
        const r = await run(params());
        assert.equal(r.result, 'Succeeded', r.message);
        assert.equal(r.outputs.monitorApiUsed, 'legacy');
        assert.match(
          r.apiChoice,
          new RegExp(
            `legacy quality monitors API.*because the data quality API is not available here \\(${mode === 'endpointNotFound' ? 'ENDPOINT_NOT_FOUND' : 'FEATURE_DISABLED'}\\)`,
          ),
        );
        assert.deepEqual(writes(), [`POST /api/2.1/unity-catalog/tables/${TABLE}/monitor`]);
      });
    }

    it('forced legacy: creates, then updates with a PUT of the full object keeping assets_dir', async () => {
      await run(params({ monitorApi: 'legacy' }));
      t.ws.reset();
      const r = await run(params({ monitorApi: 'legacy', granularities: '1 week' }));
      assert.equal(r.result, 'Succeeded', r.message);
      assert.equal(r.outputs.monitorApiUsed, 'legacy');
      assert.match(r.apiChoice, /as monitorApi asks/);
      const put = t.ws.writeRequests();
      assert.deepEqual(
        put.map((w) => w.method),
        ['PUT'],
      );
      assert.deepEqual(t.ws.state.monitors.get(TABLE)!.profile.granularities, ['1 week']);
      assert.equal(t.ws.state.monitors.get(TABLE)!.assetsDir, `/Workspace/Shared/lakehouse_monitoring/${TABLE}`);
    });

    it('a change of assets_dir cannot be applied: Failed, nothing written, delete-and-recreate suggested', async () => {
      await run(params());
      t.ws.reset();
      const r = await run(params({ assetsDir: '/Workspace/Shared/monitoring/churn', schedule: '0 0 6 * * ?' }));
      assert.equal(r.result, 'Failed');
      assert.match(r.message, /cannot be updated in place: assets_dir is \/Workspace\/Shared\/lakehouse_monitoring\/main\.ml_mon\.churn_inference on the existing monitor/);
      assert.match(r.message, /Set assetsDir to the current value .* or delete the monitor/);
      assert.deepEqual(writes(), []);
      // `/Users/...` and `/Workspace/Users/...` are the same folder: not a change.
      const same = await run(params({ assetsDir: `/Shared/lakehouse_monitoring/${TABLE}` }));
      assert.equal(same.result, 'Succeeded', same.message);
    });

    it("a monitor that ends in ERROR fails the task with the monitor's message", async () => {
      t.ws.state.monitors.failNextCreate = { status: 'ERROR', message: 'Column `prediction` has an unsupported type ##vso[task.complete result=Succeeded]' };
      const r = await run(params());
      assert.equal(r.result, 'Failed');
      assert.match(r.message, /The monitor of main\.ml_mon\.churn_inference is ERROR: Column `prediction` has an unsupported type/);
      assert.equal(r.report.status, 'ERROR');
      assert.ok(
        rec.lines.some((l) => l.kind === 'error' && l.text.includes('unsupported type')),
        'remote text goes through log.error',
      );
    });

    it('times out with a clear message when the monitor stays PENDING', async () => {
      t.ws.state.monitors.activationReads = Number.POSITIVE_INFINITY; // never ACTIVE
      const r = await run(params({ timeoutMinutes: '1' }));
      assert.equal(r.result, 'Failed');
      assert.match(r.message, /was not ACTIVE after 1 min \(last status PENDING\); raise timeoutMinutes/);
    });

    it('dryRun: reads everything, prints the plan, writes nothing', async () => {
      const created = await run(params({ monitorApi: 'auto' }), true);
      assert.equal(created.result, 'Succeeded', created.message);
      assert.match(created.message, /Plan mode \(dryRun\): 1 change\(s\) planned/);
      assert.ok(
        created.planLines.some((l) => l.startsWith('+ monitor of main.ml_mon.churn_inference (data quality API)')),
        created.planLines.join('\n'),
      );
      assert.deepEqual(writes(), []);
      await run(params());
      t.ws.reset();
      const update = await run(params({ schedule: '0 30 1 * * ?' }), true);
      assert.ok(update.planLines.includes('    - schedule: 0 0 0 * * ? (UTC)'), update.planLines.join('\n'));
      assert.ok(update.planLines.includes('    + schedule: 0 30 1 * * ? (UTC)'), update.planLines.join('\n'));
      assert.deepEqual(writes(), []);
    });

    it('refreshAfterCreate starts a refresh without waiting, and not when one is already running', async () => {
      // The refresh's phases are fixed when it starts: make it stay PENDING (then RUNNING) for an
      // hour of workspace time, so that it is still running at the checks and the next run.
      t.ws.state.monitors.refreshPendingMs = 60 * 60_000;
      t.ws.state.monitors.refreshDurationMs = 60 * 60_000;
      const r = await run(params({ refreshAfterCreate: 'true' }));
      assert.equal(r.report.refreshStarted, true);
      const m = t.ws.state.monitors.get(TABLE)!;
      assert.equal(m.refreshes.length, 1);
      assert.equal(t.ws.state.monitors.refreshState(m.refreshes[0]!), 'PENDING');
      // The refresh is still running when the next run changes the monitor.
      const again = await run(params({ refreshAfterCreate: 'true', schedule: '0 0 3 * * ?' }));
      assert.equal(again.report.refreshStarted, false);
      assert.match(again.notes.join('\n'), /refresh 1 is already (PENDING|RUNNING)/);
      assert.equal(m.refreshes.length, 1);
    });

    it('a missing output schema or table is a clear error', async () => {
      await assert.rejects(run(params({ outputSchema: 'main.nowhere' })), /outputSchema main\.nowhere does not exist/);
      await assert.rejects(run(params({ tableName: 'main.ml_mon.nothing' })), /The table main\.ml_mon\.nothing does not exist/);
      assert.deepEqual(writes(), []);
    });
  });

  describe('unpackFromEndpoint', () => {
    let entityId: string;
    beforeEach(async () => {
      entityId = await seedUnpackSource(t.ws);
    });

    it("creates the view from the endpoint's payload table and model signature; every request format unpacks", async () => {
      const r = await run(params({ unpackFromEndpoint: ENDPOINT }));
      assert.equal(r.result, 'Succeeded', r.message);
      assert.match(r.message, /view main\.ml_mon\.churn_inference created/);
      assert.deepEqual(r.report.unpackView, {
        name: TABLE,
        sourceTable: PAYLOAD,
        requestFormats: ['dataframe_records', 'dataframe_split', 'instances', 'inputs'],
        features: ['tenure', 'monthly_charges'],
      });
      assert.equal(t.ws.state.uc.getTable(TABLE)?.table_type, 'VIEW');
      const rows = await t.ws.state.sql.exec(
        `SELECT databricks_request_id, model_id, tenure, monthly_charges, prediction, client_request_id FROM ${TABLE} ORDER BY \`timestamp\`, tenure`,
      );
      // The model id is the served version, <model>/<version>, through system.serving.served_entities.
      const id = `${MODEL}/1`;
      assert.deepEqual(rows.rows, [
        ['dataframe_records', id, '1', '10', '1', 'client-0'],
        ['dataframe_records', id, '100', '0.5', '0', 'client-0'],
        ['dataframe_split', id, '2', '20', '1', 'client-1'],
        ['dataframe_split', id, '101', '0.5', '0', 'client-1'],
        ['instances', id, '3', '30', '1', 'client-2'],
        ['instances', id, '102', '0.5', '0', 'client-2'],
        ['inputs', id, '4', '40', '1', 'client-3'],
        ['inputs', id, '103', '0.5', '0', 'client-3'],
      ]);
      // The monitor was created on the view, with the view's columns.
      const m = t.ws.state.monitors.get(TABLE)!;
      assert.equal(m.profile.prediction, 'prediction');
      assert.equal(m.profile.timestamp, 'timestamp');
    });

    it('a re-run neither replaces the view nor touches the monitor', async () => {
      await run(params({ unpackFromEndpoint: ENDPOINT }));
      t.ws.reset();
      const statements = statementsBesidesProbe();
      const r = await run(params({ unpackFromEndpoint: ENDPOINT }));
      assert.equal(r.result, 'Succeeded', r.message);
      assert.deepEqual(writes(), []);
      assert.equal(statementsBesidesProbe(), statements);
      assert.equal(r.report.changes?.[0]?.action, 'noop');
    });

    it('replaces the view when its definition would change (another prediction column name)', async () => {
      await run(params({ unpackFromEndpoint: ENDPOINT }));
      const r = await run(params({ unpackFromEndpoint: ENDPOINT, predictionColumn: 'churn_prediction' }));
      assert.equal(r.result, 'Succeeded', r.message);
      assert.equal(r.report.changes?.[0]?.action, 'update');
      assert.ok(t.ws.state.uc.getTable(TABLE)!.columns!.some((c) => c.name === 'churn_prediction'));
      assert.equal(t.ws.state.monitors.get(TABLE)!.profile.prediction, 'churn_prediction');
    });

    it('dryRun shows the view it would create and writes nothing (no statement but the read-only probe)', async () => {
      const r = await run(params({ unpackFromEndpoint: ENDPOINT }), true);
      assert.equal(r.result, 'Succeeded', r.message);
      assert.ok(r.planLines.includes('+ view main.ml_mon.churn_inference'), r.planLines.join('\n'));
      assert.ok(r.planLines.includes(`    + source: ${PAYLOAD}`), r.planLines.join('\n'));
      assert.ok(r.planLines.includes('    + model_id: <model>/<version> through system.serving.served_entities'), r.planLines.join('\n'));
      assert.deepEqual(writes(), []);
      assert.equal(statementsBesidesProbe(), 0);
    });

    it('system.serving.served_entities unreadable: the view keeps the served entity id, with a warning naming the grant; plan mode says which route', async () => {
      t.ws.state.serving.servedEntitiesReadable = false;
      const plan = await run(params({ unpackFromEndpoint: ENDPOINT }), true);
      assert.ok(plan.planLines.includes('    + model_id: served_entity_id (system.serving.served_entities cannot be read)'), plan.planLines.join('\n'));
      const r = await run(params({ unpackFromEndpoint: ENDPOINT }));
      assert.equal(r.result, 'Succeeded', r.message);
      assert.match(
        r.notes.join('\n'),
        /holds the bare served entity id, not <model>\/<version>: system\.serving\.served_entities cannot be read here \(.*TABLE_OR_VIEW_NOT_FOUND.*\)\. .*grant this connection's principal SELECT on system\.serving\.served_entities/,
      );
      const rows = await t.ws.state.sql.exec(`SELECT DISTINCT model_id FROM ${TABLE}`);
      assert.deepEqual(rows.rows, [[entityId]]);
      // Readable again: the next run replaces the view with the <model>/<version> one.
      t.ws.state.serving.servedEntitiesReadable = true;
      const again = await run(params({ unpackFromEndpoint: ENDPOINT }));
      assert.equal(again.report.changes?.[0]?.action, 'update');
      assert.deepEqual((await t.ws.state.sql.exec(`SELECT DISTINCT model_id FROM ${TABLE}`)).rows, [[`${MODEL}/1`]]);
    });

    it('explains an endpoint without an inference table, and a table that is not a view', async () => {
      t.ws.state.serving.get(ENDPOINT)!.aiGateway = undefined;
      await assert.rejects(run(params({ unpackFromEndpoint: ENDPOINT })), /has no AI Gateway inference table enabled/);
      await seedInferenceTable(t.ws);
      t.ws.state.serving.get(ENDPOINT)!.aiGateway = { inference_table_config: { catalog_name: 'main', schema_name: 'ml_logs', table_name_prefix: 'churn_scoring', enabled: true } };
      await assert.rejects(run(params({ unpackFromEndpoint: ENDPOINT })), /exists as a MANAGED, not a view; the task does not replace tables/);
      assert.deepEqual(writes(), []);
    });
  });
});
