/**
 * Recent arrivals of new learners, counted per minute over the last ten, to
 * size the self-paced warm pool: it should hold what the busiest recent minute
 * asked for, so a burst like the last one is served warm while the pool refills
 * behind it. A ring of per-minute counters: memory does not grow with traffic.
 */
export class ArrivalRate {
  private readonly counts: number[];
  /** The minute (since the epoch, in buckets) each counter belongs to. */
  private readonly minuteOf: number[];

  constructor(
    private readonly windowMinutes = 10,
    private readonly bucketMs = 60_000,
  ) {
    this.counts = new Array<number>(windowMinutes).fill(0);
    this.minuteOf = new Array<number>(windowMinutes).fill(-1);
  }

  /** One learner needed a new sandbox at `at`. */
  note(at = Date.now()): void {
    const minute = Math.floor(at / this.bucketMs);
    const slot = minute % this.windowMinutes;
    if (this.minuteOf[slot] !== minute) {
      this.minuteOf[slot] = minute;
      this.counts[slot] = 0;
    }
    this.counts[slot]!++;
  }

  /** The most arrivals in one minute over the window that ends at `now` (the current minute included). */
  peakPerMinute(now = Date.now()): number {
    const current = Math.floor(now / this.bucketMs);
    let peak = 0;
    for (let slot = 0; slot < this.windowMinutes; slot++) {
      const minute = this.minuteOf[slot]!;
      if (minute > current - this.windowMinutes && minute <= current) peak = Math.max(peak, this.counts[slot]!);
    }
    return peak;
  }
}
