import Docker from 'dockerode';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { openDataDir, resolveDataDirPath } from '../../../lib/config/data-dir';
import { openInstructorAccess, INSTRUCTOR_SECRET_FILE } from '../../../platform/classroom/instructor-auth';
import { Store } from '../../../lib/store';
import { loadSandboxServerConfig, type SandboxLimits } from '../../src/config/config';
import { DockerDriver } from '../../src/engine/docker/docker';
import type { ExecResult } from '../../src/engine/driver';
import { cgroupFolders } from '../../src/engine/docker/isolation/cgroup-delegation';
import { engineUserNamespace, HARDENED_ENGINE_SOCKET, type IsolationTier } from '../../src/engine/docker/isolation/tier';
import type { HostOwner } from '../../src/engine/docker/isolation/sandbox-disk';

const run = promisify(execFile);

/**
 * The escape suite's laboratory: the sandboxes an attack runs from and
 * against, and the host things it tries to reach, each with its positive
 * control (the thing answers where it is allowed to). Shared by
 * escape.integration.test.ts (hardened tier, asserts) and
 * scripts/escape-report.ts (both tiers, a table).
 */

export type Outcome = 'blocked' | 'escaped' | 'inconclusive' | 'not-applicable';

export interface Verdict {
  outcome: Outcome;
  /** What was tried and what happened: refusals, or what the attack got. */
  evidence: string;
}

export interface LabSandbox {
  role: 'attacker' | 'neighbour' | 'victim';
  id: string;
  /** Its container name at creation (its disk and volumes carry it). */
  name: string;
  /** Host pid of its init process. */
  pid: number;
  /** Its address on its own network, and that network's gateway (no host address behind it). */
  ip: string;
  gateway: string;
  /** Host name of its network's bridge. */
  bridge: string;
  /** Its cgroup folders on the host, one per hierarchy. */
  cgroups: string[];
  limits: SandboxLimits;
  /** Hardened tier: its disk quota in MiB, and the disk image on the host. */
  diskMB?: number;
  diskImage?: string;
}

export interface HostFixtures {
  /** A data folder made by the platform's own code (openDataDir, instructor access, store). */
  dataDir: string;
  /** Strings that exist only in the data folder's files: seeing one outside means that file was read. */
  canaries: { file: string; value: string }[];
  /** Every host service of the lab answers with this. */
  nonce: string;
  /** TCP port the host serves on, IPv4 (0.0.0.0) and IPv6 ([::]). */
  port: number;
  ipv4: string[];
  ipv6: { address: string; iface: string }[];
  /** A stand-in cloud metadata service on 169.254.169.254:80 (a dummy interface), or why there is none. */
  metadata: { ok: true } | { ok: false; reason: string };
  /** A host process sandboxes must never see or touch. */
  marker: { pid: number; arg: string };
  /** The host's Docker engines: socket and engine ID. */
  engines: { socket: string; id: string }[];
  /** Listening sockets of the host's dockerd and containerd: path and device:inode. */
  sockets: { path: string; devIno: string }[];
  /** The host ids sandboxes run as (null in the capability tier: their root is host root). */
  remap: HostOwner | null;
}

export interface LabOptions {
  tier: IsolationTier;
  /** The engine sandboxes of this tier run on. */
  docker: Docker;
  image: string;
  /** Labels everything the lab makes; removed by close(). */
  serverId: string;
  /** The victim's limits: destructive attacks (disk fill, OOM, fork bomb) run in it. */
  victim?: { memoryMB?: number; pids?: number; diskMB?: number };
  log?: (message: string) => void;
}

const MiB = 1024 * 1024;

export class EscapeLab {
  readonly tier: IsolationTier;
  readonly docker: Docker;
  readonly driver: DockerDriver;
  attacker!: LabSandbox;
  neighbour!: LabSandbox;
  victim!: LabSandbox;
  host!: HostFixtures;
  private victimDriver: DockerDriver;
  private servers: Server[] = [];
  private markerProcess?: ChildProcess;
  private dummyInterface?: string;
  /** Kept apart from `host`, which is set only once everything started. */
  private dataDir?: string;
  private readonly log: (message: string) => void;

