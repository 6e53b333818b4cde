import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxServerConfig } from '../../sandbox-server/src/config/config';
import type { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { silentLogger } from '../../lib/logging/logger';
import { SessionManager } from '../../sandbox-server/src/sessions/session-manager';
import { removeEverySandbox } from '../../sandbox-server/test/sandboxes';
import type { TerminalClient } from '../../sandbox-server/src/terminal/terminal-client';
import { memoryInUseMiB } from './isolation-cost';
import { summarize, type Summary } from './stats';

export interface EnvironmentFigures {
  /** connect → inner engine ready, for an environment parked with work in it (restore: start, the engine again). */
  restore: Summary;
  /** The baseline: connect → inner engine ready for a new environment (create, start, engine boot). */
  cold: Summary;
  /** The sweep that parks an environment (stop, the inner engine given 10 s to stop its containers). */
  park: Summary;
  /** MiB on the host disk a parked environment holds, with the work below; and a fresh one's, the baseline. */
  diskMiB: Summary;
  freshDiskMiB: Summary;
  /** A 3-machine lab: connect to node1 → all three inner engines answer; new (cold) and restored after parking. */
  labCold: Summary;
  labRestore: Summary;
  /** Memory in use per lab machine (usage less inactive page cache) with the swarm formed, idle. */
  machineMemoryMiB: Summary;
}

/** The work a learner leaves in the environment: a file tree, an inner image with 8 MiB of its own, a volume. */
const WORK = [
  'mkdir -p /root/work && head -c 4194304 /dev/urandom > /root/work/blob && cd /root/work',
  'head -c 8388608 /dev/urandom > layer && printf "FROM scratch\\nCOPY layer /layer\\n" > Dockerfile && docker build -q -t bench:1 . >/dev/null',
  'docker volume create benchvol >/dev/null && echo done',
].join(' && ');

const nobody = (): TerminalClient => ({ sendOutput: () => undefined, sendControl: () => undefined, close: () => undefined });

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The inner engine of a sandbox answers (what "ready" means for a lab machine with no browser). */
async function engineAnswers(driver: DockerDriver, id: string): Promise<boolean> {
  return (await driver.exec(id, ['docker', 'version', '--format', 'ok'], { timeoutMs: 5_000 }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
}

/**
 * Bytes a sandbox keeps on the host: in the hardened tier its disk image
 * (allocated blocks, not its nominal size); in the capability tier its
 * writable layer and its inner engine's volume.
 */
async function diskMiB(driver: DockerDriver, id: string): Promise<number> {
  // Written blocks reach the disk image (and its allocation) at writeback: flush first.
  execFileSync('sync');
  const info = await driver.docker.getContainer(id).inspect();
  const session = info.Config.Labels['drydock.session'] ?? '';
  const disks = '/var/lib/drydock-disks';
  let bytes = 0;
  try {
    for (const file of readdirSync(disks)) if (file.includes(session) && file.endsWith('.img')) bytes += statSync(join(disks, file)).blocks * 512;
  } catch {
    // no disk folder: the capability tier
  }
  if (bytes === 0) {
    const [listed] = await driver.docker.listContainers({ all: true, size: true, filters: { id: [id] } });
    bytes = (listed as { SizeRw?: number } | undefined)?.SizeRw ?? 0;
    for (const mount of info.Mounts) if (mount.Type === 'volume' && mount.Name) bytes += await volumeBytes(driver, mount.Name);
  }
  return bytes / 2 ** 20;
}

async function volumeBytes(driver: DockerDriver, name: string): Promise<number> {
  const { Volumes } = (await driver.docker.df()) as { Volumes?: { Name: string; UsageData?: { Size: number } }[] };
  return Volumes?.find((v) => v.Name === name)?.UsageData?.Size ?? 0;
}

/**
 * What an environment costs and how fast it comes back, through the session
 * manager the WebSocket handler calls, one learner at a time: a new
 * environment (the baseline) against one parked with work and restored; then
 * a 3-machine lab, new and restored, and its machines' memory.
 */
export async function measureEnvironments(driver: DockerDriver, config: SandboxServerConfig, samples: number): Promise<EnvironmentFigures> {
  const manager = new SessionManager(driver, config, silentLogger);
  manager.setEnvironmentMachines((name) => (name === 'bench-lab' ? 3 : undefined));
  const runs = { restore: [] as number[], cold: [] as number[], park: [] as number[], disk: [] as number[], fresh: [] as number[], labCold: [] as number[], labRestore: [] as number[], memory: [] as number[] };
  const park = async (learner: string): Promise<number> => {
    const started = performance.now();
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1_000);
    if (!manager.environmentsOf(learner).every((e) => e.state === 'parked')) throw new Error('the sweep did not park the environment');
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < samples; i++) {
      const learner = `bench-env-${i}`;
      const client = nobody();
      let started = performance.now();
      const session = await manager.connect(learner, 'dind:bench', client);
      await until('the inner engine', () => session.engineReady);
      runs.cold.push(performance.now() - started);
      runs.fresh.push(await diskMiB(driver, session.info.id));
      const work = await driver.exec(session.info.id, ['bash', '-c', WORK], { timeoutMs: 120_000 });
      if (!work.stdout.includes('done')) throw new Error(`the bench's work failed: ${work.stderr}`);
      manager.disconnect(session, client);
      runs.park.push(await park(learner));
      runs.disk.push(await diskMiB(driver, session.info.id));
      started = performance.now();
      const restored = await manager.connect(learner, 'dind:bench', nobody());
      await until('the restored inner engine', () => restored.engineReady);
      runs.restore.push(performance.now() - started);
      await manager.reset(learner, 'dind:bench');

      // A lab of three: all engines answer.
      const labLearner = `bench-lab-${i}`;
      const labClient = nobody();
      started = performance.now();
      const node1 = await manager.connect(labLearner, 'dind:bench-lab', labClient);
      const machines = async () => manager.environmentsOf(labLearner).map((e) => e.sandboxId);
      await until('three lab machines', async () => (await machines()).length === 3);
      await until('three inner engines', async () => (await Promise.all((await machines()).map((id) => engineAnswers(driver, id)))).every(Boolean));
      runs.labCold.push(performance.now() - started);
      const ids = await machines();
      const init = await driver.exec(node1.info.id, ['bash', '-c', 'docker swarm init --advertise-addr "$(hostname -i)" >/dev/null && docker swarm join-token -q worker'], { timeoutMs: 30_000 });
      for (const id of ids.filter((m) => m !== node1.info.id)) await driver.exec(id, ['docker', 'swarm', 'join', '--token', init.stdout.trim(), 'node1:2377'], { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 5_000));
      for (const id of ids) runs.memory.push(await memoryInUseMiB(driver, id));
      manager.disconnect(node1, labClient);
      await park(labLearner);
      started = performance.now();
      await manager.connect(labLearner, 'dind:bench-lab', nobody());
      await until('three restored machines', async () => manager.environmentsOf(labLearner).filter((e) => e.state === 'running').length === 3);
      await until('three restored engines', async () => (await Promise.all((await machines()).map((id) => engineAnswers(driver, id)))).every(Boolean));
      runs.labRestore.push(performance.now() - started);
      await manager.reset(labLearner, 'dind:bench-lab');
    }
  } finally {
    await removeEverySandbox(manager, driver);
  }
  return {
    restore: summarize(runs.restore),
    cold: summarize(runs.cold),
    park: summarize(runs.park),
    diskMiB: summarize(runs.disk),
    freshDiskMiB: summarize(runs.fresh),
    labCold: summarize(runs.labCold),
    labRestore: summarize(runs.labRestore),
    machineMemoryMiB: summarize(runs.memory),
  };
}
