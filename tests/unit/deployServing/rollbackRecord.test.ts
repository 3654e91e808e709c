import assert from 'node:assert/strict';
import { MAX_PARTS, MAX_TAG_VALUE, readRecord, recordWrite, RECORD_TAG, usedHeaderTag } from '../../../tasks/DatabricksDeployServing/src/rollbackRecord';
import type { ServingConfig } from '../../../tasks/DatabricksDeployServing/src/servedConfig';

const CONFIG: ServingConfig = {
  entities: [
    {
      name: 'churn-7',
      entityName: 'main.ml.churn',
      entityVersion: '7',
      workloadSize: 'Small',
      workloadType: 'CPU',
      scaleToZero: true,
      environmentVars: { A: '1' },
      carried: { instance_profile_arn: 'arn:aws:iam::1:instance-profile/p' },
    },
    {
      name: 'churn-8',
      entityName: 'main.ml.churn',
      entityVersion: '8',
      workloadSize: undefined,
      workloadType: 'GPU_SMALL',
      scaleToZero: false,
      environmentVars: {},
      carried: { min_provisioned_concurrency: 4, max_provisioned_concurrency: 8 },
    },
  ],
  traffic: { 'churn-7': 90, 'churn-8': 10 },
};

describe('DeployServing rollback record (endpoint tags)', () => {
  it('round-trips every kept field and the traffic, in parts of at most 255 characters', () => {
    const w = recordWrite(CONFIG, [], new Date('2026-12-01T10:00:00Z'), 4);
    assert.equal(w.complete, true);
    assert.ok(w.addTags.every((t) => (t.value ?? '').length <= MAX_TAG_VALUE));
    const r = readRecord([{ key: 'owner', value: 'x' }, ...w.addTags]);
    assert.equal(r.kind, 'ok');
    assert.deepEqual(r.kind === 'ok' && r.config, CONFIG);
    assert.deepEqual(r.kind === 'ok' && [r.header.state, r.header.configVersion, r.header.at], ['ready', 4, '2026-12-01T10:00:00.000Z']);
  });

  it('splits a large record into several tags and deletes stale parts of an older, longer one', () => {
    const env = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`VAR_${i}`, `{{secrets/scope/${'k'.repeat(20)}${i}}}-${Math.sin(i)}`]));
    const big: ServingConfig = { ...CONFIG, entities: CONFIG.entities.map((e) => ({ ...e, environmentVars: env })) };
    const long = recordWrite(big, [], new Date());
    assert.ok(long.complete && long.addTags.length > 2, `${long.addTags.length} tags`);
    assert.deepEqual(readRecord(long.addTags).kind, 'ok');
    const short = recordWrite(CONFIG, long.addTags, new Date());
    assert.deepEqual(
      short.deleteTags,
      long.addTags.slice(short.addTags.length).map((t) => t.key),
    );
  });

  it('a record too large is marked incomplete, never cut', () => {
    const env = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`V${i}`, Buffer.from(`${i}`.repeat(40)).toString('hex') + Math.random().toString(36).repeat(8)]));
    const huge: ServingConfig = {
      entities: Array.from({ length: 15 }, (_, i) => ({
        ...CONFIG.entities[0]!,
        name: `e-${i}`,
        environmentVars: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, `${v}${i}${Math.random()}`])),
      })),
      traffic: {},
    };
    const w = recordWrite(huge, [], new Date());
    assert.equal(w.complete, false);
    assert.ok(w.encodedLength > MAX_PARTS * MAX_TAG_VALUE);
    assert.deepEqual(
      w.addTags.map((t) => t.key),
      [RECORD_TAG],
    );
    assert.equal(readRecord(w.addTags).kind, 'incomplete');
  });

  it('detects a missing or foreign part, and reads the used state', () => {
    const w = recordWrite(CONFIG, [], new Date());
    assert.equal(readRecord(w.addTags.slice(0, 1)).kind, w.addTags.length > 1 ? 'corrupt' : 'ok');
    const other = recordWrite({ ...CONFIG, traffic: { 'churn-7': 50, 'churn-8': 50 } }, [], new Date());
    assert.equal(readRecord([w.addTags[0]!, ...other.addTags.slice(1)]).kind, 'corrupt');
    assert.equal(readRecord([]).kind, 'none');
    const used = readRecord([usedHeaderTag(w.header), ...w.addTags.slice(1)]);
    assert.equal(used.kind === 'ok' && used.header.state, 'used');
  });
});
