import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxDriver } from '../engine/driver';

/**
 * The file the sandbox's entrypoint writes once its engine's start is over
 * (it then starts the shell): `1` when the engine answers, `0` when it gave up
 * on it (dockerd exited, or did not answer within DRYDOCK_READY_TIMEOUT).
 */
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
/**
 * Longer than the entrypoint's own wait (120 s), so it is the sandbox that
 * says whether its engine started. Under a burst a boot is slow, not broken:
 * 30 cold sandboxes at once on 2 cores took up to 115 s each (npm run load),
 * and at 60 s learners were told "did not start" about engines that did.
 */
export const ENGINE_READY_TIMEOUT_MS = 180_000;

/** The sandbox's entrypoint gave up on its engine (its file says 0); the shell runs without one. */
export class EngineDidNotStartError extends Error {
  override readonly name = 'EngineDidNotStartError';
}

/**
 * Waits until the sandbox's inner Docker engine is ready, from outside the
 * learner's shell (an exec the learner never sees). Rejects with
 * EngineDidNotStartError when the sandbox says its engine did not start,
 * after `timeoutMs`, or as soon as `stillWanted` says nobody waits any more
 * (the session ended).
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
    const probe = await driver.exec(id, ['cat', READY_FILE], { timeoutMs: 5_000 });
    if (probe.exitCode === 0) {
      if (probe.stdout.trim() === '0') throw new EngineDidNotStartError(`sandbox ${id.slice(0, 12)}: its entrypoint says the inner engine did not start`);
      return;
    }
    await sleep(pause);
    pause = PROBE_INTERVAL_MS;
  }
  throw new Error(`sandbox ${id.slice(0, 12)}: inner engine not ready after ${timeoutMs / 1000} s`);
}
