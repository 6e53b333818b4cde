/**
 * `npm run bench [-- --quick] [-- --json]` (`--help` for the flags): Drydock's terminal path beside a
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
 *   7. self-paced start       a newcomer outside any class, page → prompt, on a server keeping the
 *                             self-paced warm pool vs one without (the main server runs without it)
 *   8. beside a peer          echo and throughput through wetty serving a shell in the same sandbox
 *                             (peer-wetty.ts; installed once into ~/.cache/drydock-bench, or skipped with the reason)
 *   9. web preview           a GET through the preview proxy (exec relay) vs curl in the sandbox vs a bare exec
 *
 * The Drydock server runs in a child process (platform-process.ts forks
 * platform-child.ts) with a throw-away data folder, hence its own server id;
 * every container the run creates carries a label naming this run and is
 * removed at the end, also after a failure or Ctrl-C.
 * DRYDOCK_BENCH_SERVER_NODE_ARGS adds node flags to the server process (e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof").
 *
 * The sections live in their own files (first-prompt, terminal-figures,
 * grade-latency, warm-pool, self-paced-start, isolation-cost, peer-wetty); this file parses the flags and
 * runs them in order. Nothing runs on import.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsScript } from '../lib/cli';
import { createBenchContext, type BenchContext } from './context';
import { drydockLearnerToPrompt, measureFirstPrompt } from './first-prompt';
import { measureGradeLatency } from './grade-latency';
import { measureIsolationCost } from './isolation-cost';
import { parseBenchOptions, SIZE, sleep } from './options';
import { PlatformProcess } from './platform-process';
import { jsonReport, textReport, type BenchResults } from './report';
import { baselineSandboxToPrompt } from './baseline';
import { Fatal, cleanup, preflight } from './setup';
import { measureEcho, measureThroughput } from './terminal-figures';
import { prepareBenchEngine } from './engine';
import { measureSelfPacedStart } from './self-paced-start';
import { measurePeer } from './peer-wetty';
import { measureWarmPool } from './warm-pool';
import { measureWebPreview } from './web-preview';
import { measureEnvironments } from './environments';

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

/** Every section in order, against one server; `onServer` learns the server as soon as it runs (for clean-up). */
async function measure(bench: BenchContext, onServer: (server: PlatformProcess) => void): Promise<BenchResults> {
  await preflight(bench);
  log(`run ${bench.runId}: ${bench.quick ? 'quick' : 'full'} mode, image ${bench.image}; starting the Drydock server…`);
  // This server keeps no self-paced warm pool: its first prompts are cold (section A); the pool's are measured on a second one (G).
  const server = await PlatformProcess.start({ root: bench.root, env: { ...bench.env, DRYDOCK_SELF_PACED_WARM_MAX: '0' }, image: bench.image });
  onServer(server);
  log(`server ${server.serverId} at ${server.url}`);

  const firstPrompt = await measureFirstPrompt(bench, server);

  log('starting one Drydock sandbox and one baseline sandbox for echo and throughput…');
  const learner = await drydockLearnerToPrompt(server);
  const base = await baselineSandboxToPrompt(bench);
  let echo: BenchResults['echo'];
  let throughput: BenchResults['throughput'];
  let grade: BenchResults['grade'];
  let preview: BenchResults['preview'];
  let peer: BenchResults['peer'];
  try {
    await sleep(500); // let both sandboxes settle after start
    echo = await measureEcho(bench, learner.link, base.link);
    log(`echo: drydock ${echo.drydock.median.toFixed(2)} ms, baseline ${echo.baseline.median.toFixed(2)} ms (medians)`);
    throughput = await measureThroughput(bench, server, learner.link, base.link);
    log('grade latency: the grader vs a bare exec, in the baseline sandbox…');
    grade = await measureGradeLatency(bench.baselineDriver, base.id, bench.params.gradeSamples);
    log('web preview: a GET through the preview proxy vs curl in the sandbox vs a bare exec…');
    preview = await measureWebPreview(bench.baselineDriver, base.id, bench.params.gradeSamples);
    log('beside a peer: wetty serving a shell in the same sandbox…');
    peer = await measurePeer(bench, server, learner.link, SIZE);
  } finally {
    await learner.link.close();
    await base.link.close();
  }

  log('first prompt with and without a warm pool…');
  const warmPool = await measureWarmPool(bench.baselineDriver, bench.config, bench.params.warmPoolSamples);
  log('environments: parked and restored vs new; a 3-machine lab, new and restored; disk and memory…');
  const environments = await measureEnvironments(bench.baselineDriver, bench.config, bench.params.warmPoolSamples);
  log('self-paced newcomers: a server with the self-paced warm pool beside one without…');
  const warmServer = await PlatformProcess.start({ root: bench.root, env: bench.env, image: bench.image });
  let selfPaced: BenchResults['selfPaced'];
  try {
    selfPaced = await measureSelfPacedStart(bench, warmServer, server, bench.params.warmPoolSamples);
  } finally {
    await warmServer.stop(log);
  }
  log('isolation tiers: hardened vs capability…');
  const tiers = await measureIsolationCost(bench.image, bench.params.tierSamples, '/var/run/docker.sock', log);
  return { firstPrompt, echo, throughput, grade, preview, peer, warmPool, environments, selfPaced, tiers };
}

async function main(): Promise<number> {
  const options = parseBenchOptions();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const started = Date.now();
  // First: the default tier's engine, as npm start gets it (sets DOCKER_HOST before any Docker client is made).
  await prepareBenchEngine(root, log);
  const bench = createBenchContext(root, options, log);
  let server: PlatformProcess | undefined;
  let cleanedUp: Promise<void> | undefined;
  const cleanUp = (): Promise<void> => (cleanedUp ??= cleanup(bench, server));

  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      log(`${signal}: removing this run's containers…`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  try {
    const results = await measure(bench, (s) => (server = s));
    process.stdout.write(options.json ? jsonReport(bench, results) : textReport(bench, results));
    return 0;
  } catch (error) {
    console.error(`\n[bench] ${error instanceof Fatal ? '' : 'failed: '}${(error as Error).message}\n`);
    return error instanceof Fatal ? 2 : 1;
  } finally {
    log('cleaning up…');
    await cleanUp().catch((e: Error) => log(`clean-up: ${e.message}`));
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

runAsScript(import.meta.url, 'bench', main);
