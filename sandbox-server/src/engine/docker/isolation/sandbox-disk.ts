import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hostCommand } from './host-commands';

/** The host ids a user-namespace sandbox's root maps to. */
export interface HostOwner {
  uid: number;
  gid: number;
}

/**
 * Where a hardened sandbox may write. Its root filesystem is read-only (no
 * writable layer on the engine's disk, CIS 5.13); these paths are volumes on
 * the sandbox's own disk. Those marked `seed` start with the image's content
 * (the engine copies it in, owner ids shifted into the user namespace).
 */
export const WRITABLE_PATHS: readonly { key: string; target: string; seed: boolean }[] = [
  { key: 'etc', target: '/etc', seed: true },
  { key: 'root', target: '/root', seed: true },
  { key: 'home', target: '/home', seed: true },
  { key: 'srv', target: '/srv', seed: true },
  { key: 'var', target: '/var', seed: true },
  // The inner engine's data; also hides the image's VOLUME /var/lib/docker, which
  // would otherwise get an anonymous volume on the engine's own disk.
  { key: 'docker', target: '/var/lib/docker', seed: false },
  { key: 'usr-local', target: '/usr/local', seed: true },
  { key: 'mnt', target: '/mnt', seed: true },
];

/**
 * One filesystem image per sandbox, loop-mounted on the host: a disk quota by
 * construction (this kernel has no filesystem quotas, so `--storage-opt size`
 * cannot work). A sandbox that fills its disk gets ENOSPC; its neighbours and
 * the host do not notice. The image is sparse: it takes host disk only as the
 * sandbox writes.
 */
export class SandboxDisks {
  constructor(
    /** Images and mount points live here, root-only (0700). [DRYDOCK_SANDBOX_DISK_DIR] */
    private readonly dir: string,
    /** Size of each sandbox's disk. [DRYDOCK_SANDBOX_DISK_MB] default 10 GiB */
    readonly sizeMB: number,
    private readonly owner: HostOwner,
  ) {}

  /** The folder the disk images are in. */
  get folder(): string {
    return this.dir;
  }

  private imagePath(name: string): string {
    return join(this.dir, `${name}.img`);
  }

  mountPoint(name: string): string {
    return join(this.dir, name);
  }

  /** The host folder behind a writable path of this sandbox. */
  pathFor(name: string, key: string): string {
    return join(this.mountPoint(name), key);
  }

  /** Makes, formats and mounts the disk, with one folder per writable path owned by the sandbox's root. */
  async create(name: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const image = this.imagePath(name);
    const mount = this.mountPoint(name);
    await hostCommand('truncate', ['-s', `${this.sizeMB}M`, image]);
    // -m 0: no blocks reserved for root (the sandbox's root would get them anyway);
    // lazy init: formatting a 10 GiB image takes ~25 ms instead of seconds.
    await hostCommand('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', 'lazy_itable_init=1,lazy_journal_init=1', image]);
    await this.mount(name);
    for (const { key } of WRITABLE_PATHS) {
      const folder = join(mount, key);
      await mkdir(folder, { recursive: true });
      await chown(folder, this.owner.uid, this.owner.gid);
    }
    await rm(join(mount, 'lost+found'), { recursive: true, force: true });
  }

  private async mount(name: string): Promise<void> {
    const mount = this.mountPoint(name);
    await mkdir(mount, { recursive: true, mode: 0o700 });
    // nosuid, nodev: nothing on a learner's disk gains privileges on the host side.
    await hostCommand('mount', ['-o', 'loop,nosuid,nodev', this.imagePath(name), mount]);
  }

  async isMounted(name: string): Promise<boolean> {
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    const point = this.mountPoint(name);
    return mounts.split('\n').some((line) => line.split(' ')[4] === point);
  }

  /** After a host reboot the image is still there but not mounted: mount it before the sandbox starts again. */
  async ensureMounted(name: string): Promise<void> {
    if (!existsSync(this.imagePath(name))) throw new Error(`sandbox ${name} has no disk image in ${this.dir}`);
    if (!(await this.isMounted(name))) await this.mount(name);
  }

  /** Unmounts and deletes the disk (idempotent). */
  async remove(name: string): Promise<void> {
    if (await this.isMounted(name)) {
      // -d frees the loop device as well.
      await hostCommand('umount', ['-d', this.mountPoint(name)]).catch(async () => hostCommand('umount', ['-l', '-d', this.mountPoint(name)]));
    }
    await rm(this.mountPoint(name), { recursive: true, force: true });
    await rm(this.imagePath(name), { force: true });
  }

  /** Disks present on the host (for removing those whose sandbox is gone). */
  /** When the disk was last written (its image file's mtime): a disk another server is still setting up is recent. */
  async lastWrittenMs(name: string): Promise<number> {
    const { stat } = await import('node:fs/promises');
    return (await stat(this.imagePath(name))).mtimeMs;
  }

  async list(): Promise<string[]> {
    if (!existsSync(this.dir)) return [];
    const { readdir } = await import('node:fs/promises');
    return (await readdir(this.dir)).filter((f) => f.endsWith('.img')).map((f) => f.slice(0, -4));
  }
}
