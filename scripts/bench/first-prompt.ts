import { LEARNER_COOKIE } from '../../lib/identity/learner-identity';
import { baselineSandboxToPrompt, plainBashFirstByte } from './baseline';
import type { BenchContext } from './context';
import { LESSON_PATH, PLAIN_IMAGE, PROFILE, PROMPT_TIMEOUT_MS, SIZE } from './options';
import type { PlatformProcess } from './platform-process';
import { summarize } from './stats';
import { DrydockSocketLink } from './terminal-link';

export interface LearnerSession {
  learnerId: string;
  link: DrydockSocketLink;
  totalMs: number;
  pageMs: number;
  upgradeMs: number;
}

/** A new browser: loads the lesson page (gets its learner cookie), opens the terminal socket, waits for the prompt. */
export async function drydockLearnerToPrompt(server: PlatformProcess): Promise<LearnerSession> {
  const t0 = performance.now();
  const res = await fetch(`${server.url}${LESSON_PATH}`);
  await res.text();
  if (!res.ok) throw new Error(`GET ${LESSON_PATH} answered HTTP ${res.status}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${LEARNER_COOKIE}=`));
  if (!setCookie) throw new Error(`GET ${LESSON_PATH} set no ${LEARNER_COOKIE} cookie`);
  const cookie = setCookie.split(';')[0]!;
  const learnerId = decodeURIComponent(cookie.slice(LEARNER_COOKIE.length + 1)).split('.')[1]!;
  const t1 = performance.now();
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws/terminal?env=${PROFILE}`;
  const link = await DrydockSocketLink.open(wsUrl, cookie, server.url, SIZE);
  const t2 = performance.now();
  try {
    const at = await link.out.waitForPrompt(PROMPT_TIMEOUT_MS);
    return { learnerId, link, totalMs: at - t0, pageMs: t1 - t0, upgradeMs: t2 - t1 };
  } catch (error) {
    await link.close();
    await server.remove(learnerId).catch(() => undefined);
    throw error;
  }
}

export type FirstPrompt = Awaited<ReturnType<typeof measureFirstPrompt>>;

/** A new learner's first prompt through Drydock beside the hand-driven baseline (and a plain bash), rounds alternating. */
export async function measureFirstPrompt(bench: BenchContext, server: PlatformProcess) {
  const { params, log } = bench;
  const drydock: number[] = [];
  const page: number[] = [];
  const upgrade: number[] = [];
  const dind: number[] = [];
  const plain: number[] = [];
  const plainAvailable = await bench.docker
    .getImage(PLAIN_IMAGE)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (!plainAvailable) log(`${PLAIN_IMAGE} is not present: the plain-bash baseline is left out`);

  const rounds = params.warmup + params.firstPrompt;
  const plainEvery = params.plainBash / params.firstPrompt;
  for (let i = 0; i < rounds; i++) {
    const warm = i < params.warmup;
    const last = { drydock: Number.NaN, baseline: Number.NaN };
    // Alternate which path goes first, so neither always follows a container removal.
    const order = i % 2 === 0 ? (['drydock', 'dind'] as const) : (['dind', 'drydock'] as const);
    for (const which of order) {
      if (which === 'drydock') {
        const s = await drydockLearnerToPrompt(server);
        await s.link.close();
        await server.remove(s.learnerId);
        last.drydock = s.totalMs;
        if (!warm) {
          drydock.push(s.totalMs);
          page.push(s.pageMs);
          upgrade.push(s.upgradeMs);
        }
      } else {
        const b = await baselineSandboxToPrompt(bench);
        await b.link.close();
        await bench.baselineDriver.remove(b.id);
        last.baseline = b.ms;
        if (!warm) dind.push(b.ms);
      }
    }
    if (plainAvailable) {
      // Spread the plain-bash runs over the rounds; one unrecorded run during warm-up.
      if (warm) await plainBashFirstByte(bench);
      else while (plain.length < Math.round((i - params.warmup + 1) * plainEvery)) plain.push(await plainBashFirstByte(bench));
    }
    log(`first prompt ${warm ? 'warm-up' : `${i - params.warmup + 1}/${params.firstPrompt}`}: drydock ${last.drydock.toFixed(0)} ms, baseline ${last.baseline.toFixed(0)} ms`);
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
