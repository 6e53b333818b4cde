/**
 * `npm run bench [-- --quick] [-- --json]`: Drydock's terminal path beside a
 * bare dockerode baseline measured in the same run, on the same engine, with
 * the same sandbox image. Absolute times drift on shared machines; the
 * ratios are the point. Needs a Docker Engine and the sandbox image
 * (DRYDOCK_SANDBOX_IMAGE, default drydock/sandbox:latest).
 *
 *   1. time to first prompt   new learner: lesson page → WebSocket → prompt
 *                             vs DockerDriver create → attach → start → prompt
 *                             (and a plain debian:trixie-slim bash, first byte)
 *   2. keystroke echo         INPUT frame → OUTPUT frame vs raw attach write → read
 *   3. output throughput      base64 of zeros, Enter → next prompt, acking client
 *                             vs raw attach
 *   4. grade latency          the grader (Docker-state, mixed, Dockerfile checks) vs a bare exec
 *   5. warm pool              a class learner's first prompt from a warm pool vs a cold connect
 *   6. isolation cost         the hardened (userns) tier vs the capability tier: first prompt,
 *                             an inner docker run, a small build, idle memory
 *
 * The Drydock server runs in a child process (platform-child.ts) with a
 * throw-away data folder, hence its own server id; every container the run
 * creates carries a label naming this run and is removed at the end, also
 * after a failure or Ctrl-C. DRYDOCK_BENCH_SERVER_NODE_ARGS adds node flags to
 * the server process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import './use-sandbox-engine'; // first: sets DOCKER_HOST to the default tier's engine
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { LEARNER_COOKIE } from '../../lib/identity/learner-identity';
import type { TerminalSize } from '../../protocol';
import { loadSandboxServerConfig } from '../../sandbox-server/src/config/config';
import { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { ensureNextBuild } from '../lib/build-next';
import { checkDockerEngine } from '../lib/engine';
import { measureGradeLatency, type GradeLatency } from './grade-latency';
import { measureWarmPool, type WarmPoolLatency } from './warm-pool';
import { measureIsolationCost, type IsolationCost } from './isolation-cost';
import { cell, ratio, summarize, summarizeHigherIsBetter, table, type Summary } from './stats';
import { DockerStreamLink, DrydockSocketLink, type TerminalLink } from './terminal-link';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const JSON_OUT = args.has('--json');

const PARAMS = QUICK
  ? { firstPrompt: 3, plainBash: 5, warmup: 1, echoSamples: 100, echoWarmup: 10, throughputRuns: 3, throughputBytes: 20_000_000, gradeSamples: 10, warmPoolSamples: 3, tierSamples: 3 }
  : { firstPrompt: 8, plainBash: 10, warmup: 1, echoSamples: 200, echoWarmup: 20, throughputRuns: 5, throughputBytes: 50_000_000, gradeSamples: 30, warmPoolSamples: 5, tierSamples: 5 };

const LESSON_PATH = '/lessons/containers-101';
const PROFILE = 'dind';
const PLAIN_IMAGE = 'debian:trixie-slim';
/** Wide enough that the throughput command never wraps. */
const SIZE: TerminalSize = { cols: 200, rows: 50 };
const PROMPT_TIMEOUT_MS = 60_000;

const RUN_ID = randomBytes(4).toString('hex');
const RUN_LABEL = 'drydock.bench';
const BASELINE_SERVER_ID = `bench-${RUN_ID}`;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const env = { ...process.env };
const image = env.DRYDOCK_SANDBOX_IMAGE || 'drydock/sandbox:latest';
const docker = new Docker();

// ---------------------------------------------------------------- the server under test

interface ServerHandle {
  child: ChildProcess;
  url: string;
  serverId: string;
  request(message: { op: 'remove'; learnerId: string } | { op: 'cpu' } | { op: 'shutdown' }, timeoutMs?: number): Promise<unknown>;
  /** CPU time the server process has used so far, ms (user + system). */
  cpuMs(): Promise<number>;
}

let server: ServerHandle | undefined;
let serverChild: ChildProcess | undefined;
let serverIdForCleanup: string | undefined;
let dataDir: string | undefined;

