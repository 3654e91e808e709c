/** RegisterModel's outcome() on plans built by hand: the message and result without a workspace. */
import * as assert from 'node:assert/strict';
import type { RegistryModelVersion } from '../../../shared/api/unityCatalogModels';
import { outcome, type RegistrationPlan } from '../../../tasks/DatabricksRegisterModel/src/operations';
import { MODEL, params } from './support';

const client = { link: (path: string) => `https://adb-1.1.azuredatabricks.net${path}` };
const version = (v: string): RegistryModelVersion => ({ version: v as never, run_id: 'r1', status: 'READY' }) as RegistryModelVersion;

function plan(over: Partial<RegistrationPlan> = {}): RegistrationPlan {
  return { modelName: MODEL, modelExists: true, candidate: { version: version('3') }, tags: [], promoted: true, aliases: [], ...over };
}

const lostGate = {
  decision: { outcome: 'not-improved' as const, wins: false, improvement: -0.02, reason: 'f1_score 0.8 is not better than 0.82 by 0.01' },
  candidate: 0.8,
  baseline: 0.82,
  baselineVersion: 2,
};

describe('DatabricksRegisterModel outcome()', () => {
  it('a lost gate with failIfNotImproved: Failed, naming the reason', () => {
    const p = params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', failIfNotImproved: 'true', modelVersion: '3' });
    const o = outcome(client, { params: p, registration: plan({ comparison: lostGate, promoted: false }), warnings: [] }, { dryRun: false, version: version('3'), changes: [] });
    assert.equal(o.result, 'Failed');
    assert.equal(o.message, `${MODEL} version 3 was not promoted and failIfNotImproved is set: f1_score 0.8 is not better than 0.82 by 0.01.`);
    assert.equal(o.outputs.promoted, false);
    assert.equal(o.outputs.baselineMetric, '0.82');
  });

  it('a lost gate without failIfNotImproved succeeds, not promoted; a warning makes it SucceededWithIssues', () => {
    const p = params({ registerFrom: 'existingVersion', compareMetric: 'f1_score', modelVersion: '3' });
    const quiet = outcome(
      client,
      { params: p, registration: plan({ comparison: lostGate, promoted: false }), warnings: [] },
      { dryRun: false, version: version('3'), changes: [] },
    );
    assert.equal(quiet.result, 'Succeeded');
    assert.equal(quiet.message, `${MODEL} version 3: not promoted.`);
    const warned = outcome(
      client,
      { params: p, registration: plan({ comparison: lostGate, promoted: false }), warnings: ['flag RPC failed'] },
      { dryRun: false, version: version('3'), changes: [] },
    );
    assert.equal(warned.result, 'SucceededWithIssues');
  });

  it('plan mode: "Plan for", no alias reported as set, the plan lines from the changes', () => {
    const p = params({ registerFrom: 'existingVersion', modelVersion: '3', promoteAliases: 'champion' });
    const o = outcome(
      client,
      { params: p, registration: plan({ aliases: [{ alias: 'champion', from: 2, kind: 'promote' }] }), warnings: [] },
      { dryRun: true, changes: [{ action: 'update', resource: 'alias champion', fields: [{ path: 'version', before: 2, after: 3 }] }] },
    );
    assert.equal(o.message, `Plan for ${MODEL}: promoted to champion (dryRun: nothing changed).`);
    assert.deepEqual(o.report.aliasesSet, []);
    assert.deepEqual(o.planLines, ['~ alias champion', '    - version: 2', '    + version: 3']);
  });
});
