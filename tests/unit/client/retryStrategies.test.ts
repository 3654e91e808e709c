import assert from 'node:assert/strict';
import { decideRetry, exponentialBackoffDelay, parseRetryAfter, retryDelayFromDetails, retryReason } from '../../../shared/client/retryStrategies';
import { CancelledError } from '../../../shared/client/errors';
import { linearBackoffDelay } from '../../../shared/client/retryStrategies/linearBackoff';
import { apiError, networkError } from './helpers';

describe('retry strategies (pure functions)', () => {
  describe('retryReason', () => {
    for (const status of [429, 503, 504]) {
      it(`retries ${status} on every method`, () => {
        assert.ok(retryReason(apiError(status, 'X'), false));
        assert.ok(retryReason(apiError(status, 'X'), true));
      });
    }
    it('retries 500 only when idempotent', () => {
      assert.equal(retryReason(apiError(500, 'INTERNAL_ERROR'), true), 'server-error');
      assert.equal(retryReason(apiError(500, 'INTERNAL_ERROR'), false), undefined);
    });
    it('retries REQUEST_LIMIT_EXCEEDED whatever the status', () => {
      assert.equal(retryReason(apiError(500, 'REQUEST_LIMIT_EXCEEDED'), false), 'throttled');
    });
    for (const status of [400, 401, 403, 404, 409]) {
      it(`does not retry ${status}`, () => assert.equal(retryReason(apiError(status, 'X'), true), undefined));
    }
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'TIMEOUT', 'SOCKET_CLOSED', 'ETIMEDOUT'] as const) {
      it(`retries network error ${code} on POST`, () => assert.equal(retryReason(networkError(code, 'POST'), false), 'network'));
    }
    it('does not retry DNS failure or cancellation', () => {
      assert.equal(retryReason(networkError('ENOTFOUND'), true), undefined);
      assert.equal(retryReason(new CancelledError(), true), undefined);
    });
    it('a create sent with resendAfterLostAnswer false is not re-sent after a lost answer, but still after 429/503 or a refused connection', () => {
      assert.equal(retryReason(apiError(504, 'DEADLINE_EXCEEDED'), false, false), undefined);
      for (const code of ['TIMEOUT', 'ECONNRESET', 'SOCKET_CLOSED', 'ETIMEDOUT', 'EPIPE'] as const)
        assert.equal(retryReason(networkError(code, 'POST'), false, false), undefined, code);
      assert.equal(retryReason(apiError(503, 'TEMPORARILY_UNAVAILABLE'), false, false), 'unavailable');
      assert.equal(retryReason(apiError(429, 'X'), false, false), 'throttled');
      assert.equal(retryReason(networkError('ECONNREFUSED', 'POST'), false, false), 'network');
    });
    it('retries an unparsable 2xx answer only when idempotent', () => {
      assert.equal(retryReason(networkError('PARSE_ERROR', 'GET'), true), 'unparsable-answer');
      assert.equal(retryReason(networkError('PARSE_ERROR', 'POST'), false), undefined);
    });
  });

  describe('parseRetryAfter', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    it('reads delta seconds', () => assert.equal(parseRetryAfter('7', now), 7000));
    it('reads fractional seconds', () => assert.equal(parseRetryAfter('1.5', now), 1500));
    it('reads an HTTP date', () => assert.equal(parseRetryAfter('Sun, 22 Nov 2026 10:00:12 GMT', now), 12_000));
    it('treats a past date as 0', () => assert.equal(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now), 0));
    it('ignores garbage and absence', () => {
      assert.equal(parseRetryAfter('soon', now), undefined);
      assert.equal(parseRetryAfter(null, now), undefined);
      assert.equal(parseRetryAfter('', now), undefined);
    });
  });

  describe('retryDelayFromDetails', () => {
    it('reads "1.5s"', () => assert.equal(retryDelayFromDetails([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '1.5s' }]), 1500));
    it('reads {seconds, nanos}', () =>
      assert.equal(retryDelayFromDetails([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: { seconds: 2, nanos: 500_000_000 } }]), 2500));
    it('ignores other details', () => assert.equal(retryDelayFromDetails([{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', request_id: 'x' }]), undefined));
  });

  describe('exponentialBackoffDelay', () => {
    it('doubles from 1 s with jitter in [d/2, d]', () => {
      assert.equal(
        exponentialBackoffDelay(1, {}, () => 0),
        500,
      );
      assert.equal(
        exponentialBackoffDelay(1, {}, () => 1),
        1000,
      );
      assert.equal(
        exponentialBackoffDelay(3, {}, () => 1),
        4000,
      );
    });
    it('caps at 30 s', () => {
      assert.equal(
        exponentialBackoffDelay(10, {}, () => 1),
        30_000,
      );
      assert.equal(
        exponentialBackoffDelay(100, {}, () => 1),
        30_000,
      );
    });
  });

  describe('linearBackoffDelay', () => {
    it('grows by 2 s a retry and caps at 15 s', () => {
      assert.deepEqual(
        [1, 2, 3, 7, 8, 20].map((n) => linearBackoffDelay(n)),
        [2000, 4000, 6000, 14_000, 15_000, 15_000],
      );
      assert.equal(linearBackoffDelay(2, { stepMs: 500, maxDelayMs: 800 }), 800);
    });
  });

  describe('decideRetry', () => {
    it('prefers Retry-After over RetryInfo over back-off', () => {
      const info = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '3s' }];
      assert.deepEqual(decideRetry(apiError(429, 'X', { 'retry-after': '9' }, info), { idempotent: true, retryNumber: 1, nowMs: 0 }), {
        reason: 'throttled',
        delayMs: 9000,
        source: 'retry-after',
      });
      assert.deepEqual(decideRetry(apiError(429, 'X', {}, info), { idempotent: true, retryNumber: 1, nowMs: 0 }), { reason: 'throttled', delayMs: 3000, source: 'retry-info' });
      assert.equal(decideRetry(apiError(503, 'X'), { idempotent: true, retryNumber: 2, nowMs: 0, random: () => 1 })?.delayMs, 2000);
    });
    it('says no for a final error', () => assert.equal(decideRetry(apiError(400, 'INVALID_PARAMETER_VALUE'), { idempotent: true, retryNumber: 1, nowMs: 0 }), undefined));
  });
});