function startServer(): Promise<ServerHandle> {
  dataDir = mkdtempSync(join(tmpdir(), 'drydock-bench-'));
  const child = fork(join(root, 'scripts', 'bench', 'platform-child.ts'), [], {
    cwd: root,
    // e.g. DRYDOCK_BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
    execArgv: ['--import', 'tsx', ...(env.DRYDOCK_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...env, DRYDOCK_DATA_DIR: dataDir, DRYDOCK_SANDBOX_IMAGE: image, NEXT_TELEMETRY_DISABLED: '1' },
    // The child's stdout goes to our stderr, so that --json output stays clean.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  serverChild = child;
  child.stdout?.pipe(process.stderr);
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Drydock server did not start within 120 s')), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Drydock server exited (code ${code}) before it was ready`));
      for (const p of pending.values()) p.reject(new Error(`the Drydock server exited (code ${code})`));
      pending.clear();
    });
    child.on('message', (raw: unknown) => {
      const msg = raw as { op?: string; url?: string; serverId?: string; id?: number; ok?: boolean; value?: unknown; error?: string };
      if (msg.op === 'ready') {
        clearTimeout(timer);
        serverIdForCleanup = msg.serverId!;
        const request: ServerHandle['request'] = (message, timeoutMs = 60_000) =>
            new Promise<unknown>((res, rej) => {
              const id = nextId++;
              const t = setTimeout(() => {
                pending.delete(id);
                rej(new Error(`server did not answer "${message.op}" within ${timeoutMs} ms`));
              }, timeoutMs);
              pending.set(id, {
                resolve: (value) => (clearTimeout(t), res(value)),
                reject: (e) => (clearTimeout(t), rej(e)),
              });
              child.send({ id, ...message });
            });
        resolve({
          child,
          url: msg.url!.replace('localhost', '127.0.0.1'),
          serverId: msg.serverId!,
          request,
          cpuMs: async () => {
            const usage = (await request({ op: 'cpu' })) as NodeJS.CpuUsage;
            return (usage.user + usage.system) / 1000;
          },
        });
      } else if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.ok) p?.resolve(msg.value);
        else p?.reject(new Error(msg.error ?? 'request failed'));
      }
    });
  });
}

// ---------------------------------------------------------------- the baselines

const config = loadSandboxServerConfig(BASELINE_SERVER_ID, env);
/** The exact create options Drydock uses, straight from its driver, but driven by hand (no session, no socket). */
const baselineDriver = new DockerDriver({ image, serverId: BASELINE_SERVER_ID, isolatedNetwork: config.isolatedNetwork, subnets: config.sandboxSubnets, docker });

async function createBaselineSandbox(): Promise<string> {
  const info = await baselineDriver.create({
    learnerId: 'bench-baseline',
    profile: PROFILE,
    sessionId: `b${randomBytes(8).toString('hex')}`,
    expiresAt: Date.now() + 3_600_000,
    limits: config.limits,
  });
  return info.id;
}

/** create → attach → start → prompt on the raw stream. */
async function baselineSandboxToPrompt(): Promise<{ ms: number; id: string; link: DockerStreamLink }> {
  const t0 = performance.now();
  const id = await createBaselineSandbox();
  try {
    const link = new DockerStreamLink(await baselineDriver.attach(id));
    await baselineDriver.start(id);
    // Drydock resizes right after start too (the browser's resize frame waits for the sandbox).
    void baselineDriver.resize(id, SIZE).catch(() => undefined);
    const at = await link.out.waitForPrompt(PROMPT_TIMEOUT_MS);
    return { ms: at - t0, id, link };
  } catch (error) {
    await baselineDriver.remove(id).catch(() => undefined);
    throw error;
  }
}

