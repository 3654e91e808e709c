import * as assert from 'node:assert/strict';
import { DatabricksApiError } from '../../../shared/client/errors';
import type { MonitorApi, MonitorSpec } from '../../../shared/api/monitors/model';
import { resolveMonitorApi } from '../../../shared/api/monitors/resolve';
import { runSelect } from '../../../shared/api/sql';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { metricRows } from '../../fake/seeds/monitoring';
import { startWorkspace, type TestWorkspace } from './workspace';

const TABLE = 'main.ml_mon.churn_inference';

export async function seedInferenceTable(t: TestWorkspace, table = TABLE): Promise<void> {
  await t.ws.state.sql.exec(`CREATE TABLE ${table} (\`timestamp\` TIMESTAMP, model_id STRING, age DOUBLE, plan STRING, prediction BIGINT, label BIGINT)`);
  t.ws.state.uc.addSchema('main.ml_mon');
}

export function spec(overrides: Partial<MonitorSpec> = {}): MonitorSpec {
  return {
    tableName: TABLE,
    outputSchema: 'main.ml_mon',
    assetsDir: `/Workspace/Shared/lakehouse_monitoring/${TABLE}`,
    profile: {
      type: 'inferenceLog',
      problemType: 'classification',
      predictionColumn: 'prediction',
      labelColumn: 'label',
      modelIdColumn: 'model_id',
      timestampColumn: 'timestamp',
      granularities: ['1 day'],
    },
    slicingExpressions: [],
    customMetrics: [],
    schedule: { quartzCronExpression: '0 0 0 * * ?', timezoneId: 'UTC' },
    notifyEmails: ['mlops@contoso.com'],
    warehouseId: DEFAULT_WAREHOUSE_ID,
    ...overrides,
  };
}

/** Reads until `done`; the bound is a give-up for a broken fake (20 s), not a window the test depends on. */
async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (const giveUp = Date.now() + 20_000; Date.now() < giveUp;) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached within 20 s');
}

