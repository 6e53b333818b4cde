import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type Docker from 'dockerode';
import { Label } from '../../sandbox-server/src/engine/docker/labels';

/** What a server leaves on the host, counted: what a soak run compares before and after. */
export interface Footprint {
  /** Containers, networks and volumes labelled with the server's id. */
  containers: number;
  networks: number;
  volumes: number;
  /** Sandbox disk images (hardened tier) and the loop devices backing them. */
  disks: number;
  loopDevices: number;
  /** Every cgroup directory on the host (sandboxes and their inner containers make them). */
  cgroups: number;
  /** The server process's open file descriptors. */
  serverFds: number;
}

const DISK_DIR = process.env.DRYDOCK_SANDBOX_DISK_DIR ?? '/var/lib/drydock-disks';

function countDirs(dir: string): number {
  let n = 1;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) n += countDirs(`${dir}/${entry.name}`);
  }
  return n;
}

function loopDevicesOn(dir: string): number {
  try {
    return execFileSync('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim().startsWith(dir)).length;
  } catch {
    return 0; // no losetup, or no permission: the disks count still says it
  }
}

export async function footprint(docker: Docker, serverId: string, serverPid: number): Promise<Footprint> {
  const filters = { label: [`${Label.server}=${serverId}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: volumes.Volumes?.length ?? 0,
    disks: existsSync(DISK_DIR) ? readdirSync(DISK_DIR).length : 0,
    loopDevices: loopDevicesOn(DISK_DIR),
    cgroups: countDirs('/sys/fs/cgroup'),
    serverFds: readdirSync(`/proc/${serverPid}/fd`).length,
  };
}

/** Where `after` differs from `before`, as "containers 0 → 2"; empty when they are the same. */
export function footprintDifferences(before: Footprint, after: Footprint): string[] {
  return (Object.keys(before) as (keyof Footprint)[]).filter((k) => before[k] !== after[k]).map((k) => `${k} ${before[k]} → ${after[k]}`);
}

/** The server's resident memory from /proc (no request to the server needed). */
export function rssOf(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib ?? Number.NaN) * 1024;
}
