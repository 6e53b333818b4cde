import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import type { TerminalSize } from '../../../../protocol';
import { hostBoundingCapabilities } from './isolation/capabilities';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxRecord, SandboxShell, SandboxFile, SandboxInfo, SandboxListing, SandboxSpec, SandboxWrite } from '../driver';
import { EngineUnavailableError, ignoreNotFound, isNotModified, mapDockerError, SandboxNotFoundError } from '../errors';
import { execInContainer } from './container-exec';
import { readFile as readProcText } from 'node:fs/promises';
import { openSandboxPort } from './sandbox-port';
import { tcpListeningPorts } from './proc-files';
import { openShellInContainer } from './container-shell';
import { Label, parseSandboxName, SANDBOX_PREFIX, sandboxName } from './labels';
import { verifiedInnerEngine } from './engine-identity';
import { DockerInnerEngine } from './inner-engine';
import type { InnerEngine } from '../inner-engine';
import { removeNetwork, SandboxNetworks } from './networks';
import { checkMachine, LabNetworks, labNetworkName, machineFromLabels } from './lab-network';
import { removeSandboxVolume } from './volumes';
import { removeOrphans } from './orphans';
import { DiskRoom, type DiskPlace } from './disk-room';
import { z } from 'zod';
import { readEnvSettings } from '../../../../lib/config/env-settings';
import { readSandboxFile } from './sandbox-files';
import { listSandboxDirectory } from './sandbox-listing';
import { writeSandboxFile } from './sandbox-write';
import { infoFromLabels, innerEngineVolume, sandboxCreateOptions, sandboxLabels } from './sandbox-container';
import { delegateCgroups } from './isolation/cgroup-delegation';
import { describeEndpoint, HardenedEngine, type Hardening, type HardeningOptions } from './isolation/hardened-engine';
import { WRITABLE_PATHS } from './isolation/sandbox-disk';
import { isolationTierFromEnv, sandboxEngine, type IsolationTier } from './isolation/tier';

export interface DockerDriverOptions extends HardeningOptions {
  image: string;
  serverId: string;
  /** Give each sandbox its own internal bridge network. */
  isolatedNetwork: boolean;
  docker?: Docker;
  capabilities?: string[];
  /** Where sandbox networks take their /28 subnets. default 10.213.0.0/16 [DRYDOCK_SANDBOX_SUBNETS] */
  subnets?: string;
  /** How sandboxes are walled off from the host. default userns [DRYDOCK_ISOLATION] */
  tier?: IsolationTier;
  /** Free disk kept for running sandboxes: below it no new one is made (0: no reserve). default 2048 [DRYDOCK_MIN_FREE_DISK_MB] */
  minFreeDiskMB?: number;
}

const DiskReserveSettings = z.object({ DRYDOCK_MIN_FREE_DISK_MB: z.coerce.number().int().nonnegative().default(2048) });

/**
 * Sandboxes as Docker-in-Docker containers without --privileged (see
 * sandbox-server/images/sandbox/README.md for why each option is there).
 */
export class DockerDriver implements SandboxDriver {
  /** The outer engine: for the Docker backend's other parts (class registries) and for tests, never for sessions. */
  readonly docker: Docker;
  readonly tier: IsolationTier;
  private capabilities: string[];
  private readonly networks: SandboxNetworks;
  private readonly labs: LabNetworks;
  private readonly hardening: HardenedEngine;
  private readonly diskRoom: DiskRoom;
  private dataRoot?: Promise<string>;

  constructor(private readonly options: DockerDriverOptions) {
    this.tier = options.tier ?? isolationTierFromEnv();
    // The hardened tier's sandboxes live on Drydock's own engine (unless DOCKER_HOST says where it is).
    this.docker = options.docker ?? sandboxEngine(process.env, this.tier);
    this.capabilities = options.capabilities ?? hostBoundingCapabilities();
    this.networks = new SandboxNetworks(this.docker, options.subnets ?? '10.213.0.0/16');
    this.labs = new LabNetworks(this.docker, this.networks, options.serverId);
    this.hardening = new HardenedEngine(this.docker, options);
    const minFreeMB = options.minFreeDiskMB ?? readEnvSettings(DiskReserveSettings, process.env).DRYDOCK_MIN_FREE_DISK_MB;
    this.diskRoom = new DiskRoom(minFreeMB, () => this.diskPlaces());
  }

