import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxDriver } from '../engine/driver';

/** The file the sandbox's entrypoint touches once its inner engine answers (it then starts the shell). */
const READY_FILE = '/run/drydock/engine-ready';
const PROBE_INTERVAL_MS = 150;
export const ENGINE_READY_TIMEOUT_MS = 60_000;

/**
 * Waits until the sandbox's inner Docker engine is ready, from outside the
 * learner's shell (an exec the learner never sees). Rejects after `timeoutMs`,
 * or as soon as `stillWanted` says nobody waits any more (the session ended).
 */
export async function waitForEngineReady(
  driver: SandboxDriver,
  id: string,
  options: { timeoutMs?: number; stillWanted?: () => boolean } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? ENGINE_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (options.stillWanted && !options.stillWanted()) throw new Error(`sandbox ${id.slice(0, 12)}: nobody waits for its engine any more`);
    const probe = await driver.exec(id, ['test', '-e', READY_FILE], { timeoutMs: 5_000 });
    if (probe.exitCode === 0) return;
    await sleep(PROBE_INTERVAL_MS);
  }
  throw new Error(`sandbox ${id.slice(0, 12)}: inner engine not ready after ${timeoutMs / 1000} s`);
}
