import Docker from 'dockerode';
import { PlatformProcess } from '../bench/platform-process';
import { LoadLearner } from '../load/load-learner';
import { footprint, footprintDifferences, type Footprint } from './host-footprint';
import { memoryDrift, type MemoryDrift } from './memory-drift';

/**
 * A soak run: learners arrive, work and leave for a while on one server,
 * then everything they made must be gone and the server's memory must have
 * stayed where it settled. What a visit does: a prompt (warm or cold), an
 * echo, an inner `docker run`, a file and a volume, one graded check, at
 * least 10 s in all; then it leaves, half of the visits with Reset, half by closing the tab (their
 * sandboxes go by the idle timeout, shortened here to 30 s).
 */
export interface SoakOptions {
  minutes: number;
  /** Visits under way at once. */
  concurrent: number;
  root: string;
  image: string;
  log(message: string): void;
}

export interface SoakReport {
  visits: number;
  /** Visits that failed, with why (a failed visit is a finding, not noise). */
  failures: string[];
  baseline: Footprint;
  after: Footprint;
  /** Where after differs from baseline (must be empty). */
  leftovers: string[];
  /** Server RSS, MiB: where it settled (a third into the run), the highest after that, and at the end (after the drain). */
  rss: { samples: number[]; endMiB: number } & MemoryDrift;
  /** V8 heap used + external (Buffers), MiB, sampled with each RSS sample: tells a JS leak from native memory. */
  heap: { samples: number[] } & MemoryDrift;
  /** How long the site took to give everything back after the last visit. */
  drainSeconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;
const DRAIN_TIMEOUT_MS = 5 * 60_000;
/**
 * A visit lasts at least this long: the learner reads the lesson between
 * commands. Without it a warm sandbox makes a visit take under half a
 * second, and two workers leave a closed tab's sandbox every second or so,
 * which the per-address cap (rightly) refuses long before the idle timeout
 * frees any: that measures the cap, not leaks.
 */
const VISIT_MIN_MS = 10_000;

async function visit(url: string, n: number): Promise<void> {
  const arrived = Date.now();
  const learner = await LoadLearner.arrive(url, n);
  try {
    await learner.answers(30_000);
    await learner.run('docker run --rm busybox echo hi-$((1+1))', /hi-2/, 60_000);
    await learner.run('echo work > /root/notes && docker volume create data >/dev/null && echo vol-$((2+2))', /vol-4/, 30_000);
    const check = await fetch(`${url}/api/lessons/containers-101/exercises/exit-three/check`, { method: 'POST', headers: { cookie: learner.cookie, origin: url } });
    if (check.status !== 200) throw new Error(`the check answered HTTP ${check.status}: ${await check.text()}`);
    if (learner.dropped) throw new Error(`the socket dropped: ${learner.dropped}`);
    if (learner.foreign.size > 0) throw new Error(`saw other learners' output: ${[...learner.foreign].join(', ')}`);
    await sleep(arrived + VISIT_MIN_MS - Date.now());
    if (n % 2 === 0) learner.link.reset();
  } finally {
    await learner.leave();
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { log } = options;
  const server = await PlatformProcess.start({
    root: options.root,
    image: options.image,
    env: {
      ...process.env,
      // Left sandboxes go 30-45 s after their learner (the sweep runs every 15 s).
      DRYDOCK_IDLE_MINUTES: '0.5',
      // Removed, not parked: the soak compares the end with the start (parking is measured by the bench's environments section).
      DRYDOCK_KEEP_DAYS: '0',
      // The self-paced pool follows arrivals over the last minute and empties after them, so the end can be compared with the start.
      DRYDOCK_SELF_PACED_WARM_MIN: '0',
      DRYDOCK_SELF_PACED_WARM_WINDOW_MINUTES: '1',
      DRYDOCK_SANDBOXES_PER_ADDRESS: String(options.concurrent * 4 + 8),
      DRYDOCK_SOCKET_JOINS_PER_MINUTE: '6000',
      DRYDOCK_BENCH_SERVER_NODE_ARGS: '--expose-gc',
    },
  });
  const docker = new Docker();
  try {
    await sleep(2000);
    const baseline = await footprint(docker, server.serverId, server.pid);
    log(`baseline: ${JSON.stringify(baseline)}`);
    const rss: number[] = [];
    const heap: number[] = [];
    const started = Date.now();
    const deadline = started + options.minutes * 60_000;
    let visits = 0;
    const failures: string[] = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        const memory = await server.memory();
        rss.push(memory.rss / MiB);
        heap.push((memory.heapUsed + memory.external) / MiB);
        await sleep(10_000);
      }
    })();
    await Promise.all(
      Array.from({ length: options.concurrent }, async () => {
        while (Date.now() < deadline) {
          const n = visits++;
          await visit(server.url, n).catch((error: Error) => failures.push(`visit ${n}: ${error.message}`));
          if (n % 10 === 9) log(`${n + 1} visits, ${failures.length} failed, ${Math.round((deadline - Date.now()) / 1000)} s to go`);
        }
      }),
    );
    running = false;
    await sampling;
    log(`${visits} visits done; waiting for the site to give everything back…`);
    const drainStart = Date.now();
    let after = await footprint(docker, server.serverId, server.pid);
    while (footprintDifferences(baseline, after).length > 0 && Date.now() - drainStart < DRAIN_TIMEOUT_MS) {
      await sleep(5000);
      after = await footprint(docker, server.serverId, server.pid);
    }
    const endMiB = (await server.rssBytes()) / MiB;
    return {
      visits,
      failures,
      baseline,
      after,
      leftovers: footprintDifferences(baseline, after),
      rss: { samples: rss, endMiB, ...memoryDrift(rss) },
      heap: { samples: heap, ...memoryDrift(heap) },
      drainSeconds: (Date.now() - drainStart) / 1000,
    };
  } finally {
    await server.stop(log);
  }
}

