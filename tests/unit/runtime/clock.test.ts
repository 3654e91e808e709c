import assert from 'node:assert/strict';
import { createClock } from '../../../shared/runtime/clock';

describe('clock: task time', () => {
  it('counts a deadline in task time, whatever the scale', async () => {
    const clock = createClock(0.001);
    // 1000 h of task time is 1 h of real time: far more than this test can take.
    const far = clock.deadline(3_600_000_000);
    const left = far.remaining();
    assert.ok(left > 3_000_000_000 && left <= 3_600_000_000, `${left} ms of task time left`);
    assert.equal(far.passed(), false);
    const near = clock.deadline(60_000);
    await clock.sleep(61_000);
    assert.equal(near.remaining(), 0);
    assert.equal(near.passed(), true);
  });

  it('measures elapsed task time', async () => {
    const clock = createClock(0.001);
    const start = clock.now();
    await clock.sleep(20_000);
    const elapsed = clock.since(start);
    assert.ok(elapsed >= 20_000 - 1000, `${elapsed} ms of task time`);
  });
});
