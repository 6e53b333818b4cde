import type { BenchContext } from './context';
import { sleep } from './options';
import type { PlatformProcess } from './platform-process';
import { summarize, summarizeHigherIsBetter } from './stats';
import type { TerminalLink } from './terminal-link';

/** Keystroke echo and output throughput on one Drydock link and one baseline link, interleaved. */

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

export type Echo = Awaited<ReturnType<typeof measureEcho>>;

export async function measureEcho(bench: BenchContext, drydockLink: TerminalLink, baselineLink: TerminalLink) {
  const { params } = bench;
  const drydock: number[] = [];
  const baseline: number[] = [];
  await echoBlock(drydockLink, params.echoWarmup, undefined);
  await echoBlock(baselineLink, params.echoWarmup, undefined);
  // Blocks of 20, alternating, so both paths see the same machine load.
  const block = 20;
  for (let done = 0; done < params.echoSamples; done += block) {
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

export type Throughput = Awaited<ReturnType<typeof measureThroughput>>;

export async function measureThroughput(bench: BenchContext, server: PlatformProcess, drydockLink: TerminalLink, baselineLink: TerminalLink) {
  const { params, log } = bench;
  const drydock: number[] = [];
  const baseline: number[] = [];
  const serverCpuPerMB: number[] = [];
  const clientCpuPerMB = { drydock: [] as number[], baseline: [] as number[] };
  const chunkKiB = { drydock: [] as number[], baseline: [] as number[] };
  let bytes = 0;
  for (let i = 0; i < params.throughputRuns; i++) {
    const order: Array<[TerminalLink, number[]]> = i % 2 === 0 ? [[drydockLink, drydock], [baselineLink, baseline]] : [[baselineLink, baseline], [drydockLink, drydock]];
    for (const [link, into] of order) {
      const cpuBefore = link === drydockLink ? await server.cpuMs() : 0;
      const r = await throughputRun(link, params.throughputBytes);
      if (link === drydockLink) serverCpuPerMB.push(((await server.cpuMs()) - cpuBefore) / (r.bytes / 1e6));
      into.push(r.mbPerS);
      const key = link === drydockLink ? 'drydock' : 'baseline';
      clientCpuPerMB[key].push(r.clientCpuMs / (r.bytes / 1e6));
      chunkKiB[key].push(r.bytes / r.chunks / 1024);
      bytes = r.bytes;
    }
    log(`throughput ${i + 1}/${params.throughputRuns}: drydock ${drydock.at(-1)!.toFixed(1)} MB/s, baseline ${baseline.at(-1)!.toFixed(1)} MB/s`);
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
