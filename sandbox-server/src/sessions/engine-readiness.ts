import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxDriver } from '../engine/driver';

/** The file the sandbox's entrypoint touches once its inner engine answers (it then starts the shell). */
const READY_FILE = '/run/drydock/engine-ready';
/**
 * Each probe is an exec (a process started in the sandbox by its engine and
 * the host's), and a booting sandbox is short of CPU: probing every 150 ms
 * may have made a cold first prompt slower (npm run bench, section A: 1.21×
 * its baseline, against 1.01× before the probe). One probe at once (an
 * adopted sandbox answers it), then, as no inner engine answers within its
 * first second, one after a second and every 400 ms after that.
 */
const FIRST_PROBE_AFTER_MS = 1_000;
const PROBE_INTERVAL_MS = 400;
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
  let pause = FIRST_PROBE_AFTER_MS;
  while (Date.now() < deadline) {
    if (options.stillWanted && !options.stillWanted()) throw new Error(`sandbox ${id.slice(0, 12)}: nobody waits for its engine any more`);
    const probe = await driver.exec(id, ['test', '-e', READY_FILE], { timeoutMs: 5_000 });
    if (probe.exitCode === 0) return;
    await sleep(pause);
    pause = PROBE_INTERVAL_MS;
  }
  throw new Error(`sandbox ${id.slice(0, 12)}: inner engine not ready after ${timeoutMs / 1000} s`);
}
