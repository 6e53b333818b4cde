import Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import type { TerminalSize } from '../../../../protocol';
import { hostBoundingCapabilities } from './isolation/capabilities';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxFile, SandboxInfo, SandboxSpec } from '../driver';
import { EngineUnavailableError, SandboxNotFoundError, mapDockerError } from '../errors';
import { Label, parseSandboxName, sandboxName } from './labels';
import { verifiedInnerEngine } from './engine-identity';
import { readSandboxFile } from './sandbox-files';
import { gatewayOf, SubnetAllocator } from './subnets';
import { delegateCgroups } from './isolation/cgroup-delegation';
import { SandboxDisks, WRITABLE_PATHS, type HostOwner } from './isolation/sandbox-disk';
import { bridgeNameFor, closeIpv6 } from './isolation/sandbox-network';
import { engineUserNamespace, HARDENED_ENGINE_SOCKET, isolationTierFromEnv, securityHostConfig, type IsolationTier } from './isolation/tier';
import { sandboxTmpfs } from './isolation/tmpfs';


export interface DockerDriverOptions {
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
  /** Hardened tier: where each sandbox's disk image lives. default /var/lib/drydock-disks [DRYDOCK_SANDBOX_DISK_DIR] */
  diskDir?: string;
  /** Hardened tier: each sandbox's disk quota (its files, inner images, volumes). default 10240 [DRYDOCK_SANDBOX_DISK_MB] */
  diskMB?: number;
}

/** What the hardened tier learned about its engine, once. */
interface Hardening {
  owner: HostOwner;
  disks: SandboxDisks;
}

/**
 * Sandboxes as Docker-in-Docker containers without --privileged (see
 * sandbox-server/images/sandbox/README.md for why each option is there).
 */
export class DockerDriver implements SandboxDriver {
  readonly docker: Docker;
  readonly tier: IsolationTier;
  private capabilities: string[];
  private readonly subnets: SubnetAllocator;
  private hardening?: Promise<Hardening>;

  constructor(private readonly options: DockerDriverOptions) {
    this.tier = options.tier ?? isolationTierFromEnv();
    // The hardened tier's sandboxes live on Drydock's own engine (unless DOCKER_HOST says where it is).
    this.docker = options.docker ?? new Docker(this.tier === 'userns' && !process.env.DOCKER_HOST ? { socketPath: HARDENED_ENGINE_SOCKET } : undefined);
    this.capabilities = options.capabilities ?? hostBoundingCapabilities();
    this.subnets = new SubnetAllocator(options.subnets ?? '10.213.0.0/16');
  }

  /**
   * The hardened tier needs an engine that maps container root to unprivileged
   * host ids; refuse to make sandboxes on any other (never a silent downgrade).
   */
  private hardened(): Promise<Hardening> {
    this.hardening ??= (async () => {
      const owner = await engineUserNamespace(this.docker);
      if (!owner) {
        throw new Error(
          `the engine at ${describeEndpoint()} does not remap user namespaces, so a learner's root would be host root. ` +
            'Start Drydock\'s own engine (sudo scripts/engine/drydock-engine.sh start; `npm start` does it when run as root), ' +
            'or, for a trusted room only, set DRYDOCK_ISOLATION=capability.',
        );
      }
      const diskMB = this.options.diskMB ?? intSetting('DRYDOCK_SANDBOX_DISK_MB', 10240);
      return { owner, disks: new SandboxDisks(this.options.diskDir ?? (process.env.DRYDOCK_SANDBOX_DISK_DIR || '/var/lib/drydock-disks'), diskMB, owner) };
    })();
    this.hardening.catch(() => (this.hardening = undefined));
    return this.hardening;
  }

