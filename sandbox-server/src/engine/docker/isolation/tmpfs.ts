const MiB = 1024 * 1024;

/** Largest /run a sandbox gets: its engines keep only sockets, pid files and small state there. */
export const RUN_TMPFS_MB = 64;

/**
 * A sandbox's memory-backed filesystems, /tmp and /run, each sized well below
 * its memory limit (/dev/shm is Docker's 64 MiB already).
 *
 * tmpfs pages count against the sandbox's memory cgroup but belong to no
 * process, so the OOM killer cannot free them by killing the writer. An
 * unsized tmpfs is half the host's memory: filling /tmp ran the sandbox into
 * its memory limit, and the OOM killer then killed its engine, its shells and
 * its entrypoint, which ended the sandbox (escape suite, `tmpfs-fill`). Sized,
 * a full /tmp is ENOSPC and the sandbox lives on. /tmp gets a quarter of the
 * memory limit (384 MiB of the default 1536), so with all three full most of
 * the memory is still the processes' (at 512 MiB, 256 MiB).
 */
export function sandboxTmpfs(memoryBytes: number): Record<string, string> {
  const tmpMB = Math.max(16, Math.floor(memoryBytes / 4 / MiB));
  return {
    '/run': `rw,nosuid,nodev,mode=755,size=${RUN_TMPFS_MB}m`,
    '/tmp': `rw,nosuid,nodev,mode=1777,size=${tmpMB}m`,
  };
}
