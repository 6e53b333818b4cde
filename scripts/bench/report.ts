import type { BenchContext } from './context';
import type { FirstPrompt } from './first-prompt';
import type { GradeLatency } from './grade-latency';
import type { WebPreviewLatency } from './web-preview';
import type { IsolationCost } from './isolation-cost';
import { cell, ratio, table, type Summary } from './stats';
import type { Echo, Throughput } from './terminal-figures';
import type { SelfPacedStart } from './self-paced-start';
import type { WarmPoolLatency } from './warm-pool';
import type { PeerFigures } from './peer-wetty';
import type { EnvironmentFigures } from './environments';

export interface BenchResults {
  firstPrompt: FirstPrompt;
  echo: Echo;
  throughput: Throughput;
  grade: GradeLatency;
  preview: WebPreviewLatency;
  peer: PeerFigures;
  warmPool: WarmPoolLatency;
  environments: EnvironmentFigures;
  selfPaced: SelfPacedStart;
  tiers: IsolationCost;
}

/** The printed report: one table, ratios against each figure's baseline, and what each baseline is. */
export function textReport(bench: BenchContext, results: BenchResults): string {
  const { firstPrompt: fp, echo, throughput: tp, grade, preview, peer, warmPool, environments: env, selfPaced, tiers } = results;
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
    ['web preview GET, via proxy (ms)', cell(preview.proxied), cell(preview.bareExec), ratio(preview.proxied, preview.bareExec), 'I'],
    ['web preview GET, curl in sandbox (ms)', cell(preview.curlInSandbox), cell(preview.bareExec), ratio(preview.curlInSandbox, preview.bareExec), 'I'],
    ...('skipped' in peer
      ? [['beside a peer: skipped', peer.skipped.slice(0, 60), '', '', 'H']]
      : [
          [`echo, drydock vs ${peer.tool} (ms)`, cell(peer.echo.drydock), cell(peer.echo.baseline), ratio(peer.echo.drydock, peer.echo.baseline), 'H'],
          [`  echo p99 (ms)`, peer.echo.drydock.p99.toFixed(2), peer.echo.baseline.p99.toFixed(2), `${(peer.echo.drydock.p99 / peer.echo.baseline.p99).toFixed(2)}×`, ''],
          [`throughput, drydock vs ${peer.tool} (MB/s) *`, cell(peer.throughput.drydock), cell(peer.throughput.baseline), ratio(peer.throughput.drydock, peer.throughput.baseline), 'H'],
        ]),
    ['first prompt from a warm pool (ms)', cell(warmPool.warm), cell(warmPool.cold), ratio(warmPool.warm, warmPool.cold), 'E'],
    ['environment restored → engine ready (ms)', cell(env.restore), cell(env.cold), ratio(env.restore, env.cold), 'J'],
    ['  parking it (ms)', cell(env.park), '', '', ''],
    ['parked environment on disk (MiB)', cell(env.diskMiB), cell(env.freshDiskMiB), ratio(env.diskMiB, env.freshDiskMiB), 'J'],
    ['3-machine lab, new → 3 engines (ms)', cell(env.labCold), cell(env.cold), ratio(env.labCold, env.cold), 'J'],
    ['3-machine lab, restored → 3 engines (ms)', cell(env.labRestore), cell(env.labCold), ratio(env.labRestore, env.labCold), 'J'],
    ['  memory per lab machine, swarm idle (MiB)', cell(env.machineMemoryMiB), '', '', ''],
    ['self-paced newcomer, page → prompt (ms)', cell(selfPaced.warm), cell(selfPaced.cold), ratio(selfPaced.warm, selfPaced.cold), 'G'],
    ['hardened tier: first prompt (ms)', cell(tiers.userns.firstPrompt), cell(tiers.capability.firstPrompt), ratio(tiers.userns.firstPrompt, tiers.capability.firstPrompt), 'F'],
    ['hardened tier: inner docker run (ms)', cell(tiers.userns.innerRun), cell(tiers.capability.innerRun), ratio(tiers.userns.innerRun, tiers.capability.innerRun), 'F'],
    ['hardened tier: small build (ms)', cell(tiers.userns.build), cell(tiers.capability.build), ratio(tiers.userns.build, tiers.capability.build), 'F'],
    ['hardened tier: idle memory (MiB)', cell(tiers.userns.idleMemoryMiB), cell(tiers.capability.idleMemoryMiB), ratio(tiers.userns.idleMemoryMiB, tiers.capability.idleMemoryMiB), 'F'],
  ];
  const diff = (a?: Summary, b?: Summary) => (a && b ? (a.median - b.median).toFixed(0) : '—');
  return [
    '',
    `Drydock benchmark${bench.quick ? ' (--quick)' : ''}: image ${bench.image}, ${new Date().toISOString()}`,
    `runs: first prompt ${fp.drydock.n}+${fp.baseline.n} (+${bench.params.warmup} warm-up each), plain bash ${fp.plain?.n ?? 0}, ` +
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
    'G  a newcomer outside any class (lesson page GET, cookie, WebSocket, prompt) on a server keeping the self-paced warm pool',
    '   (the default), beside the same newcomer on a second server without it (DRYDOCK_SELF_PACED_WARM_MAX=0), taking turns;',
    '   the pool refilling between newcomers is not timed (a site within capacity between two arrivals).',
    'H  wetty (a web terminal on npm, installed once into ~/.cache/drydock-bench; its flow control is the one Drydock\'s follows)',
    '   serving `docker exec -it <sandbox> bash -l` into the same sandbox as Drydock\'s learner, driven by the same echo and',
    '   throughput code as C over socket.io (input up, data down, commit what was rendered), samples interleaved with Drydock\'s.',
    'I  one bare `docker exec true` in the same sandbox, interleaved with a GET of a small page from busybox httpd in it: through',
    '   the web preview proxy (cookie check, one exec of nc as the relay, HTTP both ways; platform/preview), and by curl run',
    '   in the sandbox with one exec. The proxy in the bench process, on the real engine, as the platform runs it.',
    'J  through the session manager, one learner at a time: a new environment (create, start, engine boot) is the baseline for one',
    '   parked (after 4 MiB of files, an 8 MiB inner image and a volume were made in it) and restored; disk is what the sandbox',
    '   holds on the host after `sync` (hardened tier: its disk image\'s allocated blocks; capability tier: writable layer and',
    '   volume), against a fresh one\'s; the lab rows wait for all three inner engines, new and restored; memory as in F.',
    '',
  ].join('\n');
}

