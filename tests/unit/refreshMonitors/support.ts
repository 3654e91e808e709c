import * as assert from 'node:assert/strict';
import { parseMetricCondition, type MetricCondition } from '../../../shared/monitoring/metricRules';

/** A threshold rule as the Parameters layer parses it. */
export function parseMetricRule(text: string): MetricCondition {
  const r = parseMetricCondition(text, ['drift', 'profile']);
  assert.ok(r.ok, `${text} parses`);
  return r.value;
}
