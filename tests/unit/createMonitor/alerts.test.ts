/**
 * Drift alerts: the alerts v2 API module against the fake, the rule → AlertV2 mapping, the alert
 * query run for real over metric rows, and the operations creating, updating and trashing
 * alerts idempotently (found by display name, never duplicated).
 */
import * as assert from 'node:assert/strict';
import type { AlertV2 } from '../../../shared/api/alerts';
import { createAlert, findAlertsByName, getAlert, listAlerts, trashAlert, updateAlert } from '../../../shared/api/alerts';
import { runSelect } from '../../../shared/api/sql';
import { DatabricksApiError } from '../../../shared/client/errors';
import { parseDriftAlert, type DriftAlertRule } from '../../../shared/monitoring/metricRules';
import { alertBody, alertDisplayName, alertQuery, alertSchedule, changedAlertFields, type AlertTarget } from '../../../tasks/DatabricksCreateMonitor/src/alerts';
import { DEFAULT_WAREHOUSE_ID } from '../../fake/routes/sql';
import { writeMetricRows } from '../../fake/seeds/monitoring';
import { createMonitor, params, recorder, seedInferenceTable, TABLE } from './support';
import { startWorkspace, type TestWorkspace } from './workspace';

function rule(text: string): DriftAlertRule {
  const parsed = parseDriftAlert(text);
  assert.ok(parsed.ok, text);
  return parsed.value;
}

const TARGET: AlertTarget = {
  tableName: TABLE,
  driftMetricsTable: 'main.ml_mon.churn_inference_drift_metrics',
  warehouseId: DEFAULT_WAREHOUSE_ID,
  driftType: 'CONSECUTIVE',
  granularity: '1 day',
  modelIdColumn: 'model_id',
  schedule: { quartzCronExpression: '0 0 6 * * ?', timezoneId: 'Europe/Amsterdam' },
};

