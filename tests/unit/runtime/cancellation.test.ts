/**
 * The shared cancellation: SIGINT, SIGTERM and Windows' SIGBREAK (CTRL_BREAK, which the agent
 * sends on Windows where Linux gets SIGTERM) abort the task's signal the same way. Linux cannot
 * deliver SIGBREAK, so the signal events are raised with process.emit, which calls the same
 * listeners Node calls when the signal arrives.
 */
import assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { CANCEL_SIGNALS, installCancellation } from '../../../shared/runtime/cancellation';
import { CancelledError } from '../../../shared/client/errors';

describe('installCancellation', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('listens for SIGINT, SIGTERM and SIGBREAK and stops listening when disposed', () => {
    assert.deepEqual([...CANCEL_SIGNALS].sort(), ['SIGBREAK', 'SIGINT', 'SIGTERM']);
    const before = CANCEL_SIGNALS.map((s) => process.listenerCount(s));
    const cancellation = installCancellation(() => undefined);
    assert.deepEqual(
      CANCEL_SIGNALS.map((s) => process.listenerCount(s)),
      before.map((n) => n + 1),
    );
    cancellation.dispose();
    assert.deepEqual(
      CANCEL_SIGNALS.map((s) => process.listenerCount(s)),
      before,
    );
  });

  for (const sig of ['SIGBREAK', 'SIGTERM', 'SIGINT'] as const) {
    it(`${sig} aborts the signal with a CancelledError naming it, and the watchdog forces the exit after the grace`, () => {
      const forced: string[] = [];
      const cancellation = installCancellation((message) => forced.push(message), 4_000);
      try {
        process.emit(sig, sig);
        assert.equal(cancellation.signal.aborted, true);
        assert.equal(cancellation.cause, sig);
        assert.ok(cancellation.signal.reason instanceof CancelledError);
        assert.equal((cancellation.signal.reason as Error).message, `The task was cancelled (${sig}).`);
        clock.tick(3_999);
        assert.deepEqual(forced, []);
        clock.tick(1);
        assert.deepEqual(forced, [`The task was cancelled (${sig}) and stopped before its work finished.`]);
      } finally {
        cancellation.dispose();
      }
    });
  }

  it("the agent's Windows sequence CTRL_C then CTRL_BREAK keeps the first cause and one watchdog", () => {
    const forced: string[] = [];
    const cancellation = installCancellation((message) => forced.push(message), 4_000);
    try {
      process.emit('SIGINT', 'SIGINT');
      clock.tick(2_000);
      process.emit('SIGBREAK', 'SIGBREAK');
      assert.equal(cancellation.cause, 'SIGINT');
      clock.tick(10_000);
      assert.equal(forced.length, 1);
    } finally {
      cancellation.dispose();
    }
  });
});
