/**
 * DatabricksRefreshMonitors as the agent runs it: the bundled task spawned with the agent's
 * env-var contract against the fake cloud (time compressed 100×: a 30 s refresh takes 0.3 s).
 * Monitors live in the fake's store (both monitor APIs), metric rows are written by the fake's
 * refreshes and read by the task through the real SQL engine.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriftReportData } from '../../../shared/runtime/reportTypes';
import type { MonitorRecord } from '../../fake/routes/monitors/model';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { bundledTaskSuite } from '../../helpers/bundledSuite';
import { logGroupsOf, sigtermWhen, type RunTaskOptions, type TaskRun } from '../../helpers/runTask';
import { driftOn, seedMonitoredTable, startScheduledRefresh, type MonitoredTableOptions } from './seed';

const TASK = 'DatabricksRefreshMonitors';
const TIME_SCALE = 0.01;
const CHURN = 'main.ml_mon.churn_inference';
const FRAUD = 'main.ml_mon.fraud_inference';
const PSI = 'population_stability_index >= 0.2';

interface Report {
  kind: string;
  result: string;
  dryRun?: boolean;
  data: DriftReportData;
}

describe('DatabricksRefreshMonitors (bundled task)', function () {
  this.timeout(90_000);
  const suite = bundledTaskSuite(TASK, {
    timeScale: TIME_SCALE,
    inputs: () => ({ warehouseId: DEFAULT_WAREHOUSE_ID }),
    timeoutMs: 60_000,
    seed: (cloud) => {
      const store = cloud.workspace.state.monitors;
      // Short refreshes unless a test says otherwise: 5 s pending + 30 s running (0.35 s here).
      store.refreshPendingMs = 5_000;
      store.refreshDurationMs = 30_000;
    },
  });

  const ws = () => suite.cloud.workspace;
  const seed = (o: MonitoredTableOptions): Promise<MonitorRecord> => seedMonitoredTable(ws(), o);
  const refresh = (inputs: Record<string, string>, opts: Partial<RunTaskOptions> = {}): Promise<TaskRun> => suite.run(inputs, opts);

  function report(run: TaskRun): Report {
    const a = run.attachments.find((x) => x.type === 'databricks-mlops-report');
    assert.ok(a, `a report attachment: ${run.stdout}`);
    return JSON.parse(readFileSync(a.path, 'utf8')) as Report;
  }

  function summary(run: TaskRun): string {
    assert.equal(run.summaries.length, 1, run.stdout);
    return readFileSync(run.summaries[0]!, 'utf8');
  }

  /** The monitor a request is about: v1 paths name the table id, legacy paths the table name. */
  function monitorOf(path: string): MonitorRecord | undefined {
    const p = decodeURIComponent(path);
    const v1 = /\/monitors\/table\/([^/]+)/.exec(p);
    if (v1) return ws().state.monitors.byTableId(v1[1]!);
    const legacy = /\/tables\/([^/]+)\/monitor/.exec(p);
    return legacy ? ws().state.monitors.get(legacy[1]!) : undefined;
  }

  /** POSTs that start refreshes (either API). */
  const refreshStarts = () => ws().requests.filter((r) => r.method === 'POST' && /\/refreshes$/.test(r.path));

  describe('refreshes', () => {
    it('two monitors at once: outputs, summary (verdict first, worst column first) and the report at reportPath', async () => {
      await seed({ table: CHURN, pastRefreshes: 2, severity: (c) => (c.window === c.windows - 1 ? ({ age: 0.45, income: 0.25 }[c.column] ?? 0.03) : 0.03) });
      await seed({ table: FRAUD, pastRefreshes: 2 });
      // Both refreshes run until both were started: a task that waited for one before starting
      // the other would never see the first end (and time out).
      ws().state.monitors.holdRefreshes = true;
      ws().onAnswered((r) => {
        if (r.method !== 'POST' || r.status !== 200 || !/\/refreshes$/.test(r.path) || refreshStarts().filter((x) => x.status === 200).length < 2) return;
        for (const t of [CHURN, FRAUD]) ws().state.monitors.endRefresh(t, ws().state.monitors.get(t)!.refreshes.at(-1)!.id);
      });
      const run = await refresh({ tables: `${CHURN}\n${FRAUD}`, thresholds: PSI, onDrift: 'fail' });

      assert.equal(run.result, 'Failed', run.stdout);
      assert.match(run.resultMessage ?? '', /Drift detected: 2 column\(s\) in main\.ml_mon\.churn_inference \(onDrift: fail\)/);
      assert.equal(refreshStarts().length, 2);
      const startTimes = [CHURN, FRAUD].map((t) => ws().state.monitors.get(t)!.refreshes.at(-1)!);
      assert.ok(startTimes.every((r) => ws().state.monitors.refreshState(r) === 'SUCCESS'));
      // Both ran at the same time: each ended only once both had started.
      assert.ok(Math.max(...startTimes.map((r) => r.startMs)) <= Math.min(...startTimes.map((r) => r.endAt)), 'the refreshes overlapped');

      assert.equal(run.outputs.driftDetected, 'true');
      assert.equal(run.outputs.driftedColumns, `${CHURN}.age,${CHURN}.income`);
      assert.deepEqual(JSON.parse(run.outputs.refreshStates!), { [CHURN]: 'SUCCESS', [FRAUD]: 'SUCCESS' });
      const reportPath = run.outputs.reportPath!;
      assert.equal(reportPath, join(run.tempDir, 'databricks-drift-report.json'));

      const md = summary(run);
      assert.match(md.split('\n')[0]!, /^## ❌ Drift detected — Failed$/);
      assert.match(md, /\| \[main\.ml\\_mon\.churn\\_inference\]\(https:\/\/[^)]+\/sql\/dashboardsv3\/[0-9a-f]+\) \| SUCCESS #\d+ \| \d+ s \| Drift detected \| age, income \|/);
      assert.match(md, /\| \[main\.ml\\_mon\.fraud\\_inference\]\([^)]+\) \| SUCCESS #\d+ \| \d+ s \| No drift \| {2}\|/);
      const churnDetails = md.slice(md.indexOf('#### main.ml\\_mon.churn\\_inference'));
      const rows = churnDetails.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Column'));
      assert.deepEqual(
        rows.slice(0, 2).map((l) => l.split(' | ')[0]),
        ['| age', '| income'],
        'worst column first',
      );
      assert.match(rows[0]!, /\| 0\.45 \(>= 0\.2\) \| \*\*0\.45\*\* \| 1\/1 \| \*\*yes\*\* \|/);
      assert.ok(
        rows.slice(2).every((l) => l.endsWith('| no |')),
        'columns without drift after the drifted ones',
      );

      const r = report(run);
      assert.equal(r.kind, 'drift');
      assert.equal(r.result, 'Failed');
      assert.equal(r.data.verdict, 'drift');
      assert.deepEqual(r.data.driftedColumns, [`${CHURN}.age`, `${CHURN}.income`]);
      assert.deepEqual(
        r.data.tables.map((t) => [t.table, t.verdict, t.monitorApi, t.refresh.startedByTask]),
        [
          [CHURN, 'drift', 'dataQuality', true],
          [FRAUD, 'no-drift', 'dataQuality', true],
        ],
      );
      assert.deepEqual(
        r.data.tables.map((t) => t.granularity),
        ['1 day', '1 day'],
      );
      assert.ok(existsSync(reportPath));
      assert.deepEqual(JSON.parse(readFileSync(reportPath, 'utf8')), r, 'the file at reportPath is the attached report');
      assert.ok(run.progress.length > 0, 'progress while waiting');
    });

    it('fifty monitors at once: never more than `concurrency` refreshes in flight, one GET per refresh per poll', async () => {
      const tables = Array.from({ length: 50 }, (_, i) => `main.fleet.model_${String(i).padStart(2, '0')}`);
      for (const table of tables) await seed({ table });
      // Refreshes run until ten are in flight (or the last one started), then all running ones
      // end: a task that used fewer slots would never see an end, one that used more would
      // start an eleventh. In flight = started by the task and not yet seen ended by it.
      const store = ws().state.monitors;
      store.holdRefreshes = true;
      const held: Array<{ table: string; id: number }> = [];
      const seenEnded = new Set<string>();
      let started = 0;
      let inFlight = 0;
      let peak = 0;
      ws().onAnswered((r) => {
        const table = monitorOf(r.path)?.tableName;
        if (!table || r.status !== 200) return;
        if (r.method === 'POST' && r.path.endsWith('/refreshes')) {
          started++;
          peak = Math.max(peak, ++inFlight);
          held.push({ table, id: store.get(table)!.refreshes.at(-1)!.id });
          if (held.length === 10 || started === tables.length) for (const h of held.splice(0)) store.endRefresh(h.table, h.id);
        } else if (r.method === 'GET' && /\/refreshes\/\d+$/.test(r.path) && !seenEnded.has(table)) {
          const refreshId = Number(r.path.split('/').pop());
          if (store.refreshState(store.get(table)!.refreshes.find((x) => x.id === refreshId)!) === 'SUCCESS') {
            seenEnded.add(table);
            inFlight--;
          }
        }
      });
      const run = await refresh({ tables: tables.join('\n'), concurrency: '10' });

      assert.equal(run.result, 'Succeeded', run.stdout);
      const refreshes = tables.map((t) => ws().state.monitors.get(t)!.refreshes);
      assert.ok(refreshes.every((list) => list.length === 1 && ws().state.monitors.refreshState(list[0]!) === 'SUCCESS'));
      assert.equal(peak, 10, 'refreshes in flight at most');
      assert.deepEqual(
        Object.values(JSON.parse(run.outputs.refreshStates!)),
        tables.map(() => 'SUCCESS'),
      );
      // Polls: one GET of each refresh per poll, never a burst: at most one read per poll interval.
      const gets = ws().requests.filter((r) => r.method === 'GET' && /\/refreshes\/\d+$/.test(r.path));
      const perRefresh = new Map<string, typeof gets>();
      for (const r of gets) perRefresh.set(r.path, [...(perRefresh.get(r.path) ?? []), r]);
      assert.equal(perRefresh.size, 50);
      for (const [path, reads] of perRefresh) {
        for (let i = 1; i < reads.length; i++) assert.ok(reads[i]!.time - reads[i - 1]!.time >= 90, `${path} polled twice within one interval`);
      }
      assert.equal(run.outputs.driftDetected, 'false');
    });

    it('waits on a refresh that is already running instead of starting another', async () => {
      await seed({ table: CHURN });
      // Running until the task polls it: the task must have found it running (not started its own).
      const scheduled = startScheduledRefresh(ws(), CHURN, 'held');
      ws().onAnswered((r) => {
        if (r.method === 'GET' && r.path.endsWith(`/refreshes/${scheduled.id}`)) ws().state.monitors.endRefresh(CHURN, scheduled.id);
      });
      const run = await refresh({ tables: CHURN });

      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.deepEqual(refreshStarts(), [], 'no refresh started');
      assert.match(run.stdout, new RegExp(`${CHURN}: refresh ${scheduled.id} is already (PENDING|RUNNING); waiting on it`));
      assert.equal(ws().state.monitors.refreshState(scheduled), 'SUCCESS');
      assert.match(summary(run), new RegExp(`SUCCESS #${scheduled.id} \\(already running, waited on\\)`));
      assert.equal(report(run).data.tables[0]!.refresh.startedByTask, false);
    });

    it('a FAILED refresh fails the task with the service message; the other table is still checked', async () => {
      await seed({ table: CHURN, refreshFailure: 'Serverless compute ran out of memory' });
      await seed({ table: FRAUD, pastRefreshes: 1 });
      const run = await refresh({ tables: `${CHURN}\n${FRAUD}`, thresholds: PSI, onDrift: 'ignore', onInsufficientData: 'pass' });

      assert.equal(run.result, 'Failed', run.stdout);
      assert.match(run.resultMessage ?? '', /Could not check main\.ml_mon\.churn_inference: The refresh \d+ ended FAILED: Serverless compute ran out of memory/);
      assert.deepEqual(JSON.parse(run.outputs.refreshStates!), { [CHURN]: 'FAILED', [FRAUD]: 'SUCCESS' });
      assert.deepEqual(
        report(run).data.tables.map((t) => t.verdict),
        ['error', 'no-drift'],
      );
      assert.ok(
        run.errors.some((e) => e.includes('Serverless compute ran out of memory')),
        run.errors.join('\n'),
      );
    });

    it('on timeout cancels the refreshes it started and reports them', async () => {
      await seed({ table: CHURN, refreshDurationMs: 3 * 60 * 60_000 });
      const run = await refresh({ tables: CHURN, timeoutMinutes: '1' });

      assert.equal(run.result, 'Failed', run.stdout);
      const started = ws().state.monitors.get(CHURN)!.refreshes[0]!;
      assert.equal(ws().state.monitors.refreshState(started), 'CANCELED');
      assert.equal(ws().requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/refreshes/${started.id}/cancel`)).length, 1);
      assert.match(run.resultMessage ?? '', /Cancelled by the task after 1 min/);
      assert.deepEqual(JSON.parse(run.outputs.refreshStates!), { [CHURN]: 'CANCELED' });
      assert.ok(run.durationMs < 10_000, `took ${run.durationMs} ms`);
    });

    it('SIGTERM during the wait: exits within 5 s and writes nothing after the signal', async () => {
      await seed({ table: CHURN, refreshDurationMs: 3 * 60 * 60_000 });
      const sigterm = sigtermWhen(`${CHURN}: started refresh`);
      const run = await refresh({ tables: CHURN }, { onStdout: sigterm.onStdout });
      const exitedAt = Date.now();
      const { signalledAt } = sigterm;
      assert.ok(signalledAt > 0, `no start line: ${run.stdout}`);
      assert.ok(exitedAt - signalledAt <= 5_000, `exited ${exitedAt - signalledAt} ms after SIGTERM`);
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', /cancelled \(SIGTERM\)/);
      assert.deepEqual(
        ws()
          .writeRequests()
          .filter((r) => r.time >= signalledAt),
        [],
      );
      // The refresh lines sit in a group, closed although the wait was cut short.
      const wait = logGroupsOf(run.stdout).find((g) => /^Waiting for 1 monitor refresh\(es\) \(up to 60 min\)$/.test(g.title));
      assert.ok(
        wait?.lines.some((l) => l.includes(`${CHURN}: started refresh`)),
        run.stdout,
      );
    });

    it('dryRun starts no refresh and makes no write call; the gate reads the metrics as they are', async () => {
      await seed({ table: CHURN, pastRefreshes: 2, severity: driftOn('age', 0.4) });
      startScheduledRefresh(ws(), CHURN, 60 * 60_000);
      await seed({ table: FRAUD, pastRefreshes: 2 });
      const run = await refresh({ tables: `${CHURN}\n${FRAUD}`, thresholds: PSI, onDrift: 'warn', dryRun: 'true' });

      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      assert.equal(ws().state.monitors.get(FRAUD)!.refreshes.length, 2, 'no refresh started');
      // The only POSTs are the gate's SELECT statements (read-only, allowed in plan mode).
      const writes = ws().writeRequests();
      assert.ok(writes.length > 0 && writes.every((r) => r.path === '/api/2.0/sql/statements'), JSON.stringify(writes.map((r) => r.path)));
      assert.ok(
        ws()
          .state.sql.statementsMatching(/.*/s)
          .every((s) => /^\s*SELECT\b/i.test(s.sql)),
      );
      assert.match(run.stdout, new RegExp(`${CHURN}: would wait on refresh \\d+ \\(RUNNING\\)`));
      assert.match(run.stdout, new RegExp(`${FRAUD}: would start a refresh`));
      const r = report(run);
      assert.equal(r.dryRun, true);
      assert.deepEqual(
        r.data.changes?.map((c) => c.action),
        ['noop', 'create'],
      );
      assert.match(summary(run), /\*\*Plan mode \(dryRun\):\*\* nothing was written; no refresh was started/);
      assert.equal(run.outputs.driftedColumns, `${CHURN}.age`);
    });
  });

  describe('targets from schemaName', () => {
    it('keeps the monitored tables of the schema and skips the others with a note', async () => {
      await seed({ table: CHURN });
      await seed({ table: FRAUD });
      ws().state.uc.addTable({ fullName: 'main.ml_mon.raw_events', columns: [{ name: 'id', type: 'BIGINT' }] });
      const run = await refresh({ schemaName: 'main.ml_mon' });

      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.deepEqual(Object.keys(JSON.parse(run.outputs.refreshStates!)).sort(), [CHURN, FRAUD]);
      assert.equal(refreshStarts().length, 2);
      // The metric tables the monitors write are in the same schema and have no monitor either.
      const skipped = /Skipped \d+ table\(s\) of main\.ml_mon without a monitor: (.*)\./.exec(run.stdout)?.[1]?.split(', ') ?? [];
      assert.ok(skipped.includes('main.ml_mon.raw_events') && skipped.includes('main.ml_mon.churn_inference_drift_metrics'), skipped.join(', '));
      assert.match(summary(run), /Skipped \(no monitor\): .*main\.ml\\_mon\.raw\\_events/);
    });

    for (const monitorApi of ['auto', 'legacy'] as const) {
      it(`schemaName without the list call: UC tables enumerated, each table's monitor read (v1 FEATURE_NOT_ENABLED, monitorApi ${monitorApi})`, async () => {
        await seed({ table: CHURN });
        ws().state.uc.addTable({ fullName: 'main.ml_mon.raw_events', columns: [{ name: 'id', type: 'BIGINT' }] });
        ws().state.monitors.v1Mode = 'featureNotEnabled';
        // Legacy "no monitor" answers are 404s whose error_code is unconfirmed: any code but a missing table counts.
        ws().state.monitors.legacyMissingCode = 'NOT_FOUND';
        const run = await refresh({ schemaName: 'main.ml_mon', monitorApi });

        assert.equal(run.result, 'Succeeded', run.stdout);
        assert.deepEqual(Object.keys(JSON.parse(run.outputs.refreshStates!)), [CHURN]);
        assert.ok(!ws().requests.some((r) => r.path === '/api/data-quality/v1/monitors'), 'never the v1 list call');
        assert.ok(
          ws().requests.some((r) => r.path === '/api/2.1/unity-catalog/tables'),
          'the schema is enumerated through Unity Catalog',
        );
        assert.deepEqual(
          report(run).data.tables.map((t) => t.monitorApi),
          ['legacy'],
        );
        if (monitorApi === 'auto')
          assert.match(
            run.stdout,
            /Monitor API: legacy quality monitors API, because the data quality API is not available here \(FEATURE_NOT_ENABLED\)\. Decided by: GET \/api\/data-quality\/v1\/monitors\/table\/[0-9a-f-]+ \(main\.ml_mon\.[a-z_]+\) answered 400 FEATURE_NOT_ENABLED/,
          );
        else assert.ok(!ws().requests.some((r) => r.path.startsWith('/api/data-quality/')), 'no v1 request when legacy is forced');
      });
    }

    it('monitorApi dataQuality uses v1 only; a bad monitorApi fails before any request', async () => {
      await seed({ table: CHURN });
      const run = await refresh({ tables: CHURN, monitorApi: 'dataQuality' });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.ok(!ws().requests.some((r) => r.path.includes('/monitor/')), 'no legacy request');
      ws().reset();
      const bad = await refresh({ tables: CHURN, monitorApi: 'v2' });
      assert.equal(bad.result, 'Failed');
      assert.match(bad.resultMessage ?? '', /monitorApi/);
      assert.deepEqual(ws().requests, []);
    });

    it('a table listed in tables without a monitor is a clear error before any refresh', async () => {
      await seed({ table: CHURN });
      ws().state.uc.addTable({ fullName: 'main.ml_mon.raw_events', columns: [{ name: 'id', type: 'BIGINT' }] });
      const run = await refresh({ tables: `${CHURN}\nmain.ml_mon.raw_events` });

      assert.equal(run.result, 'Failed');
      assert.match(
        run.resultMessage ?? '',
        /The table main\.ml_mon\.raw_events has no data quality monitor\. Create one with DatabricksCreateMonitor, or remove the table from tables\./,
      );
      assert.deepEqual(ws().writeRequests(), []);
    });
  });

  describe('notifyDestinations', () => {
    it('posts the gate outcome through the destinations when a rule breaks (a one-time job run), once', async () => {
      const slack = ws().state.alerts.addDestination('MLOps Slack', 'SLACK');
      const pager = ws().state.alerts.addDestination('On-call PagerDuty', 'PAGERDUTY');
      await seed({ table: CHURN, pastRefreshes: 1, severity: driftOn('age', 0.45) });
      const run = await refresh({ tables: CHURN, thresholds: PSI, onDrift: 'warn', notifyDestinations: 'MLOps Slack, On-call PagerDuty' });

      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      const delivered = ws().state.alerts.delivered;
      assert.deepEqual(
        delivered.map((d) => d.destinationId),
        [slack.id, pager.id],
      );
      assert.match(delivered[0]!.message, /^\[mlops\] Drift detected: 1 column\(s\) in main\.ml_mon\.churn_inference \(onDrift: warn\)\./);
      const submit = ws()
        .writeRequests()
        .find((w) => w.path === '/api/2.2/jobs/runs/submit')!;
      const body = submit.body as { idempotency_token: string; tasks: Array<{ condition_task?: object; new_cluster?: object }> };
      assert.match(body.idempotency_token, /^ado-drift-[0-9a-f]{48}$/);
      assert.ok(
        body.tasks.every((t) => t.condition_task && !t.new_cluster),
        'no compute',
      );
      assert.match(summary(run), /\*\*Notification destinations:\*\* MLOps Slack, On-call PagerDuty notified through the one-time job run \d+\./);
      assert.deepEqual(report(run).data.notification?.destinations, ['MLOps Slack', 'On-call PagerDuty']);
    });

    it('no broken rule: nobody is notified', async () => {
      ws().state.alerts.addDestination('MLOps Slack', 'SLACK');
      await seed({ table: CHURN, pastRefreshes: 1 });
      const run = await refresh({ tables: CHURN, thresholds: PSI, notifyDestinations: 'MLOps Slack' });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.deepEqual(ws().state.alerts.delivered, []);
      assert.ok(!ws().requests.some((r) => r.path === '/api/2.2/jobs/runs/submit'));
    });

    it('an unknown destination fails before any refresh, listing the available ones; more than 3 fail before any request', async () => {
      ws().state.alerts.addDestination('MLOps Slack', 'SLACK');
      await seed({ table: CHURN });
      const run = await refresh({ tables: CHURN, thresholds: PSI, notifyDestinations: 'MLOps Teams' });
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', /notifyDestinations: there is no notification destination named "MLOps Teams"\. Available: "MLOps Slack" \(SLACK\)\./);
      assert.deepEqual(ws().writeRequests(), []);
      ws().reset();
      const many = await refresh({ tables: CHURN, notifyDestinations: 'a, b, c, d' });
      assert.equal(many.result, 'Failed');
      assert.match(many.resultMessage ?? '', /notifyDestinations/);
      assert.deepEqual(ws().requests, []);
    });
  });

  describe('data-quality rules and custom metrics', () => {
    it('a range rule on a column statistic (max > 120 on age) is breached, reported apart from drift', async () => {
      await seed({ table: CHURN, pastRefreshes: 1, stats: (c) => (c.column === 'age' && c.window === c.windows - 1 ? { max: 150 } : undefined) });
      const run = await refresh({ tables: CHURN, thresholds: `max > 120\nnum_nulls > 100\n${PSI}`, columns: 'age' });

      assert.equal(run.result, 'Failed', run.stdout);
      assert.match(run.resultMessage ?? '', /Data-quality rule broken in main\.ml_mon\.churn_inference: max > 120 on age \(onDrift: fail\)/);
      assert.doesNotMatch(run.resultMessage ?? '', /Drift detected/);
      const t = report(run).data.tables[0]!;
      const max = t.columns.find((c) => c.rule === 'max > 120')!;
      assert.deepEqual([max.column, max.latest, max.drifted, max.category], ['age', 150, true, 'data-quality']);
      assert.deepEqual([t.columns.find((c) => c.rule === 'num_nulls > 100')?.drifted, t.columns.find((c) => c.rule === PSI)?.category], [false, 'drift']);
      const md = summary(run);
      assert.match(md, /\| Drifted columns \| Data-quality breaches \|/);
      assert.match(md.split('\n')[0]!, /^## ❌ Data-quality rule broken — Failed$/);
      assert.match(md, /\| Data-quality rule broken \| {2}\| age \(max \\> 120\) \|/);
      assert.match(md, /\*\*Data quality \(column statistics\)\*\*/);
    });

    it('a custom metric by name: an aggregate table-level metric from the profile table, a drift metric from the drift table', async () => {
      await seed({
        table: CHURN,
        pastRefreshes: 1,
        customMetrics: [
          { name: 'high_income_share', type: 'AGGREGATE', inputColumns: [':table'] },
          { name: 'income_avg_shift', type: 'DRIFT', inputColumns: ['income'] },
        ],
        customValue: (c) => (c.metric === 'high_income_share' ? (c.window === c.windows - 1 ? 0.42 : 0.1) : 3),
      });
      const run = await refresh({ tables: CHURN, thresholds: 'high_income_share > 0.3\nincome_avg_shift > 5' });

      assert.equal(run.result, 'Failed', run.stdout);
      const t = report(run).data.tables[0]!;
      const share = t.columns.find((c) => c.metric === 'high_income_share')!;
      assert.deepEqual([share.column, share.latest, share.drifted, share.category], [':table', 0.42, true, 'custom']);
      const shift = t.columns.find((c) => c.metric === 'income_avg_shift')!;
      assert.deepEqual([shift.column, shift.latest, shift.drifted], ['income', 3, false]);
    });

    it('a custom metric no monitor has fails before any refresh, with a suggestion', async () => {
      await seed({ table: CHURN, customMetrics: [{ name: 'high_income_share', type: 'AGGREGATE', inputColumns: [':table'] }] });
      const run = await refresh({ tables: CHURN, thresholds: 'high_income_shares > 0.3' });
      assert.equal(run.result, 'Failed');
      assert.match(
        run.resultMessage ?? '',
        /Input 'thresholds'.*unknown metric "high_income_shares": neither a built-in metric nor a custom metric of the monitors \(the monitors' custom metrics are high_income_share\); did you mean high_income_share\?/,
      );
      assert.deepEqual(refreshStarts(), []);
      assert.deepEqual(ws().writeRequests(), []);
    });

    it('a misspelt built-in statistic fails before any request, with a suggestion', async () => {
      await seed({ table: CHURN });
      const run = await refresh({ tables: CHURN, thresholds: 'maxx > 120' });
      assert.equal(run.result, 'Failed');
      assert.match(run.resultMessage ?? '', /thresholds.*unknown metric "maxx"; did you mean max\?/);
      assert.deepEqual(ws().requests, []);
    });
  });

  describe('modelId: the gate on one model id slice (a canary)', () => {
    const CHAMPION = 'main.ml.churn_model/7';
    const CANARY = 'main.ml.churn_model/8';
    // The canary's own predictions drift (and their nulls rise); the all-models rows, 90 % champion, show neither.
    const canaryDrifts = (c: { column: string; model: string }) => (c.model === CANARY && c.column === 'prediction' ? 0.35 : 0.03);
    const canaryNulls = (c: { column: string; model?: string }) => (c.column === 'prediction' ? { percent_null: c.model === CANARY ? 4 : 0.2 } : undefined);
    const seedCanary = () => seed({ table: CHURN, pastRefreshes: 1, modelIds: [CHAMPION, CANARY], severity: canaryDrifts, stats: canaryNulls });
    const gate = { tables: CHURN, driftType: 'CONSECUTIVE', columns: 'prediction', thresholds: 'percent_null > 1\npopulation_stability_index >= 0.1', onInsufficientData: 'fail' };

    it("judges the canary's own rows: drift and a data-quality breach the all-models rows hide", async () => {
      await seedCanary();
      const all = await refresh(gate);
      assert.equal(all.result, 'Succeeded', all.stdout);

      const before = ws().state.sql.statementsMatching(/_metrics/).length;
      // A models:/ URI (DatabricksRegisterModel's modelUri output) names the same slice.
      const run = await refresh({ ...gate, modelId: `models:/${CANARY}` });
      assert.equal(run.result, 'Failed', run.stdout);
      assert.equal(run.outputs.driftDetected, 'true');
      const data = report(run).data;
      assert.equal(data.modelId, CANARY);
      assert.deepEqual([...new Set(data.tables[0]!.columns.filter((c) => c.drifted).map((c) => `${c.column} ${c.rule}`))].sort(), [
        'prediction percent_null > 1',
        'prediction population_stability_index >= 0.1',
      ]);
      assert.ok(summary(run).includes('judged on the rows of model id main.ml.churn\\_model/8 only;'), summary(run));
      const reads = ws()
        .state.sql.statementsMatching(/_metrics/)
        .slice(before);
      assert.ok(reads.length >= 2);
      for (const r of reads)
        assert.deepEqual(
          r.params.find((p) => p.name === 'model_id'),
          { name: 'model_id', value: CANARY, type: 'STRING' },
          r.sql,
        );
    });

    it('a slice with no rows yet is not enough data (onInsufficientData), naming the model ids there are', async () => {
      await seedCanary();
      const run = await refresh({ ...gate, modelId: 'main.ml.churn_model/9' });
      assert.equal(run.result, 'Failed', run.stdout);
      assert.equal(report(run).data.verdict, 'insufficient-data');
      assert.match(
        run.stdout,
        /no CONSECUTIVE drift metrics for model id main\.ml\.churn_model\/9 yet: the metric table holds model ids main\.ml\.churn_model\/7, main\.ml\.churn_model\/8/,
      );
    });

    it('* is all models (overriding a settings-file slice); a slice on a monitor without model ids fails before any refresh', async () => {
      await seedCanary();
      const dir = mkdtempSync(join(tmpdir(), 'refresh-slice-'));
      writeFileSync(join(dir, 'mlops.yml'), `environments:\n  prod:\n    monitoring:\n      modelId: ${CANARY}\n`);
      const fromFile = await refresh({ ...gate, configFile: join(dir, 'mlops.yml'), environment: 'prod' });
      assert.equal(fromFile.result, 'Failed', fromFile.stdout);
      assert.equal(report(fromFile).data.modelId, CANARY);
      const all = await refresh({ ...gate, configFile: join(dir, 'mlops.yml'), environment: 'prod', modelId: '*' });
      assert.equal(all.result, 'Succeeded', all.stdout);
      assert.equal(report(all).data.modelId, undefined);

      await seed({ table: FRAUD, profile: 'timeSeries' });
      ws().reset();
      const bad = await refresh({ tables: `${CHURN}\n${FRAUD}`, thresholds: PSI, modelId: CANARY });
      assert.equal(bad.result, 'Failed');
      assert.match(bad.stdout, new RegExp(`modelId.*${FRAUD.replace(/\./g, '\\.')}: the monitor has no model id slices \\(it profiles timeSeries\\)`));
      assert.equal(refreshStarts().length, 0);
    });
  });

  describe('rules', () => {
    it('a struct field: ks_test.pvalue < 0.05 (numeric columns only)', async () => {
      await seed({ table: CHURN, pastRefreshes: 1, severity: (c) => (c.column === 'income' || c.column === 'region' ? 0.3 : 0.03) });
      const run = await refresh({ tables: CHURN, thresholds: 'ks_test.pvalue < 0.05', onDrift: 'warn' });

      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      // region is categorical: it has no KS test, so only income drifts.
      assert.equal(run.outputs.driftedColumns, `${CHURN}.income`);
      const income = report(run).data.tables[0]!.columns.find((c) => c.column === 'income')!;
      assert.equal(income.metric, 'ks_test.pvalue');
      assert.equal(income.latest, 0.0001);
      assert.ok(ws().state.sql.statementsMatching(/`ks_test`\.`pvalue`/).length > 0);
    });

    it('a model-quality metric from the profile table: f1_score < 0.85', async () => {
      // The fake's F1 falls by 0.01 per window from 0.86: with three windows the latest is 0.84.
      await seed({ table: CHURN, pastRefreshes: 2 });
      const run = await refresh({ tables: CHURN, thresholds: `f1_score < 0.85\n${PSI}`, evaluationWindows: '3', onDrift: 'warn' });

      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      assert.equal(run.outputs.driftedColumns, `${CHURN}.:table`);
      const f1 = report(run).data.tables[0]!.columns.find((c) => c.metric === 'f1_score.macro')!;
      assert.deepEqual(
        f1.windows.map((w) => Number(w.value?.toFixed(4))),
        [0.86, 0.85, 0.84],
      );
      assert.deepEqual(
        f1.windows.map((w) => w.violated),
        [false, false, true],
      );
      assert.equal(f1.drifted, true);
      const profileReads = ws().state.sql.statementsMatching(/_profile_metrics/);
      assert.equal(profileReads.length, 1);
      assert.deepEqual(
        profileReads[0]!.params.map((p) => [p.name, p.value]).sort(),
        [
          ['all_models', '*'],
          ['granularity', '1 day'],
          ['log_type', 'INPUT'],
          ['windows', '3'],
        ],
        'values are named parameters',
      );
    });

    it('N of M: drift when 2 of the last 3 windows break the rule, the latest included', async () => {
      await seed({ table: CHURN, pastRefreshes: 2, severity: driftOn('age', 0.3, [0, 2]) });
      await seed({ table: FRAUD, pastRefreshes: 2, severity: driftOn('age', 0.3, [0]) });
      const run = await refresh({ tables: `${CHURN}\n${FRAUD}`, thresholds: PSI, evaluationWindows: '3', violationWindows: '2', onDrift: 'warn' });

      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      const [churn, fraud] = report(run).data.tables;
      assert.equal(churn!.verdict, 'drift');
      assert.deepEqual(
        churn!.columns.find((c) => c.column === 'age')!.windows.map((w) => w.violated),
        [true, false, true],
      );
      // Only the latest breaks the rule: 1 of 3 is not drift.
      assert.equal(fraud!.verdict, 'no-drift');
      assert.equal(fraud!.columns.find((c) => c.column === 'age')!.violations, 1);
      assert.equal(run.outputs.driftedColumns, `${CHURN}.age`);
    });

    const badRules: Array<[string, RegExp]> = [
      ['psi >> 0.2', /thresholds/],
      ['population_stability_index >= high', /the threshold "high" is not a number/],
    ];
    it('fails on an unknown name that may be a custom metric once the monitors are read, before any write', async () => {
      await seed({ table: CHURN });
      const run = await refresh({ tables: CHURN, thresholds: 'drift_score > 0.2' });
      assert.equal(run.result, 'Failed');
      assert.match(
        run.resultMessage ?? '',
        /Input 'thresholds'.*unknown metric "drift_score": neither a built-in metric nor a custom metric of the monitors \(the monitors have no custom metrics\)/,
      );
      assert.deepEqual(ws().writeRequests(), []);
    });
    for (const [rule, message] of badRules) {
      it(`fails on the rule "${rule}" before any request to the workspace`, async () => {
        await seed({ table: CHURN });
        const run = await refresh({ tables: CHURN, thresholds: rule });
        assert.equal(run.result, 'Failed');
        assert.match(run.resultMessage ?? '', message);
        assert.deepEqual(ws().requests, []);
      });
    }
  });

  describe('the step, the settings file and the defaults (inputs as the agent builds them)', () => {
    /** drift: PSI 0.4 on age in the latest of two windows. */
    const drift = () => seed({ table: CHURN, pastRefreshes: 1, severity: driftOn('age', 0.4) });
    function settingsFile(monitoring: Record<string, string | boolean>): string {
      const dir = mkdtempSync(join(tmpdir(), 'dbx-settings-'));
      const file = join(dir, 'mlops.yml');
      const lines = Object.entries(monitoring).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`);
      writeFileSync(file, ['environments:', '  prod:', '    monitoring:', ...lines, ''].join('\n'));
      return file;
    }

    it("an explicit onDrift: fail on the step wins over the file's warn, although fail is the default", async () => {
      await drift();
      const run = await refresh({ tables: CHURN, thresholds: PSI, onDrift: 'fail', configFile: settingsFile({ onDrift: 'warn' }) });
      assert.equal(run.result, 'Failed', run.stdout);
      assert.match(run.resultMessage ?? '', /\(onDrift: fail\)/);
    });

    it("onDrift left out (the agent passes fromFile) takes the file's warn", async () => {
      await drift();
      const run = await refresh({ tables: CHURN, thresholds: PSI, configFile: settingsFile({ onDrift: 'warn' }) });
      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
    });

    it('onDrift left out with no settings file is the built-in fail', async () => {
      await drift();
      const run = await refresh({ tables: CHURN, thresholds: PSI });
      assert.equal(run.result, 'Failed', run.stdout);
    });

    it('reportPath from the file is used when the step leaves it out; the built-in default is under Agent.TempDirectory', async () => {
      await drift();
      const dir = mkdtempSync(join(tmpdir(), 'dbx-report-'));
      const fromFile = await refresh({ tables: CHURN, thresholds: PSI, onDrift: 'ignore', configFile: settingsFile({ reportPath: join(dir, 'drift.json') }) });
      assert.equal(fromFile.outputs.reportPath, join(dir, 'drift.json'), fromFile.stdout);
      assert.ok(existsSync(join(dir, 'drift.json')));
      const builtIn = await refresh({ tables: CHURN, thresholds: PSI, onDrift: 'ignore' });
      assert.equal(builtIn.outputs.reportPath, join(builtIn.tempDir, 'databricks-drift-report.json'));
    });

    it("an explicit waitForCompletion: true on the step wins over the file's false", async () => {
      await seed({ table: CHURN });
      const run = await refresh({ tables: CHURN, waitForCompletion: 'true', configFile: settingsFile({ waitForCompletion: false }) });
      assert.equal(run.result, 'Succeeded', run.stdout);
      assert.deepEqual(JSON.parse(run.outputs.refreshStates!), { [CHURN]: 'SUCCESS' });
    });
  });

  describe('outcomes under each setting', () => {
    /** drift: PSI 0.4 on age in the latest of two windows. */
    const drift = () => seed({ table: CHURN, pastRefreshes: 1, severity: driftOn('age', 0.4) });
    /** insufficient data: CONSECUTIVE drift with a single window (its metrics are null). */
    const insufficient = () => seed({ table: CHURN });

    for (const [onDrift, expected] of [
      ['fail', 'Failed'],
      ['warn', 'SucceededWithIssues'],
      ['ignore', 'Succeeded'],
    ] as const) {
      it(`drift with onDrift ${onDrift} → ${expected}`, async () => {
        await drift();
        const run = await refresh({ tables: CHURN, thresholds: PSI, onDrift, onInsufficientData: 'fail' });
        assert.equal(run.result, expected, run.stdout);
        assert.equal(run.outputs.driftDetected, 'true');
        assert.equal(report(run).data.verdict, 'drift');
      });
    }

    for (const [onInsufficientData, expected] of [
      ['warn', 'SucceededWithIssues'],
      ['pass', 'Succeeded'],
      ['fail', 'Failed'],
    ] as const) {
      it(`insufficient data with onInsufficientData ${onInsufficientData} → ${expected}`, async () => {
        await insufficient();
        const run = await refresh({ tables: CHURN, thresholds: PSI, driftType: 'CONSECUTIVE', onDrift: 'fail', onInsufficientData });
        assert.equal(run.result, expected, run.stdout);
        assert.equal(run.outputs.driftDetected, 'false');
        const r = report(run);
        assert.equal(r.data.verdict, 'insufficient-data');
        assert.match(r.data.tables[0]!.reason ?? '', /population_stability_index is null in all 1 window\(s\)/);
        assert.match(run.resultMessage ?? '', /Not enough data to decide for main\.ml_mon\.churn_inference/);
      });
    }

    it('no baseline table with driftType BASELINE is insufficient data, not "no drift"', async () => {
      await seed({ table: CHURN, baseline: false });
      const run = await refresh({ tables: CHURN, thresholds: PSI });
      assert.equal(run.result, 'SucceededWithIssues', run.stdout);
      assert.match(report(run).data.tables[0]!.reason ?? '', /the monitor has no baseline table/);
    });

    const errorSettings = [
      { onDrift: 'ignore', onInsufficientData: 'pass' },
      { onDrift: 'warn', onInsufficientData: 'warn' },
      { onDrift: 'fail', onInsufficientData: 'fail' },
    ] as const;
    for (const settings of errorSettings) {
      it(`a query FAILED inside an HTTP 200 is an error (Failed) with onDrift ${settings.onDrift}, onInsufficientData ${settings.onInsufficientData}`, async () => {
        await drift();
        ws().state.sql.script({
          match: /_drift_metrics/,
          fail: { errorCode: 'BAD_REQUEST', message: '[INSUFFICIENT_PERMISSIONS] User does not have SELECT on Table', sqlState: '42501' },
        });
        const run = await refresh({ tables: CHURN, thresholds: PSI, ...settings });
        assert.equal(run.result, 'Failed', run.stdout);
        assert.match(
          run.resultMessage ?? '',
          /Could not check main\.ml_mon\.churn_inference: Reading the metric tables failed: The SQL statement failed \(BAD_REQUEST\): \[INSUFFICIENT_PERMISSIONS\]/,
        );
        assert.equal(run.outputs.driftDetected, 'false', 'an error is never reported as drift');
        assert.equal(report(run).data.verdict, 'error');
        const statement = ws().requests.find((r) => r.method === 'POST' && r.path === '/api/2.0/sql/statements');
        assert.equal(statement?.status, 200, 'the failure came inside an HTTP 200');
      });
    }

    it('permission denied on the refresh is an error even with onDrift ignore', async () => {
      await seed({ table: CHURN });
      ws().faults.add({
        method: 'POST',
        path: '*/refreshes',
        status: 403,
        body: { error_code: 'PERMISSION_DENIED', message: 'User does not have MANAGE on table main.ml_mon.churn_inference.' },
      });
      const run = await refresh({ tables: CHURN, thresholds: PSI, onDrift: 'ignore', onInsufficientData: 'pass' });
      assert.equal(run.result, 'Failed', run.stdout);
      assert.match(run.resultMessage ?? '', /PERMISSION_DENIED|does not have MANAGE/);
      assert.equal(report(run).data.verdict, 'error');
    });
  });
});
