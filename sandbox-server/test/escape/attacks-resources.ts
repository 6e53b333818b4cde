import { spawnSync } from 'node:child_process';
import { existsSync, statSync, statfsSync } from 'node:fs';
import { type ExecResult } from '../../src/engine/driver';
import { dataValue, judge, parseLines } from './judge';
import { median, sleep } from './lab';
import { alive, cpuUsageNs, echoSeries, execScript, freeze, mib, oomKills, type Attack } from './attack-kit';

/** Destructive attacks on a victim sandbox of its own (CPU, disk, memory, pids, tmpfs), run last and in this order. */
export const RESOURCES_ATTACKS: readonly Attack[] = [
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
