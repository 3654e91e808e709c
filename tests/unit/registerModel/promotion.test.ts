import * as assert from 'node:assert/strict';
import { decide, format } from '../../../tasks/DatabricksRegisterModel/src/promotion';
import type { ChampionComparison } from '../../../tasks/DatabricksRegisterModel/src/parameters';

const GATE: ChampionComparison = { metric: 'f1_score', goal: 'maximize', minImprovement: 0, promoteOnTie: false, baselineAlias: 'champion', failIfNotImproved: false };
const compare = (candidate: number, baseline: number, gate: Partial<ChampionComparison> = {}) =>
  decide({ ...GATE, ...gate }, { candidate, baseline, baselineExists: true, baselineIsCandidate: false });

describe('DatabricksRegisterModel gate', () => {
  it('maximize: higher wins, lower and equal do not', () => {
    assert.equal(compare(0.85, 0.8).outcome, 'improved');
    assert.equal(compare(0.75, 0.8).outcome, 'not-improved');
    assert.deepEqual([compare(0.8, 0.8).outcome, compare(0.8, 0.8).wins], ['tie', false]);
  });

  it('minimize: lower wins, improvement is baseline − candidate', () => {
    const d = compare(0.2, 0.3, { goal: 'minimize' });
    assert.equal(d.outcome, 'improved');
    assert.equal(format(d.improvement!), '0.1');
    assert.equal(compare(0.4, 0.3, { goal: 'minimize' }).wins, false);
  });

  it('minImprovement is the least improvement that counts, without float noise', () => {
    assert.equal(compare(0.805, 0.8, { minImprovement: 0.01 }).outcome, 'not-improved');
    // 0.83 − 0.82 is 0.009999999999999898 in floating point: still the 0.01 asked for.
    assert.equal(compare(0.83, 0.82, { minImprovement: 0.01 }).outcome, 'improved');
  });

  it('promoteOnTie promotes a tie', () => {
    assert.deepEqual([compare(0.8, 0.8, { promoteOnTie: true }).outcome, compare(0.8, 0.8, { promoteOnTie: true }).wins], ['tie', true]);
  });

  it('no baseline, a baseline without the metric, and the candidate already being the baseline all win', () => {
    assert.equal(decide(GATE, { candidate: 1, baselineExists: false, baselineIsCandidate: false }).outcome, 'no-baseline');
    assert.equal(decide(GATE, { candidate: 1, baselineExists: true, baselineIsCandidate: false }).outcome, 'baseline-metric-missing');
    const self = decide(GATE, { candidate: 1, baselineExists: true, baselineIsCandidate: true });
    assert.equal(self.wins, true);
  });
});
