import * as assert from 'node:assert/strict';
import { parseDriftAlert, parseMetricCondition, resolveCustomMetric, unknownCustomMetric } from '../../../shared/monitoring/metricRules';
import { closestName, editDistance } from '../../../shared/runtime/suggest';

const ALL = ['drift', 'profile'] as const;

function parsed(text: string) {
  const result = parseMetricCondition(text, ALL, true);
  assert.ok(result.ok, `expected ${text} to parse: ${result.ok ? '' : result.rule}`);
  return result.value;
}

function problem(text: string, tables: readonly ('drift' | 'profile')[] = ALL): string {
  const result = parseMetricCondition(text, tables);
  assert.ok(!result.ok, `expected ${text} to fail`);
  return result.rule;
}

describe('threshold rules', () => {
  it('parse with or without spaces, any number notation, any metric case', () => {
    assert.deepEqual(parsed('js_distance>0.1'), {
      metric: 'js_distance',
      field: undefined,
      table: 'drift',
      scope: 'column',
      category: 'drift',
      column: 'js_distance',
      op: '>',
      value: 0.1,
      text: 'js_distance > 0.1',
    });
    assert.equal(parsed('avg_delta < -0.5').value, -0.5);
    assert.equal(parsed('count_delta >= 1e3').value, 1000);
    assert.equal(parsed('Population_Stability_Index <= .25').metric, 'population_stability_index');
  });

  it('know which table, scope and column each metric reads', () => {
    const cases: [string, string, string, string][] = [
      ['ks_test.statistic > 0.3', 'drift', 'column', 'ks_test.statistic'],
      ['chi_squared_test.pvalue < 0.05', 'drift', 'column', 'chi_squared_test.pvalue'],
      ['wasserstein_distance > 0.5', 'drift', 'column', 'wasserstein_distance'],
      ['tv_distance > 0.2', 'drift', 'column', 'tv_distance'],
      ['l_infinity_distance > 0.2', 'drift', 'column', 'l_infinity_distance'],
      ['percent_null_delta > 0.1', 'drift', 'column', 'percent_null_delta'],
      ['accuracy_score < 0.9', 'profile', 'model', 'accuracy_score'],
      ['precision.weighted < 0.7', 'profile', 'model', 'precision.weighted'],
      ['recall < 0.7', 'profile', 'model', 'recall.macro'],
      ['f1_score.macro < 0.8', 'profile', 'model', 'f1_score.macro'],
      ['roc_auc_score < 0.75', 'profile', 'model', 'roc_auc_score'],
      ['mean_absolute_error > 10', 'profile', 'model', 'mean_average_error'],
      ['root_mean_squared_error > 5', 'profile', 'model', 'root_mean_squared_error'],
      ['mean_absolute_percentage_error > 0.2', 'profile', 'model', 'mean_absolute_percentage_error'],
      ['percent_null > 0.05', 'profile', 'column', 'percent_null'],
      ['percent_distinct < 0.01', 'profile', 'column', 'percent_distinct'],
    ];
    for (const [text, table, scope, column] of cases) {
      const rule = parsed(text);
      assert.deepEqual([rule.table, rule.scope, rule.column], [table, scope, column], text);
    }
  });

  it('explain what is wrong', () => {
    assert.equal(problem('psi >> 0.2'), 'unknown metric "psi"; did you mean population_stability_index?');
    assert.equal(problem('population_stability_index >> 0.2'), 'unknown operator ">>"; use <, <=, > or >=');
    assert.equal(problem('js_distance = 0.1'), 'unknown operator "="; use <, <=, > or >=');
    assert.equal(problem('js_distance => 0.1'), 'unknown operator "=>"; use <, <=, > or >=');
    assert.equal(problem('js_distance > 0.1.2'), 'the threshold "0.1.2" is not a number');
    assert.equal(problem('js_distance >'), 'the threshold "" is not a number');
    assert.equal(problem('ks_test < 0.05'), 'ks_test is a struct; name a field: ks_test.pvalue or ks_test.statistic');
    assert.equal(problem('ks_test.p < 0.05'), 'ks_test has no field "p"; use ks_test.pvalue or ks_test.statistic');
    assert.equal(problem('f1_score.micro < 0.8'), 'f1_score has no field "micro"; use f1_score.macro or f1_score.weighted');
    assert.equal(problem('count_delta.max > 1'), 'count_delta is a number and has no field "max"');
    assert.equal(problem('log_loss > 0.3'), `unknown metric "log_loss"; known metrics: ${problem('zzzzzzzzzzzz > 1').split('known metrics: ')[1]}`);
    assert.match(problem('> 0.2'), /^must look like "<metric>\[\.<field>\] <op> <number>"/);
    assert.match(problem('f1_score < 0.8', ['drift']), /^f1_score is a profile table metric; only drift table metrics are allowed here/);
  });
});