/** The report as text, and whether the run held (no failed visit, nothing left over, RSS and JS heap within 10 % of where they settled; memory-drift.ts). */
export function describeSoak(report: SoakReport, minutes: number): { text: string; held: boolean } {
  const { rss, heap } = report;
  const held = report.failures.length === 0 && report.leftovers.length === 0 && rss.drift <= 0.1 && heap.drift <= 0.1;
  const pct = (drift: number): string => `${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(1)} %`;
  const text = [
    '',
    `Drydock soak: ${minutes} min, ${report.visits} visits, ${report.failures.length} failed`,
    ...report.failures.slice(0, 10).map((f) => `  ${f}`),
    `leftovers after ${report.drainSeconds.toFixed(0)} s: ${report.leftovers.length === 0 ? 'none (containers, networks, volumes, disks, loop devices, cgroups and server fds back to the baseline)' : report.leftovers.join(', ')}`,
    `  baseline ${JSON.stringify(report.baseline)}`,
    `  after    ${JSON.stringify(report.after)}`,
    `server RSS: settled at ${rss.settled.toFixed(1)} MiB (median of the minute after the first third); highest one-minute median after that ${rss.highestMinute.toFixed(1)} MiB (${pct(rss.drift)}); highest single sample ${rss.highestSample.toFixed(1)} MiB (${pct(rss.highestSample / rss.settled - 1)}); ${rss.endMiB.toFixed(1)} MiB at the end`,
    `JS heap + Buffers: settled at ${heap.settled.toFixed(1)} MiB; highest one-minute median after that ${heap.highestMinute.toFixed(1)} MiB (${pct(heap.drift)})`,
    `  RSS every 10 s (after a full GC): ${rss.samples.map((s) => s.toFixed(0)).join(' ')}`,
    `  of which JS heap + Buffers:       ${heap.samples.map((s) => s.toFixed(0)).join(' ')}`,
    '',
  ].join('\n');
  return { text, held };
}
