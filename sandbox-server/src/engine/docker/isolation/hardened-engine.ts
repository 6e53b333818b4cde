import type Docker from 'dockerode';
import { z } from 'zod';
import { readEnvSettings } from '../../../../../lib/config/env-settings';
import { SandboxDisks, type HostOwner } from './sandbox-disk';
import { engineUserNamespace, sandboxEngineHost } from './tier';

/** What the hardened tier learned about its engine, once. */
export interface Hardening {
  owner: HostOwner;
  disks: SandboxDisks;
}

export interface HardeningOptions {
  /** Where each sandbox's disk image lives. default /var/lib/drydock-disks [DRYDOCK_SANDBOX_DISK_DIR] */
  diskDir?: string;
  /** Each sandbox's disk quota (its files, inner images, volumes). default 10240 [DRYDOCK_SANDBOX_DISK_MB] */
  diskMB?: number;
}

const DiskSettings = z.object({
  DRYDOCK_SANDBOX_DISK_DIR: z.string().default('/var/lib/drydock-disks'),
  DRYDOCK_SANDBOX_DISK_MB: z.coerce.number().int().positive().default(10240),
});

/**
 * The hardened tier needs an engine that maps container root to unprivileged
 * host ids; refuse to make sandboxes on any other (never a silent downgrade).
 * Checked once; a failed check is tried again next time.
 */
export class HardenedEngine {
  private hardening?: Promise<Hardening>;

  constructor(
    private readonly docker: Docker,
    private readonly options: HardeningOptions,
  ) {}

  get(): Promise<Hardening> {
    this.hardening ??= (async () => {
      const owner = await engineUserNamespace(this.docker);
      if (!owner) {
        throw new Error(
          `the engine at ${describeEndpoint()} does not remap user namespaces, so a learner's root would be host root. ` +
            'Start Drydock\'s own engine (sudo scripts/engine/drydock-engine.sh start; `npm start` does it when run as root), ' +
            'or, for a trusted room only, set DRYDOCK_ISOLATION=capability.',
        );
      }
      const { diskDir, diskMB } = this.options;
      const settings = diskDir === undefined || diskMB === undefined ? readEnvSettings(DiskSettings, process.env) : undefined;
      return { owner, disks: new SandboxDisks(diskDir ?? settings!.DRYDOCK_SANDBOX_DISK_DIR, diskMB ?? settings!.DRYDOCK_SANDBOX_DISK_MB, owner) };
    })();
    this.hardening.catch(() => (this.hardening = undefined));
    return this.hardening;
  }
}

/** Where the engine is, for messages: DOCKER_HOST, else the tier's default socket. */
export function describeEndpoint(): string {
  return sandboxEngineHost();
}
