/**
 * The whole operation in-process: scripted refreshes, metric tables on the fake's SQL engine
 * (DuckDB), the real gate, and the outcome (result, outputs, report, summary).
 */
import { recordingLog } from '../../helpers/recordingLog';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { createClock } from '../../../shared/runtime/clock';
import type { TaskContext } from '../../../shared/runtime/task';
import { UnityCatalogStore } from '../../fake/routes/unityCatalog';
import { SqlEngine } from '../../fake/sql/engine';
import type { RunStatement } from '../../../tasks/DatabricksRefreshMonitors/src/gate/check';
import { applyRefresh, planRefresh, plannedRefresh, type FoundMonitor, type RefreshSources } from '../../../tasks/DatabricksRefreshMonitors/src/operations';
import { refreshMonitorsSummary } from '../../../tasks/DatabricksRefreshMonitors/src/summary';
import { outcomeSummary } from '../../../shared/runtime/report';
import { testDeps } from '../../helpers/taskPhases';
import type { RefreshMonitorsParameters } from '../../../tasks/DatabricksRefreshMonitors/src/parameters';
import type { RefreshHandle, RefreshState } from '../../../tasks/DatabricksRefreshMonitors/src/refresh';
import { parseMetricRule } from './support';

/** Plan with the given sources, then apply (plan mode: the planned outcome), with the summary the runner publishes. */
async function refreshMonitors(ctx: TaskContext, p: RefreshMonitorsParameters, d: RefreshSources & { client: DatabricksClient; workspaceUrl: string }) {
  const deps = testDeps(d.client, ctx, { dryRun: p.common.dryRun });
  const plan = await planRefresh(deps, p, { findMonitor: d.findMonitor, runStatement: d.runStatement });
  const outcome = deps.dryRun ? await plannedRefresh(deps, plan) : await applyRefresh(deps, plan);
  return { ...outcome, summaryMarkdown: outcomeSummary(refreshMonitorsSummary, outcome, plan, deps.dryRun) };
}

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

/** A refresh that ends at once in `end`. */
function instantRefresh(end: RefreshState, calls: string[]): RefreshHandle {
  return {
    listRefreshes: async () => (calls.push('list'), []),
    runRefresh: async () => (calls.push('run'), { refreshId: '7', state: end, startTimeMs: 0, endTimeMs: 90_000, message: end === 'FAILED' ? 'Cluster terminated' : undefined }),
    getRefresh: async () => assert.fail('no GET for a finished refresh'),
    cancelRefresh: async () => assert.fail('no cancel'),
  };
}

async function seededEngine(psiByTable: Record<string, number[]>): Promise<SqlEngine> {
  const uc = new UnityCatalogStore(() => Date.now());
  uc.addSchema('main.mon');
  const engine = new SqlEngine(() => uc);
  for (const [table, values] of Object.entries(psiByTable)) {
    await engine.exec(
      `CREATE TABLE main.mon.${table}_drift_metrics (window STRUCT(start TIMESTAMP, \`end\` TIMESTAMP), granularity VARCHAR, model_id VARCHAR, slice_key VARCHAR, column_name VARCHAR, drift_type VARCHAR, population_stability_index DOUBLE)`,
    );
    for (const [i, psi] of values.entries()) {
      for (const column of ['age', 'income']) {
        await engine.exec(`INSERT INTO main.mon.${table}_drift_metrics VALUES ({'start': :s, 'end': :e}, '1 day', '*', NULL, :c, 'BASELINE', :v)`, {
          s: new Date(T0 + i * DAY),
          e: new Date(T0 + (i + 1) * DAY),
          c: column,
          v: column === 'age' ? psi : 0.01,
        });
      }
    }
  }
  return engine;
}