/** Every figure and sample, for tools (--json). */
export function jsonReport(bench: BenchContext, results: BenchResults): string {
  const { firstPrompt, echo, throughput, grade, preview, peer, warmPool, environments, selfPaced, tiers } = results;
  const figures = {
    runId: bench.runId,
    image: bench.image,
    quick: bench.quick,
    params: bench.params,
    firstPromptMs: { drydock: firstPrompt.drydock, pageMs: firstPrompt.page, upgradeMs: firstPrompt.upgrade, baselineDind: firstPrompt.baseline, baselinePlainBash: firstPrompt.plain, samples: firstPrompt.samples },
    echoMs: { drydock: echo.drydock, baseline: echo.baseline, samples: echo.samples },
    peer: 'skipped' in peer ? peer : { tool: peer.tool, echoMs: { drydock: peer.echo.drydock, peer: peer.echo.baseline }, throughputMBps: { drydock: peer.throughput.drydock, peer: peer.throughput.baseline } },
    gradeMs: grade,
    webPreviewMs: preview,
    warmPoolFirstPromptMs: warmPool,
    environments,
    selfPacedFirstPromptMs: selfPaced,
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
      webPreviewVsBareExec: preview.proxied.median / preview.bareExec.median,
      warmPoolFirstPromptVsCold: warmPool.warm.median / warmPool.cold.median,
      environmentRestoreVsNew: environments.restore.median / environments.cold.median,
      labNewVsOneSandbox: environments.labCold.median / environments.cold.median,
      selfPacedFirstPromptVsCold: selfPaced.warm.median / selfPaced.cold.median,
      hardenedVsCapabilityFirstPrompt: tiers.userns.firstPrompt.median / tiers.capability.firstPrompt.median,
    },
  };
  return `${JSON.stringify(figures, null, 2)}\n`;
}
