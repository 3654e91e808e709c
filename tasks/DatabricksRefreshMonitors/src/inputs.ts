/**
 * The inputs of DatabricksRefreshMonitors, each declared once (shared/runtime/inputManifest.ts): task.json's
 * inputs and groups and the tables of docs/INPUTS.md are generated from this list by the build,
 * and parameters.ts reads exactly these inputs. The common inputs are in shared/runtime/commonInputs.ts.
 */
import { DRIFT_TYPES, MONITOR_APIS, ON_DRIFT, ON_INSUFFICIENT_DATA } from '../../../shared/monitoring/choices';
import { defineTaskInputs, settableBoolean } from '../../../shared/runtime/inputManifest';
import { MONITOR_API_SETTING, WAREHOUSE_SETTING } from '../../../shared/monitoring/settings';
import { choiceRule, integerRule, textRule } from '../../../shared/runtime/rules/generic';
import { columnNameRule, ucNameRule, warehouseIdRule } from '../../../shared/runtime/rules/databricks';
import { commaListRule, lineListRule } from '../../../shared/runtime/rules/lists';
import { outputFileRule } from '../../../shared/runtime/rules/files';
import { MAX_RUN_DESTINATIONS } from '../../../shared/api/notificationDestinations';
import { thresholdRule } from '../../../shared/monitoring/metricRules';
import { scalar, type ValueRule } from '../../../shared/runtime/rules/core';
import { ruleText } from '../../../shared/runtime/rules/messages';

/** The all-models rows' model id: as `modelId`, the same as leaving it empty (it overrides a settings-file value). */
export const ALL_MODEL_IDS = '*';

/**
 * A model id value as the monitored table holds it: for a view made by DatabricksCreateMonitor
 * unpackFromEndpoint `<catalog.schema.model>/<version>`, so a registered model URI
 * (`models:/<name>/<version>`, DatabricksRegisterModel's modelUri output) is taken without its scheme.
 */
