import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  test('allows `capacity` requests at once, then refuses with the whole seconds to wait', () => {
    const limiter = new RateLimiter(3, 0.5); // one token every 2 s
    assert.deepEqual([limiter.take('k', 0), limiter.take('k', 0), limiter.take('k', 0)], [0, 0, 0]);
    assert.equal(limiter.take('k', 0), 2);
    assert.equal(limiter.take('k', 0), 2, 'a refusal takes nothing');
  });

  test('refills over time at perSecond', () => {
    const limiter = new RateLimiter(2, 0.5);
    assert.equal(limiter.take('k', 10_000), 0);
    assert.equal(limiter.take('k', 10_000), 0);
    assert.equal(limiter.take('k', 10_000), 2);
    assert.equal(limiter.take('k', 11_000), 1, 'half a token after 1 s: 1 s to go');
    assert.equal(limiter.take('k', 11_999), 1, 'rounded up');
    assert.equal(limiter.take('k', 12_000), 0, 'a whole token after 2 s');
    assert.equal(limiter.take('k', 12_000), 2);
  });

  test('refill stops at capacity', () => {
    const limiter = new RateLimiter(2, 1);
    assert.equal(limiter.take('k', 0), 0);
    assert.equal(limiter.take('k', 0), 0);
    // An hour later there are 2 tokens, not 3600.
    assert.deepEqual([limiter.take('k', 3_600_000), limiter.take('k', 3_600_000), limiter.take('k', 3_600_000)], [0, 0, 1]);
  });

  test('fast refill: the wait is at least one second', () => {
    const limiter = new RateLimiter(1, 10);
    assert.equal(limiter.take('k', 0), 0);
    assert.equal(limiter.take('k', 50), 1);
    assert.equal(limiter.take('k', 100), 0);
  });

  test('slow refill: the wait is the time for a whole token', () => {
    const limiter = new RateLimiter(1, 1 / 60);
    assert.equal(limiter.take('k', 0), 0);
    assert.equal(limiter.take('k', 0), 60);
    assert.equal(limiter.take('k', 30_000), 30);
    assert.equal(limiter.take('k', 60_000), 0);
  });

  test('keys are independent', () => {
    const limiter = new RateLimiter(1, 0.1);
    assert.equal(limiter.take('alice', 0), 0);
    assert.equal(limiter.take('alice', 0), 10);
    assert.equal(limiter.take('bob', 0), 0, 'bob has his own bucket');
    assert.equal(limiter.take('bob', 0), 10);
    assert.equal(limiter.take('carol', 5_000), 0);
    assert.equal(limiter.take('alice', 5_000), 5);
  });
});