  private constructor(private readonly options: LabOptions) {
    this.tier = options.tier;
    this.docker = options.docker;
    this.log = options.log ?? (() => undefined);
    const base = { image: options.image, serverId: options.serverId, isolatedNetwork: true, docker: options.docker, tier: options.tier };
    this.driver = new DockerDriver(base);
    this.victimDriver = new DockerDriver({ ...base, diskMB: options.victim?.diskMB ?? 300 });
  }

  /** Host fixtures and three running sandboxes (attacker, neighbour, victim), made in parallel. */
  static async open(options: LabOptions): Promise<EscapeLab> {
    const lab = new EscapeLab(options);
    try {
      await lab.driver.checkTier();
      const defaults = loadSandboxServerConfig(options.serverId, { NODE_ENV: 'test' }).limits;
      const victimLimits: SandboxLimits = {
        ...defaults,
        memoryBytes: (options.victim?.memoryMB ?? 512) * MiB,
        pids: options.victim?.pids ?? defaults.pids,
      };
      const started = Date.now();
      // All settled before going on: a failure must not leave a sandbox still starting behind close().
      const [host, attacker, neighbour, victim] = await Promise.allSettled([
        lab.makeHostFixtures(),
        lab.startSandbox('attacker', lab.driver, defaults),
        lab.startSandbox('neighbour', lab.driver, defaults),
        lab.startSandbox('victim', lab.victimDriver, victimLimits, options.victim?.diskMB ?? 300),
      ]);
      const value = <T>(r: PromiseSettledResult<T>): T | undefined => (r.status === 'fulfilled' ? r.value : undefined);
      Object.assign(lab, { host: value(host), attacker: value(attacker), neighbour: value(neighbour), victim: value(victim) });
      const failed = [host, attacker, neighbour, victim].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      lab.log(`lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${options.tier} tier)`);
      return lab;
    } catch (error) {
      await lab.close().catch(() => undefined);
      throw error;
    }
  }

