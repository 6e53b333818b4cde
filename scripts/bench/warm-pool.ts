import type { SandboxServerConfig } from '../../sandbox-server/src/config';
import type { DockerDriver } from '../../sandbox-server/src/drivers/docker';
import { silentLogger } from '../../sandbox-server/src/logger';
import { SessionManager } from '../../sandbox-server/src/session-manager';
import type { TerminalClient } from '../../sandbox-server/src/terminal-client';
import { summarize, type Summary } from './stats';

export interface WarmPoolLatency {
  /** connect → prompt for a learner whose sandbox waits in a class's warm pool. */
  warm: Summary;
  /** The baseline: the same connect with no pool (create, start, inner engine boot). */
  cold: Summary;
}

const PROMPT = 'root@sandbox:~#';
const ANSI = /\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07/g;

/** Resolves with the ms from connect() to the first prompt in the client's output. */
async function timeToPrompt(manager: SessionManager, learnerId: string): Promise<number> {
  const started = performance.now();
  let output = '';
  let resolvePrompt: () => void = () => undefined;
  const prompted = new Promise<void>((resolve) => (resolvePrompt = resolve));
  const client: TerminalClient = {
    sendOutput: (data) => {
      output += data.toString('utf8');
      if (output.replace(ANSI, '').includes(PROMPT)) resolvePrompt();
    },
    sendControl: () => undefined,
    close: () => undefined,
  };
  const session = await manager.connect(learnerId, 'dind', client);
  await session.resize({ cols: 100, rows: 30 });
  const timeout = setTimeout(() => resolvePrompt(), 60_000);
  await prompted;
  clearTimeout(timeout);
  if (!output.replace(ANSI, '').includes(PROMPT)) throw new Error(`no prompt for ${learnerId} within 60 s`);
  return performance.now() - started;
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
      await manager.removeAll(); // one sandbox at a time, like the rest of the bench
    }
  } finally {
    await manager.removeAll();
  }
  return { warm: summarize(runs.warm), cold: summarize(runs.cold) };
}
