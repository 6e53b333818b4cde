const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Memory kept for the host: the outer engine, this server, the page cache.
 * An eighth of the machine, and never less than 2 GiB.
 */
const HOST_RESERVE_MIN_BYTES = 2 * GiB;
const HOST_RESERVE_FRACTION = 1 / 8;

/**
 * Memory budgeted per sandbox. Measured on the 2-core / 24 GiB development
 * machine: an idle sandbox (inner dockerd, a shell) uses 51–64 MiB; one at
 * work — two containers running and a multi-stage build — 146 MiB, peaking
 * at 272 MiB. 384 MiB covers that peak with room to spare, so the host stays
 * out of the OOM killer even when every learner works at once on a lesson;
 * the few who go further (up to the per-sandbox limit, 1.5 GiB by default)
 * are paid for by the idle ones, of which a room always has some.
 */
const MEMORY_PER_SANDBOX_BYTES = 384 * MiB;

/**
 * Sandboxes per CPU core. Measured here: an idle sandbox costs 0.003 of a
 * core; one `docker run --rm busybox true` inside a sandbox 0.8 CPU-seconds
 * (`docker ps` 0.1). Thirty learners who each start a container about once a
 * minute keep under half a core busy; the other half is headroom for builds
 * and for the moment a whole room runs the same step at once.
 */
const SANDBOXES_PER_CORE = 30;

export interface DerivedCapacity {
  /** The sandboxes this host holds: the lower of the two bounds, at least 1. */
  maxSandboxes: number;
  memoryBound: number;
  cpuBound: number;
}

/**
 * How many sandboxes (live, adopted, warm, starting) this host can hold,
 * from its memory and CPUs: min((memory − reserve) / 384 MiB, 30 × cores).
 * A 2-core / 24 GiB machine holds 54 (memory allows 54, CPUs 60).
 */
export function deriveCapacity(host: { totalMemoryBytes: number; cpus: number }): DerivedCapacity {
  const reserve = Math.max(HOST_RESERVE_MIN_BYTES, host.totalMemoryBytes * HOST_RESERVE_FRACTION);
  const memoryBound = Math.max(0, Math.floor((host.totalMemoryBytes - reserve) / MEMORY_PER_SANDBOX_BYTES));
  const cpuBound = Math.max(1, host.cpus) * SANDBOXES_PER_CORE;
  return { maxSandboxes: Math.max(1, Math.min(memoryBound, cpuBound)), memoryBound, cpuBound };
}
