import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DiskFullError } from '../errors';

/** A folder whose filesystem sandboxes fill: the engine's data root, the hardened tier's disk images. */
export interface DiskPlace {
  /** For the operator: "the engine's data (/var/lib/docker)". */
  what: string;
  path: string;
}

export interface DiskSpace extends DiskPlace {
  freeMB: number;
  totalMB: number;
}

const MiB = 1024 * 1024;

/**
 * Keeps a reserve of free disk for the sandboxes already running. Their disks
 * are sparse files and their inner engines write under the engine's data root,
 * so a host disk that fills up fails *running* sandboxes (ENOSPC, an I/O
 * error inside a learner's ext4). Refusing new sandboxes below `minFreeMB`
 * leaves that room to the ones that exist; the check is made at every create,
 * so new sandboxes start again as soon as space is freed.
 */
export class DiskRoom {
  constructor(
    /** 0: no reserve (the check is off). [DRYDOCK_MIN_FREE_DISK_MB] */
    readonly minFreeMB: number,
    private readonly places: () => Promise<DiskPlace[]>,
  ) {}

  /** Free and total space of each place's filesystem (a folder not made yet: the one it will be made in). */
  async report(): Promise<DiskSpace[]> {
    const spaces: DiskSpace[] = [];
    for (const place of await this.places()) {
      const stats = await statfsOfNearest(place.path);
      const block = Number(stats.bsize);
      spaces.push({ ...place, freeMB: Math.floor((Number(stats.bavail) * block) / MiB), totalMB: Math.floor((Number(stats.blocks) * block) / MiB) });
    }
    return spaces;
  }

  /** Throws DiskFullError (with the figures, for the operator) when a place has less free than the reserve. */
  async check(): Promise<void> {
    if (this.minFreeMB <= 0) return;
    for (const space of await this.report()) {
      if (space.freeMB < this.minFreeMB) {
        throw new DiskFullError(
          `no new sandbox: ${space.freeMB} MiB free of ${space.totalMB} MiB for ${space.what}, below the ${this.minFreeMB} MiB kept for running sandboxes [DRYDOCK_MIN_FREE_DISK_MB]`,
        );
      }
    }
  }
}

/** statfs of `path`, or of the nearest folder above it that exists. */
async function statfsOfNearest(path: string): Promise<StatsFs> {
  for (let at = path; ; at = dirname(at)) {
    try {
      return await statfs(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error;
    }
  }
}