describe('monitors: both APIs behind one interface, against the fake', () => {
  let t: TestWorkspace;
  before(async () => {
    t = await startWorkspace();
  });
  after(() => t.close());
  beforeEach(async () => {
    t.reset();
    await seedInferenceTable(t);
  });

  for (const preference of ['dataQuality', 'legacy'] as const) {
    describe(preference, () => {
      let api: MonitorApi;
      beforeEach(async () => {
        api = (await resolveMonitorApi(t.client(), preference)).api;
      });

      it('creates a monitor that goes PENDING → ACTIVE, with metric tables in the SQL engine, and GET hides write-only fields', async () => {
        // PENDING until its first read: the create answer is PENDING, the wait's read ACTIVE.
        t.ws.state.monitors.activationReads = 1;
        assert.equal(await api.get(TABLE), undefined);
        const created = await api.create(spec());
        assert.equal(created.status, 'PENDING');
        assert.equal(created.api, preference);
        const active = await waitFor(
          () => api.get(TABLE),
          (m) => m?.status === 'ACTIVE',
        );
        assert.equal(active!.profileMetricsTable, 'main.ml_mon.churn_inference_profile_metrics');
        assert.equal(active!.driftMetricsTable, 'main.ml_mon.churn_inference_drift_metrics');
        assert.equal(active!.outputSchema, 'main.ml_mon');
        assert.deepEqual(active!.profile, spec().profile);
        assert.deepEqual(active!.notifyEmails, ['mlops@contoso.com']);
        const rawPath =
          preference === 'legacy' ? `/api/2.1/unity-catalog/tables/${TABLE}/monitor` : `/api/data-quality/v1/monitors/table/${t.ws.state.uc.getTable(TABLE)!.table_id}`;
        const raw = JSON.stringify(await t.client().get(rawPath));
        assert.doesNotMatch(raw, /"warehouse_id"|skip_builtin_dashboard/);
        assert.match(raw, preference === 'legacy' ? /"prediction_col":"prediction"/ : /"prediction_column":"prediction".*"AGGREGATION_GRANULARITY_1_DAY"/);
        assert.ok(t.ws.state.uc.getTable('main.ml_mon.churn_inference_drift_metrics'));
        const columns = await t.ws.state.sql.engine.describe('main.ml_mon.churn_inference_drift_metrics');
        assert.ok(columns.some((c) => c.name === 'population_stability_index' && c.typeName === 'DOUBLE'));
        assert.ok(columns.some((c) => c.name === 'ks_test' && c.typeText === 'struct<statistic:double,pvalue:double>'));
      });

      it('runs refreshes: PENDING → RUNNING → SUCCESS with metric rows, a second one while running is refused', async () => {
        await api.create(spec({ baselineTableName: undefined }));
        // Held until the second start was refused (then it ends at once): no race with its duration.
        t.ws.state.monitors.holdRefreshes = true;
        t.ws.state.monitors.refreshPendingMs = 5 * 60_000;
        const refresh = await api.runRefresh(TABLE);
        assert.equal(refresh.state, 'PENDING');
        const second = await api.runRefresh(TABLE).catch((e: unknown) => e);
        assert.ok(second instanceof DatabricksApiError);
        assert.equal(second.errorCode, 'RESOURCE_CONFLICT');
        assert.equal(second.statusCode, 409);
        t.ws.state.monitors.endRefresh(TABLE, Number(refresh.refreshId));
        const done = await waitFor(
          () => api.getRefresh(TABLE, refresh.refreshId),
          (r) => r.state === 'SUCCESS',
        );
        assert.ok(done.endTimeMs! >= done.startTimeMs!);
        assert.deepEqual(
          (await api.listRefreshes(TABLE)).map((r) => r.refreshId),
          [refresh.refreshId],
        );
        // One window only: consecutive drift has no previous window → NULL metrics.
        const rows = await runSelect(
          t.client(),
          DEFAULT_WAREHOUSE_ID,
          'SELECT column_name, drift_type, population_stability_index AS psi FROM main.ml_mon.churn_inference_drift_metrics WHERE slice_key IS NULL AND model_id = :m ORDER BY column_name',
          { m: '*' },
        );
        assert.deepEqual(
          rows.rows.map((r) => [r.column_name, r.drift_type, r.psi]),
          [
            ['age', 'CONSECUTIVE', null],
            ['label', 'CONSECUTIVE', null],
            ['plan', 'CONSECUTIVE', null],
            ['prediction', 'CONSECUTIVE', null],
          ],
        );
      });

      it("writes one slice per model id of the monitored table besides the all-models '*' rows", async () => {
        await t.ws.state.sql.exec(
          `INSERT INTO ${TABLE} VALUES (TIMESTAMP '2026-05-04 01:00:00', 'main.ml.churn_model/7', 30, 'basic', 1, 1), (TIMESTAMP '2026-05-04 02:00:00', 'main.ml.churn_model/8', 40, 'pro', 0, 1), (TIMESTAMP '2026-05-04 03:00:00', NULL, 50, 'pro', 0, 0)`,
        );
        await api.create(spec());
        t.ws.state.monitors.holdRefreshes = true;
        const refresh = await api.runRefresh(TABLE);
        t.ws.state.monitors.endRefresh(TABLE, Number(refresh.refreshId));
        await waitFor(
          () => api.getRefresh(TABLE, refresh.refreshId),
          (r) => r.state === 'SUCCESS',
        );
        for (const table of ['main.ml_mon.churn_inference_drift_metrics', 'main.ml_mon.churn_inference_profile_metrics']) {
          const rows = await runSelect(t.client(), DEFAULT_WAREHOUSE_ID, `SELECT DISTINCT model_id FROM ${table} WHERE slice_key IS NULL AND column_name = :c ORDER BY model_id`, {
            c: 'age',
          });
          assert.deepEqual(
            rows.rows.map((r) => r.model_id),
            ['*', 'main.ml.churn_model/7', 'main.ml.churn_model/8'],
            table,
          );
        }
      });

      it('cancels a running refresh and supports the INVALID_STATE answer for a concurrent one', async () => {
        t.ws.state.monitors.conflictMode = 'INVALID_STATE';
        await api.create(spec());
        const r = await api.runRefresh(TABLE);
        const e = await api.runRefresh(TABLE).catch((x: unknown) => x);
        assert.ok(e instanceof DatabricksApiError && e.errorCode === 'INVALID_STATE' && e.statusCode === 400);
        await api.cancelRefresh(TABLE, r.refreshId);
        assert.equal((await api.getRefresh(TABLE, r.refreshId)).state, 'CANCELED');
        // Body-less POSTs send {} as JSON, as the SDKs do (refresh run and cancel).
        const posts = t.ws.requests.filter((q) => q.method === 'POST' && /\/refreshes(\/\d+\/cancel)?$/.test(q.path));
        assert.ok(posts.length >= 3);
        for (const q of posts) assert.ok(q.body !== undefined && typeof q.body === 'object', `${q.path} has a JSON body`);
        assert.deepEqual(
          posts.filter((q) => q.path.endsWith('/cancel')).map((q) => q.body),
          [{}],
        );
      });

      it('reports a FAILED refresh with its message', async () => {
        t.ws.state.monitors.refreshFailures.set(TABLE, 'Spark job failed: out of memory');
        await api.create(spec());
        const r = await api.runRefresh(TABLE);
        const done = await waitFor(
          () => api.getRefresh(TABLE, r.refreshId),
          (x) => x.state === 'FAILED',
        );
        assert.equal(done.message, 'Spark job failed: out of memory');
      });
    });
  }

  it('v1 PATCH applies exactly the update_mask paths', async () => {
    const { api } = await resolveMonitorApi(t.client(), 'dataQuality');
    const current = await api.create(spec());
    const updated = await api.update(spec({ schedule: { quartzCronExpression: '0 0 6 * * ?', timezoneId: 'UTC' }, notifyEmails: ['other@contoso.com'] }), ['schedule'], current);
    const patch = t.ws.requests.find((r) => r.method === 'PATCH')!;
    assert.equal(patch.query.update_mask, 'data_profiling_config.schedule');
    assert.equal(updated.schedule!.quartzCronExpression, '0 0 6 * * ?');
    assert.deepEqual(updated.notifyEmails, ['mlops@contoso.com'], 'not in the mask → unchanged');
  });

  it('legacy PUT refuses a read-only pause_status and a different assets_dir', async () => {
    const c = t.client();
    const { api } = await resolveMonitorApi(c, 'legacy');
    await api.create(spec());
    const path = `/api/2.1/unity-catalog/tables/${TABLE}/monitor`;
    const base = { output_schema_name: 'main.ml_mon', snapshot: {} };
    await assert.rejects(c.put(path, { ...base, schedule: { quartz_cron_expression: '0 0 0 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' } }), /pause_status is read-only/);
    await assert.rejects(c.put(path, { ...base, assets_dir: '/elsewhere' }), /assets_dir cannot be updated/);
  });

  it('auto probes v1 with a per-table read, never the list call, and falls back only when v1 is unavailable', async () => {
    const chosen = await resolveMonitorApi(t.client(), 'auto', ['main.ml_mon.missing', TABLE]);
    assert.equal(chosen.api.kind, 'dataQuality');
    assert.match(
      chosen.decidedBy!,
      /^GET \/api\/data-quality\/v1\/monitors\/table\/[0-9a-f-]+ \(main\.ml_mon\.churn_inference\) answered 404 RESOURCE_DOES_NOT_EXIST about the monitor$/,
    );
    assert.ok(!t.ws.requests.some((r) => r.path === '/api/data-quality/v1/monitors'), 'the list route is never called');
    await assert.rejects(t.client().get('/api/data-quality/v1/monitors'), /NOT_IMPLEMENTED \(HTTP 501\)/);
    await chosen.api.create(spec());
    assert.match((await resolveMonitorApi(t.client(), 'auto', [TABLE])).decidedBy!, /answered 200$/);
    for (const [mode, code] of [
      ['endpointNotFound', 'ENDPOINT_NOT_FOUND'],
      ['featureDisabled', 'FEATURE_DISABLED'],
      ['featureNotEnabled', 'FEATURE_NOT_ENABLED'],
      ['notImplemented', 'NOT_IMPLEMENTED'],
    ] as const) {
      t.ws.state.monitors.v1Mode = mode;
      const fallback = await resolveMonitorApi(t.client(), 'auto', [TABLE]);
      assert.equal(fallback.api.kind, 'legacy', mode);
      assert.match(fallback.fallbackReason!, new RegExp(code));
      assert.match(fallback.decidedBy!, new RegExp(`answered \\d+ ${code}$`));
    }
    // The probe is a read: allowed in plan mode.
    assert.equal((await resolveMonitorApi(t.client({ readOnly: true }), 'auto', [TABLE])).api.kind, 'legacy');
  });

  it('legacy: any 404 but a missing table is "no monitor", whatever its error_code', async () => {
    const { api } = await resolveMonitorApi(t.client(), 'legacy');
    for (const code of ['RESOURCE_DOES_NOT_EXIST', 'NOT_FOUND', 'MONITOR_NOT_FOUND']) {
      t.ws.state.monitors.legacyMissingCode = code;
      assert.equal(await api.get(TABLE), undefined, code);
    }
    await assert.rejects(api.get('main.ml_mon.missing'), /TABLE_DOES_NOT_EXIST/);
  });

  it('refuses an inference-log monitor naming a column the table lacks', async () => {
    const { api } = await resolveMonitorApi(t.client(), 'dataQuality');
    const e = await api
      .create(spec({ profile: { ...(spec().profile as Extract<MonitorSpec['profile'], { type: 'inferenceLog' }>), labelColumn: 'churned' } }))
      .catch((x: unknown) => x);
    assert.match(String(e), /The label column 'churned' does not exist/);
  });

  it('generates several windows with BASELINE and CONSECUTIVE rows, slices and per-model rows', () => {
    const rows = metricRows({
      profile: 'p',
      drift: 'd',
      modelIdColumn: 'model_id',
      columns: [
        { name: 'age', kind: 'numeric' },
        { name: 'plan', kind: 'categorical' },
      ],
      windows: 3,
      baseline: true,
      models: ['churn/1'],
      slices: [{ key: 'plan', value: 'pro' }],
      severity: (c) => (c.column === 'age' && c.window === 2 ? 0.4 : 0.02),
    });
    // 3 windows × 2 models × 2 slices × 2 drift types × 2 columns
    assert.equal(rows.drift.length, 48);
    const consecutiveFirst = rows.drift.filter((r) => r.values.drift_type === 'CONSECUTIVE' && r.values.window_cmp === null);
    assert.equal(consecutiveFirst.length, 8);
    assert.ok(consecutiveFirst.every((r) => r.values.population_stability_index === undefined));
    assert.ok(rows.drift.some((r) => r.values.population_stability_index === 0.4));
  });
});
