import type Docker from 'dockerode';
import { Label, SANDBOX_PREFIX, sandboxName } from './labels';
import { removeNetwork } from './networks';
import { removeSandboxVolume } from './volumes';
import type { Hardening } from './isolation/hardened-engine';
import { WRITABLE_PATHS } from './isolation/sandbox-disk';

/**
 * A disk is made before its sandbox's container exists, so a disk without a
 * sandbox may be one another server is creating right now: only disks
 * unwritten for this long count as orphans (a crash's leftovers go at the
 * next start after that).
 */
export const DISK_ORPHAN_GRACE_MS = 10 * 60_000;

/**
 * Networks and disks whose sandbox is gone (left by a crash between create
 * and remove): removed. Returns how many networks went.
 */
export async function removeOrphans(docker: Docker, serverId: string, hardening: Hardening | undefined, now = Date.now()): Promise<number> {
  const networks = await docker.listNetworks({ filters: { label: [`${Label.server}=${serverId}`] } });
  let removed = 0;
  // Every sandbox on the engine, this server's and others' (a disk is an orphan only if no server has its sandbox).
  const sandboxes = await docker.listContainers({ all: true, filters: { label: [Label.session] } });
  // A network is an orphan when no container of its session exists, running or not: a stopped
  // sandbox (the engine restarted) is not attached to its network, yet needs it to start again.
  const own = sandboxes.filter((c) => c.Labels[Label.server] === serverId);
  const sessions = new Set(own.map((c) => c.Labels[Label.session]));
  // A lab's network belongs to the lab, not to one session: an orphan when no machine of the lab is left.
  const labs = new Set(own.map((c) => c.Labels[Label.lab]).filter(Boolean));
  for (const n of networks) {
    // A class's own network is the class registry's business, not a sandbox's.
    if (!n.Name.startsWith(SANDBOX_PREFIX)) continue;
    const lab = n.Labels?.[Label.lab];
    if (lab ? labs.has(lab) : sessions.has(n.Labels?.[Label.session])) continue;
    await removeNetwork(docker, n.Name);
    removed++;
  }
  // Volumes whose sandbox is gone: a crash between create and remove, or records an engine restart left stuck (volumes.ts).
  const volumes = (await docker.listVolumes({ filters: { label: [`${Label.server}=${serverId}`] } })).Volumes ?? [];
  for (const v of volumes) {
    const session = v.Labels?.[Label.session];
    if (!v.Name.startsWith(SANDBOX_PREFIX) || !session || sessions.has(session)) continue;
    if (now - Date.parse((v as { CreatedAt?: string }).CreatedAt ?? '') < DISK_ORPHAN_GRACE_MS) continue; // it may be one being created
    await removeSandboxVolume(docker, v.Name).catch(() => undefined);
  }
  if (hardening) {
    const alive = new Set(sandboxes.map((c) => sandboxName(c.Labels[Label.session] ?? '')));
    for (const disk of await hardening.disks.list()) {
      if (!disk.startsWith(SANDBOX_PREFIX) || alive.has(disk)) continue;
      if (now - (await hardening.disks.lastWrittenMs(disk).catch(() => 0)) < DISK_ORPHAN_GRACE_MS) continue;
      for (const { key } of WRITABLE_PATHS) await removeSandboxVolume(docker, `${disk}-${key}`).catch(() => undefined);
      await hardening.disks.remove(disk);
    }
  }
  return removed;
}
