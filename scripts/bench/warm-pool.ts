import type { SandboxServerConfig } from '../../sandbox-server/src/config/config';
import type { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { silentLogger } from '../../lib/logging/logger';
import { SessionManager } from '../../sandbox-server/src/sessions/session-manager';
import { removeEverySandbox } from '../../sandbox-server/test/sandboxes';
import type { TerminalClient } from '../../sandbox-server/src/terminal/terminal-client';
import { summarize, type Summary } from './stats';
import { OutputWatcher } from './terminal-link';

export interface WarmPoolLatency {
  /** connect → prompt for a learner whose sandbox waits in a class's warm pool. */
  warm: Summary;
  /** The baseline: the same connect with no pool (create, start, inner engine boot). */
  cold: Summary;
}

const PROMPT_TIMEOUT_MS = 60_000;

/** The ms from connect() to the arrival of the output that ends with the prompt (the replay, for a warm sandbox). */
async function timeToPrompt(manager: SessionManager, learnerId: string): Promise<number> {
  const out = new OutputWatcher();
  const client: TerminalClient = { sendOutput: (data) => out.push(data), sendControl: () => undefined, close: () => undefined };
  const started = performance.now();
  const prompted = out.waitForPrompt(PROMPT_TIMEOUT_MS);
  const session = await manager.connect(learnerId, 'dind', client);
  await session.resize({ cols: 100, rows: 30 });
  return (await prompted) - started;
}

/**
 * Time to first prompt through the session manager (what the WebSocket
 * handler calls), with and without a warm pool, interleaved so machine load
 * hits both alike. The pool is filled before each warm sample, untimed: an
 * instructor fills it when creating the class, before anyone joins.
 */
export async function measureWarmPool(driver: DockerDriver, config: SandboxServerConfig, samples: number): Promise<WarmPoolLatency> {
  const manager = new SessionManager(driver, config, silentLogger);
  const pool = 'bench-class';
  manager.setPlacement((learnerId) => (learnerId.startsWith('warm-') ? { classId: pool, pool } : undefined));
  const runs = { warm: [] as number[], cold: [] as number[] };
  try {
    for (let i = 0; i < samples; i++) {
      await manager.warm({ pool, count: 1, profile: 'dind', classId: pool });
      runs.warm.push(await timeToPrompt(manager, `warm-${i}`));
      runs.cold.push(await timeToPrompt(manager, `cold-${i}`));
      // One sandbox at a time, like the rest of the bench: the class (its learner and pool) and the walk-in go.
      await manager.removeClass(pool);
      await manager.reset(`cold-${i}`, 'dind');
    }
  } finally {
    await removeEverySandbox(manager, driver);
  }
  return { warm: summarize(runs.warm), cold: summarize(runs.cold) };
}
