import Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import type { TerminalSize } from '../../../protocol';
import { hostBoundingCapabilities } from './capabilities';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxFile, SandboxInfo, SandboxSpec } from './driver';
import { EngineUnavailableError, SandboxNotFoundError, mapDockerError } from './errors';
import { Label, parseSandboxName, sandboxName } from './labels';
import { innerEngineAgent, readSandboxFile } from './sandbox-files';
import { gatewayOf, SubnetAllocator } from './subnets';


export interface DockerDriverOptions {
  image: string;
  serverId: string;
  /** Give each sandbox its own internal bridge network. */
  isolatedNetwork: boolean;
  docker?: Docker;
  capabilities?: string[];
  /** Where sandbox networks take their /28 subnets. default 10.213.0.0/16 [DRYDOCK_SANDBOX_SUBNETS] */
  subnets?: string;
}

/**
 * Sandboxes as Docker-in-Docker containers without --privileged (see
 * sandbox-server/images/sandbox/README.md for why each option is there).
 */
export class DockerDriver implements SandboxDriver {
  readonly docker: Docker;
  private capabilities: string[];
  private readonly subnets: SubnetAllocator;

  constructor(private readonly options: DockerDriverOptions) {
    this.docker = options.docker ?? new Docker();
    this.capabilities = options.capabilities ?? hostBoundingCapabilities();
    this.subnets = new SubnetAllocator(options.subnets ?? '10.213.0.0/16');
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
          // The inner engine's data must not be overlay-on-overlay. A named,
          // labelled volume, so what a class leaves behind can be counted.
          Mounts: [{ Type: 'volume', Source: `${name}-docker`, Target: '/var/lib/docker', VolumeOptions: { Labels: labels, NoCopy: false, DriverConfig: { Name: 'local', Options: {} } } }],
          // Reaps the zombie containerd-shims that inner `docker run --rm` leaves.
          Init: true,
          CapAdd: this.capabilities,
          SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
          // API form of `--security-opt systempaths=unconfined`: inner runc must mount /proc freely.
          MaskedPaths: [],
          ReadonlyPaths: [],
          DeviceCgroupRules: ['a *:* rwm'],
          Tmpfs: { '/run': 'rw,nosuid,nodev,mode=755', '/tmp': 'rw,nosuid,nodev,mode=1777' },
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
          Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gatewayOf(subnet) }] },
          Labels: labels,
          CheckDuplicate: true,
        });
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
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 304) return; // already running
      throw mapDockerError(error, `start sandbox ${id.slice(0, 12)}`);
    }
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
    try {
      const info = await this.docker.getContainer(id).inspect();
      networkName = info.HostConfig.NetworkMode;
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
   * or in LD_PRELOAD is involved. Needs this server on the engine's host.
   */
  async innerEngine(id: string): Promise<Docker> {
    const info = await this.docker.getContainer(id).inspect().catch((error: unknown) => {
      throw mapDockerError(error, `inspect sandbox ${id.slice(0, 12)}`);
    });
    if (!info.State.Running || !info.State.Pid) throw new SandboxNotFoundError(`sandbox ${id.slice(0, 12)} is not running`);
    return new Docker(innerEngineAgent(info.State.Pid));
  }

  async readFile(id: string, path: string, maxBytes: number): Promise<SandboxFile> {
    return readSandboxFile(this.docker, id, path, maxBytes);
  }

  /** Networks this server made whose sandbox is gone (left by a crash between create and remove). */
  async removeOrphanNetworks(): Promise<number> {
    const networks = await this.docker.listNetworks({ filters: { label: [`${Label.server}=${this.options.serverId}`] } });
    let removed = 0;
    // A network is an orphan when no container of its session exists, running or not: a stopped
    // sandbox (the engine restarted) is not attached to its network, yet needs it to start again.
    const sessions = new Set(
      (await this.docker.listContainers({ all: true, filters: { label: [`${Label.server}=${this.options.serverId}`, Label.session] } })).map((c) => c.Labels[Label.session]),
    );
    for (const n of networks) {
      // A class's own network is the class registry's business, not a sandbox's.
      if (!n.Name.startsWith('drydock-sb-')) continue;
      if (sessions.has(n.Labels?.[Label.session])) continue;
      await this.removeNetwork(n.Name);
      removed++;
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
    await this.docker.getVolume(`${name}-docker`).remove().catch(() => undefined);
    await this.removeNetwork(name).catch(() => undefined);
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

function describeEndpoint(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}
