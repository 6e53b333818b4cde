import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { ensureNextBuild } from '../lib/build-next';
import { checkDockerEngine } from '../lib/engine';
import type { BenchContext } from './context';
import { RUN_LABEL, sleep } from './options';
import type { PlatformProcess } from './platform-process';

/** A problem the operator fixes (no engine, no image): reported without "failed:", exit 2. */
export class Fatal extends Error {}

/** The engine answers, the sandbox image is there, and the web app is built. */
export async function preflight(bench: BenchContext): Promise<void> {
  const problem = await checkDockerEngine(bench.docker);
  if (problem) throw new Fatal(`the benchmark needs a Docker Engine.\n${problem}`);
  try {
    await bench.docker.getImage(bench.image).inspect();
  } catch {
    throw new Fatal(
      `the sandbox image ${bench.image} is not present in the engine. Build it with \`npm run images\` ` +
        '(or point DRYDOCK_SANDBOX_IMAGE at an existing tag).',
    );
  }
  await ensureBuild(bench);
}

/**
 * The platform serves a production build. An existing one is used as it is
 * (the terminal path does not depend on page content); a missing one is built,
 * unless another `next build` in this checkout is already making it, which is
 * waited for rather than raced.
 */
async function ensureBuild({ root, log }: BenchContext): Promise<void> {
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

/**
 * Removes everything the run created, whatever state it is in: the server
 * (which removes its sandboxes), then anything still labelled with the
 * run's server ids or run id (e.g. after a crash). Safe to call twice.
 */
export async function cleanup(bench: BenchContext, server: PlatformProcess | undefined): Promise<void> {
  const { docker, image, config, log } = bench;
  await server?.stop(log);
  const serverIds = [bench.baselineServerId, server?.serverId].filter((s): s is string => Boolean(s));
  for (const serverId of serverIds) await removeSandboxesOf(serverId, { image, isolatedNetwork: config.isolatedNetwork, docker });
  const plain = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${bench.runId}`] } }).catch(() => []);
  for (const c of plain) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
}

/**
 * Removes every sandbox a server made, with its network and disk; how many
 * there were. A stopped server leaves its sandboxes running (its next start
 * adopts them), so a script's own server must be followed by this.
 */
export async function removeSandboxesOf(serverId: string, options: { image: string; isolatedNetwork: boolean; docker?: Docker }): Promise<number> {
  const driver = new DockerDriver({ ...options, serverId });
  const sandboxes = await driver.list().catch(() => []);
  for (const info of sandboxes) await driver.remove(info.id).catch(() => undefined);
  await driver.removeOrphanNetworks().catch(() => 0);
  return sandboxes.length;
}
