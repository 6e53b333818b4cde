import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { BenchContext } from './context';
import { PLAIN_IMAGE, PROFILE, PROMPT_TIMEOUT_MS, RUN_LABEL, SIZE } from './options';
import { DockerStreamLink } from './terminal-link';

/** The baselines: Drydock's own driver driven by hand, and a plain shell container, both read over raw attach streams. */

async function createBaselineSandbox(bench: BenchContext): Promise<string> {
  const info = await bench.baselineDriver.create({
    learnerId: 'bench-baseline',
    profile: PROFILE,
    sessionId: `b${randomBytes(8).toString('hex')}`,
    expiresAt: Date.now() + 3_600_000,
    limits: bench.config.limits,
  });
  return info.id;
}

/** create → attach → start → prompt on the raw stream. */
export async function baselineSandboxToPrompt(bench: BenchContext): Promise<{ ms: number; id: string; link: DockerStreamLink }> {
  const driver = bench.baselineDriver;
  const t0 = performance.now();
  const id = await createBaselineSandbox(bench);
  try {
    const link = new DockerStreamLink(await driver.attach(id));
    await driver.start(id);
    // Drydock resizes right after start too (the browser's resize frame waits for the sandbox).
    void driver.resize(id, SIZE).catch(() => undefined);
    const at = await link.out.waitForPrompt(PROMPT_TIMEOUT_MS);
    return { ms: at - t0, id, link };
  } catch (error) {
    await driver.remove(id).catch(() => undefined);
    throw error;
  }
}

/** A plain Debian shell, no inner engine: create → attach → start → first byte. */
export async function plainBashFirstByte(bench: BenchContext): Promise<number> {
  const t0 = performance.now();
  const container = await bench.docker.createContainer({
    Image: PLAIN_IMAGE,
    Cmd: ['bash'],
    Tty: true,
    OpenStdin: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Labels: { [RUN_LABEL]: bench.runId },
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
