import * as assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { runPool } from '../../../shared/runtime/pool';

describe('refresh monitors: promise pool', () => {
  it('keeps at most `limit` jobs in flight and all slots busy, results in item order', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const items = Array.from({ length: 12 }, (_, i) => i);
    const results = await runPool(items, 4, async (i) => {
      started.push(i);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await delay(i % 3 === 0 ? 15 : 5);
      inFlight--;
      return i * 10;
    });
    assert.equal(peak, 4);
    assert.deepEqual(
      results,
      items.map((i) => i * 10),
    );
    assert.deepEqual(
      [...started].sort((a, b) => a - b),
      items,
    );
  });

  it('runs everything at once when the limit exceeds the items, and handles no items', async () => {
    let inFlight = 0;
    let peak = 0;
    await runPool([1, 2, 3], 50, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await delay(5);
      inFlight--;
    });
    assert.equal(peak, 3);
    assert.deepEqual(await runPool([], 5, () => Promise.resolve(1)), []);
  });

  it('stops starting jobs after a throw and rejects once the running ones settled', async () => {
    const started: number[] = [];
    let settled = 0;
    await assert.rejects(
      runPool([0, 1, 2, 3, 4, 5], 2, async (i) => {
        started.push(i);
        await delay(i === 0 ? 1 : 10);
        settled++;
        if (i === 0) throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(started, [0, 1]);
    assert.equal(settled, 2);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await assert.rejects(
      runPool([1], 0, () => Promise.resolve(1)),
      RangeError,
    );
  });
});
