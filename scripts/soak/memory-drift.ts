/**
 * Where a memory figure settled and how far it moved after, from samples
 * taken every 10 s of a soak run.
 *
 * A single RSS sample is a poor settle point: with the JS heap flat (the
 * 30-minute run of 2026-12-01 held heap + Buffers at 100 MiB after every GC)
 * the server's RSS still swung between 172 and 223 MiB from one sample to the
 * next: native memory the allocator takes and gives back. So the settle point
 * is the median of the minute after the first third of the run (warm-up
 * over), and the drift is the highest one-minute median after it: a leak is
 * a trend, which the medians follow; a swing of one sample is not. The highest
 * single sample is reported beside it.
 */
export interface MemoryDrift {
  /** Median of the minute after the first third, MiB. */
  settled: number;
  /** Highest one-minute median from there on, MiB. */
  highestMinute: number;
  /** Highest single sample from there on, MiB. */
  highestSample: number;
  /** highestMinute / settled - 1. */
  drift: number;
}

/** Samples per minute at the soak's 10 s interval. */
export const SAMPLES_PER_MINUTE = 6;

export function memoryDrift(samples: readonly number[], perMinute = SAMPLES_PER_MINUTE): MemoryDrift {
  if (samples.length === 0) throw new Error('no memory samples: the run was too short to sample');
  const from = Math.floor(samples.length / 3);
  const later = samples.slice(from);
  const settled = median(later.slice(0, perMinute));
  let highestMinute = settled;
  for (let i = 0; i + perMinute <= later.length; i++) highestMinute = Math.max(highestMinute, median(later.slice(i, i + perMinute)));
  return { settled, highestMinute, highestSample: Math.max(...later), drift: highestMinute / settled - 1 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