export function modelIdRule(): ValueRule<string> {
  return scalar(ruleText('ModelIdValue'), (t) => {
    const id = t.replace(/^models:\//i, '');
    return id.length > 0 && id.length <= 512 && !/[\r\n]/.test(id) ? id : undefined;
  });
}

const columnList = () => commaListRule(columnNameRule(), { uniqueBy: (c) => c });

export const INPUTS = defineTaskInputs(
  'DatabricksRefreshMonitors',
  [
    { name: 'targets', displayName: 'Targets', isExpanded: true },
    { name: 'refresh', displayName: 'Refresh', isExpanded: true },
    { name: 'gate', displayName: 'Drift gate', isExpanded: true },
  ],
  {
    tables: {
      type: 'multiLine',
      label: 'Monitored tables',
      group: 'targets',
      properties: { resizable: true, rows: '4' },
      default: '',
      settings: { section: 'monitoring', kind: 'lines', description: 'Monitored tables to refresh (default: tableName).' },
      parameter: true,
      rule: () => lineListRule(ucNameRule(3, 'catalog.schema.table'), { uniqueBy: (t) => t }),
      help: 'Monitored tables to refresh, one full name `catalog.schema.table` per line, e.g. `main.ml_mon.churn_inference`. Blank lines and lines starting with `#` are ignored. Give **Monitored tables**, **Schema** or both.',
      doc: { rule: 'three-part names; `tables` and/or `schemaName` required' },
    },
    schemaName: {
      type: 'string',
      label: 'Schema',
      group: 'targets',
      settings: { section: 'monitoring', kind: 'text', description: 'catalog.schema: refresh every monitored table in it.' },
      parameter: true,
      rule: () => ucNameRule(2, 'catalog.schema'),
      help: 'A schema `catalog.schema`, e.g. `main.ml_mon`: every monitored table in it is refreshed. Give **Monitored tables**, **Schema** or both.',
      doc: { rule: 'two-part name' },
    },
    concurrency: {
      type: 'string',
      label: 'Concurrency',
      group: 'refresh',
      default: '5',
      settings: { section: 'monitoring', kind: 'integer', description: 'Refreshes in flight at once (1-50, default 5).' },
      parameter: true,
      rule: () => integerRule(1, 50),
      help: 'How many refreshes run at once, an integer from 1 to 50. Default `5`.',
      doc: { rule: 'integer 1–50' },
    },
    waitForCompletion: settableBoolean({
      label: 'Wait for completion',
      group: 'refresh',
      default: 'true',
      settings: { section: 'monitoring', description: 'Wait for the refreshes to finish (default true).' },
      parameter: true,
      help: 'Wait until every refresh has finished before the drift gate runs. Default: on. When off, the refreshes are started and the task does not wait for them.',
    }),
    timeoutMinutes: {
      type: 'string',
      label: 'Timeout (minutes)',
      group: 'refresh',
      visibleRule: 'waitForCompletion != false',
      default: '60',
      settings: {
        section: 'monitoring',
        key: 'refreshTimeoutMinutes',
        kind: 'integer',
        description: 'DatabricksRefreshMonitors: minutes to wait for the refreshes (1-1440, default 60).',
      },
      parameter: true,
      rule: () => integerRule(1, 1440),
      help: 'How long to wait for all refreshes, an integer from 1 to 1440. Default `60`.',
      doc: { rule: 'integer 1–1440' },
    },
    warehouseId: {
      type: 'string',
      label: 'SQL warehouse ID',
      group: 'gate',
      settings: WAREHOUSE_SETTING,
      parameter: true,
      rule: () => warehouseIdRule(),
      help: 'The SQL warehouse used to read the metric tables, e.g. `abcdef1234567890`. Required when **Thresholds** is set; the identity needs `CAN USE` on it and `SELECT` on the metric tables.',
      doc: { rule: 'required when `thresholds` is set' },
    },
    driftType: {
      type: 'pickList',
      label: 'Drift type',
      group: 'gate',
      options: {
        fromFile: 'Settings file, else baseline (against the baseline table)',
        BASELINE: 'Baseline (against the baseline table)',
        CONSECUTIVE: 'Consecutive (against the previous window)',
      },
      default: 'BASELINE',
      settings: { section: 'monitoring', kind: 'text', description: 'BASELINE (default) or CONSECUTIVE.' },
      parameter: true,
      rule: () => choiceRule(DRIFT_TYPES),
      help: "`BASELINE` (default): drift against the monitor's baseline table. `CONSECUTIVE`: drift between successive time windows (needs at least two windows).",
      doc: { rule: '' },
    },
    thresholds: {
      type: 'multiLine',
      label: 'Thresholds',
      group: 'gate',
      properties: { resizable: true, rows: '5' },
      default: '',
      settings: { section: 'monitoring', kind: 'thresholds', description: 'Drift gate rules, e.g. "js_distance > 0.1", "ks_test.pvalue < 0.05", "f1_score < 0.8".' },
      parameter: true,
      rule: () => lineListRule(thresholdRule()),
      help: 'Drift rules, one per line: `<metric>[.<field>] <op> <number>` with `<op>` one of `<`, `<=`, `>`, `>=`, e.g. `population_stability_index >= 0.2`, `js_distance > 0.1`, `ks_test.pvalue < 0.05`, `chi_squared_test.pvalue < 0.05`, `wasserstein_distance > 0.5`, or model quality from the profile table such as `f1_score < 0.8`. Empty (the default): monitors are refreshed and no gate is evaluated.',
      doc: {
        rule: 'each `<metric>[.<field>] <op> <number>`; metric among the drift and model-quality metrics known to the task, the profile-table column statistics (`count`, `num_nulls`, `avg`, `min`, `max`, `stddev`, `median`, `distinct_count`, `num_zeros`, `num_nan`, `min_length`, `max_length`, `avg_length`, `percent_null`, `percent_nan`, `percent_zeros`, `percent_distinct`: data-quality rules, reported apart from drift), or a custom metric of the monitors by name (checked once the monitors are read, before any refresh; a misspelt known metric or an unknown custom one fails with a suggestion)',
      },
    },
    columns: {
      type: 'string',
      label: 'Columns',
      group: 'gate',
      default: '',
      settings: { section: 'monitoring', kind: 'commaList', description: 'Only these columns count for the gate.' },
      parameter: true,
      rule: () => columnList(),
      help: 'Only these columns count for drift, as a comma list, e.g. `tenure, plan, monthly_charges`. Empty (the default): every column.',
      doc: { type: 'string (comma list)', rule: 'column names' },
    },
    excludeColumns: {
      type: 'string',
      label: 'Exclude columns',
      group: 'gate',
      default: '',
      settings: { section: 'monitoring', kind: 'commaList', description: 'These columns do not count for the gate.' },
      parameter: true,
      rule: () => columnList(),
      help: 'Columns ignored for drift, as a comma list, e.g. `customer_id, request_id`. Empty (the default): none.',
      doc: { type: 'string (comma list)', rule: 'column names' },
    },
    modelId: {
      type: 'string',
      label: 'Model id slice',
      group: 'gate',
      settings: { section: 'monitoring', kind: 'text', description: 'Gate on one model id slice, e.g. main.ml.churn_model/8 (default: all models; * = all models).' },
      rule: () => modelIdRule(),
      help: "Judge the rules on one model's rows only: the value of the monitor's model id column, e.g. `main.ml.churn_model/8` (the form a view made by DatabricksCreateMonitor **Unpack from endpoint** holds; a `models:/` URI such as DatabricksRegisterModel's `modelUri` output is accepted too). Use it to gate a canary on its own predictions. Needs inference log monitors; a slice without rows yet is not enough data. Empty (the default) or `*`: all models together.",
      doc: { rule: 'a model id value, or `*`' },
    },
    evaluationWindows: {
      type: 'string',
      label: 'Evaluation windows',
      group: 'gate',
      default: '1',
      settings: { section: 'monitoring', kind: 'integer', description: 'Windows looked at (1-100, default 1).' },
      parameter: true,
      rule: () => integerRule(1, 100),
      help: 'How many of the latest time windows are evaluated, an integer from 1 to 100. Default `1`.',
      doc: { rule: 'integer 1–100' },
    },
    violationWindows: {
      type: 'string',
      label: 'Violation windows',
      group: 'gate',
      default: '1',
      settings: { section: 'monitoring', kind: 'integer', description: 'Windows that must break a rule, the latest included (default 1).' },
      parameter: true,
      rule: () => integerRule(1, 100),
      help: 'Drift counts only if at least this many of the evaluated windows break a rule, the latest one included; an integer from 1 to **Evaluation windows**. Default `1`.',
      doc: { rule: 'integer 1..evaluationWindows' },
    },
    onDrift: {
      type: 'pickList',
      label: 'On drift',
      group: 'gate',
      options: { fromFile: 'Settings file, else fail the task', fail: 'Fail the task', warn: 'Succeed with issues', ignore: 'Ignore (report only)' },
      default: 'fail',
      settings: { section: 'monitoring', kind: 'text', description: 'fail (default), warn or ignore.' },
      parameter: true,
      rule: () => choiceRule(ON_DRIFT),
      help: 'What drift does to the task: `fail` (default), `warn` (succeeded with issues) or `ignore` (report only).',
      doc: { rule: '' },
    },
    onInsufficientData: {
      type: 'pickList',
      label: 'On insufficient data',
      group: 'gate',
      options: { fromFile: 'Settings file, else succeed with issues', warn: 'Succeed with issues', pass: 'Pass', fail: 'Fail the task' },
      default: 'warn',
      settings: { section: 'monitoring', kind: 'text', description: 'warn (default), pass or fail.' },
      parameter: true,
      rule: () => choiceRule(ON_INSUFFICIENT_DATA),
      help: 'What happens when there are fewer windows than needed or no baseline: `warn` (default, succeeded with issues), `pass` or `fail`.',
      doc: { rule: '' },
    },
    notifyDestinations: {
      type: 'string',
      label: 'Notify destinations',
      group: 'gate',
      default: '',
      settings: { section: 'monitoring', kind: 'commaList', description: 'Up to 3 notification destinations (display names) told when a rule breaks.' },
      parameter: true,
      rule: () => commaListRule(textRule(), { max: { count: MAX_RUN_DESTINATIONS, noun: ruleText('DestinationsNoun') }, uniqueBy: (n) => n.toLowerCase() }),
      help: 'Comma list of up to 3 Databricks notification destinations by display name (Slack, Microsoft Teams, PagerDuty, webhook, e-mail list) told when a rule breaks. The message (the gate outcome and a link to this run) is delivered through the destinations by a one-time job run whose success notification goes to them; no webhook is called by the agent.',
      doc: {
        type: 'string (comma list)',
        rule: 'at most 3 notification destination display names (unique), resolved through `/api/2.0/notification-destinations` before any refresh (unknown → an error listing the available ones). When a rule breaks on a table, the gate outcome (with a link to the pipeline run) is posted through them: the API has no "send" call, so the task submits a one-time job run (`/api/2.2/jobs/runs/submit`, one `condition_task`, no compute) named after the message, with `webhook_notifications.on_success` naming the destinations; its idempotency token keeps a retried submit from notifying twice. A failed delivery is a warning',
      },
    },
    reportPath: {
      type: 'string',
      label: 'Report path',
      group: 'advanced',
      settings: { section: 'monitoring', kind: 'text', description: 'Where the JSON drift report is written.' },
      rule: (context) => outputFileRule(context.workingDirectory),
      help: 'Where the JSON drift report is written (it is also attached to the run). Default `$(Agent.TempDirectory)/databricks-drift-report.json`.',
      doc: { default: '`$(Agent.TempDirectory)/databricks-drift-report.json`', note: 'added', rule: 'file path' },
    },
    monitorApi: {
      type: 'pickList',
      label: 'Monitor API',
      group: 'advanced',
      options: { fromFile: 'Settings file, else automatic', auto: 'Automatic', dataQuality: 'Data quality (v1)', legacy: 'Legacy quality monitors' },
      default: 'auto',
      settings: MONITOR_API_SETTING,
      parameter: true,
      rule: () => choiceRule(MONITOR_APIS),
      help: '`auto` (default when neither the task nor the settings file sets it): the data quality v1 API where a per-table read shows it is available (and the legacy API for monitors v1 does not show), else the legacy quality-monitors API. `dataQuality` or `legacy` use that API only.',
      doc: { note: 'group advanced', rule: 'as in DatabricksCreateMonitor: `auto` probes v1 with a per-table read of the first table looked up' },
    },
  },
);
