import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { judge, parseLines } from './judge';
import { defaultDataDir } from './lab';
import { alive, cgroupPaths, changedValues, execScript, hostDmesg, load, pidsWithCmdline, readValues, run, sysctlAttack, type Attack } from './attack-kit';

/** Routes out through host files, devices, the Docker socket and process confinement. */
export const CONFINEMENT_ATTACKS: readonly Attack[] = [
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
];
