import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import type { ExecResult } from '../../src/engine/driver';
import { judge, parseLines, dataValue } from './judge';
import { defaultDataDir, median, sleep, type EscapeLab, type LabSandbox, type Verdict } from './lab';

const run = promisify(execFile);

/**
 * The escape suite: every route out of a sandbox that the audit named (and
 * the ones found on the way), defined once. Each attack runs as root in a
 * sandbox the way a learner's terminal would (a bash script on stdin), plus
 * whatever it needs on the host (a listener, a neighbour, a cgroup reading),
 * and a positive control wherever one makes sense, so that "blocked" means
 * blocked, not broken. escape.integration.test.ts asserts the hardened tier
 * blocks every one; scripts/escape-report.ts runs them in both tiers.
 *
 * Stages: `shared` attacks run from the attacker sandbox and cannot disturb
 * one another; `victim` attacks are destructive (disk, memory, pids, CPU) and
 * run last, in order, in a sandbox of their own with small limits; `host`
 * attacks run no sandbox code.
 */
export interface Attack {
  id: string;
  /** The route it tries, for people. */
  route: string;
  stage: 'shared' | 'victim' | 'host';
  run(lab: EscapeLab): Promise<Verdict>;
}

/** An attack script: the shared prelude, then files written by heredoc, then the script itself. */
export function script(name: string, files: Record<string, string> = {}): string {
  const parts = [load('prelude.sh'), load('net-lib.sh')];
  for (const [path, content] of Object.entries(files)) parts.push(`cat >'${path}' <<'DRYDOCK_FILE_END'\n${content}\nDRYDOCK_FILE_END`);
  parts.push(load(name));
  return parts.join('\n');
}

function load(name: string): string {
  return readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8');
}

/** Runs an attack; an exception is an inconclusive verdict with its message, never a pass. */
export async function runAttack(lab: EscapeLab, attack: Attack): Promise<Verdict> {
  try {
    return await attack.run(lab);
  } catch (error) {
    return { outcome: 'inconclusive', evidence: `the attack itself failed: ${(error as Error).stack ?? error}` };
  }
}

// ---------------------------------------------------------------- helpers

async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return await res.text();
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** Host values of files (sysctls, /sys knobs), to compare before and after an attack. */
function readValues(paths: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const p of paths) {
    try {
      values.set(p, readFileSync(p, 'utf8'));
    } catch {
      // not readable: nothing to compare
    }
  }
  return values;
}

/** Paths whose value changed; each is put back. */
function changedValues(before: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, value] of before) {
    let now: string;
    try {
      now = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    if (now !== value) {
      changed.push(`${path} changed on the host from ${JSON.stringify(value.trim())} to ${JSON.stringify(now.trim())}`);
      try {
        writeFileSync(path, bracketed(value));
      } catch {
        // could not restore; the evidence says what changed
      }
    }
  }
  return changed;
}

/** "always [madvise] never" → "madvise": the value a selection knob takes. */
function bracketed(value: string): string {
  return /\[([^\]]+)\]/.exec(value)?.[1] ?? value.trim();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The cgroup paths of a host process, per hierarchy ("pids" → "/docker/…"). */
function cgroupPaths(pid: number): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) paths.set(m[1]!, m[2]!);
  }
  return paths;
}

