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

  test('a bucket untouched until it is full again is forgotten: the map shrinks instead of growing with every address', () => {
    const limiter = new RateLimiter(2, 1); // full again 2 s after the last take
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, 0);
    assert.equal(limiter.size, 1000);
    assert.equal(limiter.take('late', 1_999), 0);
    assert.equal(limiter.size, 1001, 'not yet full: kept');
    assert.equal(limiter.take('later', 2_000), 0);
    assert.deepEqual(limiter.size, 2, 'the 1000 full buckets went; "late" (1 s from full) and "later" stay');
  });

  test('forgetting a full bucket changes no answer', () => {
    const limiter = new RateLimiter(2, 1);
    assert.deepEqual([limiter.take('k', 0), limiter.take('k', 0), limiter.take('k', 0)], [0, 0, 1]);
    limiter.take('other', 5_000); // evicts k, which was full again at 2 s
    assert.equal(limiter.size, 1);
    assert.deepEqual([limiter.take('k', 5_000), limiter.take('k', 5_000), limiter.take('k', 5_000)], [0, 0, 1], 'k starts full, as it would have been');
  });

  test('past maxKeys busy buckets, the least recently used goes first', () => {
    const limiter = new RateLimiter(1, 0.01, 3); // 100 s to refill: nothing is full in this test
    for (const key of ['a', 'b', 'c']) assert.equal(limiter.take(key, 0), 0);
    assert.equal(limiter.take('a', 1), 100, 'a is used again (and refused): now the most recent');
    assert.equal(limiter.take('d', 2), 0);
    assert.equal(limiter.size, 3);
    assert.equal(limiter.take('a', 3), 100, 'a was kept (recently used), still empty');
    assert.equal(limiter.take('c', 4), 100, 'c was kept');
    assert.equal(limiter.take('b', 5), 0, 'b, the least recently used, was dropped and starts over');
  });

  test('refuses settings that would never refill or never allow', () => {
    assert.throws(() => new RateLimiter(0, 1), RangeError);
    assert.throws(() => new RateLimiter(1, 0), RangeError);
    assert.throws(() => new RateLimiter(1, 1, 0), RangeError);
  });
});
