/**
 * The fixed value sets of the monitoring inputs (pick lists and enumerated items), in one place
 * so the Parameters modules, the config-file schema (and the JSON Schema generated from it) and
 * the docs cannot disagree. Granularities: granularity.ts.
 */

export const PROFILE_TYPES = ['inferenceLog', 'timeSeries', 'snapshot'] as const;
export const PROBLEM_TYPES = ['classification', 'regression'] as const;
export const MONITOR_APIS = ['auto', 'dataQuality', 'legacy'] as const;
export const DRIFT_TYPES = ['BASELINE', 'CONSECUTIVE'] as const;
export const ON_DRIFT = ['fail', 'warn', 'ignore'] as const;
export const ON_INSUFFICIENT_DATA = ['warn', 'pass', 'fail'] as const;
/** Comparison operators of threshold and drift-alert rules. */
export const COMPARISON_OPS = ['<', '<=', '>', '>='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export const CUSTOM_METRIC_TYPES = ['aggregate', 'derived', 'drift'] as const;