describe('CreateMonitor drift alerts', function () {
  this.timeout(20_000);
  let t: TestWorkspace;
  before(async () => {
    t = await startWorkspace();
  });
  after(() => t.close());
  beforeEach(() => t.reset());

  describe('rule → AlertV2', () => {
    it('MAX for > and >=, MIN for < and <=; threshold, operator, subscriptions, name without recipients', () => {
      const psi = alertBody(rule('population_stability_index >= 0.2 -> a@contoso.com, b@contoso.com'), TARGET);
      assert.equal(psi.display_name, '[mlops] main.ml_mon.churn_inference: population_stability_index >= 0.2');
      assert.equal(psi.evaluation.source.aggregation, 'MAX');
      assert.equal(psi.evaluation.comparison_operator, 'GREATER_THAN_OR_EQUAL');
      assert.deepEqual(psi.evaluation.threshold, { value: { double_value: 0.2 } });
      assert.deepEqual(psi.evaluation.notification?.subscriptions, [{ user_email: 'a@contoso.com' }, { user_email: 'b@contoso.com' }]);
      assert.equal(psi.evaluation.empty_result_state, 'OK');
      assert.equal(psi.warehouse_id, DEFAULT_WAREHOUSE_ID);
      const ks = alertBody(rule('ks_test.pvalue < 0.05 -> a@contoso.com'), TARGET);
      assert.equal(ks.evaluation.source.aggregation, 'MIN');
      assert.equal(ks.evaluation.comparison_operator, 'LESS_THAN');
      assert.match(ks.query_text, /SELECT column_name, `ks_test`\.`pvalue` AS value/);
      assert.equal(alertBody(rule('js_distance > 0.1 -> a@contoso.com'), TARGET).evaluation.comparison_operator, 'GREATER_THAN');
      assert.equal(alertBody(rule('chi_squared_test.pvalue <= 0.01 -> a@contoso.com'), TARGET).evaluation.comparison_operator, 'LESS_THAN_OR_EQUAL');
    });

    it('runs one hour after a daily monitor schedule, in its time zone; other schedules as they are', () => {
      assert.deepEqual(alertBody(rule('js_distance > 0.1 -> a@contoso.com'), TARGET).schedule, {
        quartz_cron_schedule: '0 0 7 * * ?',
        timezone_id: 'Europe/Amsterdam',
        pause_status: 'UNPAUSED',
      });
      assert.equal(alertSchedule('0 30 23 * * ?'), '0 30 23 * * ?');
      assert.equal(alertSchedule('0 0 6 ? * MON'), '0 0 6 ? * MON');
      assert.equal(alertSchedule('0 0 */4 * * ?'), '0 0 */4 * * ?');
    });

    it('compares only what the task sets (output-only fields and e-mail order do not count)', () => {
      const wanted = alertBody(rule('population_stability_index >= 0.2 -> a@contoso.com, b@contoso.com'), TARGET);
      const stored: AlertV2 = {
        ...structuredClone(wanted),
        id: 'x',
        lifecycle_state: 'ACTIVE',
        evaluation: {
          ...structuredClone(wanted.evaluation),
          state: 'TRIGGERED',
          notification: { ...wanted.evaluation.notification, subscriptions: [{ user_email: 'B@contoso.com' }, { user_email: 'a@contoso.com' }] },
        },
      };
      assert.deepEqual(changedAlertFields(stored, wanted), []);
      assert.deepEqual(changedAlertFields(stored, alertBody(rule('population_stability_index >= 0.3 -> a@contoso.com, b@contoso.com'), TARGET)), ['evaluation']);
      assert.deepEqual(changedAlertFields(stored, { ...wanted, warehouse_id: 'other' }), ['warehouse_id']);
    });
  });

  describe('the alerts v2 API module against the fake', () => {
    const body = (name: string) => ({ ...alertBody(rule('js_distance > 0.1 -> a@contoso.com'), TARGET), display_name: name });

    it('creates, finds by name across pages, updates the masked fields only, and trashes', async () => {
      const client = t.client();
      t.ws.state.alerts.defaultPageSize = 2;
      const created = await createAlert(client, body('a'));
      await createAlert(client, body('b'));
      await createAlert(client, body('c'));
      assert.equal((await listAlerts(client)).length, 3);
      const found = await findAlertsByName(client, 'c');
      assert.equal(found.length, 1);
      assert.equal(found[0]!.owner_user_name, '11111111-2222-3333-4444-555555555555');

      // Only the named field changes, even if the body carries others.
      const changed = { ...body('a'), warehouse_id: 'elsewhere', evaluation: { ...body('a').evaluation, threshold: { value: { double_value: 0.4 } } } };
      await updateAlert(client, created.id!, changed, ['evaluation']);
      const after = await getAlert(client, created.id!);
      assert.equal(after.evaluation.threshold?.value?.double_value, 0.4);
      assert.equal(after.warehouse_id, DEFAULT_WAREHOUSE_ID);

      await trashAlert(client, created.id!);
      assert.deepEqual((await findAlertsByName(client, 'a')).length, 0);
      assert.equal((await getAlert(client, created.id!)).lifecycle_state, 'DELETED');
      await assert.rejects(updateAlert(client, created.id!, changed, ['evaluation']), (e: unknown) => e instanceof DatabricksApiError && e.errorCode === 'INVALID_STATE');
    });

    it('refuses an invalid alert (no schedule) with INVALID_PARAMETER_VALUE', async () => {
      const { schedule: _s, ...noSchedule } = body('x');
      await assert.rejects(createAlert(t.client(), noSchedule as AlertV2), (e: unknown) => e instanceof DatabricksApiError && e.errorCode === 'INVALID_PARAMETER_VALUE');
    });
  });

  describe('the alert query, run for real over the drift metrics table', () => {
    it('reads the latest window, whole table, all models: one value per column', async () => {
      await seedInferenceTable(t.ws);
      const end = new Date(Date.UTC(2026, 4, 4));
      await writeMetricRows(t.ws.state.sql, {
        profile: 'main.ml_mon.churn_inference_profile_metrics',
        drift: TARGET.driftMetricsTable,
        modelIdColumn: 'model_id',
        columns: [
          { name: 'tenure', kind: 'numeric' },
          { name: 'plan', kind: 'categorical' },
        ],
        windows: 3,
        end,
        models: ['churn-3'],
        slices: [{ key: 'plan', value: 'pro' }],
        // Only the latest window, all models, whole table, drifts on tenure: what the alert must see.
        severity: (c) => (c.window === 2 && c.model === '*' && !c.slice ? (c.column === 'tenure' ? 0.35 : 0.05) : c.model === '*' && !c.slice ? 0.9 : 0.7),
      });
      const result = await runSelect(t.client(), DEFAULT_WAREHOUSE_ID, alertQuery(rule('population_stability_index >= 0.2 -> a@contoso.com'), TARGET));
      assert.deepEqual(result.rows.map((r) => [r.column_name, r.value]).sort(), [
        ['plan', 0.05],
        ['tenure', 0.35],
      ]);
      // ks_test exists for numeric columns only (plan is categorical): NULL there, ignored by MIN.
      const ks = await runSelect(t.client(), DEFAULT_WAREHOUSE_ID, alertQuery(rule('ks_test.pvalue < 0.05 -> a@contoso.com'), TARGET));
      assert.deepEqual(ks.rows.map((r) => [r.column_name, r.value]).sort(), [
        ['plan', null],
        ['tenure', 0.0001],
      ]);
    });
  });

  describe('operations', () => {
    const rec = () => recorder();
    const run = (inputs: Record<string, string>) => createMonitor({ client: t.client(), ctx: rec().ctx }, params(inputs));
    const alertsOf = () => t.ws.state.alerts.active().filter((a) => a.display_name.startsWith(`[mlops] ${TABLE}: `));
    beforeEach(() => seedInferenceTable(t.ws));

    it('creates one alert per rule, then updates changed recipients in place; a re-run writes nothing', async () => {
      const rules = 'population_stability_index >= 0.2 -> mlops@contoso.com\nks_test.pvalue < 0.05 -> mlops@contoso.com, ds@contoso.com';
      const first = await run({ driftAlerts: rules });
      assert.equal(first.result, 'Succeeded', first.message);
      assert.match(first.message, /2 alert\(s\) created/);
      assert.deepEqual(
        alertsOf()
          .map((a) => a.display_name)
          .sort(),
        [`[mlops] ${TABLE}: ks_test.pvalue < 0.05`, `[mlops] ${TABLE}: population_stability_index >= 0.2`],
      );
      assert.ok(first.report.alerts.every((a) => a.action === 'create' && a.id && a.url?.includes('/sql/alerts-v2/')));
      const psi = alertsOf().find((a) => a.display_name.endsWith('population_stability_index >= 0.2'))!;
      assert.match(psi.query_text, /FROM `main`\.`ml_mon`\.`churn_inference_drift_metrics`/);
      assert.match(psi.query_text, /drift_type = 'CONSECUTIVE'/);

      t.ws.reset();
      const again = await run({ driftAlerts: rules });
      assert.deepEqual(t.ws.writeRequests(), []);
      assert.ok(again.report.alerts.every((a) => a.action === 'noop'));

      const changed = await run({ driftAlerts: rules.replace('-> mlops@contoso.com\n', '-> oncall@contoso.com\n') });
      assert.equal(changed.result, 'Succeeded', changed.message);
      const writes = t.ws.writeRequests();
      assert.deepEqual(
        writes.map((w) => `${w.method} ${w.query.update_mask}`),
        ['PATCH evaluation'],
      );
      assert.equal(alertsOf().length, 2);
      assert.deepEqual(t.ws.state.alerts.alerts.get(psi.id!)!.evaluation.notification?.subscriptions, [{ user_email: 'oncall@contoso.com' }]);
    });

    it('a changed threshold replaces the alert (the old one goes to the trash); never a duplicate', async () => {
      await run({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com' });
      const r = await run({ driftAlerts: 'population_stability_index >= 0.25 -> mlops@contoso.com', baselineTableName: 'main.ml.churn_training' });
      assert.equal(r.result, 'Succeeded', r.message);
      assert.match(r.message, /1 alert\(s\) created, 1 alert\(s\) moved to the trash/);
      assert.deepEqual(
        alertsOf().map((a) => a.display_name),
        [`[mlops] ${TABLE}: population_stability_index >= 0.25`],
      );
      assert.match(alertsOf()[0]!.query_text, /drift_type = 'BASELINE'/);
      assert.ok(
        r.planLines.some((l) => l.startsWith(`- alert "[mlops] ${TABLE}: population_stability_index >= 0.2"`)),
        r.planLines.join('\n'),
      );
    });

    it('with two alerts of the same name already there, updates the oldest and warns', async () => {
      const wanted = alertBody(rule('population_stability_index >= 0.2 -> mlops@contoso.com'), {
        ...TARGET,
        driftType: 'CONSECUTIVE',
        schedule: { quartzCronExpression: '0 0 0 * * ?', timezoneId: 'UTC' },
      });
      await createAlert(t.client(), { ...wanted, warehouse_id: DEFAULT_WAREHOUSE_ID });
      await createAlert(t.client(), wanted);
      const r = recorder();
      const result = await createMonitor({ client: t.client(), ctx: r.ctx }, params({ driftAlerts: 'population_stability_index >= 0.2 -> mlops@contoso.com' }));
      assert.equal(result.result, 'Succeeded', result.message);
      assert.equal(alertsOf().length, 2);
      assert.match(r.text('warning'), /1 more alert\(s\) are named "\[mlops\] main\.ml_mon\.churn_inference: population_stability_index >= 0\.2"/);
      assert.equal(alertDisplayName(TABLE, rule('population_stability_index >= 0.2 -> x@contoso.com')), wanted.display_name);
    });

    it('dryRun lists the alerts it would create and writes nothing', async () => {
      const result = await createMonitor({ client: t.client({ readOnly: true }), ctx: rec().ctx }, params({ driftAlerts: 'js_distance > 0.1 -> mlops@contoso.com' }));
      assert.equal(result.result, 'Succeeded', result.message);
      assert.ok(
        result.planLines.some((l) => l === `+ alert "[mlops] ${TABLE}: js_distance > 0.1"`),
        result.planLines.join('\n'),
      );
      assert.deepEqual(t.ws.writeRequests(), []);
    });
  });
});
