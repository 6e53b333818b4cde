/**
 * `npm run load [-- --quick]` (`--help` for the flags): a whole public site's
 * worth of learners on one Drydock server, measured. Not a test: it prints
 * figures, each beside its baseline from the same run.
 *
 *   1. ramp-up       `--ramp` learners arrive at once on a cold server
 *                    (no warm pool): time until every one has a prompt
 *   2. fill          the rest arrive, a few at a time, until `--learners`
 *   3. density       every sandbox answers an echo; memory per idle sandbox
 *                    (the host's available memory before and after)
 *   4. idle echo     `--typing` learners type (a key every 200 ms each): the baseline
 *   5. under load    the same typing while `--flooding` others print as fast as
 *                    their terminals take it: echo p50/p99, server CPU and RSS,
 *                    the flooders' throughput
 *   6. checks        no socket dropped, no learner saw another's output
 *
 * The server runs in its own process (scripts/bench/platform-process.ts) on
 * Drydock's engine, with capacity and per-address limits raised to the run's
 * size (every simulated learner comes from 127.0.0.1). Exit code 1 when a
 * check fails.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsScript, parseCommandLine } from '../lib/cli';
import { prepareBenchEngine } from '../bench/engine';
import { PlatformProcess } from '../bench/platform-process';
import { removeSandboxesOf } from '../bench/setup';
import { summarize, type Summary } from '../bench/stats';
import { LoadLearner } from './load-learner';
import { loadReport, type LoadResults } from './report';

const USAGE = `
usage: npm run load [-- --quick] [-- --learners N --typing N --flooding N --ramp N --seconds S]

  --learners N   learners connected at once (default 100; --quick 30)
  --typing N     of them typing, a key every 200 ms each (default 50; --quick 15)
  --flooding N   of them printing as fast as their terminal takes it (default 10; --quick 3)
  --ramp N       learners who arrive at once on the cold server first (default 30; --quick 10)
  --seconds S    length of the idle and the loaded typing phases, each (default 30; --quick 10)
  --quick        the smaller run above (a few minutes)
  -h, --help     this text
`;

const log = (message: string): void => void process.stderr.write(`[load] ${message}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface LoadOptions {
  learners: number;
  typing: number;
  flooding: number;
  ramp: number;
  seconds: number;
}

function parseOptions(): LoadOptions {
  const count = { type: 'string' } as const;
  const { values } = parseCommandLine(USAGE, {
    options: { quick: { type: 'boolean', default: false }, learners: count, typing: count, flooding: count, ramp: count, seconds: count },
  });
  const defaults = values.quick ? { learners: 30, typing: 15, flooding: 3, ramp: 10, seconds: 10 } : { learners: 100, typing: 50, flooding: 10, ramp: 30, seconds: 30 };
  const read = (name: keyof LoadOptions): number => {
    const raw = values[name];
    if (raw === undefined) return defaults[name];
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      process.stderr.write(`--${name} must be a whole number, 0 or more, got "${raw}"\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const options = { learners: read('learners'), typing: read('typing'), flooding: read('flooding'), ramp: read('ramp'), seconds: read('seconds') };
  if (options.typing + options.flooding > options.learners || options.ramp > options.learners || options.learners === 0) {
    process.stderr.write(`typing + flooding and ramp must fit in learners (${options.learners}), which is 1 or more\n${USAGE}`);
    process.exit(2);
  }
  return options;
}

/** MemAvailable from /proc/meminfo, bytes. */
function availableMemory(): number {
  const kib = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  if (!kib) throw new Error('no MemAvailable in /proc/meminfo');
  return Number(kib) * 1024;
}