  /** Where sandboxes write: the engine's data root, and the hardened tier's disk images. */
  private async diskPlaces(): Promise<DiskPlace[]> {
    this.dataRoot ??= this.docker.info().then(
      (info: { DockerRootDir: string }) => info.DockerRootDir,
      (error: unknown) => {
        this.dataRoot = undefined;
        throw mapDockerError(error, 'read the engine\'s data root');
      },
    );
    const places: DiskPlace[] = [{ what: `the engine's data (${await this.dataRoot})`, path: await this.dataRoot }];
    const hardening = await this.hardened();
    if (hardening) places.push({ what: `sandbox disks (${hardening.disks.folder})`, path: hardening.disks.folder });
    return places;
  }

  /** The hardened tier's facts, or undefined in the capability tier. */
  private hardened(): Promise<Hardening | undefined> {
    return this.tier === 'userns' ? this.hardening.get() : Promise.resolve(undefined);
  }

  /** Checks, before any learner arrives, that this engine can give the configured tier (throws why not). */
  async checkTier(): Promise<void> {
    await this.hardened();
  }

  /** Throws EngineUnavailableError with a fix-it message when no engine answers. */
  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw new EngineUnavailableError(
        `No Docker Engine answers at ${describeEndpoint()} (${(error as Error).message}). ` +
          'Install and start one: `sudo apt-get install docker.io && sudo systemctl start docker` (or run `sudo dockerd &`).',
      );
    }
  }

  async create(spec: SandboxSpec): Promise<SandboxInfo> {
    await this.diskRoom.check();
    const now = Date.now();
    const labels = sandboxLabels(spec, this.options.serverId, now);
    const name = sandboxName(spec.sessionId);
    // A class registry is reached by its alias on the sandbox's own network;
    // the default bridge has no name resolution for aliases.
    if (spec.registry && !this.options.isolatedNetwork && !spec.machine) {
      throw new Error('a class registry needs isolated sandbox networks (DRYDOCK_ISOLATED_NETWORK=1): its name resolves only on a user-defined network');
    }
    if (spec.machine) checkMachine(spec.machine);
    // A lab machine is always on its lab's network (a user-defined one, so its hostname resolves there).
    const network = spec.machine ? labNetworkName(spec.machine.lab) : this.options.isolatedNetwork ? name : undefined;
    const hardening = await this.hardened();
    try {
      if (network && !spec.machine) {
        await this.networks.create(network, labels);
        // Before the sandbox starts, so its inner engine finds the registry at once.
        if (spec.registry) await spec.registry.connect(network);
      }
      const mounts = hardening ? await this.diskVolumes(name, labels, hardening) : [innerEngineVolume(name, labels)];
      const createOn = (networkMode: string) =>
        this.createWithKnownCapabilities(sandboxCreateOptions(spec, { name, image: this.options.image, labels, tier: this.tier, capabilities: this.capabilities, networkMode, mounts }));
      const container = spec.machine
        ? await this.labs.withNetwork(spec.machine.lab, labels, async (labNetwork) => {
            if (spec.registry) await spec.registry.connect(labNetwork);
            return createOn(labNetwork);
          })
        : await createOn(network ?? 'bridge');
      return {
        id: container.id,
        learnerId: spec.learnerId,
        profile: spec.profile,
        sessionId: spec.sessionId,
        createdAt: now,
        expiresAt: spec.expiresAt,
        running: false,
        classId: spec.classId,
        pool: spec.pool,
        network,
        ...(spec.machine ? { machine: spec.machine } : {}),
      };
    } catch (error) {
      // Leave nothing half-made behind.
      await this.removeByName(name, spec.machine?.lab).catch(() => undefined);
      throw mapDockerError(error, `create sandbox ${name}`);
    }
  }

  /**
   * A hardened sandbox writes only to its own disk: one volume per writable
   * path, each a folder of that disk (the engine seeds it from the image).
   */
  private async diskVolumes(name: string, labels: Record<string, string>, { disks }: Hardening): Promise<Docker.MountSettings[]> {
    await disks.create(name);
    const mounts: Docker.MountSettings[] = [];
    for (const { key, target } of WRITABLE_PATHS) {
      const volume = `${name}-${key}`;
      await this.docker.createVolume({ Name: volume, Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: disks.pathFor(name, key) }, Labels: labels });
      mounts.push({ Type: 'volume', Source: volume, Target: target });
    }
    return mounts;
  }

  /**
   * Older engines reject capabilities newer than themselves (Engine 20.10 does
   * not know PERFMON, BPF, CHECKPOINT_RESTORE). Drop each one the engine names
   * as unknown and retry; the trimmed list is kept for later sandboxes.
   */
  private async createWithKnownCapabilities(options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    for (;;) {
      try {
        if (this.tier === 'userns') return await this.docker.createContainer(options);
        return await this.docker.createContainer({ ...options, HostConfig: { ...options.HostConfig, CapAdd: this.capabilities } });
      } catch (error) {
        const unknown = /unknown capability: "?(?:CAP_)?([A-Z_]+)"?/.exec((error as Error).message)?.[1];
        if (!unknown || !this.capabilities.includes(unknown)) throw error;
        this.capabilities = this.capabilities.filter((c) => c !== unknown);
      }
    }
  }

  async attach(id: string): Promise<Duplex> {
    try {
      const stream = (await this.docker.getContainer(id).attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
      return stream;
    } catch (error) {
      throw mapDockerError(error, `attach to sandbox ${id.slice(0, 12)}`);
    }
  }

  async start(id: string): Promise<void> {
    const hardening = await this.hardened();
    try {
      const container = this.docker.getContainer(id);
      if (hardening) await hardening.disks.ensureMounted(await this.baseNameOf(id));
      await container.start();
      if (hardening) {
        // The entrypoint waits for this before it starts the inner engine.
        const { State } = await container.inspect();
        await delegateCgroups(State.Pid, hardening.owner);
      }
    } catch (error) {
      const mapped = mapDockerError(error, `start sandbox ${id.slice(0, 12)}`);
      if (isNotModified(mapped)) return; // already running
      throw mapped;
    }
  }

  /** The name a sandbox was created with (its disk and volumes carry it), whatever it was renamed to since. */
  private async baseNameOf(id: string): Promise<string> {
    const info = await this.docker.getContainer(id).inspect();
    return sandboxName(info.Config.Labels[Label.session] ?? '');
  }

  async resize(id: string, size: TerminalSize): Promise<void> {
    try {
      await this.docker.getContainer(id).resize({ w: size.cols, h: size.rows });
    } catch (error) {
      throw mapDockerError(error, `resize sandbox ${id.slice(0, 12)}`);
    }
  }

  exec(id: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.docker, id, cmd, options);
  }

  openShell(id: string): Promise<SandboxShell> {
    return openShellInContainer(this.docker, id);
  }

  async stop(id: string): Promise<void> {
    try {
      // The sandbox's init passes the TERM on; its inner dockerd gets time to stop its containers cleanly.
      await this.docker.getContainer(id).stop({ t: 10 });
    } catch (error) {
      const mapped = mapDockerError(error, `stop sandbox ${id.slice(0, 12)}`);
      if (isNotModified(mapped)) return; // already stopped
      throw mapped;
    }
  }

  async remove(id: string): Promise<void> {
    const context = `remove sandbox ${id.slice(0, 12)}`;
    const info = await ignoreNotFound(this.docker.getContainer(id).inspect(), context);
    if (info) await ignoreNotFound(this.docker.getContainer(id).remove({ force: true, v: true }), context);
    const networkName = info?.HostConfig.NetworkMode;
    const baseName = info ? sandboxName(info.Config.Labels[Label.session] ?? '') : undefined;
    // `v: true` removes anonymous volumes only; the inner engine's named one goes here.
    const volumes = (info?.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name?.startsWith(SANDBOX_PREFIX)).map((m) => m.Name as string);
    // A volume the engine still thinks mounted (after a dockerd restart, see volumes.ts) keeps only a record; its data is on the disk, which goes below.
    for (const volume of volumes) await removeSandboxVolume(this.docker, volume);
    // A lab's network goes with its last machine.
    const lab = info ? machineFromLabels(info.Config.Labels)?.lab : undefined;
    if (lab) await this.labs.releaseIfEmpty(lab);
    else if (networkName?.startsWith(SANDBOX_PREFIX)) await removeNetwork(this.docker, networkName);
    const hardening = baseName ? await this.hardened() : undefined;
    if (hardening && baseName) await hardening.disks.remove(baseName);
  }

  async update(id: string, record: SandboxRecord): Promise<void> {
    try {
      const container = this.docker.getContainer(id);
      const info = await container.inspect();
      const labelled = Number(info.Config.Labels[Label.expires] ?? 0);
      // An environment already in the name (an earlier claim) stays unless a new one is given.
      const environment = record.profile ?? parseSandboxName(info.Name).environment;
      const name = sandboxName(info.Config.Labels[Label.session] ?? '', {
        learnerId: record.learnerId,
        expiresAt: record.expiresAt !== labelled ? record.expiresAt : undefined,
        environment: environment && environment !== info.Config.Labels[Label.profile] ? environment : undefined,
      });
      if (info.Name.replace(/^\//, '') !== name) await container.rename({ name });
    } catch (error) {
      throw mapDockerError(error, `update sandbox ${id.slice(0, 12)}`);
    }
  }

  async list(): Promise<SandboxInfo[]> {
    try {
      // Only sandboxes: a class registry carries this server's label too, but no session.
      const containers = await this.docker.listContainers({ all: true, filters: { label: [`${Label.server}=${this.options.serverId}`, Label.session] } });
      return containers.map((c) => infoFromLabels(c.Id, c.Labels, c.State === 'running', c.Names[0] ?? '', c.HostConfig?.NetworkMode));
    } catch (error) {
      throw mapDockerError(error, 'list sandboxes');
    }
  }

  async inspect(id: string): Promise<SandboxInfo> {
    try {
      const c = await this.docker.getContainer(id).inspect();
      const info = infoFromLabels(c.Id, c.Config.Labels, c.State.Running, c.Name, c.HostConfig.NetworkMode);
      const stoppedAt = Date.parse(c.State.FinishedAt);
      // A container never stopped reports 0001-01-01.
      return !c.State.Running && stoppedAt > 0 ? { ...info, stoppedAt } : info;
    } catch (error) {
      throw mapDockerError(error, `inspect sandbox ${id.slice(0, 12)}`);
    }
  }

  /**
   * The inner engine, reached from this host through the sandbox's init
   * process: /proc/<pid>/root is the sandbox's own filesystem view, so this
   * is the socket its dockerd listens on, and nothing the learner put on PATH
   * or in LD_PRELOAD is involved. Each connection first proves that the
   * image's own dockerd serves that socket (engine-identity.ts). Needs this
   * server on the engine's host.
   */
  async innerEngine(id: string): Promise<InnerEngine> {
    const info = await this.docker.getContainer(id).inspect().catch((error: unknown) => {
      throw mapDockerError(error, `inspect sandbox ${id.slice(0, 12)}`);
    });
    if (!info.State.Running || !info.State.Pid) throw new SandboxNotFoundError(`sandbox ${id.slice(0, 12)} is not running`);
    return new DockerInnerEngine(verifiedInnerEngine(this.docker, { pid: info.State.Pid, imageId: info.Image }));
  }

  async readFile(id: string, path: string, maxBytes: number): Promise<SandboxFile> {
    return readSandboxFile(this.docker, id, path, maxBytes);
  }

  /**
   * Read from the host's /proc/<init pid>/net/tcp{,6}: the kernel's own list
   * for the sandbox's network namespace, so no program of the learner's is
   * asked (like innerEngine(), this needs the server on the engine's host).
   */
  async listeningPorts(id: string): Promise<number[]> {
    const info = await this.docker.getContainer(id).inspect().catch((error: unknown) => {
      throw mapDockerError(error, `inspect sandbox ${id.slice(0, 12)}`);
    });
    if (!info.State.Running || !info.State.Pid) throw new SandboxNotFoundError(`sandbox ${id.slice(0, 12)} is not running`);
    const tables = await Promise.all(['tcp', 'tcp6'].map((name) => readProcText(`/proc/${info.State.Pid}/net/${name}`).catch(() => '')));
    return tcpListeningPorts(tables.join('\n'));
  }

  openPort(id: string, port: number): Promise<Duplex> {
    return openSandboxPort(this.docker, id, port);
  }

  async listDirectory(id: string, path: string, maxEntries: number): Promise<SandboxListing> {
    return listSandboxDirectory(this, id, path, maxEntries);
  }

  async exportFolder(id: string, path: string): Promise<NodeJS.ReadableStream> {
    try {
      // A parked hardened sandbox's disk must be mounted for its volumes to show its files (after a host restart it is not).
      const hardening = await this.hardened();
      if (hardening) await hardening.disks.ensureMounted(await this.baseNameOf(id));
      return await this.docker.getContainer(id).getArchive({ path });
    } catch (error) {
      throw mapDockerError(error, `export ${path} of sandbox ${id.slice(0, 12)}`);
    }
  }

  async writeFile(id: string, path: string, content: Buffer): Promise<SandboxWrite> {
    return writeSandboxFile(this.docker, id, path, content);
  }

  /** Networks and disks this server made whose sandbox is gone (left by a crash between create and remove); how many networks. */
  async removeOrphanNetworks(): Promise<number> {
    return removeOrphans(this.docker, this.options.serverId, await this.hardened());
  }

  private async removeByName(name: string, lab?: string): Promise<void> {
    await this.docker.getContainer(name).remove({ force: true, v: true }).catch(() => undefined);
    for (const { key } of WRITABLE_PATHS) await removeSandboxVolume(this.docker, `${name}-${key}`).catch(() => undefined);
    await (lab ? this.labs.releaseIfEmpty(lab) : removeNetwork(this.docker, name)).catch(() => undefined);
    const hardening = await this.hardened().catch(() => undefined);
    await hardening?.disks.remove(name).catch(() => undefined);
  }
}
