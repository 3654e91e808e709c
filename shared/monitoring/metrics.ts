/**
 * The one registry of the metrics a data profiling monitor writes to its metric tables: which
 * table, per column or for the model, which category, struct fields, and (model quality) the
 * problem type. Threshold and drift-alert rules (metricRules.ts) and the drift gate read it.
 *
 * Known metrics (metric table schemas: https://learn.microsoft.com/azure/databricks/lakehouse-monitoring/monitor-output):
 * - drift table, one row per column: population_stability_index, js_distance, ks_test
 *   (struct: statistic, pvalue), chi_squared_test (struct: statistic, pvalue),
 *   wasserstein_distance, tv_distance, l_infinity_distance, count_delta, avg_delta,
 *   percent_null_delta, percent_zeros_delta, percent_distinct_delta;
 * - profile table, model quality (column_name = ':table'): accuracy_score, precision, recall,
 *   f1_score (structs: macro, weighted; the bare name means `.macro`), roc_auc_score,
 *   mean_squared_error, root_mean_squared_error, mean_absolute_error,
 *   mean_absolute_percentage_error, r2_score;
 * - profile table, one row per column (data quality: range and null checks): count, num_nulls,
 *   avg, min, max, stddev, median, distinct_count, num_zeros, num_nan, min_length, max_length,
 *   avg_length, percent_null, percent_nan, percent_zeros, percent_distinct;
 * log_loss is not accepted: no source lists it among the profile table's columns.
 * mean_absolute_error is read from the column the docs name `mean_average_error`
 * (unconfirmed; the gate DESCRIBEs the table at run time anyway).
 */
export type MetricTable = 'drift' | 'profile';
/** `column`: a value per monitored column; `model`: one value per window for the model (':table'). */
export type MetricScope = 'column' | 'model';
/** What a rule checks, for reports that show data-quality breaches apart from drift. */
export type MetricCategory = 'drift' | 'model-quality' | 'data-quality' | 'custom';

export interface MetricInfo {
  table: MetricTable;
  scope: MetricScope;
  category: MetricCategory;
  /** Fields of a struct metric; the first is suggested when the field is missing. */
  fields?: readonly string[];
  /** Field used when the rule names the bare struct. */
  defaultField?: string;
  /** Column name in the table when it differs from the metric name. */
  column?: string;
  /** Model-quality metrics: the problem type of the monitors that compute it. */
  problemType?: 'classification' | 'regression';
}

const DRIFT: MetricInfo = { table: 'drift', scope: 'column', category: 'drift' };
const TEST: MetricInfo = { table: 'drift', scope: 'column', category: 'drift', fields: ['pvalue', 'statistic'] };
const CLASSIFICATION: MetricInfo = { table: 'profile', scope: 'model', category: 'model-quality', problemType: 'classification' };
const AVERAGED: MetricInfo = { ...CLASSIFICATION, fields: ['macro', 'weighted'], defaultField: 'macro' };
const REGRESSION: MetricInfo = { table: 'profile', scope: 'model', category: 'model-quality', problemType: 'regression' };
const PROFILE: MetricInfo = { table: 'profile', scope: 'column', category: 'data-quality' };

export const METRICS: Readonly<Record<string, MetricInfo>> = {
  population_stability_index: DRIFT,
  js_distance: DRIFT,
  ks_test: TEST,
  chi_squared_test: TEST,
  wasserstein_distance: DRIFT,
  tv_distance: DRIFT,
  l_infinity_distance: DRIFT,
  count_delta: DRIFT,
  avg_delta: DRIFT,
  percent_null_delta: DRIFT,
  percent_zeros_delta: DRIFT,
  percent_distinct_delta: DRIFT,
  accuracy_score: CLASSIFICATION,
  precision: AVERAGED,
  recall: AVERAGED,
  f1_score: AVERAGED,
  roc_auc_score: CLASSIFICATION,
  mean_squared_error: REGRESSION,
  root_mean_squared_error: REGRESSION,
  mean_absolute_error: { ...REGRESSION, column: 'mean_average_error' },
  mean_absolute_percentage_error: REGRESSION,
  r2_score: REGRESSION,
  count: PROFILE,
  num_nulls: PROFILE,
  avg: PROFILE,
  min: PROFILE,
  max: PROFILE,
  stddev: PROFILE,
  median: PROFILE,
  distinct_count: PROFILE,
  num_zeros: PROFILE,
  num_nan: PROFILE,
  min_length: PROFILE,
  max_length: PROFILE,
  avg_length: PROFILE,
  percent_null: PROFILE,
  percent_nan: PROFILE,
  percent_zeros: PROFILE,
  percent_distinct: PROFILE,
};

/** Common short names, only used to suggest the real one. */
export const SHORTHANDS: Readonly<Record<string, string>> = {
  psi: 'population_stability_index',
  js: 'js_distance',
  jsd: 'js_distance',
  ks: 'ks_test.pvalue',
  chi2: 'chi_squared_test.pvalue',
  wasserstein: 'wasserstein_distance',
  tvd: 'tv_distance',
  accuracy: 'accuracy_score',
  f1: 'f1_score',
  auc: 'roc_auc_score',
  roc_auc: 'roc_auc_score',
  mse: 'mean_squared_error',
  rmse: 'root_mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  r2: 'r2_score',
};
