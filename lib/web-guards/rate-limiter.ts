/** At most this many keys are tracked unless the caller says otherwise (a few hundred KiB at most). */
const DEFAULT_MAX_KEYS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token bucket per key: `capacity` requests at once, refilled at `perSecond`.
 *
 * Bounded: a bucket left alone until it is full again says nothing a fresh
 * bucket would not, so it is dropped; the map is kept in order of last use,
 * so those are found at its front without a scan. Past `maxKeys` buckets in
 * use at once (someone with that many addresses), the least recently used are
 * dropped too: that key then starts over with a full bucket, a leniency only
 * a client with thousands of addresses can use, and one it could have had
 * anyway by spreading its requests over them.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** After this long untouched a bucket is full again. */
  private readonly refillMs: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!(capacity >= 1) || !(perSecond > 0) || !(maxKeys >= 1)) {
      throw new RangeError(`RateLimiter needs capacity ≥ 1, perSecond > 0 and maxKeys ≥ 1 (got ${capacity}, ${perSecond}, ${maxKeys})`);
    }
    this.refillMs = (capacity / perSecond) * 1000;
  }

  /** Takes a token; returns 0 when allowed, else the seconds to wait. */
  take(key: string, now = Date.now()): number {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key); // re-inserted below: the map's order is least recently used first
    else bucket = { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    this.evict(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perSecond);
  }

  /** Keys tracked now (for tests and the curious). */
  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const full = now - bucket.at >= this.refillMs;
      if (!full && this.buckets.size <= this.maxKeys) break; // everything after it was used more recently
      this.buckets.delete(key);
    }
  }
}