/** A plain Debian shell, no inner engine: create → attach → start → first byte. */
async function plainBashFirstByte(): Promise<number> {
  const t0 = performance.now();
  const container = await docker.createContainer({
    Image: PLAIN_IMAGE,
    Cmd: ['bash'],
    Tty: true,
    OpenStdin: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Labels: { [RUN_LABEL]: RUN_ID },
  });
  try {
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
    const link = new DockerStreamLink(stream);
    const first = link.out.nextChunk(PROMPT_TIMEOUT_MS);
    await container.start();
    const at = await first;
    await link.close();
    return at - t0;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

// ---------------------------------------------------------------- Drydock's path

interface LearnerSession {
  learnerId: string;
  link: DrydockSocketLink;
  totalMs: number;
  pageMs: number;
  upgradeMs: number;
}

/** A new browser: loads the lesson page (gets its learner cookie), opens the terminal socket, waits for the prompt. */
async function drydockLearnerToPrompt(srv: ServerHandle): Promise<LearnerSession> {
  const t0 = performance.now();
  const res = await fetch(`${srv.url}${LESSON_PATH}`);
  await res.text();
  if (!res.ok) throw new Error(`GET ${LESSON_PATH} answered HTTP ${res.status}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${LEARNER_COOKIE}=`));
  if (!setCookie) throw new Error(`GET ${LESSON_PATH} set no ${LEARNER_COOKIE} cookie`);
  const cookie = setCookie.split(';')[0]!;
  const learnerId = decodeURIComponent(cookie.slice(LEARNER_COOKIE.length + 1)).split('.')[1]!;
  const t1 = performance.now();
  const wsUrl = `${srv.url.replace(/^http/, 'ws')}/ws/terminal?profile=${PROFILE}`;
  const link = await DrydockSocketLink.open(wsUrl, cookie, srv.url, SIZE);
  const t2 = performance.now();
  try {
    const at = await link.out.waitForPrompt(PROMPT_TIMEOUT_MS);
    return { learnerId, link, totalMs: at - t0, pageMs: t1 - t0, upgradeMs: t2 - t1 };
  } catch (error) {
    await link.close();
    await srv.request({ op: 'remove', learnerId }).catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------- the three measurements

async function measureFirstPrompt(srv: ServerHandle) {
  const drydock: number[] = [];
  const page: number[] = [];
  const upgrade: number[] = [];
  const dind: number[] = [];
  const plain: number[] = [];
  const plainAvailable = await docker
    .getImage(PLAIN_IMAGE)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (!plainAvailable) log(`${PLAIN_IMAGE} is not present: the plain-bash baseline is left out`);

  const rounds = PARAMS.warmup + PARAMS.firstPrompt;
  const plainEvery = PARAMS.plainBash / PARAMS.firstPrompt;
  for (let i = 0; i < rounds; i++) {
    const warm = i < PARAMS.warmup;
    const last = { drydock: Number.NaN, baseline: Number.NaN };
    // Alternate which path goes first, so neither always follows a container removal.
    const order = i % 2 === 0 ? (['drydock', 'dind'] as const) : (['dind', 'drydock'] as const);
    for (const which of order) {
      if (which === 'drydock') {
        const s = await drydockLearnerToPrompt(srv);
        await s.link.close();
        await srv.request({ op: 'remove', learnerId: s.learnerId });
        last.drydock = s.totalMs;
        if (!warm) {
          drydock.push(s.totalMs);
          page.push(s.pageMs);
          upgrade.push(s.upgradeMs);
        }
      } else {
        const b = await baselineSandboxToPrompt();
        await b.link.close();
        await baselineDriver.remove(b.id);
        last.baseline = b.ms;
        if (!warm) dind.push(b.ms);
      }
    }
    if (plainAvailable) {
      // Spread the plain-bash runs over the rounds; one unrecorded run during warm-up.
      if (warm) await plainBashFirstByte();
      else while (plain.length < Math.round((i - PARAMS.warmup + 1) * plainEvery)) plain.push(await plainBashFirstByte());
    }
    log(`first prompt ${warm ? 'warm-up' : `${i - PARAMS.warmup + 1}/${PARAMS.firstPrompt}`}: drydock ${last.drydock.toFixed(0)} ms, baseline ${last.baseline.toFixed(0)} ms`);
  }
  return {
    drydock: summarize(drydock),
    page: summarize(page),
    upgrade: summarize(upgrade),
    baseline: summarize(dind),
    plain: plainAvailable ? summarize(plain) : undefined,
    samples: { drydock, page, upgrade, baseline: dind, plain },
  };
}

/** One keystroke at a time at an idle prompt: a letter, then backspace, and so on (the line stays empty). */
async function echoBlock(link: TerminalLink, count: number, into: number[] | undefined): Promise<void> {
  for (let i = 0; i < count; i++) {
    // Let any straggling bytes of the previous echo arrive before timing the next key.
    await sleep(3);
    const key = i % 2 === 0 ? 'x' : '\x7f';
    const echoed = link.out.nextChunk(5_000);
    const t0 = performance.now();
    link.type(key);
    const at = await echoed;
    into?.push(at - t0);
  }
}

async function measureEcho(drydockLink: TerminalLink, baselineLink: TerminalLink) {
  const drydock: number[] = [];
  const baseline: number[] = [];
  await echoBlock(drydockLink, PARAMS.echoWarmup, undefined);
  await echoBlock(baselineLink, PARAMS.echoWarmup, undefined);
  // Blocks of 20, alternating, so both paths see the same machine load.
  const block = 20;
  for (let done = 0; done < PARAMS.echoSamples; done += block) {
    await echoBlock(drydockLink, block, drydock);
    await echoBlock(baselineLink, block, baseline);
  }
  return { drydock: summarize(drydock), baseline: summarize(baseline), samples: { drydock, baseline } };
}

/** Types the command, waits for its echo, then times Enter → next prompt and counts the bytes in between. */
async function throughputRun(link: TerminalLink, bytes: number): Promise<{ mbPerS: number; bytes: number; ms: number; chunks: number; clientCpuMs: number }> {
  const command = `head -c ${bytes} /dev/zero | base64`;
  link.type(command);
  await link.out.waitFor((w) => w.tail.endsWith(command), 10_000, 'the command echo');
  await sleep(50);
  const before = link.out.bytes;
  const chunksBefore = link.out.chunks;
  const prompt = link.out.waitForPrompt(300_000);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  link.type('\r');
  const at = await prompt;
  const used = process.cpuUsage(cpu);
  const received = link.out.bytes - before;
  return {
    mbPerS: received / 1e6 / ((at - t0) / 1000),
    bytes: received,
    ms: at - t0,
    chunks: link.out.chunks - chunksBefore,
    clientCpuMs: (used.user + used.system) / 1000,
  };
}

async function measureThroughput(srv: ServerHandle, drydockLink: TerminalLink, baselineLink: TerminalLink) {
  const drydock: number[] = [];
  const baseline: number[] = [];
  const serverCpuPerMB: number[] = [];
  const clientCpuPerMB = { drydock: [] as number[], baseline: [] as number[] };
  const chunkKiB = { drydock: [] as number[], baseline: [] as number[] };
  let bytes = 0;
  for (let i = 0; i < PARAMS.throughputRuns; i++) {
    const order: Array<[TerminalLink, number[]]> = i % 2 === 0 ? [[drydockLink, drydock], [baselineLink, baseline]] : [[baselineLink, baseline], [drydockLink, drydock]];
    for (const [link, into] of order) {
      const cpuBefore = link === drydockLink ? await srv.cpuMs() : 0;
      const r = await throughputRun(link, PARAMS.throughputBytes);
      if (link === drydockLink) serverCpuPerMB.push(((await srv.cpuMs()) - cpuBefore) / (r.bytes / 1e6));
      into.push(r.mbPerS);
      const key = link === drydockLink ? 'drydock' : 'baseline';
      clientCpuPerMB[key].push(r.clientCpuMs / (r.bytes / 1e6));
      chunkKiB[key].push(r.bytes / r.chunks / 1024);
      bytes = r.bytes;
    }
    log(`throughput ${i + 1}/${PARAMS.throughputRuns}: drydock ${drydock.at(-1)!.toFixed(1)} MB/s, baseline ${baseline.at(-1)!.toFixed(1)} MB/s`);
  }
  return {
    drydock: summarizeHigherIsBetter(drydock),
    baseline: summarizeHigherIsBetter(baseline),
    serverCpuPerMB: summarize(serverCpuPerMB),
    clientCpuPerMB: { drydock: summarize(clientCpuPerMB.drydock), baseline: summarize(clientCpuPerMB.baseline) },
    chunkKiB: { drydock: summarize(chunkKiB.drydock), baseline: summarize(chunkKiB.baseline) },
    bytesPerRun: bytes,
    samples: { drydock, baseline, serverCpuPerMB, clientCpuPerMB, chunkKiB },
  };
}

// ---------------------------------------------------------------- set-up, clean-up, report

async function preflight(): Promise<void> {
  const problem = await checkDockerEngine(docker);
  if (problem) throw new Fatal(`the benchmark needs a Docker Engine.\n${problem}`);
  try {
    await docker.getImage(image).inspect();
  } catch {
    throw new Fatal(
      `the sandbox image ${image} is not present in the engine. Build it with \`npm run images\` ` +
        '(or point DRYDOCK_SANDBOX_IMAGE at an existing tag).',
    );
  }
  await ensureBuild();
}

/**
 * The platform serves a production build. An existing one is used as it is
 * (the terminal path does not depend on page content); a missing one is built,
 * unless another `next build` in this checkout is already making it, which is
 * waited for rather than raced.
 */
async function ensureBuild(): Promise<void> {
  const buildId = join(root, '.next', 'BUILD_ID');
  const lock = join(root, '.next', 'lock');
  if (existsSync(buildId)) return;
  if (existsSync(lock)) {
    log('another `next build` is running in this checkout; waiting for it (up to 5 min)…');
    const deadline = Date.now() + 300_000;
    while (!existsSync(buildId) && existsSync(lock) && Date.now() < deadline) await sleep(2000);
    if (existsSync(buildId)) return;
  }
  ensureNextBuild(root, log);
}

class Fatal extends Error {}

let cleanedUp: Promise<void> | undefined;
/** Removes everything this run created, whatever state it is in. Safe to call twice. */
function cleanup(): Promise<void> {
  cleanedUp ??= (async () => {
    if (server) await server.request({ op: 'shutdown' }, 60_000).catch((e: Error) => log(`server shutdown: ${e.message}`));
    const child = serverChild;
    if (child && child.exitCode === null && child.signalCode === null) {
      // It exits by itself after a shutdown; give it a moment (it may be writing a CPU profile).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (child.kill('SIGTERM'), resolve()), 10_000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    }
    // Belt and braces: anything still labelled with this run's ids (e.g. after a crash).
    const serverIds = [BASELINE_SERVER_ID, serverIdForCleanup].filter((s): s is string => Boolean(s));
    for (const serverId of serverIds) {
      const driver = new DockerDriver({ image, serverId, isolatedNetwork: config.isolatedNetwork, docker });
      for (const info of await driver.list().catch(() => [])) await driver.remove(info.id).catch(() => undefined);
      await driver.removeOrphanNetworks().catch(() => 0);
    }
    const plain = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${RUN_ID}`] } }).catch(() => []);
    for (const c of plain) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleanedUp;
}

function report(results: {
  firstPrompt: Awaited<ReturnType<typeof measureFirstPrompt>>;
  echo: Awaited<ReturnType<typeof measureEcho>>;
  throughput: Awaited<ReturnType<typeof measureThroughput>>;
  grade: GradeLatency;
  warmPool: WarmPoolLatency;
  tiers: IsolationCost;
}): string {
  const { firstPrompt: fp, echo, throughput: tp, grade, warmPool, tiers } = results;
  const rows: string[][] = [
    ['first prompt, new learner (ms)', cell(fp.drydock), cell(fp.baseline), ratio(fp.drydock, fp.baseline), 'A'],
    ['  of which lesson page GET (ms)', cell(fp.page), '', '', ''],
    ['  of which WebSocket upgrade (ms)', cell(fp.upgrade), '', '', ''],
    ['first prompt vs plain bash (ms)', cell(fp.drydock), cell(fp.plain), ratio(fp.drydock, fp.plain), 'B'],
    ['keystroke echo (ms)', cell(echo.drydock), cell(echo.baseline), ratio(echo.drydock, echo.baseline), 'C'],
    ['output throughput (MB/s) *', cell(tp.drydock), cell(tp.baseline), ratio(tp.drydock, tp.baseline), 'C'],
    ['  server CPU per MB relayed (ms)', cell(tp.serverCpuPerMB), '', '', ''],
    ['  bench client CPU per MB (ms)', cell(tp.clientCpuPerMB.drydock), cell(tp.clientCpuPerMB.baseline), ratio(tp.clientCpuPerMB.drydock, tp.clientCpuPerMB.baseline), ''],
    ['  mean chunk received (KiB)', cell(tp.chunkKiB.drydock), cell(tp.chunkKiB.baseline), ratio(tp.chunkKiB.drydock, tp.chunkKiB.baseline), ''],
    ['grade, 1 Docker-state check (ms)', cell(grade.dockerState), cell(grade.bareExec), ratio(grade.dockerState, grade.bareExec), 'D'],
    ['grade, 1 state + 2 shell checks (ms)', cell(grade.mixed), cell(grade.bareExec), ratio(grade.mixed, grade.bareExec), 'D'],
    ['grade, 1 Dockerfile check, 5 rules (ms)', cell(grade.dockerfile), cell(grade.bareExec), ratio(grade.dockerfile, grade.bareExec), 'D'],
    ['first prompt from a warm pool (ms)', cell(warmPool.warm), cell(warmPool.cold), ratio(warmPool.warm, warmPool.cold), 'E'],
    ['hardened tier: first prompt (ms)', cell(tiers.userns.firstPrompt), cell(tiers.capability.firstPrompt), ratio(tiers.userns.firstPrompt, tiers.capability.firstPrompt), 'F'],
    ['hardened tier: inner docker run (ms)', cell(tiers.userns.innerRun), cell(tiers.capability.innerRun), ratio(tiers.userns.innerRun, tiers.capability.innerRun), 'F'],
    ['hardened tier: small build (ms)', cell(tiers.userns.build), cell(tiers.capability.build), ratio(tiers.userns.build, tiers.capability.build), 'F'],
    ['hardened tier: idle memory (MiB)', cell(tiers.userns.idleMemoryMiB), cell(tiers.capability.idleMemoryMiB), ratio(tiers.userns.idleMemoryMiB, tiers.capability.idleMemoryMiB), 'F'],
  ];
  const diff = (a?: Summary, b?: Summary) => (a && b ? (a.median - b.median).toFixed(0) : '—');
  return [
    '',
    `Drydock benchmark${QUICK ? ' (--quick)' : ''}: image ${image}, ${new Date().toISOString()}`,
    `runs: first prompt ${fp.drydock.n}+${fp.baseline.n} (+${PARAMS.warmup} warm-up each), plain bash ${fp.plain?.n ?? 0}, ` +
      `echo ${echo.drydock.n}+${echo.baseline.n} keystrokes, throughput ${tp.drydock.n}+${tp.baseline.n} × ${(tp.bytesPerRun / 1e6).toFixed(1)} MB`,
    '',
    table(['figure', 'drydock median (p95)', 'baseline median (p95)', 'ratio', 'baseline'], rows),
    '',
    '* throughput: higher is better; the value in brackets is the 5th percentile (the slow end), and a ratio below 1 means Drydock is slower.',
    'A  DockerDriver.create/attach/start/resize driven by hand with bare dockerode: same image, same create options and',
    '   per-sandbox network as Drydock, prompt read from the raw attach stream. Drydock adds the lesson page (learner cookie),',
    '   the WebSocket upgrade, the session manager, output batching and the frame protocol.',
    'B  debian:trixie-slim running bash with a TTY, create → attach → start → first byte: no inner dockerd, no entrypoint.',
    `   Inner engine + entrypoint cost ≈ ${diff(fp.baseline, fp.plain)} ms (A − B); Drydock's own overhead ≈ ${diff(fp.drydock, fp.baseline)} ms (Drydock − A).`,
    'C  the same kind of sandbox started by the baseline driver, typed into and read over a raw dockerode attach stream',
    '   (no WebSocket, no server process). Drydock\'s client acks like the browser (every 16 KiB or 50 ms) but renders nothing,',
    '   so its throughput is an upper bound for a real browser. Server CPU is the Drydock process\'s user+system time during',
    '   a throughput run divided by the MB it relayed (at 1 CPU-second per second this would cap the relay at 1000/x MB/s).',
    'D  one bare `docker exec true` in the same sandbox, interleaved with the grading runs (the grader itself, as the Check',
    '   button runs it behind the HTTP API; a Docker-state check needs no exec, a shell check is one exec each).',
    'E  the session manager\'s connect → prompt for a learner of a class whose warm pool holds a started sandbox, beside the same',
    '   connect with no pool (create, start, inner engine boot); filling the pool is not timed (it happens when the class is created).',
    'F  the capability tier (DRYDOCK_ISOLATION=capability) on the operator\'s engine, same image and limits, samples interleaved with',
    '   the hardened tier on Drydock\'s engine: create → attach → start → prompt; `docker run --rm busybox true` and a two-line',
    '   build (FROM busybox, RUN, --no-cache) inside; memory in use (usage less inactive page cache) after 5 s idle.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      log(`${signal}: removing this run's containers…`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    await preflight();
    log(`run ${RUN_ID}: ${QUICK ? 'quick' : 'full'} mode, image ${image}; starting the Drydock server…`);
    server = await startServer();
    log(`server ${server.serverId} at ${server.url}`);

    const firstPrompt = await measureFirstPrompt(server);

    log('starting one Drydock sandbox and one baseline sandbox for echo and throughput…');
    const learner = await drydockLearnerToPrompt(server);
    const base = await baselineSandboxToPrompt();
    let echo: Awaited<ReturnType<typeof measureEcho>>;
    let throughput: Awaited<ReturnType<typeof measureThroughput>>;
    let grade: GradeLatency;
    try {
      await sleep(500); // let both sandboxes settle after start
      echo = await measureEcho(learner.link, base.link);
      log(`echo: drydock ${echo.drydock.median.toFixed(2)} ms, baseline ${echo.baseline.median.toFixed(2)} ms (medians)`);
      throughput = await measureThroughput(server, learner.link, base.link);
      log('grade latency: the grader vs a bare exec, in the baseline sandbox…');
      grade = await measureGradeLatency(baselineDriver, base.id, PARAMS.gradeSamples);
    } finally {
      await learner.link.close();
      await base.link.close();
    }

    log('first prompt with and without a warm pool…');
    const warmPool = await measureWarmPool(baselineDriver, config, PARAMS.warmPoolSamples);
    log('isolation tiers: hardened vs capability…');
    const tiers = await measureIsolationCost(image, PARAMS.tierSamples, '/var/run/docker.sock', log);
    const results = { firstPrompt, echo, throughput, grade, warmPool, tiers };
    if (JSON_OUT) {
      const strip = (s?: Summary) => s;
      process.stdout.write(
        `${JSON.stringify(
          {
            runId: RUN_ID,
            image,
            quick: QUICK,
            params: PARAMS,
            firstPromptMs: { drydock: strip(firstPrompt.drydock), pageMs: firstPrompt.page, upgradeMs: firstPrompt.upgrade, baselineDind: firstPrompt.baseline, baselinePlainBash: firstPrompt.plain, samples: firstPrompt.samples },
            echoMs: { drydock: echo.drydock, baseline: echo.baseline, samples: echo.samples },
            gradeMs: grade,
            warmPoolFirstPromptMs: warmPool,
            isolationTiers: tiers,
            throughputMBps: { drydock: throughput.drydock, baseline: throughput.baseline, serverCpuMsPerMB: throughput.serverCpuPerMB, clientCpuMsPerMB: throughput.clientCpuPerMB, chunkKiB: throughput.chunkKiB, bytesPerRun: throughput.bytesPerRun, samples: throughput.samples },
            ratios: {
              firstPrompt: firstPrompt.drydock.median / firstPrompt.baseline.median,
              firstPromptVsPlainBash: firstPrompt.plain ? firstPrompt.drydock.median / firstPrompt.plain.median : null,
              echo: echo.drydock.median / echo.baseline.median,
              throughput: throughput.drydock.median / throughput.baseline.median,
              gradeDockerStateVsBareExec: grade.dockerState.median / grade.bareExec.median,
              gradeMixedVsBareExec: grade.mixed.median / grade.bareExec.median,
              gradeDockerfileVsBareExec: grade.dockerfile.median / grade.bareExec.median,
              warmPoolFirstPromptVsCold: warmPool.warm.median / warmPool.cold.median,
              hardenedVsCapabilityFirstPrompt: tiers.userns.firstPrompt.median / tiers.capability.firstPrompt.median,
            },
          },
          null,
          2,
        )}\n`,
      );
    } else {
      process.stdout.write(report(results));
    }
  } finally {
    log('cleaning up…');
    await cleanup();
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`\n[bench] ${error instanceof Fatal ? '' : 'failed: '}${error.message}\n`);
    void cleanup().finally(() => process.exit(error instanceof Fatal ? 2 : 1));
  },
);