/** Starts `count` learners with at most `parallel` arriving at once; resolves with them in order. */
async function arrive(url: string, first: number, count: number, parallel: number): Promise<LoadLearner[]> {
  const learners: LoadLearner[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      learners[i] = await LoadLearner.arrive(url, first + i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return learners;
}

/** Server CPU (share of one core) and RSS, sampled every second while `during` runs. */
async function watchServer<T>(server: PlatformProcess, during: Promise<T>): Promise<{ result: T; cpuCores: number; rssMiB: Summary }> {
  const rss: number[] = [];
  const cpu0 = await server.cpuMs();
  const t0 = performance.now();
  let done = false;
  const sampling = (async () => {
    while (!done) {
      rss.push((await server.rssBytes()) / 2 ** 20);
      await sleep(1000);
    }
  })();
  const result = await during.finally(() => (done = true));
  await sampling;
  const cpuCores = (await server.cpuMs()) - cpu0;
  return { result, cpuCores: cpuCores / (performance.now() - t0), rssMiB: summarize(rss) };
}

/** Each typing learner types a key every 200 ms for `seconds`; every echo time, ms. */
async function typeFor(typists: LoadLearner[], seconds: number): Promise<number[]> {
  const echoes: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    typists.map(async (learner, i) => {
      await sleep((i * 200) / typists.length); // spread the keystrokes over the 200 ms
      while (performance.now() < until) {
        const started = performance.now();
        echoes.push(await learner.keystroke(10_000));
        await sleep(Math.max(0, 200 - (performance.now() - started)));
      }
    }),
  );
  return echoes;
}

async function main(): Promise<number> {
  const options = parseOptions();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  await prepareBenchEngine(root, log);
  const image = process.env.DRYDOCK_SANDBOX_IMAGE ?? 'drydock/sandbox:latest';
  const room = String(options.learners + 5);
  const memoryBefore = availableMemory();
  log(`starting a Drydock server for ${options.learners} learners (image ${image})…`);
  const server = await PlatformProcess.start({
    root,
    image,
    env: {
      ...process.env,
      DRYDOCK_MAX_SANDBOXES: room,
      DRYDOCK_SANDBOXES_PER_ADDRESS: room,
      DRYDOCK_SOCKET_JOINS_PER_MINUTE: String(options.learners * 10),
      // Ramp-up is measured from cold: no sandbox is started before the learners arrive.
      DRYDOCK_SELF_PACED_WARM_MAX: '0',
    },
  });
  const learners: LoadLearner[] = [];
  let failed = false;
  try {
    const idleRss = (await server.rssBytes()) / 2 ** 20;
    log(`ramp-up: ${options.ramp} learners arrive at once on the cold server…`);
    const rampStart = performance.now();
    learners.push(...(await arrive(server.url, 0, options.ramp, options.ramp)));
    const rampMs = performance.now() - rampStart;
    log(`ramp-up: all ${options.ramp} at a prompt after ${(rampMs / 1000).toFixed(1)} s`);

    log(`filling up to ${options.learners} learners, 6 arriving at a time…`);
    const fillStart = performance.now();
    learners.push(...(await arrive(server.url, options.ramp, options.learners - options.ramp, 6)));
    const fillMs = performance.now() - fillStart;

    log(`density: every one of the ${learners.length} sandboxes answers…`);
    await sleep(5000); // let the last engines settle before memory is read
    const answered = await Promise.allSettled(learners.map((l) => l.answers(30_000)));
    const silent = answered.filter((a) => a.status === 'rejected').length;
    const memoryPerSandboxMiB = (memoryBefore - availableMemory()) / learners.length / 2 ** 20;

    const typists = learners.slice(0, options.typing);
    const flooders = learners.slice(options.typing, options.typing + options.flooding);
    log(`idle baseline: ${typists.length} learners typing for ${options.seconds} s…`);
    const idle = await watchServer(server, typeFor(typists, options.seconds));
    log(`under load: the same typing while ${flooders.length} learners flood their terminals for ${options.seconds} s…`);
    const floodBytes0 = flooders.map((f) => f.link.out.bytes);
    const floodStart = performance.now();
    for (const flooder of flooders) flooder.flood(options.seconds);
    const loaded = await watchServer(server, typeFor(typists, options.seconds));
    await Promise.all(flooders.map((f) => f.flooded(60_000)));
    const floodSeconds = (performance.now() - floodStart) / 1000;
    const floodMBps = flooders.map((f, i) => (f.link.out.bytes - floodBytes0[i]!) / 1e6 / floodSeconds);

    const results: LoadResults = {
      options,
      ramp: { learners: options.ramp, allReadyMs: rampMs, readyMs: summarize(learners.slice(0, options.ramp).map((l) => l.readyMs)) },
      fill: { learners: learners.length - options.ramp, ms: fillMs },
      density: { sandboxes: learners.length, silent, memoryPerSandboxMiB },
      echo: { idle: summarize(idle.result), loaded: summarize(loaded.result) },
      server: { idleRssMiB: idleRss, idleTyping: { cpuCores: idle.cpuCores, rssMiB: idle.rssMiB }, loaded: { cpuCores: loaded.cpuCores, rssMiB: loaded.rssMiB } },
      flood: { perLearnerMBps: summarize(floodMBps), totalMBps: floodMBps.reduce((a, b) => a + b, 0) },
      dropped: learners.filter((l) => l.dropped).map((l) => ({ learner: l.n, close: l.dropped! })),
      crossTalk: learners.filter((l) => l.foreign.size > 0).map((l) => ({ learner: l.n, saw: [...l.foreign] })),
    };
    process.stdout.write(loadReport(results));
    failed = silent > 0 || results.dropped.length > 0 || results.crossTalk.length > 0;
    return failed ? 1 : 0;
  } finally {
    log('removing the learners and their sandboxes…');
    await Promise.all(learners.map((l) => l.leave().catch(() => undefined)));
    await server.stop(log);
    // Leaving closes a socket; the sandbox would wait out its idle time, and a stopped server leaves it running.
    const removed = await removeSandboxesOf(server.serverId, { image, isolatedNetwork: true });
    log(`removed the ${removed} sandboxes the server left`);
  }
}

runAsScript(import.meta.url, 'load', main);
