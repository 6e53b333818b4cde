import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { cgroupFolders } from '../../sandbox-server/src/engine/docker/isolation/cgroup-delegation';
import { loadSandboxServerConfig } from '../../sandbox-server/src/config/config';
import { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { HARDENED_ENGINE_SOCKET, type IsolationTier } from '../../sandbox-server/src/engine/docker/isolation/tier';
import { summarize, type Summary } from './stats';
import { DockerStreamLink } from './terminal-link';

/** What one sandbox of a tier costs; every figure a median over samples taken in the same run, tiers interleaved. */
export interface TierCost {
  firstPrompt: Summary;
  innerRun: Summary;
  build: Summary;
  idleMemoryMiB: Summary;
}
export type IsolationCost = Record<IsolationTier, TierCost>;

const PROMPT_TIMEOUT_MS = 60_000;
const IDLE_SETTLE_MS = 5_000;
const BUILD = "d=$(mktemp -d) && printf 'FROM busybox\\nRUN echo built > /built\\n' > $d/Dockerfile && docker build -q --no-cache $d >/dev/null";

/**
 * The hardened tier beside the capability tier, on their own engines
 * (Drydock's userns-remap engine; the operator's), with the same image and
 * limits: first prompt (create → attach → start → prompt), an inner `docker
 * run`, a small build, and memory in use once the sandbox is idle.
 */
export async function measureIsolationCost(image: string, samples: number, operatorSocket = '/var/run/docker.sock', log: (m: string) => void = () => undefined): Promise<IsolationCost> {
  const serverId = `bench-tiers-${randomBytes(3).toString('hex')}`;
  const config = loadSandboxServerConfig(serverId, { NODE_ENV: 'production' });
  const drivers: Record<IsolationTier, DockerDriver> = {
    userns: new DockerDriver({ image, serverId, isolatedNetwork: true, tier: 'userns', docker: new Docker({ socketPath: HARDENED_ENGINE_SOCKET }) }),
    capability: new DockerDriver({ image, serverId, isolatedNetwork: true, tier: 'capability', docker: new Docker({ socketPath: operatorSocket }) }),
  };
  const runs = { userns: newRuns(), capability: newRuns() };
  try {
    for (let i = 0; i < samples; i++) {
      for (const tier of ['userns', 'capability'] as const) {
        log(`isolation cost: ${tier} sample ${i + 1}/${samples}`);
        await sample(drivers[tier], config.limits, runs[tier]);
      }
    }
  } finally {
    for (const driver of Object.values(drivers)) {
      for (const info of await driver.list().catch(() => [])) await driver.remove(info.id).catch(() => undefined);
    }
  }
  const done = (r: ReturnType<typeof newRuns>): TierCost => ({ firstPrompt: summarize(r.firstPrompt), innerRun: summarize(r.innerRun), build: summarize(r.build), idleMemoryMiB: summarize(r.idleMemoryMiB) });
  return { userns: done(runs.userns), capability: done(runs.capability) };
}

function newRuns() {
  return { firstPrompt: [] as number[], innerRun: [] as number[], build: [] as number[], idleMemoryMiB: [] as number[] };
}

async function sample(driver: DockerDriver, limits: ReturnType<typeof loadSandboxServerConfig>['limits'], into: ReturnType<typeof newRuns>): Promise<void> {
  const t0 = performance.now();
  const { id } = await driver.create({ learnerId: 'bench-tiers', profile: 'dind', sessionId: `t${randomBytes(8).toString('hex')}`, expiresAt: Date.now() + 3_600_000, limits });
  try {
    const link = new DockerStreamLink(await driver.attach(id));
    await driver.start(id);
    void driver.resize(id, { cols: 120, rows: 40 }).catch(() => undefined);
    into.firstPrompt.push((await link.out.waitForPrompt(PROMPT_TIMEOUT_MS)) - t0);
    await link.close();
    into.innerRun.push(await timed(driver, id, 'docker run --rm busybox true'));
    into.build.push(await timed(driver, id, BUILD));
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    into.idleMemoryMiB.push(await memoryInUseMiB(driver, id));
  } finally {
    await driver.remove(id);
  }
}

async function timed(driver: DockerDriver, id: string, script: string): Promise<number> {
  const result = await driver.exec(id, ['bash', '-c', script], { timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw new Error(`\`${script}\` failed in the sandbox: ${result.stderr.trim()}`);
  return result.durationMs;
}

/**
 * As `docker stats` counts it (usage less the page cache the kernel can drop at once), read from the
 * sandbox's memory cgroup on the host: Engine 20.10 on this kernel answers the stats API with empty memory_stats.
 */
export async function memoryInUseMiB(driver: DockerDriver, id: string): Promise<number> {
  const { State } = await driver.docker.getContainer(id).inspect();
  const folders = cgroupFolders(readFileSync(`/proc/${State.Pid}/cgroup`, 'utf8'));
  const v1 = folders.find((f) => existsSync(join(f, 'memory.usage_in_bytes')));
  const v2 = folders.find((f) => existsSync(join(f, 'memory.current')));
  const folder = v1 ?? v2;
  if (!folder) throw new Error(`no memory cgroup found for sandbox ${id.slice(0, 12)}`);
  const usage = Number(readFileSync(join(folder, v1 ? 'memory.usage_in_bytes' : 'memory.current'), 'utf8'));
  const stat = readFileSync(join(folder, 'memory.stat'), 'utf8');
  const inactive = Number(new RegExp(`^${v1 ? 'total_inactive_file' : 'inactive_file'} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0);
  return (usage - inactive) / (1024 * 1024);
}