function params(over: Partial<RefreshMonitorsParameters>): RefreshMonitorsParameters {
  return {
    common: { dryRun: false } as RefreshMonitorsParameters['common'],
    tables: [],
    concurrency: 5,
    waitForCompletion: true,
    timeoutMinutes: 60,
    warehouseId: 'abc',
    driftType: 'BASELINE',
    thresholds: [parseMetricRule('population_stability_index >= 0.2')],
    columns: [],
    excludeColumns: [],
    evaluationWindows: 2,
    violationWindows: 2,
    onDrift: 'warn',
    onInsufficientData: 'fail',
    reportPath: join(mkdtempSync(join(tmpdir(), 'drift-')), 'sub', 'report.json'),
    monitorApi: 'auto',
    notifyDestinations: [],
    ...over,
  };
}

describe('refresh monitors: operations', () => {
  const log = recordingLog();
  const ctx: TaskContext = { log, signal: new AbortController().signal, clock: createClock(0.001), variable: () => undefined };

  function monitor(table: string, end: RefreshState, calls: string[]): FoundMonitor {
    return {
      api: 'legacy',
      refresh: instantRefresh(end, calls),
      facts: {
        driftMetricsTable: `main.mon.${table}_drift_metrics`,
        baselineTableName: 'main.mon.base',
        granularities: ['1 day'],
        modelIdColumn: 'model_id',
        profileType: 'inferenceLog',
      },
    };
  }

  it('refreshes, gates each table and keeps drift, insufficient data and errors apart', async () => {
    const engine = await seededEngine({ drifted: [0.3, 0.4], young: [0.5], fine: [0.01, 0.02] });
    const calls: string[] = [];
    const runStatement: RunStatement = async (s) => {
      const r = await engine.execute(s.statement, s.parameters);
      return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
    };
    const views: Record<string, FoundMonitor> = {
      'main.mon.drifted': monitor('drifted', 'SUCCESS', calls),
      'main.mon.young': monitor('young', 'SUCCESS', calls),
      'main.mon.fine': monitor('fine', 'SUCCESS', calls),
      'main.mon.broken': monitor('broken', 'FAILED', calls),
      'main.mon.missing_table': monitor('nope', 'SUCCESS', calls),
    };
    const p = params({ tables: Object.keys(views) });
    const outcome = await refreshMonitors(ctx, p, { client: {} as DatabricksClient, workspaceUrl: 'https://adb', findMonitor: async (t) => views[t], runStatement });

    assert.equal(outcome.result, 'Failed');
    const data = outcome.report;
    assert.deepEqual(
      data.tables.map((t) => [t.table, t.refresh.state, t.verdict]),
      [
        ['main.mon.drifted', 'SUCCESS', 'drift'],
        ['main.mon.young', 'SUCCESS', 'insufficient-data'],
        ['main.mon.fine', 'SUCCESS', 'no-drift'],
        ['main.mon.broken', 'FAILED', 'error'],
        ['main.mon.missing_table', 'SUCCESS', 'error'],
      ],
    );
    assert.match(data.tables[3]!.reason!, /ended FAILED: Cluster terminated/);
    assert.match(data.tables[4]!.reason!, /Reading the metric tables failed: .*TABLE_OR_VIEW_NOT_FOUND/);
    assert.equal(data.verdict, 'error');
    assert.deepEqual(data.driftedColumns, ['main.mon.drifted.age']);
    assert.deepEqual(outcome.outputs, {
      driftDetected: true,
      driftedColumns: 'main.mon.drifted.age',
      refreshStates: JSON.stringify({
        'main.mon.drifted': 'SUCCESS',
        'main.mon.young': 'SUCCESS',
        'main.mon.fine': 'SUCCESS',
        'main.mon.broken': 'FAILED',
        'main.mon.missing_table': 'SUCCESS',
      }),
      reportPath: p.reportPath,
    });
    assert.equal(calls.filter((c) => c === 'run').length, 5);
    // Overall verdict first, then the table, then columns worst first.
    const md = outcome.summaryMarkdown!;
    assert.match(md.split('\n')[0]!, /^## ❌ Check could not run — Failed$/);
    assert.match(md, /\| main\.mon\.drifted \| SUCCESS #7 \| 1 min 30 s \| Drift detected \| age \|/);
    assert.match(md, /\| age \| `population_stability_index >= 0\.2` \| 0\.4 \(>= 0\.2\) \| \*\*0\.3\*\* · \*\*0\.4\*\* \| 2\/2 \| \*\*yes\*\* \|/);
    assert.ok(md.indexOf('| age |') < md.indexOf('| income |'));
    // The directory of reportPath exists for the runtime to write the report into.
    assert.ok(existsSync(dirname(p.reportPath)));
  });

  it('fails before any refresh when a listed table has no monitor', async () => {
    const calls: string[] = [];
    await assert.rejects(
      refreshMonitors(ctx, params({ tables: ['main.mon.a', 'main.mon.b'] }), {
        client: {} as DatabricksClient,
        workspaceUrl: 'https://adb',
        findMonitor: async (t) => (t === 'main.mon.a' ? monitor('a', 'SUCCESS', calls) : undefined),
        runStatement: async () => [],
      }),
      /The table main\.mon\.b has no data quality monitor/,
    );
    assert.deepEqual(calls, []);
  });

  it('plan mode: the refreshes planned (a running one waited on), the gate on the metrics as they are, no refresh started', async () => {
    const engine = await seededEngine({ drifted: [0.3, 0.4], fine: [0.01, 0.02] });
    const calls: string[] = [];
    const runStatement: RunStatement = async (st) => {
      const r = await engine.execute(st.statement, st.parameters);
      return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
    };
    const running = monitor('drifted', 'SUCCESS', calls);
    running.refresh = { ...running.refresh, listRefreshes: async () => (calls.push('list'), [{ refreshId: '3', state: 'RUNNING' }]) };
    const views: Record<string, FoundMonitor> = { 'main.mon.drifted': running, 'main.mon.fine': monitor('fine', 'SUCCESS', calls) };
    log.clear();
    const outcome = await refreshMonitors(ctx, params({ tables: Object.keys(views), common: { dryRun: true } as RefreshMonitorsParameters['common'] }), {
      client: {} as DatabricksClient,
      workspaceUrl: 'https://adb',
      findMonitor: async (t) => views[t],
      runStatement,
    });
    assert.deepEqual(calls, ['list', 'list'], 'listed, never run');
    assert.deepEqual(outcome.report.changes, [
      { action: 'noop', resource: 'refresh of the monitor of main.mon.drifted', fields: [{ path: 'refresh_id', before: '3', after: '3' }] },
      { action: 'create', resource: 'refresh of the monitor of main.mon.fine', fields: undefined },
    ]);
    assert.ok(
      log.lines.some((l) => l.text === 'Monitor refreshes (dryRun: nothing will be written)'),
      log.text(),
    );
    assert.ok(
      log.lines.some((l) => l.text === 'main.mon.drifted: would wait on refresh 3 (RUNNING).\nmain.mon.fine: would start a refresh.'),
      log.text(),
    );
    assert.equal(outcome.report.tables[0]!.verdict, 'drift');
    assert.match(outcome.summaryMarkdown, /\*\*Plan mode \(dryRun\):\*\* nothing was written; no refresh was started; the gate ran on the metrics as they are\./);
  });

  it('a schema without a monitored table: insufficient data, decided by onInsufficientData', async () => {
    const client = { get: async () => ({ tables: [{ full_name: 'main.mon.raw', table_type: 'MANAGED' }] }) } as unknown as DatabricksClient;
    const outcome = await refreshMonitors(ctx, params({ schemaName: 'main.mon', onInsufficientData: 'pass' }), {
      client,
      workspaceUrl: 'https://adb',
      findMonitor: async () => undefined,
      runStatement: async () => [],
    });
    assert.equal(outcome.result, 'Succeeded');
    assert.equal(outcome.message, 'No monitored table found in main.mon; nothing was refreshed or checked (onInsufficientData: pass).');
    assert.equal(outcome.report.verdict, 'insufficient-data');
  });
});