/** Host pids whose command line is exactly these words. */
function pidsWithCmdline(words: string[]): number[] {
  const wanted = `${words.join('\0')}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

function oomKills(lab: EscapeLab, sandbox: LabSandbox): number {
  const control = lab.cgroupFile(sandbox, 'memory.oom_control') ?? lab.cgroupFile(sandbox, 'memory.events') ?? '';
  return Number(/^oom_kill (\d+)/m.exec(control)?.[1] ?? 0);
}

function hostDmesg(): string {
  return spawnSync('dmesg', [], { encoding: 'utf8' }).stdout ?? '';
}

/** The keys line of a host uid in /proc/key-users ("1073741824: 5 5/5 5/20000 350/2000000"). */
function keyUsers(uid: number): string {
  const line = readFileSync('/proc/key-users', 'utf8').split('\n').find((l) => l.trim().startsWith(`${uid}:`));
  return line ? line.trim().replace(/\s+/g, ' ') : `no keys for uid ${uid}`;
}

const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

async function execScript(lab: EscapeLab, sandbox: LabSandbox, name: string, env: Record<string, string> = {}, timeoutMs = 90_000, files: Record<string, string> = {}): Promise<ExecResult> {
  return lab.exec(sandbox, script(name, files), { env, timeoutMs });
}

/** A sysctl attack: write each host-wide knob with its own value; the host checks none changed. */
function sysctlAttack(id: string, route: string, keys: string[], missing: string): Attack {
  return {
    id,
    route,
    stage: 'shared',
    async run(lab) {
      const present = keys.filter((k) => existsSync(`/proc/sys/${k}`));
      const before = readValues(present.map((k) => `/proc/sys/${k}`));
      const r = present.length > 0 ? await execScript(lab, lab.attacker, 'proc-sysctl.sh', { DRYDOCK_SYSCTLS: present.join(' ') }) : null;
      return judge(r, { escapes: changedValues(before), notApplicable: present.length === 0 ? missing : null });
    },
  };
}

/**
 * Host root owns every sandbox's user namespace, and the kernel charges what a
 * namespace's processes hold to its owner's per-user counts as well: a sandbox
 * takes all it can of one, and host root and a neighbour must still get one.
 */
function ucountAttack(what: 'inotify' | 'sigpending', id: string, route: string): Attack {
  return {
    id,
    route,
    stage: 'shared',
    async run(lab) {
      const probe = load('ucount-probe.pl');
      const fromHost = (): string => (spawnSync('perl', ['-e', probe, what], { encoding: 'utf8' }).stdout ?? '').trim();
      const fromNeighbour = async (): Promise<string> =>
        (await lab.exec(lab.neighbour, `cat >/root/drydock-probe.pl <<'DRYDOCK_FILE_END'\n${probe}\nDRYDOCK_FILE_END\nperl /root/drydock-probe.pl ${what}`, { timeoutMs: 30_000 })).stdout.trim();
      const before = { host: fromHost(), neighbour: await fromNeighbour() };
      const r = await execScript(lab, lab.attacker, 'ucount-hold.sh', { DRYDOCK_WHAT: what, DRYDOCK_SECONDS: '30' });
      const during = { host: fromHost(), neighbour: await fromNeighbour() };
      await lab.exec(lab.attacker, 'pkill -f drydock-holder; true', { timeoutMs: 10_000 });
      const held = dataValue(parseLines(r.stdout), 'HELD') ?? '?';
      const escapes: string[] = [];
      if (during.host !== 'ok') escapes.push(`while a sandbox held ${held}, host root could not get one: ${during.host}`);
      if (during.neighbour !== 'ok') escapes.push(`while a sandbox held ${held}, a neighbour sandbox could not get one: ${during.neighbour}`);
      return judge(r, {
        hostControls: [
          { name: 'host root gets one before', ok: before.host === 'ok', detail: before.host },
          { name: 'the neighbour gets one before', ok: before.neighbour === 'ok', detail: before.neighbour },
        ],
        escapes,
        blocked: [`the sandbox held ${held}; host root and a neighbour still got one`],
      });
    },
  };
}

/** The neighbour serves on 8088 (IPv4 and IPv6), once per lab; its own controls say it answers itself. */
const neighbourServing = new WeakMap<EscapeLab, Promise<{ v4: string; v6: string; controls: { name: string; ok: boolean; detail: string }[] }>>();
function neighbourService(lab: EscapeLab): Promise<{ v4: string; v6: string; controls: { name: string; ok: boolean; detail: string }[] }> {
  let serving = neighbourServing.get(lab);
  if (!serving) {
    serving = (async () => {
      const r = await execScript(lab, lab.neighbour, 'neighbour-serve.sh', { DRYDOCK_NONCE: lab.host.nonce });
      const lines = parseLines(r.stdout);
      const [v4 = '', v6 = ''] = (dataValue(lines, 'NEIGHBOUR') ?? '').split(' ');
      const controls = ['neighbour-v4', 'neighbour-v6'].map((name) => {
        const c = lines.controls.get(name);
        return { name: `${name} (the neighbour answers itself)`, ok: c?.ok === true, detail: c?.detail ?? r.stderr.slice(-200) };
      });
      return { v4, v6, controls };
    })();
    neighbourServing.set(lab, serving);
  }
  return serving;
}

/** Keystroke echo through a raw terminal: ms from writing one character to seeing it come back. */
async function echoOnce(stream: Duplex, ch: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const started = performance.now();
    const timer = setTimeout(() => done(5_000), 5_000);
    const onData = (chunk: Buffer): void => {
      if (chunk.toString('latin1').includes(ch)) done(performance.now() - started);
    };
    function done(ms: number): void {
      clearTimeout(timer);
      stream.off('data', onData);
      resolve(ms);
    }
    stream.on('data', onData);
    stream.write(ch);
  });
}

async function echoSeries(stream: Duplex, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    times.push(await echoOnce(stream, 'abcdefghijklmnopqrstuvwxyz'[i % 26]!));
    stream.write('\x15');
    await sleep(20);
  }
  return times;
}

/** Freezes or thaws every process of a sandbox from the host (cgroup freezer). */
function freeze(lab: EscapeLab, sandbox: LabSandbox, frozen: boolean): void {
  for (const folder of sandbox.cgroups) {
    if (existsSync(join(folder, 'freezer.state'))) writeFileSync(join(folder, 'freezer.state'), frozen ? 'FROZEN' : 'THAWED');
    else if (existsSync(join(folder, 'cgroup.freeze'))) writeFileSync(join(folder, 'cgroup.freeze'), frozen ? '1' : '0');
  }
}

function cpuUsageNs(lab: EscapeLab, sandbox: LabSandbox): number {
  const v1 = lab.cgroupFile(sandbox, 'cpuacct.usage');
  if (v1) return Number(v1);
  const v2 = /^usage_usec (\d+)/m.exec(lab.cgroupFile(sandbox, 'cpu.stat') ?? '');
  return v2 ? Number(v2[1]) * 1000 : NaN;
}

// ---------------------------------------------------------------- the attacks

export const ATTACKS: readonly Attack[] = [
  {
    id: 'open-by-handle',
    route: "open_by_handle_at (\"shocker\", in perl) from /var/lib/docker and Docker's bind-mounted files to the host's root filesystem and data folder",
    stage: 'shared',
    async run(lab) {
      const perl = load('open-by-handle.pl');
      // Control: the same program, as root on the host, opens the host's root and reads the data folder.
      const host = await run('perl', ['-e', perl, lab.host.dataDir, lab.host.dataDir]).then((r) => r.stdout, (e: Error) => e.message);
      const hostOk = host.includes(`read ${lab.host.dataDir}/cookie-secret`);
      const r = await execScript(lab, lab.attacker, 'open-by-handle.sh', { DRYDOCK_DATA_DIR: lab.host.dataDir }, 60_000, { '/root/drydock-obh.pl': perl });
      return judge(r, { controls: ['perl-syscall'], hostControls: [{ name: 'the program opens the host root as host root', ok: hostOk, detail: host.slice(0, 300) }], canaries: lab.host.canaries });
    },
  },
  {
    id: 'docker-socket',
    route: "the host's Docker and containerd sockets by any path: a search of every filesystem, /proc/*/root, /proc/*/fd, abstract sockets in /proc/net/unix, the host's socket paths",
    stage: 'shared',
    async run(lab) {
      const r = await execScript(lab, lab.attacker, 'docker-socket.sh', { DRYDOCK_HOST_SOCKETS: lab.host.sockets.map((s) => s.path).join(' ') }, 120_000);
      const lines = parseLines(r.stdout);
      const hostSockets = new Map(lab.host.sockets.map((s) => [s.devIno, s.path]));
      const hostEngines = new Map(lab.host.engines.map((e) => [e.id, e.socket]));
      const escapes: string[] = [];
      const found: string[] = [];
      for (const line of lines.data) {
        const socket = /^SOCKET: (\S+) (\d+:\d+)$/.exec(line);
        if (socket) {
          found.push(socket[1]!);
          if (hostSockets.has(socket[2]!)) escapes.push(`${socket[1]} in the sandbox is the host's ${hostSockets.get(socket[2]!)}`);
        }
        const engine = /^ENGINE: (\S+) (\S+)$/.exec(line);
        if (engine && hostEngines.has(engine[2]!)) escapes.push(`${engine[1]} answered as the host engine at ${hostEngines.get(engine[2]!)}`);
      }
      return judge(r, {
        controls: ['docker-api'],
        hostControls: [{ name: 'the host engines answer on their sockets', ok: lab.host.engines.length > 0 && lab.host.sockets.length > 0 }],
        escapes,
        blocked: [`none of the ${found.length} sockets it found (${found.slice(0, 6).join(', ')}${found.length > 6 ? ', …' : ''}) is a host engine's or answers as one`],
      });
    },
  },
  {
    id: 'data-folder',
    route: "the platform's data folder (cookie-secret, instructor-secret.hash, drydock.db) by its host path, /proc/*/root and cwd, and a search of every filesystem",
    stage: 'shared',
    async run(lab) {
      const r = await execScript(lab, lab.attacker, 'data-folder.sh', { DRYDOCK_DATA_DIR: lab.host.dataDir, DRYDOCK_DEFAULT_DATA_DIR: defaultDataDir() });
      const lines = parseLines(r.stdout);
      const escapes = lines.data.filter((l) => l.startsWith('READ: ') && (l.includes(lab.host.dataDir) || l.includes(defaultDataDir())));
      const hostOk = readFileSync(join(lab.host.dataDir, 'cookie-secret'), 'utf8').includes(lab.host.canaries[0]!.value);
      return judge(r, { controls: ['search'], hostControls: [{ name: 'the data folder holds the canaries', ok: hostOk }], escapes, canaries: lab.host.canaries });
    },
  },
  sysctlAttack('core-pattern', 'kernel.core_pattern (a pipe to a program the host runs as root on any crash), through /proc/sys, sysctl and a /proc of its own', ['kernel/core_pattern'], 'this kernel has no core_pattern'),
  sysctlAttack(
    'modprobe-path',
    'kernel.modprobe (the program the host runs to load a module), then a binary of unknown format to make the kernel run it',
    ['kernel/modprobe'],
    'this kernel loads no modules: it has no kernel.modprobe (and no /proc/modules) on the host',
  ),
  sysctlAttack(
    'host-sysctls',
    'other host-wide sysctls (panic, ASLR, kptr/dmesg restrictions, BPF and userfaultfd switches, key quotas, overcommit, file-max…) written back with their own value',
    [
      'kernel/panic', 'kernel/panic_on_oops', 'kernel/randomize_va_space', 'kernel/dmesg_restrict', 'kernel/kptr_restrict',
      'kernel/perf_event_paranoid', 'kernel/unprivileged_bpf_disabled', 'kernel/keys/maxkeys', 'kernel/keys/maxbytes', 'kernel/keys/root_maxkeys',
      'kernel/sched_rt_runtime_us', 'kernel/hung_task_timeout_secs', 'vm/overcommit_memory', 'vm/max_map_count', 'vm/min_free_kbytes', 'vm/swappiness',
      'vm/unprivileged_userfaultfd', 'fs/file-max', 'fs/protected_symlinks', 'fs/suid_dumpable', 'fs/inotify/max_user_instances', 'user/max_user_namespaces',
      // kernel.pid_max is not here: since Linux 6.14 each PID namespace has its own.
    ],
    'none of these sysctls exists on this host',
  ),
  {
    id: 'cgroup-release-agent',
    route: 'a freshly mounted cgroup v1 hierarchy (each controller, and none,name=x): write release_agent, trigger it with notify_on_release',
    stage: 'shared',
    async run(lab) {
      const hostHasAgents = readdirSync('/sys/fs/cgroup').some((d) => existsSync(join('/sys/fs/cgroup', d, 'release_agent')));
      const r = await execScript(lab, lab.attacker, 'release-agent.sh');
      return judge(r, { notApplicable: hostHasAgents ? null : 'this host has no cgroup v1 hierarchy, so no release_agent' });
    },
  },
  {
    id: 'sys-power-state',
    route: '/sys/power/state (suspends the host): as mounted, remounted read-write, a fresh sysfs, a sysfs of a new network namespace',
    stage: 'shared',
    async run(lab) {
      const r = await execScript(lab, lab.attacker, 'sys-power.sh');
      return judge(r, { notApplicable: existsSync('/sys/power/state') ? null : 'this host has no /sys/power/state' });
    },
  },
  {
    id: 'sysrq-trigger',
    route: '/proc/sysrq-trigger (reboot, crash, sync the host) and kernel.sysrq, also through a /proc of its own',
    stage: 'shared',
    async run(lab) {
      const r = await execScript(lab, lab.attacker, 'sysrq.sh');
      return judge(r, { notApplicable: existsSync('/proc/sysrq-trigger') ? null : 'this kernel has no magic SysRq: no /proc/sysrq-trigger on the host' });
    },
  },
  {
    id: 'kernel-log',
    route: "the host kernel's log: dmesg, syslog(2), /proc/kmsg, /dev/kmsg (mknod c 1 11), and writing into it",
    stage: 'shared',
    async run(lab) {
      const hostLog = hostDmesg();
      const r = await execScript(lab, lab.attacker, 'kernel-log.sh', { DRYDOCK_NONCE: lab.host.nonce });
      const injected = hostDmesg().includes(lab.host.nonce);
      return judge(r, {
        hostControls: [{ name: 'the host reads its kernel log', ok: hostLog.trim().length > 0 }],
        escapes: injected ? ["the nonce written from the sandbox is in the host's kernel log"] : [],
      });
    },
  },
  {
    id: 'cgroup-limits',
    route: 'raising its own pids.max, memory and CPU limits (v1 files, fresh v1 and v2 mounts) and moving itself into a parent cgroup',
    stage: 'shared',
    async run(lab) {
      const files = ['pids.max', 'memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'cpu.cfs_quota_us', 'memory.max', 'cpu.max'];
      const before = readValues(lab.attacker.cgroups.flatMap((d) => files.map((f) => join(d, f))).filter((p) => existsSync(p)));
      const sleepArg = `61.${Date.now() % 100000}`;
      const r = await execScript(lab, lab.attacker, 'cgroup-limits.sh', { DRYDOCK_SLEEP: sleepArg });
      const escapes = changedValues(before);
      const own = cgroupPaths(lab.attacker.pid);
      const sleepers = pidsWithCmdline(['sleep', sleepArg]);
      for (const pid of sleepers) {
        for (const [hierarchy, path] of cgroupPaths(pid)) {
          const root = own.get(hierarchy);
          if (root !== undefined && path !== root && !path.startsWith(`${root}/`)) escapes.push(`its process ${pid} moved to ${hierarchy}:${path}, outside the sandbox's ${root}`);
        }
        process.kill(pid, 'SIGKILL');
      }
      return judge(r, {
        hostControls: [
          { name: 'the host reads the sandbox limits', ok: before.size >= 2 },
          { name: 'the host finds the process it tried to move', ok: sleepers.length === 1, detail: `${sleepers.length} found` },
        ],
        escapes,
        blocked: [`the host reads the same ${before.size} limit files afterwards, and the process stayed in the sandbox's cgroups`],
      });
    },
  },
  {
    id: 'block-devices',
    route: "the host's disks: block devices in the sandbox, mknod b for each disk in /proc/partitions (in /dev and on its disk), /dev/mem, loop devices",
    stage: 'shared',
    async run(lab) {
      const disks = readFileSync('/proc/partitions', 'utf8').trim().split('\n').slice(2);
      const r = await execScript(lab, lab.attacker, 'block-devices.sh');
      return judge(r, { hostControls: [{ name: 'the host lists its disks', ok: disks.length > 0 }] });
    },
  },
  {
    id: 'kernel-modules',
    route: 'init_module, finit_module, delete_module (perl syscall, 64-bit and x32 ABIs) and modprobe',
    stage: 'shared',
    async run(lab) {
      const r = await execScript(lab, lab.attacker, 'kernel-modules.sh');
      const lines = parseLines(r.stdout);
      const modular = existsSync('/proc/modules');
      const onlyMissing = lines.escaped.length === 0 && lines.blocked.length === 0 && lines.notes.some((n) => /not in this kernel/.test(n));
      return judge(r, { notApplicable: onlyMissing ? `the calls reached a kernel without module loading (ENOSYS)${modular ? '' : '; the host has no /proc/modules'}` : null });
    },
  },
  {
    id: 'ptrace-host',
    route: 'host processes: a host marker process by command line, kill -0, nsenter, pidfd_open and PTRACE_ATTACH on host pids',
    stage: 'shared',
    async run(lab) {
      const marker = lab.host.marker;
      const dockerds = ['/run/drydock-engine/dockerd.pid', '/var/run/docker.pid'].filter((p) => existsSync(p)).map((p) => readFileSync(p, 'utf8').trim());
      const pids = [String(marker.pid), String(process.pid), ...dockerds].join(' ');
      const r = await execScript(lab, lab.attacker, 'ptrace-host.sh', { DRYDOCK_MARKER: marker.arg, DRYDOCK_MARKER_PID: String(marker.pid), DRYDOCK_HOST_PIDS: pids });
      const status = existsSync(`/proc/${marker.pid}/status`) ? readFileSync(`/proc/${marker.pid}/status`, 'utf8') : '';
      const escapes: string[] = [];
      if (!alive(marker.pid)) escapes.push('the host marker process is gone');
      if (!/^TracerPid:\s+0$/m.test(status)) escapes.push(`the host marker is being traced: ${/^TracerPid:.*$/m.exec(status)?.[0]}`);
      return judge(r, {
        controls: ['ptrace'],
        hostControls: [{ name: 'the host sees its marker', ok: readFileSync(`/proc/${marker.pid}/cmdline`, 'utf8').includes(marker.arg) }],
        escapes,
      });
    },
  },
  {
    id: 'host-ports-ipv4',
    route: "the host's services over IPv4: every host address, the network's gateway and default route, directly and on-link (ARP on its own bridge), plus common ports",
    stage: 'shared',
    async run(lab) {
      const { port, nonce, ipv4 } = lab.host;
      const hostControls = await Promise.all(ipv4.map(async (ip) => ({ name: `the host answers itself at ${ip}:${port}`, ok: (await fetchText(`http://${ip}:${port}/`)) === nonce })));
      const r = await execScript(lab, lab.attacker, 'host-ports-ipv4.sh', {
        DRYDOCK_HOST_IPV4: ipv4.join(' '),
        DRYDOCK_GATEWAY: lab.attacker.gateway,
        DRYDOCK_PORT: String(port),
        DRYDOCK_NONCE: nonce,
      });
      return judge(r, { hostControls });
    },
  },
  {
    id: 'ipv6-host',
    route: "IPv6 switched on in the sandbox (sysctl disable_ipv6=0), then the host's [::] service at every host IPv6 address (global, link-local) and at whatever answers ff02::1",
    stage: 'shared',
    async run(lab) {
      const { port, nonce, ipv6 } = lab.host;
      const reachable = ipv6.filter((a) => !a.address.startsWith('fe80:'));
      const hostControls = await Promise.all(reachable.map(async (a) => ({ name: `the host answers itself at [${a.address}]:${port}`, ok: (await fetchText(`http://[${a.address}]:${port}/`)) === nonce })));
      const r = await execScript(lab, lab.attacker, 'ipv6-host.sh', { DRYDOCK_HOST_IPV6: [...new Set(ipv6.map((a) => a.address))].join(' '), DRYDOCK_PORT: String(port), DRYDOCK_NONCE: nonce });
      return judge(r, { controls: ['ipv6-on'], hostControls: hostControls.length > 0 ? hostControls : [{ name: 'the host has an IPv6 address', ok: false }] });
    },
  },
  {
    id: 'neighbour-ipv4',
    route: "another learner's sandbox over IPv4: directly, on-link, and through the host as a router",
    stage: 'shared',
    async run(lab) {
      const n = await neighbourService(lab);
      const r = await execScript(lab, lab.attacker, 'neighbour-ipv4.sh', { DRYDOCK_NEIGHBOUR_V4: n.v4, DRYDOCK_HOST_IPV4: lab.host.ipv4.join(' '), DRYDOCK_NONCE: lab.host.nonce });
      return judge(r, { hostControls: n.controls.filter((c) => c.name.startsWith('neighbour-v4')) });
    },
  },
  {
    id: 'neighbour-ipv6',
    route: "another learner's sandbox over IPv6 (both switched on): its link-local address and every ff02::1 responder",
    stage: 'shared',
    async run(lab) {
      const n = await neighbourService(lab);
      const r = await execScript(lab, lab.attacker, 'neighbour-ipv6.sh', { DRYDOCK_NEIGHBOUR_V6: n.v6, DRYDOCK_NONCE: lab.host.nonce });
      return judge(r, { controls: ['ipv6-on'], hostControls: n.controls.filter((c) => c.name.startsWith('neighbour-v6')) });
    },
  },
  {
    id: 'metadata-service',
    route: 'a cloud metadata service at 169.254.169.254:80 (the host stands one up), directly and on-link',
    stage: 'shared',
    async run(lab) {
      const hostOk = lab.host.metadata.ok && (await fetchText('http://169.254.169.254/')) === lab.host.nonce;
      const r = await execScript(lab, lab.attacker, 'metadata.sh', { DRYDOCK_NONCE: lab.host.nonce });
      return judge(r, { hostControls: [{ name: 'the host answers itself at 169.254.169.254:80', ok: hostOk, detail: lab.host.metadata.ok ? '' : lab.host.metadata.reason }] });
    },
  },
  {
    id: 'sys-knobs',
    route: "host-wide /sys knobs (transparent hugepages, KSM, a CPU's online switch, the disk's queue, printk, its own host bridge's settings) written back with their own value, as mounted, remounted rw, and in a fresh sysfs",
    stage: 'shared',
    async run(lab) {
      const disk = readFileSync('/proc/partitions', 'utf8').trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/)[3] ?? '').find((d) => !/^(loop|ram|zram)/.test(d)) ?? 'vda';
      const bridge = lab.attacker.bridge;
      const knobs = [
        'kernel/mm/transparent_hugepage/enabled', 'kernel/mm/transparent_hugepage/defrag', 'kernel/mm/ksm/run', 'kernel/mm/ksm/pages_to_scan',
        'devices/system/cpu/cpu1/online', `block/${disk}/queue/read_ahead_kb`, `block/${disk}/queue/scheduler`, 'module/printk/parameters/time',
        'kernel/uevent_helper', `class/net/${bridge}/mtu`, `class/net/${bridge}/bridge/multicast_snooping`, `devices/virtual/net/${bridge}/mtu`,
      ].filter((k) => existsSync(`/sys/${k}`));
      const before = readValues(knobs.map((k) => `/sys/${k}`));
      const r = await execScript(lab, lab.attacker, 'sys-knobs.sh', { DRYDOCK_SYS_KNOBS: knobs.join(' ') });
      return judge(r, { hostControls: [{ name: 'the host has such knobs', ok: knobs.length >= 3, detail: knobs.join(' ') }], escapes: changedValues(before) });
    },
  },
  {
    id: 'masked-proc',
    route: "what Docker's masked paths hide (/proc/kcore, timer_list, sched_debug, /sys/firmware…): unmount the masks, or mount a /proc of its own",
    stage: 'shared',
    async run(lab) {
      const r = await execScript(lab, lab.attacker, 'masked-proc.sh');
      const escapes: string[] = [];
      const open: string[] = [];
      for (const line of parseLines(r.stdout).data) {
        const m = /^READ: (\S+) (\S+) ?(.*)$/.exec(line);
        if (!m) continue;
        const [, how, path = '', start] = m;
        // Readable by any user on the host too: the mask hid nothing secret.
        if (existsSync(path) && (statSync(path).mode & 0o004) !== 0) open.push(path);
        else escapes.push(`${how}: read ${path}, which ordinary host users cannot: ${start}`);
      }
      const publicFiles = open.length ? [`(${[...new Set(open)].length} files read there are readable by any host user: ${[...new Set(open)].slice(0, 3).join(', ')}…)`] : [];
      return judge(r, { escapes, blocked: publicFiles });
    },
  },
  {
    id: 'syscall-surface',
    route: 'kernel surface the seccomp profile refuses: bpf, userfaultfd, io_uring, perf_event_open, fanotify, keyrings, kexec, swapon, acct, iopl/ioperm, file handles (64-bit and x32)',
    stage: 'shared',
    async run(lab) {
      return judge(await execScript(lab, lab.attacker, 'syscall-surface.sh'));
    },
  },
  {
    id: 'host-clock',
    route: "the host's clock: settimeofday (a pure permission probe) and the hardware clock",
    stage: 'shared',
    async run(lab) {
      return judge(await execScript(lab, lab.attacker, 'host-clock.sh'));
    },
  },
  {
    id: 'nested-userns',
    route: 'an unprivileged user namespace inside the sandbox (all capabilities over new namespaces), and from it core_pattern, a new cgroup hierarchy, a sysfs, mknod, the data folder',
    stage: 'shared',
    async run(lab) {
      const before = readValues(['/proc/sys/kernel/core_pattern']);
      const r = await execScript(lab, lab.attacker, 'nested-userns.sh', { DRYDOCK_DATA_DIR: lab.host.dataDir });
      return judge(r, { escapes: changedValues(before), canaries: lab.host.canaries });
    },
  },
  {
    id: 'keyring-quota',
    route: "the kernel's per-uid key quota, shared by every sandbox's root: 250 held session keyrings, then a neighbour's `docker run` (runc makes a keyring per container)",
    stage: 'shared',
    async run(lab) {
      const dockerRun = async (): Promise<ExecResult> => lab.exec(lab.neighbour, 'docker run --rm busybox true 2>&1', { timeoutMs: 60_000 });
      const first = await dockerRun();
      const uid = lab.host.remap?.uid ?? 0;
      const r = await execScript(lab, lab.attacker, 'keyring-quota.sh', { DRYDOCK_SECONDS: '60' });
      const held = keyUsers(uid);
      const second = await dockerRun();
      await lab.exec(lab.attacker, 'pkill -f drydock-keyholder; true', { timeoutMs: 10_000 });
      const escapes = second.exitCode === 0 ? [] : [`with the attacker's keyrings held (${held}), the neighbour's docker run failed: ${second.stdout.trim().slice(-200)}`];
      return judge(r, {
        hostControls: [{ name: "the neighbour's docker run works before", ok: first.exitCode === 0, detail: first.stdout.slice(-200) }],
        escapes,
        blocked: [`the neighbour's docker run still works (host uid ${uid} keys: ${held})`],
      });
    },
  },
  ucountAttack(
    'inotify',
    'shared-inotify',
    "inotify instances: host root's per-user count (fs.inotify.max_user_instances) also counts every sandbox's, so one sandbox takes them all from host root and the other sandboxes",
  ),
  ucountAttack(
    'sigpending',
    'shared-sigpending',
    "queued real-time signals: host root's RLIMIT_SIGPENDING count also counts every sandbox's (sigqueue, POSIX timers), so one sandbox takes them all",
  ),
  {
    id: 'runc-exe',
    route: "the host's runc while it enters the sandbox for `docker exec`: its binary through /proc/PID/exe (CVE-2019-5736), its descriptors and cwd (CVE-2024-21626)",
    stage: 'shared',
    async run(lab) {
      const watching = execScript(lab, lab.attacker, 'runc-exe.sh', { DRYDOCK_SECONDS: '6' });
      await sleep(800);
      for (let i = 0; i < 8; i++) {
        await lab.driver.exec(lab.attacker.id, ['true'], { timeoutMs: 10_000 }).catch(() => undefined);
        await sleep(200);
      }
      return judge(await watching, { controls: ['saw-runc'] });
    },
  },
  {
    id: 'remapped-uid-secrets',
    route: "the platform's secrets as the host ids sandboxes map to: the data folder and each file in it, Drydock's engine folders and socket, the sandbox disks (setpriv on the host)",
    stage: 'host',
    async run(lab) {
      const remap = lab.host.remap;
      if (!remap) return { outcome: 'escaped', evidence: "no user namespace: a sandbox's root is host uid 0, which reads the data folder as the platform does" };
      const asRemapped = (args: string[]): { ok: boolean; out: string } => {
        const r = spawnSync('setpriv', [`--reuid=${remap.uid}`, `--regid=${remap.gid}`, '--clear-groups', ...args], { encoding: 'utf8', timeout: 10_000 });
        return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
      };
      // Control: as that uid, a world-readable file in a world-readable folder reads fine.
      const open = mkdtempSync(join(tmpdir(), 'drydock-escape-open-'));
      chmodSync(open, 0o755);
      writeFileSync(join(open, 'readable'), 'readable\n', { mode: 0o644 });
      const control = asRemapped(['cat', join(open, 'readable')]);
      const who = asRemapped(['id', '-u']);
      rmSync(open, { recursive: true, force: true });
      const escapes: string[] = [];
      const blocked: string[] = [];
      const data = lab.host.dataDir;
      const targets = [
        ...['cookie-secret', 'server-id', 'instructor-secret.hash', 'drydock.db'].map((f) => ['cat', join(data, f)]),
        ['ls', data],
        ['ls', '/var/lib/drydock-disks'],
        ['ls', '/run/drydock-engine'],
        ['ls', '/var/lib/drydock-engine'],
        ['curl', '-s', '-m', '2', '--unix-socket', '/run/drydock-engine/docker.sock', 'http://docker/_ping'],
        ['curl', '-s', '-m', '2', '--unix-socket', '/var/run/docker.sock', 'http://docker/_ping'],
      ];
      if (existsSync(defaultDataDir())) targets.push(['ls', defaultDataDir()]);
      for (const args of targets) {
        const r = asRemapped(args);
        const what = args.slice(args[0] === 'curl' ? 5 : 1).join(' ');
        if (r.ok && !(args[0] === 'curl' && r.out === '')) escapes.push(`uid ${remap.uid}: ${args[0]} ${what} → ${r.out.slice(0, 80)}`);
        else blocked.push(`${args[0]} ${what}: ${r.out.split('\n')[0]?.replace(/^.*: /, '') || 'refused'}`);
      }
      const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);
      blocked.push(`data folder mode ${mode(data)}, cookie-secret ${mode(join(data, 'cookie-secret'))}`);
      const verdict = judge(null, {
        hostControls: [
          { name: `as uid ${remap.uid} a world-readable file reads`, ok: control.ok && control.out === 'readable', detail: control.out },
          { name: 'setpriv switches to the remapped uid', ok: who.out === String(remap.uid), detail: who.out },
        ],
        escapes,
        blocked,
      });
      return verdict;
    },
  },

  // ------------------------------------------------ destructive: the victim sandbox, in this order
  {
    id: 'cpu-hog',
    route: "a CPU hog (busy loops in the sandbox, and an inner container asking for more CPUs than the sandbox has) while a neighbour's keystroke echo through its terminal is timed",
    stage: 'victim',
    async run(lab) {
      const stream = await lab.attach(lab.neighbour);
      try {
        stream.write('\x15');
        await echoSeries(stream, 5); // warm up
        const hog = await execScript(lab, lab.victim, 'cpu-hog.sh', { DRYDOCK_SECONDS: '60', DRYDOCK_CPUS: String(lab.victim.limits.cpus) }, 60_000);
        // The inner container's start (layers onto the sandbox's disk, its network) is over before timing starts.
        await sleep(3_000);
        // Idle and loaded phases alternate (the host freezes and thaws the hog's sandbox),
        // so that the machine's other load falls on both alike.
        const idle: number[] = [];
        const loaded: number[] = [];
        let usedNs = 0;
        let loadedMs = 0;
        for (let round = 0; round < 5; round++) {
          freeze(lab, lab.victim, true);
          await sleep(300);
          idle.push(...(await echoSeries(stream, 10)));
          freeze(lab, lab.victim, false);
          await sleep(300);
          const u0 = cpuUsageNs(lab, lab.victim);
          const t0 = performance.now();
          loaded.push(...(await echoSeries(stream, 10)));
          await sleep(Math.max(0, 700 - (performance.now() - t0)));
          usedNs += cpuUsageNs(lab, lab.victim) - u0;
          loadedMs += performance.now() - t0;
        }
        freeze(lab, lab.victim, false);
        await lab.exec(lab.victim, "pkill -f 'while :' ; docker ps -q | xargs -r docker kill >/dev/null 2>&1; true", { timeoutMs: 30_000 });
        const idleMedian = median(idle);
        const busyMedian = median(loaded);
        const cpus = usedNs / 1e6 / loadedMs;
        const limit = lab.victim.limits.cpus;
        const evidence = `neighbour's echo: median ${idleMedian.toFixed(2)} ms with the hog frozen, ${busyMedian.toFixed(2)} ms with it running (${(busyMedian / idleMedian).toFixed(2)}×, ${idle.length}+${loaded.length} keystrokes); the hog used ${cpus.toFixed(2)} CPUs of its ${limit}`;
        const escapes: string[] = [];
        if (busyMedian > 2 * idleMedian) escapes.push(`the hog slowed a neighbour's terminal more than 2×: ${evidence}`);
        if (cpus > limit * 1.15) escapes.push(`the hog used more than its CPU limit: ${evidence}`);
        return judge(hog, {
          hostControls: [{ name: 'the hog ran', ok: cpus > limit * 0.2, detail: evidence }],
          escapes,
          blocked: [evidence],
        });
      } finally {
        freeze(lab, lab.victim, false);
        stream.destroy();
      }
    },
  },
  {
    id: 'disk-fill',
    route: "filling its disk (up to twice its quota), fallocate of twice its quota, the inner engine's /var/lib/docker; then a neighbour writes, and the sandbox works again after deleting the file",
    stage: 'victim',
    async run(lab) {
      const quota = lab.victim.diskMB ?? 300;
      const hostFs = lab.victim.diskImage ? '/var/lib/drydock-disks' : '/var/lib/docker';
      const free = (): number => (existsSync(hostFs) ? Number(statfsSync(hostFs).bavail) * Number(statfsSync(hostFs).bsize) : NaN);
      const before = free();
      const r = await execScript(lab, lab.victim, 'disk-fill.sh', { DRYDOCK_DISK_MB: String(quota) }, 180_000);
      const drop = before - free();
      const escapes: string[] = [];
      const notes: string[] = [`host free space on ${hostFs}'s filesystem dropped by ${mib(drop)} while it filled`];
      if (lab.victim.diskImage && existsSync(lab.victim.diskImage)) {
        const used = statSync(lab.victim.diskImage).blocks * 512;
        notes.push(`its disk image holds ${mib(used)} of host disk`);
        if (used > quota * 1024 * 1024 + 1024 * 1024) escapes.push(`its disk image holds ${mib(used)} of host disk, past the ${quota} MiB quota`);
      }
      const neighbour = await lab.exec(lab.neighbour, 'dd if=/dev/zero of=/root/drydock-n bs=1M count=20 2>&1 && rm -f /root/drydock-n', { timeoutMs: 60_000 });
      if (neighbour.exitCode !== 0) escapes.push(`a neighbour could not write while the victim's disk was full: ${neighbour.stdout.slice(-200)}`);
      const after = parseLines((await execScript(lab, lab.victim, 'disk-fill-after.sh', {}, 60_000)).stdout);
      for (const name of ['write-after', 'engine-after']) {
        const c = after.controls.get(name);
        if (!c?.ok) escapes.push(`after deleting the file, ${name} failed: ${c?.detail ?? 'no answer'}`);
      }
      const filled = dataValue(parseLines(r.stdout), 'FILLED_MB') ?? '?';
      return judge(r, {
        escapes,
        blocked: [`its disk stopped it at ${filled} MiB of a ${quota} MiB quota (ENOSPC), a neighbour wrote 20 MiB meanwhile, and after deleting the file it writes and its engine answers`, ...notes],
      });
    },
  },
  {
    id: 'memory-hog',
    route: 'allocating and touching 2 GiB in one process: the OOM killer must act inside the sandbox only, and the sandbox, its neighbour and the host live on',
    stage: 'victim',
    async run(lab) {
      const victimBefore = oomKills(lab, lab.victim);
      const neighbourBefore = oomKills(lab, lab.neighbour);
      const r = await execScript(lab, lab.victim, 'memory-hog.sh', {}, 120_000);
      const escapes: string[] = [];
      if (!(await lab.answers(lab.victim)) || !(await lab.running(lab.victim))) escapes.push('the sandbox did not survive its own OOM');
      if (oomKills(lab, lab.neighbour) !== neighbourBefore) escapes.push("the neighbour's processes were OOM-killed");
      if (!alive(lab.host.marker.pid)) escapes.push('a host process died');
      if (!(await lab.answers(lab.neighbour, 5_000))) escapes.push('the neighbour stopped answering');
      const peak = Number(lab.cgroupFile(lab.victim, 'memory.max_usage_in_bytes') ?? lab.cgroupFile(lab.victim, 'memory.peak') ?? 0);
      if (peak > lab.victim.limits.memoryBytes) escapes.push(`the sandbox's memory peaked at ${mib(peak)}, past its ${mib(lab.victim.limits.memoryBytes)} limit`);
      const kills = oomKills(lab, lab.victim) - victimBefore;
      return judge(r, {
        hostControls: [{ name: "the sandbox's own OOM killer acted", ok: kills > 0, detail: `${kills} OOM kills` }],
        escapes,
        blocked: [`the hog was OOM-killed inside the sandbox (${kills} kill${kills === 1 ? '' : 's'}, ${dataValue(parseLines(r.stdout), 'EXIT') ?? '?'}), peak ${mib(peak)} of ${mib(lab.victim.limits.memoryBytes)}; the sandbox, its neighbour and the host live on`],
      });
    },
  },
  {
    id: 'fork-bomb',
    route: 'a fork bomb (every process forks for 6 s): the pids limit holds it, the host forks meanwhile, a neighbour answers, and the sandbox recovers',
    stage: 'victim',
    async run(lab) {
      const maxBefore = Number(/^max (\d+)/m.exec(lab.cgroupFile(lab.victim, 'pids.events') ?? '')?.[1] ?? 0);
      const bomb = execScript(lab, lab.victim, 'fork-bomb.sh', { DRYDOCK_SECONDS: '6' }, 90_000);
      await sleep(3_000);
      const hostForks = [0, 1, 2].map(() => spawnSync('true').status === 0).every(Boolean);
      const neighbour = await lab.answers(lab.neighbour, 10_000);
      const r = await bomb;
      const escapes: string[] = [];
      if (!hostForks) escapes.push('the host could not fork during the bomb');
      if (!neighbour) escapes.push('the neighbour did not answer during the bomb');
      if (!(await lab.answers(lab.victim, 40_000))) escapes.push('the sandbox did not recover after the bomb');
      const max = Number(lab.cgroupFile(lab.victim, 'pids.max'));
      const peak = Number(lab.cgroupFile(lab.victim, 'pids.peak') ?? NaN);
      if (peak > max) escapes.push(`the sandbox peaked at ${peak} processes, past its pids.max ${max}`);
      const refused = Number(/^max (\d+)/m.exec(lab.cgroupFile(lab.victim, 'pids.events') ?? '')?.[1] ?? 0) - maxBefore;
      return judge(r, {
        hostControls: [{ name: 'the bomb reached the pids limit', ok: refused > 0, detail: `${refused} forks refused` }],
        escapes,
        blocked: [`the kernel refused ${refused} forks at pids.max ${max}${Number.isFinite(peak) ? ` (peak ${peak})` : ''}; the host forked and the neighbour answered meanwhile; the sandbox recovered`],
      });
    },
  },
  {
    id: 'tmpfs-fill',
    route: 'filling /tmp, /run and /dev/shm (memory-backed) with up to twice its memory: bounded by their size or the memory limit, and the sandbox survives',
    stage: 'victim',
    async run(lab) {
      const memoryMB = Math.round(lab.victim.limits.memoryBytes / 1024 / 1024);
      const escapes: string[] = [];
      const blocked: string[] = [];
      let last: ExecResult | null = null;
      for (const dir of ['/tmp', '/run', '/dev/shm']) {
        const r = await execScript(lab, lab.victim, 'tmpfs-fill.sh', { DRYDOCK_TMPFS: dir, DRYDOCK_MEMORY_MB: String(memoryMB) }, 120_000).catch((e: Error) => ({ exitCode: null, stdout: '', stderr: e.message, timedOut: false, durationMs: 0 }));
        last = r;
        const lines = parseLines(r.stdout);
        const filled = Number(dataValue(lines, 'FILLED_MB') ?? NaN);
        if (filled > memoryMB + 64) escapes.push(`${dir} took ${filled} MiB, past the ${memoryMB} MiB memory limit`);
        if (!(await lab.answers(lab.victim, 20_000)) || !(await lab.running(lab.victim))) {
          escapes.push(`filling ${dir} (${Number.isFinite(filled) ? `${filled} MiB` : 'no report'}) took the sandbox down: ${[...lines.blocked, ...lines.notes].join('; ') || r.stderr.slice(-200)}`);
          break;
        }
        blocked.push(...(lines.blocked.length ? lines.blocked : lines.notes.filter((n) => n.startsWith('dd'))));
      }
      const peak = Number(lab.cgroupFile(lab.victim, 'memory.max_usage_in_bytes') ?? lab.cgroupFile(lab.victim, 'memory.peak') ?? 0);
      if (peak > lab.victim.limits.memoryBytes) escapes.push(`the sandbox's memory peaked at ${mib(peak)}, past its limit`);
      return judge(last, { escapes, blocked: [...blocked, `memory peak ${mib(peak)} of ${mib(lab.victim.limits.memoryBytes)}; the sandbox answers afterwards`] });
    },
  },
];

/** The attacks in the order they must run: host and shared ones first, then the victim's in their order. */
export function attacksInOrder(attacks: readonly Attack[] = ATTACKS): Attack[] {
  const rank = { host: 0, shared: 1, victim: 2 } as const;
  return [...attacks].sort((a, b) => rank[a.stage] - rank[b.stage]);
}