  /** Runs a bash script as root in a sandbox, the way a learner would run it in their terminal. */
  async exec(sandbox: LabSandbox, script: string, options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecResult> {
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    return this.driver.exec(sandbox.id, ['bash', '-s'], { stdin: script, timeoutMs: options.timeoutMs ?? 60_000, env });
  }

  /** Whether a sandbox still answers (a trivial exec), retrying for a while: its engine may be busy recovering. */
  async answers(sandbox: LabSandbox, withinMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    do {
      const r = await this.driver.exec(sandbox.id, ['echo', 'still-here'], { timeoutMs: 5_000 }).catch(() => null);
      if (r?.stdout.trim() === 'still-here') return true;
      await sleep(500);
    } while (Date.now() < deadline);
    return false;
  }

  async running(sandbox: LabSandbox): Promise<boolean> {
    return (await this.docker.getContainer(sandbox.id).inspect().catch(() => null))?.State.Running === true;
  }

  /** A raw terminal attached to a sandbox's shell (what the learner's browser gets). */
  async attach(sandbox: LabSandbox): Promise<Duplex> {
    return this.driver.attach(sandbox.id);
  }

  /** Reads a cgroup file of a sandbox from the host (first hierarchy that has it). */
  cgroupFile(sandbox: LabSandbox, file: string): string | null {
    for (const folder of sandbox.cgroups) {
      const path = join(folder, file);
      if (existsSync(path)) return readFileSync(path, 'utf8').trim();
    }
    return null;
  }

  /** Removes everything the lab made (sandboxes, networks, volumes, disks, host fixtures). Idempotent. */
  async close(): Promise<void> {
    this.markerProcess?.kill('SIGKILL');
    for (const server of this.servers) {
      server.closeAllConnections();
      server.close();
    }
    this.servers = [];
    if (this.dummyInterface) await run('ip', ['link', 'del', this.dummyInterface]).catch(() => undefined);
    this.dummyInterface = undefined;
    for (const sandbox of [this.attacker, this.neighbour, this.victim]) {
      if (!sandbox) continue;
      await this.removeSandbox(sandbox).catch((error: Error) => this.log(`could not remove ${sandbox.name}: ${error.message}`));
    }
    // Anything left with the lab's label (a sandbox whose start failed half-way).
    for (const c of await this.docker.listContainers({ all: true, filters: { label: [`drydock.server=${this.options.serverId}`] } })) {
      await this.driver.remove(c.Id).catch(() => undefined);
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async removeSandbox(sandbox: LabSandbox): Promise<void> {
    // An engine that restarted (live-restore) may still count the volumes as mounted for a moment.
    for (let attempt = 1; ; attempt++) {
      try {
        await (sandbox.role === 'victim' ? this.victimDriver : this.driver).remove(sandbox.id);
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(1_000);
      }
    }
  }

  private async startSandbox(role: LabSandbox['role'], driver: DockerDriver, limits: SandboxLimits, diskMB?: number): Promise<LabSandbox> {
    const sessionId = `${this.options.serverId}-${role}`;
    const info = await driver.create({ learnerId: `escape-${role}`, profile: 'dind', sessionId, expiresAt: Date.now() + 3_600_000, limits });
    const stream = await driver.attach(info.id);
    let out = '';
    stream.on('data', (c: Buffer) => (out += c.toString('utf8')));
    await driver.start(info.id);
    const deadline = Date.now() + 120_000;
    while (!/root@sandbox:~# $/m.test(out.replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07/g, ''))) {
      if (Date.now() > deadline) throw new Error(`the ${role} sandbox showed no prompt in 120 s: ${JSON.stringify(out.slice(-300))}`);
      await sleep(100);
    }
    stream.destroy();
    const c = await this.docker.getContainer(info.id).inspect();
    const network = c.HostConfig.NetworkMode ?? '';
    const net = await this.docker.getNetwork(network).inspect();
    const name = c.Name.replace(/^\//, '');
    return {
      role,
      id: info.id,
      name,
      pid: c.State.Pid,
      ip: c.NetworkSettings.Networks[network]?.IPAddress ?? '',
      gateway: net.IPAM?.Config?.[0]?.Gateway ?? '',
      bridge: net.Options?.['com.docker.network.bridge.name'] ?? '',
      cgroups: cgroupFolders(await readFile(`/proc/${c.State.Pid}/cgroup`, 'utf8')),
      limits,
      diskMB: this.tier === 'userns' ? diskMB ?? 10240 : undefined,
      diskImage: this.tier === 'userns' ? join(process.env.DRYDOCK_SANDBOX_DISK_DIR || '/var/lib/drydock-disks', `${name}.img`) : undefined,
    };
  }

  private async makeHostFixtures(): Promise<HostFixtures> {
    const nonce = `drydock-host-${randomBytes(8).toString('hex')}`;

    // The platform's data folder, made by its own code.
    const dataDir = mkdtempSync(join(tmpdir(), 'drydock-escape-data-'));
    this.dataDir = dataDir;
    const data = openDataDir(dataDir);
    openInstructorAccess(dataDir, data.cookieSecret, {});
    const learner = `drydock-canary-${randomBytes(8).toString('hex')}`;
    const store = new Store(data.databasePath);
    store.touchLearner(learner);
    store.close();
    const instructorRecord = readFileSync(join(dataDir, INSTRUCTOR_SECRET_FILE), 'utf8').trim();
    const canaries = [
      { file: 'cookie-secret', value: data.cookieSecret.toString('hex') },
      { file: INSTRUCTOR_SECRET_FILE, value: instructorRecord.slice(-32) },
      { file: 'drydock.db', value: learner },
    ];

    // One service on every host address, IPv4 and IPv6, on one port.
    const serve = (): Server => createServer((_, res) => res.end(nonce));
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      const v4 = serve();
      await new Promise<void>((resolve, reject) => v4.once('error', reject).listen(0, '0.0.0.0', resolve));
      port = (v4.address() as { port: number }).port;
      const v6 = serve();
      const ok = await new Promise<boolean>((resolve) => {
        v6.once('error', () => resolve(false));
        v6.listen({ port, host: '::', ipv6Only: true }, () => resolve(true));
      });
      if (ok) {
        this.servers.push(v4, v6);
        break;
      }
      v4.close();
      if (attempt >= 5) throw new Error('no port free on both IPv4 and IPv6');
    }
    // Every address, of interfaces without carrier too (docker0 with no container; os.networkInterfaces() skips those).
    const links = JSON.parse((await run('ip', ['-j', 'addr'])).stdout) as { ifname: string; addr_info?: { family: string; local: string }[] }[];
    const addresses = links.flatMap((l) => (l.addr_info ?? []).map((a) => ({ iface: l.ifname, family: a.family, address: a.local })));
    const ipv4 = addresses.filter((a) => a.family === 'inet').map((a) => a.address);
    const ipv6 = addresses.filter((a) => a.family === 'inet6').map((a) => ({ address: a.address, iface: a.iface }));

    // A stand-in cloud metadata service: 169.254.169.254 on an interface of the lab's own
    // (a bridge with no ports: this kernel has no dummy interfaces).
    let metadata: HostFixtures['metadata'];
    const dummy = `drymeta${randomBytes(3).toString('hex')}`;
    try {
      await run('ip', ['link', 'add', dummy, 'type', 'bridge']);
      this.dummyInterface = dummy;
      await run('ip', ['addr', 'add', '169.254.169.254/32', 'dev', dummy]);
      await run('ip', ['link', 'set', dummy, 'up']);
      const server = serve();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(80, '169.254.169.254', resolve));
      this.servers.push(server);
      metadata = { ok: true };
    } catch (error) {
      metadata = { ok: false, reason: `could not stand up 169.254.169.254:80 on the host: ${(error as Error).message.split('\n')[0]}` };
    }

    // A host process: `sleep` with an argument no other process has.
    const arg = `86400.${randomBytes(4).readUInt32BE(0)}`;
    this.markerProcess = spawn('sleep', [arg], { stdio: 'ignore' });
    const markerPid = this.markerProcess.pid ?? 0;

    // The host's engines and their sockets.
    const engines: HostFixtures['engines'] = [];
    for (const socket of ['/var/run/docker.sock', HARDENED_ENGINE_SOCKET]) {
      if (!existsSync(socket)) continue;
      const info = (await new Docker({ socketPath: socket }).info().catch(() => null)) as { ID?: string } | null;
      if (info?.ID) engines.push({ socket, id: info.ID });
    }
    const sockets = hostEngineSockets();
    const remap = this.tier === 'userns' ? await engineUserNamespace(this.docker) : null;
    return { dataDir, canaries, nonce, port, ipv4, ipv6, metadata, marker: { pid: markerPid, arg }, engines, sockets, remap };
  }
}

/** Listening unix sockets of the host's dockerd, containerd and shims (from the host's /proc/net/unix). */
export function hostEngineSockets(): { path: string; devIno: string }[] {
  const paths = new Set<string>();
  for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const path = line.trim().split(/\s+/)[7];
    if (path?.startsWith('/') && /docker|containerd|drydock/.test(path)) paths.add(path);
  }
  const sockets: { path: string; devIno: string }[] = [];
  for (const path of paths) {
    try {
      const st = statSync(path);
      sockets.push({ path, devIno: `${st.dev}:${st.ino}` });
    } catch {
      // gone since it was listed
    }
  }
  return sockets;
}

/** The platform's default data folder (what a real install would use), for attacks that try its path. */
export function defaultDataDir(): string {
  return resolveDataDirPath();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
