import * as assert from 'node:assert/strict';
import { parseMetricCondition, type MetricCondition } from '../../../shared/monitoring/metricRules';
import type { DriftTableResult } from '../../../shared/runtime/reportTypes';
import { evaluateRule, parseMetricRows, type MetricRows, type WindowSettings } from '../../../tasks/DatabricksRefreshMonitors/src/gate/evaluate';
import { quoteTableName, UnsafeIdentifierError } from '../../../tasks/DatabricksRefreshMonitors/src/gate/identifiers';
import { finestGranularity, granularityText } from '../../../shared/monitoring/granularity';
import { driftStatement, METRIC_ALIAS, profileStatement } from '../../../tasks/DatabricksRefreshMonitors/src/gate/queries';
import { gateOutcome, resultFor, tableGate } from '../../../tasks/DatabricksRefreshMonitors/src/gate/verdict';

function rule(text: string): MetricCondition {
  const r = parseMetricCondition(text, ['drift', 'profile']);
  assert.ok(r.ok, text);
  return r.value;
}

const SETTINGS: WindowSettings = { evaluationWindows: 1, violationWindows: 1, columns: [], excludeColumns: [] };

/** Rows for one metric: per column, values latest first (null = a window with a null value; undefined = no row). */
function rows(metric: string, series: Record<string, Array<number | null | undefined>>): MetricRows {
  const out: MetricRows = { metrics: [metric], rows: [] };
  for (const [column, values] of Object.entries(series)) {
    values.forEach((value, i) => {
      if (value === undefined) return;
      const day = 20 - i;
      out.rows.push({ column, rank: i + 1, start: `2025-01-${day}T00:00:00Z`, end: `2025-01-${day + 1}T00:00:00Z`, values: [value] });
    });
  }
  return out;
}

