import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExecResult } from '../../src/engine/driver';
import { judge, parseLines } from './judge';
import { defaultDataDir, sleep } from './lab';
import { changedValues, execScript, keyUsers, readValues, ucountAttack, type Attack } from './attack-kit';

/** Routes through the kernel: its knobs, masked /proc files, syscalls, user namespaces, keyrings and runc. */
export const KERNEL_ATTACKS: readonly Attack[] = [
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

];
