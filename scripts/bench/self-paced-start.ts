import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from './context';
import { drydockLearnerToPrompt } from './first-prompt';
import type { PlatformProcess } from './platform-process';
import { summarize, type Summary } from './stats';

export interface SelfPacedStart {
  /** Lesson page request → prompt for a newcomer outside any class, on a server keeping the self-paced warm pool (the default). */
  warm: Summary;
  /** The baseline: the same newcomer on a server without it (DRYDOCK_SELF_PACED_WARM_MAX=0): create, start, inner engine boot. */
  cold: Summary;
}

const REFILL_TIMEOUT_MS = 90_000;

/** Waits until the server's self-paced pool holds a sandbox again (untimed: a site within capacity between two arrivals). */
async function untilWarm(server: PlatformProcess): Promise<void> {
  const deadline = Date.now() + REFILL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await server.selfPacedWarm()).waiting > 0) return;
    await sleep(100);
  }
  throw new Error(`the self-paced warm pool did not refill within ${REFILL_TIMEOUT_MS / 1000} s`);
}

/** One newcomer's page → prompt on the server, whose sandbox then goes. */
async function newcomer(server: PlatformProcess): Promise<number> {
  const learner = await drydockLearnerToPrompt(server);
  await learner.link.close();
  await server.remove(learner.learnerId);
  return learner.totalMs;
}

/**
 * A self-paced newcomer's first prompt, warm and cold, through the whole
 * platform (lesson page, cookie, WebSocket, prompt), the two servers taking
 * turns so that machine load hits both alike.
 */
export async function measureSelfPacedStart(bench: BenchContext, warmServer: PlatformProcess, coldServer: PlatformProcess, samples: number): Promise<SelfPacedStart> {
  const runs = { warm: [] as number[], cold: [] as number[] };
  for (let i = 0; i < samples; i++) {
    await untilWarm(warmServer);
    runs.warm.push(await newcomer(warmServer));
    runs.cold.push(await newcomer(coldServer));
    bench.log(`self-paced first prompt ${i + 1}/${samples}: warm ${runs.warm.at(-1)!.toFixed(0)} ms, cold ${runs.cold.at(-1)!.toFixed(0)} ms`);
  }
  return { warm: summarize(runs.warm), cold: summarize(runs.cold) };
}