describe('refresh monitors: gate SQL', () => {
  const tables = {
    driftMetricsTable: 'main.ml_mon.churn_drift_metrics',
    profileMetricsTable: 'main.ml_mon.churn_profile_metrics',
    granularity: '1 day',
    modelIdColumn: 'model_id',
  };
  const rules = [
    rule('population_stability_index >= 0.2'),
    rule('ks_test.pvalue < 0.05'),
    rule('f1_score < 0.8'),
    rule('js_distance > 0.1'),
    rule('population_stability_index > 0.5'),
  ];

  it('puts every value in named parameters and none in the SQL text', () => {
    const drift = driftStatement(
      tables,
      rules.filter((r) => r.table === 'drift'),
      { driftType: 'CONSECUTIVE', windows: 7 },
    );
    const profile = profileStatement(
      tables,
      rules.filter((r) => r.table === 'profile'),
      { windows: 7 },
    );
    for (const s of [drift, profile]) {
      // No literal of any kind: every value is a parameter.
      assert.doesNotMatch(s.statement, /['"]/);
      assert.doesNotMatch(s.statement, /\b7\b|CONSECUTIVE|1 day|INPUT|0\.2|0\.05|0\.8/);
      for (const p of s.parameters) assert.ok(s.statement.includes(`:${p.name}`), `:${p.name} is used`);
      assert.deepEqual(
        s.parameters.find((p) => p.name === 'windows'),
        { name: 'windows', value: '7', type: 'INT' },
      );
    }
    assert.deepEqual(
      drift.parameters.map((p) => [p.name, p.value]),
      [
        ['drift_type', 'CONSECUTIVE'],
        ['table_level', ':table'],
        ['granularity', '1 day'],
        ['all_models', '*'],
        ['windows', '7'],
      ],
    );
    assert.deepEqual(
      profile.parameters.map((p) => [p.name, p.value]),
      [
        ['log_type', 'INPUT'],
        ['granularity', '1 day'],
        ['all_models', '*'],
        ['windows', '7'],
      ],
    );
    // One select per distinct metric column, quoted.
    assert.deepEqual(drift.metrics, ['population_stability_index', 'ks_test.pvalue', 'js_distance']);
    assert.match(drift.statement, /CAST\(`ks_test`\.`pvalue` AS DOUBLE\) AS m1/);
    assert.match(drift.statement, /FROM `main`\.`ml_mon`\.`churn_drift_metrics`/);
    assert.match(drift.statement, /\(`model_id` IS NULL OR `model_id` = :all_models\)/);
    assert.match(drift.statement, /slice_key IS NULL/);
    assert.deepEqual(profile.metrics, ['f1_score.macro']);
  });

  it('leaves out the granularity and model filters when the monitor has none', () => {
    const s = driftStatement({ driftMetricsTable: 'c.s.t_drift_metrics' }, [rules[0]!], { driftType: 'BASELINE', windows: 1 });
    assert.deepEqual(
      s.parameters.map((p) => p.name),
      ['drift_type', 'table_level', 'windows'],
    );
    assert.doesNotMatch(s.statement, /granularity|all_models/);
  });

  it('refuses identifiers that are not plain names', () => {
    assert.equal(quoteTableName('`main`.ml.t'), '`main`.`ml`.`t`');
    for (const bad of ['main.ml', 'main.ml.t`; DROP TABLE x; --', 'main.ml.t x', 'a.b.c.d']) {
      assert.throws(() => quoteTableName(bad), UnsafeIdentifierError, bad);
    }
    assert.throws(() => driftStatement({ ...tables, modelIdColumn: 'model_id) OR (1=1' }, [rules[0]!], { driftType: 'BASELINE', windows: 1 }), UnsafeIdentifierError);
  });

  it('evaluates the finest granularity in either API spelling', () => {
    assert.equal(granularityText('AGGREGATION_GRANULARITY_1_DAY'), '1 day');
    assert.equal(granularityText('AGGREGATION_GRANULARITY_2_WEEKS'), '2 weeks');
    assert.equal(granularityText('30 minutes'), '30 minutes');
    assert.equal(finestGranularity(['1 week', 'AGGREGATION_GRANULARITY_1_DAY', '1 month']), '1 day');
    assert.equal(finestGranularity([]), undefined);
    assert.equal(finestGranularity(undefined), undefined);
  });

  it('reads statement rows whose values are strings or null', () => {
    const parsed = parseMetricRows(
      [
        { column_name: 'age', window_start: '2025-01-02T00:00:00.000Z', window_end: '2025-01-03T00:00:00.000Z', window_rank: '1', m0: '0.25', m1: null },
        { column_name: 'age', window_start: new Date('2025-01-01T00:00:00Z'), window_end: null, window_rank: 2, m0: 0.1, m1: 'NaN' },
      ],
      ['population_stability_index', 'ks_test.pvalue'],
      METRIC_ALIAS,
    );
    assert.deepEqual(
      parsed.rows.map((r) => [r.column, r.rank, r.start, r.values]),
      [
        ['age', 1, '2025-01-02T00:00:00.000Z', [0.25, null]],
        ['age', 2, '2025-01-01T00:00:00.000Z', [0.1, null]],
      ],
    );
    assert.throws(() => parseMetricRows([{ column_name: 'age', window_rank: null }], ['x'], METRIC_ALIAS), /window rank/);
  });
});

describe('refresh monitors: rule evaluation', () => {
  it('applies each operator and struct fields, latest window first', () => {
    const cases: Array<[string, number, boolean]> = [
      ['population_stability_index >= 0.2', 0.2, true],
      ['population_stability_index > 0.2', 0.2, false],
      ['js_distance > 0.1', 0.11, true],
      ['ks_test.pvalue < 0.05', 0.049, true],
      ['ks_test.pvalue < 0.05', 0.05, false],
      ['chi_squared_test.pvalue <= 0.05', 0.05, true],
      ['wasserstein_distance > 0.5', 0.4, false],
      ['f1_score < 0.8', 0.79, true],
    ];
    for (const [text, value, drifted] of cases) {
      const r = rule(text);
      const column = r.scope === 'model' ? ':table' : 'age';
      const e = evaluateRule('t', r, rows(r.column, { [column]: [value] }), SETTINGS, 'none');
      assert.equal(e.insufficient, undefined, text);
      assert.equal(e.columns.length, 1, text);
      assert.equal(e.columns[0]!.drifted, drifted, `${text} at ${value}`);
      assert.equal(e.columns[0]!.latest, value);
      assert.equal(e.columns[0]!.rule, r.text);
    }
  });

  it('applies N of M: enough violations AND the latest window', () => {
    const psi = rule('population_stability_index >= 0.2');
    const s = { ...SETTINGS, evaluationWindows: 4, violationWindows: 2 };
    const e = evaluateRule(
      'main.ml.t',
      psi,
      rows(psi.column, {
        twoWithLatest: [0.3, 0.1, 0.25, 0.0],
        threeNotLatest: [0.1, 0.3, 0.3, 0.3],
        oneOnlyLatest: [0.9, 0.1, 0.1, 0.1],
        allFour: [0.2, 0.2, 0.2, 0.2],
      }),
      s,
      'none',
    );
    const byColumn = Object.fromEntries(e.columns.map((c) => [c.column, c]));
    assert.equal(byColumn.twoWithLatest!.drifted, true);
    assert.equal(byColumn.twoWithLatest!.violations, 2);
    assert.deepEqual(
      byColumn.twoWithLatest!.windows.map((w) => [w.value, w.violated]),
      [
        [0.0, false],
        [0.25, true],
        [0.1, false],
        [0.3, true],
      ],
    );
    assert.equal(byColumn.twoWithLatest!.windows[3]!.start, '2025-01-20T00:00:00Z');
    assert.equal(byColumn.threeNotLatest!.drifted, false);
    assert.equal(byColumn.oneOnlyLatest!.drifted, false);
    assert.equal(byColumn.allFour!.drifted, true);
    assert.equal(e.insufficient, undefined);
    // Worst first when aggregated.
    const gate = tableGate([e]);
    assert.equal(gate.verdict, 'drift');
    assert.deepEqual(
      gate.columns.map((c) => c.column),
      ['twoWithLatest', 'allFour', 'oneOnlyLatest', 'threeNotLatest'],
    );
  });

  it('decides with fewer windows than M only when the answer is certain', () => {
    const psi = rule('population_stability_index >= 0.2');
    const s = { ...SETTINGS, evaluationWindows: 5, violationWindows: 2 };
    // Two windows only: both break → drift; latest within → no drift; latest breaks once → cannot decide.
    assert.equal(tableGate([evaluateRule('t', psi, rows(psi.column, { a: [0.3, 0.3] }), s, 'none')]).verdict, 'drift');
    assert.equal(tableGate([evaluateRule('t', psi, rows(psi.column, { a: [0.1, 0.3] }), s, 'none')]).verdict, 'no-drift');
    const undecided = evaluateRule('t', psi, rows(psi.column, { a: [0.3, 0.1], b: [0.0, 0.0] }), s, 'none');
    assert.match(undecided.insufficient!, /a breaks the rule in 1 of only 2 window\(s\); 2 of 5 are needed/);
    assert.equal(tableGate([undecided]).verdict, 'insufficient-data');
  });

  it('reports insufficient data: no rows, all null, nothing in the latest window', () => {
    const psi = rule('population_stability_index >= 0.2');
    const none = evaluateRule('t', psi, rows(psi.column, {}), SETTINGS, 'no BASELINE drift metrics yet');
    assert.equal(none.insufficient, 'no BASELINE drift metrics yet');
    // CONSECUTIVE drift with one window: the metrics exist but are null.
    const allNull = evaluateRule('t', psi, rows(psi.column, { age: [null], city: [null] }), SETTINGS, 'x');
    assert.match(allNull.insufficient!, /null in all 1 window/);
    assert.deepEqual(allNull.columns, []);
    const latestNull = evaluateRule('t', psi, rows(psi.column, { age: [null, 0.5], city: [undefined, 0.5] }), { ...SETTINGS, evaluationWindows: 2 }, 'x');
    assert.match(latestNull.insufficient!, /null in the latest window/);
    assert.equal(tableGate([latestNull]).verdict, 'insufficient-data');
  });

  it('ignores columns where the metric does not apply (ks_test on a categorical column)', () => {
    const ks = rule('ks_test.pvalue < 0.05');
    const e = evaluateRule('t', ks, rows(ks.column, { age: [0.5], city: [null] }), SETTINGS, 'x');
    assert.equal(e.insufficient, undefined);
    assert.deepEqual(
      e.columns.map((c) => c.column),
      ['age'],
    );
    assert.equal(tableGate([e]).verdict, 'no-drift');
  });

  it('filters columns with columns / excludeColumns and keeps model-quality rules on :table', () => {
    const psi = rule('population_stability_index >= 0.2');
    const data = rows(psi.column, { age: [0.5], city: [0.5], income: [0.1], ':table': [0.9] });
    const only = evaluateRule('t', psi, data, { ...SETTINGS, columns: ['income', 'city'] }, 'x');
    assert.deepEqual(only.columns.map((c) => c.column).sort(), ['city', 'income']);
    const excluded = evaluateRule('t', psi, data, { ...SETTINGS, excludeColumns: ['age', 'city'] }, 'x');
    assert.deepEqual(
      excluded.columns.map((c) => c.column),
      ['income'],
    );
    const missing = evaluateRule('t', psi, data, { ...SETTINGS, columns: ['nope'] }, 'x');
    assert.match(missing.insufficient!, /no rows for the selected columns/);
    const f1 = rule('f1_score < 0.8');
    const model = evaluateRule('t', f1, rows(f1.column, { ':table': [0.7], age: [0.1] }), { ...SETTINGS, columns: ['age'] }, 'x');
    assert.deepEqual(
      model.columns.map((c) => [c.column, c.drifted]),
      [[':table', true]],
    );
  });

  it('merges the all-models (*) and NULL model rows of one window', () => {
    const psi = rule('population_stability_index >= 0.2');
    const data: MetricRows = {
      metrics: [psi.column],
      rows: [
        { column: 'age', rank: 1, start: 's', end: 'e', values: [null] },
        { column: 'age', rank: 1, start: 's', end: 'e', values: [0.4] },
      ],
    };
    const e = evaluateRule('t', psi, data, SETTINGS, 'x');
    assert.equal(e.columns.length, 1);
    assert.equal(e.columns[0]!.latest, 0.4);
    assert.equal(e.columns[0]!.windows.length, 1);
  });

  it('gives a severity relative to the threshold', () => {
    const psi = rule('population_stability_index >= 0.2');
    const ks = rule('ks_test.pvalue < 0.05');
    const a = evaluateRule('t', psi, rows(psi.column, { age: [0.3] }), SETTINGS, 'x').columns[0]!;
    const b = evaluateRule('t', ks, rows(ks.column, { age: [0.01] }), SETTINGS, 'x').columns[0]!;
    assert.ok(Math.abs(a.severity - 0.5) < 1e-9);
    assert.ok(Math.abs(b.severity - 0.8) < 1e-9);
  });
});

describe('refresh monitors: verdicts and task result', () => {
  const table = (name: string, verdict: DriftTableResult['verdict'], reason?: string): DriftTableResult => ({
    table: name,
    monitorApi: 'dataQuality',
    refresh: { state: 'SUCCESS', startedByTask: true },
    verdict,
    reason,
    columns:
      verdict === 'drift'
        ? [
            {
              table: name,
              column: 'age',
              rule: 'population_stability_index >= 0.2',
              metric: 'population_stability_index',
              threshold: 0.2,
              op: '>=',
              latest: 0.3,
              windows: [],
              violations: 1,
              drifted: true,
              severity: 0.5,
            },
          ]
        : [],
  });

  it('maps each outcome under each setting', () => {
    const expected: Array<[DriftTableResult['verdict'], 'fail' | 'warn' | 'ignore', 'warn' | 'pass' | 'fail', string]> = [
      ['drift', 'fail', 'pass', 'Failed'],
      ['drift', 'warn', 'fail', 'SucceededWithIssues'],
      ['drift', 'ignore', 'fail', 'Succeeded'],
      ['insufficient-data', 'fail', 'warn', 'SucceededWithIssues'],
      ['insufficient-data', 'fail', 'pass', 'Succeeded'],
      ['insufficient-data', 'ignore', 'fail', 'Failed'],
      ['error', 'ignore', 'pass', 'Failed'],
      ['no-drift', 'fail', 'fail', 'Succeeded'],
      ['not-evaluated', 'fail', 'fail', 'Succeeded'],
    ];
    for (const [verdict, onDrift, onInsufficient, result] of expected) {
      assert.equal(resultFor(verdict, onDrift, onInsufficient), result, `${verdict} ${onDrift} ${onInsufficient}`);
      assert.equal(gateOutcome([table('main.ml.a', verdict)], onDrift, onInsufficient).result, result);
    }
  });

  it('takes the worst result across tables and names every kind of outcome', () => {
    const o = gateOutcome([table('c.s.drifted', 'drift'), table('c.s.young', 'insufficient-data'), table('c.s.fine', 'no-drift')], 'ignore', 'fail');
    assert.equal(o.result, 'Failed');
    assert.equal(o.verdict, 'drift');
    assert.equal(o.message, 'Drift detected: 1 column(s) in c.s.drifted (onDrift: ignore). Not enough data to decide for c.s.young (onInsufficientData: fail).');
    const e = gateOutcome([table('c.s.broken', 'error', 'the refresh FAILED: out of memory'), table('c.s.drifted', 'drift')], 'ignore', 'pass');
    assert.equal(e.result, 'Failed');
    assert.equal(e.verdict, 'error');
    assert.match(e.message, /^Could not check c\.s\.broken: the refresh FAILED: out of memory\. Drift detected/);
    assert.equal(gateOutcome([table('c.s.fine', 'no-drift')], 'fail', 'fail').message, 'No drift in c.s.fine.');
  });

  it('leaves a table without applicable rules not evaluated, and drift wins over undecided rules', () => {
    assert.equal(tableGate([], ['no rule applies']).verdict, 'not-evaluated');
    const psi = rule('population_stability_index >= 0.2');
    const f1 = rule('f1_score < 0.8');
    const drifted = evaluateRule('t', psi, rows(psi.column, { age: [0.5] }), SETTINGS, 'x');
    const empty = evaluateRule('t', f1, rows(f1.column, {}), SETTINGS, 'no profile metrics');
    const gate = tableGate([drifted, empty]);
    assert.equal(gate.verdict, 'drift');
    assert.deepEqual(gate.reasons, ['no profile metrics']);
  });
});