  /** Checks, before any learner arrives, that this engine can give the configured tier (throws why not). */
  async checkTier(): Promise<void> {
    if (this.tier === 'userns') await this.hardened();
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
    const now = Date.now();
    const labels: Record<string, string> = {
      [Label.learner]: spec.learnerId,
      [Label.profile]: spec.profile,
      [Label.session]: spec.sessionId,
      [Label.server]: this.options.serverId,
      [Label.created]: String(now),
      [Label.expires]: String(spec.expiresAt),
      ...(spec.classId ? { [Label.class]: spec.classId } : {}),
      ...(spec.pool ? { [Label.pool]: spec.pool } : {}),
    };
    const name = sandboxName(spec.sessionId);
    // A class registry is reached by its alias on the sandbox's own network;
    // the default bridge has no name resolution for aliases.
    if (spec.registry && !this.options.isolatedNetwork) {
      throw new Error('a class registry needs isolated sandbox networks (DRYDOCK_ISOLATED_NETWORK=1): its name resolves only on a user-defined network');
    }
    let networkMode = 'bridge';
    const hardening = this.tier === 'userns' ? await this.hardened() : undefined;
    try {
      if (this.options.isolatedNetwork) {
        await this.createSandboxNetwork(name, labels);
        networkMode = name;
        // Before the sandbox starts, so its inner engine finds the registry at once.
        if (spec.registry) await spec.registry.connect(name);
      }
      const container = await this.createWithKnownCapabilities({
        name,
        Image: this.options.image,
        Hostname: 'sandbox',
        Tty: true,
        OpenStdin: true,
        StdinOnce: false,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Env: ['TERM=xterm-256color', ...registryEnv(spec)],
        Labels: labels,
        HostConfig: {
          // The inner engine's data must not be overlay-on-overlay. Named,
          // labelled volumes, so what a class leaves behind can be counted.
          Mounts: hardening ? await this.diskVolumes(name, labels, hardening) : [{ Type: 'volume', Source: `${name}-docker`, Target: '/var/lib/docker', VolumeOptions: { Labels: labels, NoCopy: false, DriverConfig: { Name: 'local', Options: {} } } }],
          // Reaps the zombie containerd-shims that inner `docker run --rm` leaves.
          Init: true,
          ...securityHostConfig(this.tier, this.capabilities),
          // Sized below the memory limit: a full tmpfs must be ENOSPC, not an OOM that ends the sandbox.
          Tmpfs: sandboxTmpfs(spec.limits.memoryBytes),
          Memory: spec.limits.memoryBytes,
          MemorySwap: spec.limits.memoryBytes,
          NanoCpus: Math.round(spec.limits.cpus * 1e9),
          PidsLimit: spec.limits.pids,
          NetworkMode: networkMode,
          RestartPolicy: { Name: 'no' },
          ...registryDns(spec),
        },
      });
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
      };
    } catch (error) {
      // Leave nothing half-made behind.
      await this.removeByName(name).catch(() => undefined);
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
   * The sandbox's own network, on a /28 of Drydock's range (see subnets.ts):
   * the engine's default pools run out at about 30 networks.
   */
  private async createSandboxNetwork(name: string, labels: Record<string, string>): Promise<void> {
    const inUse = new Set((await this.docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')));
    for (let attempt = 1; ; attempt++) {
      const subnet = this.subnets.take(inUse);
      try {
        await this.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          // No route out of the network (nor to other sandboxes' networks)…
          Internal: true,
          // …and no host address on the bridge: an internal network still gives the host an IP
          // (the gateway) through which a container reaches every port the host listens on,
          // Drydock's own included. Without it the sandbox can reach nothing but itself.
          // A name in the prefix Drydock's engine firewalls (scripts/engine/drydock-engine.sh).
          Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true', 'com.docker.network.bridge.name': bridgeNameFor(name) },
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gatewayOf(subnet) }] },
          Labels: labels,
          CheckDuplicate: true,
        });
        await closeIpv6(bridgeNameFor(name));
        return;
      } catch (error) {
        // Another server (or a network made since we listed) took it: try the next one.
        if (attempt >= 5 || !/overlap/i.test((error as Error).message)) throw error;
        inUse.add(subnet);
      } finally {
        this.subnets.release(subnet);
      }
    }
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
    const hardening = this.tier === 'userns' ? await this.hardened() : undefined;
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
      if ((error as { statusCode?: number }).statusCode === 304) return; // already running
      throw mapDockerError(error, `start sandbox ${id.slice(0, 12)}`);
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

  async exec(id: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const container = this.docker.getContainer(id);
    let exec: Docker.Exec;
    try {
      exec = await container.exec({ Cmd: cmd, AttachStdin: options.stdin !== undefined, AttachStdout: true, AttachStderr: true, Tty: false, Env: options.env });
    } catch (error) {
      throw mapDockerError(error, `exec in sandbox ${id.slice(0, 12)}`);
    }
    const stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined, Tty: false })) as unknown as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    // Tty:false streams are multiplexed; demux keeps stdout and stderr apart.
    this.docker.modem.demuxStream(stream, stdout, stderr);
    if (options.stdin !== undefined) stream.end(options.stdin);

    const finished = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      finished.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) stream.destroy();
    const exitCode = timedOut ? null : ((await exec.inspect()).ExitCode ?? null);
    return {
      exitCode,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      timedOut,
      durationMs: performance.now() - started,
    };
  }

  async remove(id: string): Promise<void> {
    let networkName: string | undefined;
    let volumes: string[] = [];
    let baseName: string | undefined;
    try {
      const info = await this.docker.getContainer(id).inspect();
      networkName = info.HostConfig.NetworkMode;
      baseName = sandboxName(info.Config.Labels[Label.session] ?? '');
      volumes = (info.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name?.startsWith('drydock-sb-')).map((m) => m.Name as string);
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw mapDockerError(error, `remove sandbox ${id.slice(0, 12)}`);
    }
    // `v: true` removes anonymous volumes only; the inner engine's named one goes here.
    for (const volume of volumes) {
      await this.docker.getVolume(volume).remove().catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw mapDockerError(error, `remove volume ${volume}`);
      });
    }
    if (networkName?.startsWith('drydock-sb-')) await this.removeNetwork(networkName);
    if (baseName && this.tier === 'userns') await (await this.hardened()).disks.remove(baseName);
  }

  async update(id: string, record: { learnerId: string; expiresAt: number }): Promise<void> {
    try {
      const container = this.docker.getContainer(id);
      const info = await container.inspect();
      const labelled = Number(info.Config.Labels[Label.expires] ?? 0);
      const name = sandboxName(info.Config.Labels[Label.session] ?? '', { learnerId: record.learnerId, expiresAt: record.expiresAt !== labelled ? record.expiresAt : undefined });
      if (info.Name.replace(/^\//, '') !== name) await container.rename({ name });
    } catch (error) {
      throw mapDockerError(error, `update sandbox ${id.slice(0, 12)}`);
    }
  }

  async list(): Promise<SandboxInfo[]> {
    try {
      // Only sandboxes: a class registry carries this server's label too, but no session.
      const containers = await this.docker.listContainers({ all: true, filters: { label: [`${Label.server}=${this.options.serverId}`, Label.session] } });
      return containers.map((c) => infoFromLabels(c.Id, c.Labels, c.State === 'running', c.Names[0] ?? ''));
    } catch (error) {
      throw mapDockerError(error, 'list sandboxes');
    }
  }

  async inspect(id: string): Promise<SandboxInfo> {
    try {
      const c = await this.docker.getContainer(id).inspect();
      return infoFromLabels(c.Id, c.Config.Labels, c.State.Running, c.Name);
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
  async innerEngine(id: string): Promise<Docker> {
    const info = await this.docker.getContainer(id).inspect().catch((error: unknown) => {
      throw mapDockerError(error, `inspect sandbox ${id.slice(0, 12)}`);
    });
    if (!info.State.Running || !info.State.Pid) throw new SandboxNotFoundError(`sandbox ${id.slice(0, 12)} is not running`);
    return verifiedInnerEngine(this.docker, { pid: info.State.Pid, imageId: info.Image });
  }

  async readFile(id: string, path: string, maxBytes: number): Promise<SandboxFile> {
    return readSandboxFile(this.docker, id, path, maxBytes);
  }

  /** Networks and disks this server made whose sandbox is gone (left by a crash between create and remove). */
  async removeOrphanNetworks(): Promise<number> {
    const networks = await this.docker.listNetworks({ filters: { label: [`${Label.server}=${this.options.serverId}`] } });
    let removed = 0;
    // Every sandbox on the engine, this server's and others' (a disk is an orphan only if no server has its sandbox).
    const sandboxes = await this.docker.listContainers({ all: true, filters: { label: [Label.session] } });
    // A network is an orphan when no container of its session exists, running or not: a stopped
    // sandbox (the engine restarted) is not attached to its network, yet needs it to start again.
    const sessions = new Set(sandboxes.filter((c) => c.Labels[Label.server] === this.options.serverId).map((c) => c.Labels[Label.session]));
    for (const n of networks) {
      // A class's own network is the class registry's business, not a sandbox's.
      if (!n.Name.startsWith('drydock-sb-')) continue;
      if (sessions.has(n.Labels?.[Label.session])) continue;
      await this.removeNetwork(n.Name);
      removed++;
    }
    if (this.tier === 'userns') {
      const { disks } = await this.hardened();
      const alive = new Set(sandboxes.map((c) => sandboxName(c.Labels[Label.session] ?? '')));
      for (const disk of await disks.list()) {
        if (!disk.startsWith('drydock-sb-') || alive.has(disk)) continue;
        for (const { key } of WRITABLE_PATHS) await this.docker.getVolume(`${disk}-${key}`).remove().catch(() => undefined);
        await disks.remove(disk);
      }
    }
    return removed;
  }

  private async removeNetwork(name: string): Promise<void> {
    const network = this.docker.getNetwork(name);
    try {
      await network.remove();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) return;
      // "has active endpoints": a class registry is still attached to this
      // sandbox's network. The sandbox is gone, so detach whatever is left.
      if (status !== 403 && status !== 409) throw mapDockerError(error, `remove network ${name}`);
      const detail = await network.inspect().catch(() => null);
      for (const id of Object.keys(detail?.Containers ?? {})) {
        await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
      }
      await network.remove().catch((again: { statusCode?: number }) => {
        if (again.statusCode !== 404) throw mapDockerError(again, `remove network ${name}`);
      });
    }
  }

  private async removeByName(name: string): Promise<void> {
    await this.docker.getContainer(name).remove({ force: true, v: true }).catch(() => undefined);
    for (const { key } of WRITABLE_PATHS) await this.docker.getVolume(`${name}-${key}`).remove().catch(() => undefined);
    await this.removeNetwork(name).catch(() => undefined);
    if (this.tier === 'userns') await (await this.hardened()).disks.remove(name).catch(() => undefined);
  }
}

/** The entrypoint writes these into the inner engine's daemon.json (images/sandbox/entrypoint.sh). */
function registryEnv(spec: SandboxSpec): string[] {
  if (!spec.registry) return [];
  const env = [`DRYDOCK_REGISTRY_MIRROR=${spec.registry.mirrorUrl}`];
  if (spec.registry.insecureRegistries.length > 0) env.push(`DRYDOCK_INSECURE_REGISTRIES=${spec.registry.insecureRegistries.join(',')}`);
  return env;
}

/**
 * On an internal network Docker's embedded DNS never answers for outside
 * names, and the inner dockerd looks up `docker.io` before every Hub pull
 * (even one a mirror serves): 2 × 5 s of resolver timeout per `docker pull`.
 * One 1-second try makes a pull from the mirror take ~1 s instead of ~10 s.
 */
function registryDns(spec: SandboxSpec): { DnsOptions?: string[] } {
  return spec.registry ? { DnsOptions: ['timeout:1', 'attempts:1'] } : {};
}

/** A sandbox's facts: fixed ones from its labels, those that changed later from its name (see labels.ts). */
function infoFromLabels(id: string, labels: Record<string, string>, running: boolean, name: string): SandboxInfo {
  const record = parseSandboxName(name);
  const learnerId = labels[Label.learner] || record.learnerId || '';
  return {
    id,
    learnerId,
    profile: labels[Label.profile] ?? '',
    sessionId: labels[Label.session] ?? '',
    createdAt: Number(labels[Label.created] ?? 0),
    expiresAt: Math.max(Number(labels[Label.expires] ?? 0), record.expiresAt ?? 0),
    running,
    classId: labels[Label.class] || undefined,
    pool: learnerId ? undefined : labels[Label.pool] || undefined,
  };
}

function intSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function describeEndpoint(): string {
  return process.env.DOCKER_HOST || (isolationTierFromEnv() === 'userns' ? `unix://${HARDENED_ENGINE_SOCKET}` : 'unix:///var/run/docker.sock');
}
