/**
 * The monitor gateway and target discovery in-process against the fake workspace (both monitor
 * APIs, Unity Catalog listing with pages), through a real DatabricksClient.
 */
import * as assert from 'node:assert/strict';
import { quietLog } from '../../helpers/recordingLog';
import { monitorFinder } from '../../../tasks/DatabricksRefreshMonitors/src/monitorFinder';
import { refreshAll } from '../../../tasks/DatabricksRefreshMonitors/src/refresh';
import { MissingMonitorError, resolveTargets } from '../../../tasks/DatabricksRefreshMonitors/src/targets';
import { seedMonitoredTable, startScheduledRefresh } from '../../tasks/DatabricksRefreshMonitors/seed';
import { startTestWorkspace, type TestWorkspace } from '../../helpers/testWorkspace';

const TIME_SCALE = 0.001;
const CHURN = 'main.ml_mon.churn_inference';

describe('refresh monitors: monitor finder and targets (in-process, fake workspace)', function () {
  this.timeout(20_000);
  let t: TestWorkspace;

  before(async () => {
    t = await startTestWorkspace({ timeScale: TIME_SCALE });
  });
  after(async () => t.close());
  beforeEach(() => {
    t.reset();
    t.ws.state.monitors.refreshPendingMs = 1_000;
    t.ws.state.monitors.refreshDurationMs = 20_000;
  });

  const paths = (method?: string) => t.ws.requests.filter((r) => method === undefined || r.method === method).map((r) => `${r.method} ${decodeURIComponent(r.path)}`);

  describe('monitorFinder', () => {
    it('uses the data quality v1 API first, and binds the refresh calls to it', async () => {
      // A pending phase of an hour of workspace time (3.6 s real), so that the refresh still
      // reads PENDING when the start call's answer is rendered, however loaded the machine.
      t.ws.state.monitors.refreshPendingMs = 60 * 60_000;
      const monitor = await seedMonitoredTable(t.ws, { table: CHURN, refreshDurationMs: 60 * 60_000 });
      const view = await monitorFinder(t.client())(CHURN);
      assert.ok(view);
      assert.equal(view.api, 'dataQuality');
      assert.deepEqual(view.facts, {
        driftMetricsTable: 'main.ml_mon.churn_inference_drift_metrics',
        profileMetricsTable: 'main.ml_mon.churn_inference_profile_metrics',
        baselineTableName: 'main.ml_mon.churn_inference_baseline',
        profileType: 'inferenceLog',
        problemType: 'classification',
        modelIdColumn: 'model_id',
        granularities: ['1 day'],
        customMetrics: [],
      });
      assert.equal(view.link, `${t.ws.url}/sql/dashboardsv3/${monitor.dashboardId}`);

      const started = await view.refresh.runRefresh();
      assert.equal(started.state, 'PENDING');
      assert.deepEqual(
        (await view.refresh.listRefreshes()).map((r) => r.refreshId),
        [started.refreshId],
      );
      await view.refresh.cancelRefresh(started.refreshId);
      assert.equal((await view.refresh.getRefresh(started.refreshId)).state, 'CANCELED');
      assert.ok(
        paths().every((p) => !/\/monitor(\/|$)/.test(p)),
        `no legacy call: ${paths().join('\n')}`,
      );
      assert.ok(paths('POST').every((p) => p.startsWith(`POST /api/data-quality/v1/monitors/table/${monitor.tableId}/refreshes`)));
    });

    for (const mode of ['endpointNotFound', 'featureDisabled'] as const) {
      it(`falls back to the legacy API when v1 is unavailable (${mode})`, async () => {
        await seedMonitoredTable(t.ws, { table: CHURN, profile: 'timeSeries' });
        t.ws.state.monitors.v1Mode = mode;
        const find = monitorFinder(t.client());
        const view = await find(CHURN);
        assert.ok(view);
        assert.equal(view.api, 'legacy');
        assert.equal(view.facts.profileType, 'timeSeries');
        assert.equal(view.facts.modelIdColumn, undefined);
        const started = await view.refresh.runRefresh();
        await view.refresh.getRefresh(started.refreshId);
        t.ws.state.uc.addTable({ fullName: 'main.ml_mon.raw_events', columns: [{ name: 'id', type: 'BIGINT' }] });
        assert.equal(await find('main.ml_mon.raw_events'), undefined, 'a table without monitor is looked up on legacy only');
        const v1 = paths().filter((p) => p.includes('/data-quality/'));
        const tableId = t.ws.state.uc.getTable(CHURN)!.table_id;
        assert.deepEqual(v1, [`GET /api/data-quality/v1/monitors/table/${tableId}`], 'v1 probed once with a per-table read (never the list), then never called');
        assert.ok(paths('POST').every((p) => p === `POST /api/2.1/unity-catalog/tables/${CHURN}/monitor/refreshes`));
      });
    }

    it('asks the legacy API about a monitor v1 does not show, and returns undefined for a table without one', async () => {
      t.ws.state.uc.addTable({ fullName: 'main.ml_mon.raw_events', columns: [{ name: 'id', type: 'BIGINT' }] });
      assert.equal(await monitorFinder(t.client())('main.ml_mon.raw_events'), undefined);
      const probe = 'GET /api/data-quality/v1/monitors/table/' + t.ws.state.uc.getTable('main.ml_mon.raw_events')!.table_id;
      assert.deepEqual(paths(), [
        'GET /api/2.1/unity-catalog/tables/main.ml_mon.raw_events',
        // The availability probe (a 404 about the monitor: v1 is there), then the lookup itself.
        probe,
        probe,
        'GET /api/2.1/unity-catalog/tables/main.ml_mon.raw_events/monitor',
      ]);
    });
  });

  describe('resolveTargets', () => {
    it('follows the listing pages of the schema, keeps monitored tables, skips the others', async () => {
      t.ws.state.uc.maxPageSize = 2;
      const monitored = ['a_inference', 'c_inference', 'e_inference'].map((n) => `main.fleet.${n}`);
      for (const table of monitored) await seedMonitoredTable(t.ws, { table, outputSchema: 'main.fleet_metrics' });
      for (const n of ['b_raw', 'd_raw']) t.ws.state.uc.addTable({ fullName: `main.fleet.${n}`, columns: [{ name: 'id', type: 'BIGINT' }] });

      const targets = await resolveTargets(t.client(), { tables: [], schemaName: 'main.fleet' }, monitorFinder(t.client()));
      assert.deepEqual(
        targets.monitors.map((m) => m.table),
        monitored,
      );
      assert.deepEqual(targets.skipped, ['main.fleet.b_raw', 'main.fleet.d_raw']);
      const pages = t.ws.requests.filter((r) => r.path === '/api/2.1/unity-catalog/tables');
      assert.equal(pages.length, 3, 'five tables in pages of two');
      assert.deepEqual(
        pages.map((r) => r.query.page_token === undefined),
        [true, false, false],
      );
    });

    it('a listed table without monitor is an error naming it; listed and discovered tables are not doubled', async () => {
      await seedMonitoredTable(t.ws, { table: CHURN });
      t.ws.state.uc.addTable({ fullName: 'main.ml_mon.raw_events', columns: [{ name: 'id', type: 'BIGINT' }] });
      await assert.rejects(resolveTargets(t.client(), { tables: [CHURN, 'main.ml_mon.raw_events'] }, monitorFinder(t.client())), (e: unknown) => {
        assert.ok(e instanceof MissingMonitorError);
        assert.deepEqual(e.tables, ['main.ml_mon.raw_events']);
        return true;
      });
      const both = await resolveTargets(t.client(), { tables: [CHURN.toUpperCase()], schemaName: 'main.ml_mon' }, monitorFinder(t.client()));
      assert.deepEqual(
        both.monitors.map((m) => m.table),
        [CHURN],
      );
      assert.ok(both.skipped.includes('main.ml_mon.raw_events'));
    });
  });

  describe('refreshAll over the fake', () => {
    it('waits on the scheduled refresh the service is running and starts the others', async () => {
      await seedMonitoredTable(t.ws, { table: CHURN });
      await seedMonitoredTable(t.ws, { table: 'main.ml_mon.fraud_inference' });
      // Running until the task polls it, so the task can only have found it running.
      const scheduled = startScheduledRefresh(t.ws, CHURN, 'held');
      const find = monitorFinder(t.client());
      const targets = await Promise.all([CHURN, 'main.ml_mon.fraud_inference'].map(async (table) => ({ table, refresh: (await find(table))!.refresh })));
      t.ws.reset();
      t.ws.onAnswered((r) => {
        if (r.method === 'GET' && r.path.endsWith(`/refreshes/${scheduled.id}`)) t.ws.state.monitors.endRefresh(CHURN, scheduled.id);
      });
      const outcomes = await refreshAll(targets, {
        concurrency: 5,
        waitForCompletion: true,
        timeoutMinutes: 60,
        clock: t.clock,
        signal: new AbortController().signal,
        log: quietLog,
      });
      assert.deepEqual(
        outcomes.map((o) => [o.state, o.startedByTask]),
        [
          ['SUCCESS', false],
          ['SUCCESS', true],
        ],
      );
      assert.equal(outcomes[0]!.refreshId, String(scheduled.id));
      assert.equal(paths('POST').length, 1, 'one refresh started');
    });
  });
});