describe('data-quality rules and custom metrics', () => {
  it('column statistics of the profile table are data-quality rules on each column', () => {
    for (const [text, column] of [
      ['max > 120', 'max'],
      ['min < 0', 'min'],
      ['num_nulls > 10', 'num_nulls'],
      ['avg >= 50', 'avg'],
      ['stddev > 30', 'stddev'],
      ['percent_null > 5', 'percent_null'],
    ] as const) {
      const r = parsed(text);
      assert.deepEqual([r.table, r.scope, r.category, r.column], ['profile', 'column', 'data-quality', column], text);
    }
  });
  it('an unknown name far from every known metric is a custom metric until a monitor says what it is', () => {
    const r = parsed('High_Value_Share > 0.3');
    assert.deepEqual([r.metric, r.category, r.column], ['High_Value_Share', 'custom', 'High_Value_Share']);
    const aggregate = resolveCustomMetric(r, [{ name: 'high_value_share', type: 'aggregate', inputColumns: [':table'] }]);
    assert.deepEqual([aggregate?.table, aggregate?.scope, aggregate?.column], ['profile', 'model', 'high_value_share']);
    const drift = resolveCustomMetric(r, [{ name: 'High_Value_Share', type: 'drift', inputColumns: ['income'] }]);
    assert.deepEqual([drift?.table, drift?.scope], ['drift', 'column']);
    assert.equal(resolveCustomMetric(r, [{ name: 'other', type: 'aggregate', inputColumns: ['age'] }]), undefined);
    assert.match(unknownCustomMetric(r, ['high_value_shares']), /did you mean high_value_shares\?/);
  });
  it('a misspelt known metric is still refused with a suggestion, not taken for a custom metric', () => {
    const r = parseMetricCondition('maxx > 1', ['drift', 'profile'], true);
    assert.ok(!r.ok);
    assert.equal(r.rule, 'unknown metric "maxx"; did you mean max?');
  });
});

describe('drift alert rules', () => {
  it('parse the condition and the recipients', () => {
    const result = parseDriftAlert('chi_squared_test.pvalue < 0.01 ->ops@contoso.com,  ml@contoso.com');
    assert.ok(result.ok);
    assert.deepEqual(
      [result.value.column, result.value.op, result.value.value, result.value.emails, result.value.text],
      ['chi_squared_test.pvalue', '<', 0.01, ['ops@contoso.com', 'ml@contoso.com'], 'chi_squared_test.pvalue < 0.01 -> ops@contoso.com, ml@contoso.com'],
    );
  });
  it('take notification destinations by name next to e-mail addresses', () => {
    const result = parseDriftAlert('population_stability_index >= 0.2 -> mlops@contoso.com, destination:MLOps Slack, Destination: PagerDuty on-call');
    assert.ok(result.ok);
    assert.deepEqual(
      [result.value.emails, result.value.destinations, result.value.text],
      [
        ['mlops@contoso.com'],
        ['MLOps Slack', 'PagerDuty on-call'],
        'population_stability_index >= 0.2 -> mlops@contoso.com, destination:MLOps Slack, destination:PagerDuty on-call',
      ],
    );
    const only = parseDriftAlert('js_distance > 0.1 -> destination:Teams');
    assert.ok(only.ok);
    assert.deepEqual([only.value.emails, only.value.destinations], [[], ['Teams']]);
    const empty = parseDriftAlert('js_distance > 0.1 -> destination:');
    assert.ok(!empty.ok);
    assert.match(empty.rule, /names no destination: write destination:<display name>/);
    const neither = parseDriftAlert('js_distance > 0.1 -> slack-channel');
    assert.ok(!neither.ok);
    assert.match(neither.rule, /"slack-channel" is neither an e-mail address nor destination:<notification destination name>/);
  });
  it('report the condition before the recipients', () => {
    const result = parseDriftAlert('ks_test > 0.2 -> nobody');
    assert.ok(!result.ok);
    assert.equal(result.rule, 'ks_test is a struct; name a field: ks_test.pvalue or ks_test.statistic');
  });
});

describe('name suggestions', () => {
  it('ignore case, underscores and dashes', () => {
    assert.equal(closestName('endpoint_name', ['endpointName', 'modelName']), 'endpointName');
    assert.equal(closestName('CANARY-PERCENT', ['canaryPercent']), 'canaryPercent');
  });
  it('allow small typos only', () => {
    assert.equal(closestName('servng', ['serving', 'registry']), 'serving');
    assert.equal(closestName('foo', ['serving', 'registry']), undefined);
  });
  it('measure edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });
});
