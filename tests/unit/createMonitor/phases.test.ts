/** CreateMonitor's planned outcome and messages on plans built by hand (no workspace). */
import * as assert from 'node:assert/strict';
import { applyMonitor, plannedMonitor, successMessage, type AlertPlan, type MonitorPlan } from '../../../tasks/DatabricksCreateMonitor/src/operations';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import type { MonitorReportData } from '../../../shared/runtime/reportTypes';
import { testDeps } from '../../helpers/taskPhases';
import { params, recorder, TABLE } from './support';

function plan(over: Partial<MonitorPlan> = {}): MonitorPlan {
  const report: MonitorReportData = { tableName: TABLE, monitorApi: 'dataQuality', action: 'update', alerts: [], changes: [] };
  return {
    params: params({}),
    api: {} as MonitorPlan['api'],
    apiChoice: 'data quality API',
    wanted: {} as MonitorPlan['wanted'],
    names: { profile: `${TABLE}_profile_metrics`, drift: `${TABLE}_drift_metrics` },
    alerts: [],
    changes: [],
    outputs: { profileMetricsTable: 'p', driftMetricsTable: 'd', monitorApiUsed: 'dataQuality' },
    report,
    notes: [],
    planLines: [],
    ...over,
  };
}

const immutable = { changed: [], fields: [], immutable: [{ field: 'assets_dir', current: '/old', wanted: '/new' }] } as unknown as NonNullable<MonitorPlan['diff']>;

describe('CreateMonitor phases (direct)', () => {
  it('planned: the changes that write are counted; none: up to date', () => {
    const some = plannedMonitor(
      plan({
        changes: [
          { action: 'update', resource: 'monitor' },
          { action: 'noop', resource: 'view' },
          { action: 'create', resource: 'alert' },
        ],
      }),
    );
    assert.equal(some.message, `Plan mode (dryRun): 2 change(s) planned for the monitor of ${TABLE}; nothing was written.`);
    assert.equal(plannedMonitor(plan()).message, `Plan mode (dryRun): the monitor of ${TABLE} is up to date; nothing to change.`);
  });

  it('a field the service cannot change fails the plan, in plan mode and before any write when applied', async () => {
    const planned = plannedMonitor(plan({ diff: immutable }));
    assert.equal(planned.result, 'Failed');
    assert.match(planned.message, /cannot be updated in place: assets_dir is \/old on the existing monitor, \/new wanted\. Set assetsDir to the current value/);
    const client = new Proxy({}, { get: () => assert.fail('apply must not call the workspace') }) as DatabricksClient;
    const applied = await applyMonitor(testDeps(client, recorder().ctx, { dryRun: false }), plan({ diff: immutable }));
    assert.equal(applied.message, planned.message);
  });

  it('the success message names what changed', () => {
    const report: MonitorReportData = { tableName: TABLE, monitorApi: 'dataQuality', action: 'create', status: 'ACTIVE', alerts: [] };
    const alerts = [{ action: 'create' }, { action: 'create' }, { action: 'delete' }] as AlertPlan[];
    assert.equal(
      successMessage(TABLE, report, 'create', alerts, true),
      `The monitor of ${TABLE} was created (ACTIVE); view ${TABLE} created, 2 alert(s) created, 1 alert(s) moved to the trash.`,
    );
    assert.equal(successMessage(TABLE, { ...report, action: 'noop' }, 'noop', [], false), `The monitor of ${TABLE} is up to date (ACTIVE); nothing changed.`);
  });
});
