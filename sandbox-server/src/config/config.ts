import { cpus, totalmem } from 'node:os';
import type { SandboxLimits } from '../engine/driver';
import { deriveCapacity } from './capacity';

export type { SandboxLimits };

/**
 * Sandbox-server settings. Every option has a default suited to a trusted
 * classroom on one 2-core / 24 GiB machine; each can be set from the
 * environment (names in brackets).
 */
/** Who gets a sandbox, how many there may be, and how often a client may knock. */
export interface AdmissionLimits {
  /**
   * Sandboxes this server holds at once: live, adopted after a restart,
   * starting, and waiting in a class's warm pool. A learner who would need
   * one more waits in line. [DRYDOCK_MAX_SANDBOXES] default from the host's
   * memory and CPUs (capacity.ts; 54 on a 2-core / 24 GiB machine)
   */
  maxSandboxes: number;
  /** How maxSandboxes was chosen, for the start-up log. */
  maxSandboxesReason: string;
  /**
   * Sandboxes (and places in line) the learners outside any open class may
   * hold per client address; 0 gives sandboxes to class members only.
   * [DRYDOCK_SANDBOXES_PER_ADDRESS] default 2
   */
  perAddress: number;
  /** Terminal sockets one learner may have open at once (tabs). [DRYDOCK_SOCKETS_PER_LEARNER] default 4 */
  socketsPerLearner: number;
  /**
   * Terminal socket upgrades per client address: this many at once, then
   * this many per minute (a token bucket). [DRYDOCK_SOCKET_JOINS_PER_MINUTE] default 120
   */
  joinsPerMinute: number;
}

export interface SandboxServerConfig {
  /** Image the sandboxes run. [DRYDOCK_SANDBOX_IMAGE] default drydock/sandbox:latest */
  image: string;
  /**
   * Identifies this server's containers (label drydock.server) so a restarted
   * server reattaches to its own sandboxes and never touches another's.
   */
  serverId: string;
  limits: SandboxLimits;
  /** Bytes of recent output kept per sandbox and replayed on reconnect. default 256 KiB */
  replayBufferBytes: number;
  /** Flow control: pause the container's stream above this many unacknowledged bytes. default 512 KiB */
  flowHighWaterBytes: number;
  /** Flow control: resume below this. default 128 KiB */
  flowLowWaterBytes: number;
  /** Output is batched for up to this long before a frame is sent (flushed at once after input). default 5 ms */
  batchDelayMs: number;
  /** ...or until this many bytes are waiting. default 256 KiB */
  batchMaxBytes: number;
  /** Largest WebSocket message accepted from a browser (ws maxPayload). default 64 KiB */
  maxPayloadBytes: number;
  /** Interval between pings; a socket that missed the previous pong is terminated. default 30 s */
  heartbeatMs: number;
  /** Put each sandbox on its own internal bridge network (no route out, no neighbours). default true */
  isolatedNetwork: boolean;
  /** The range sandbox networks take /28 subnets from (about 30 fit in an engine's default pools). [DRYDOCK_SANDBOX_SUBNETS] default 10.213.0.0/16 */
  sandboxSubnets: string;
  admission: AdmissionLimits;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

function countFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number, ${min} or more, got "${raw}"`);
  return value;
}

/** DRYDOCK_MAX_SANDBOXES when set, else what this host's memory and CPUs hold. */
function maxSandboxesFromEnv(env: NodeJS.ProcessEnv): { maxSandboxes: number; maxSandboxesReason: string } {
  if (env.DRYDOCK_MAX_SANDBOXES) {
    const maxSandboxes = countFromEnv(env, 'DRYDOCK_MAX_SANDBOXES', 1, 1);
    return { maxSandboxes, maxSandboxesReason: 'DRYDOCK_MAX_SANDBOXES' };
  }
  const memory = totalmem();
  const cores = cpus().length;
  const derived = deriveCapacity({ totalMemoryBytes: memory, cpus: cores });
  return {
    maxSandboxes: derived.maxSandboxes,
    maxSandboxesReason: `from this host: ${(memory / 1024 ** 3).toFixed(1)} GiB of memory holds ${derived.memoryBound}, ${cores} CPUs ${derived.cpuBound}; DRYDOCK_MAX_SANDBOXES overrides`,
  };
}

const MiB = 1024 * 1024;
const MINUTE = 60_000;

export function loadSandboxServerConfig(serverId: string, env: NodeJS.ProcessEnv = process.env): SandboxServerConfig {
  return {
    image: env.DRYDOCK_SANDBOX_IMAGE || 'drydock/sandbox:latest',
    serverId,
    limits: {
      memoryBytes: intFromEnv(env, 'DRYDOCK_SANDBOX_MEMORY_MB', 1536) * MiB,
      cpus: intFromEnv(env, 'DRYDOCK_SANDBOX_CPUS', 1),
      pids: intFromEnv(env, 'DRYDOCK_SANDBOX_PIDS', 1024),
      idleTimeoutMs: intFromEnv(env, 'DRYDOCK_IDLE_MINUTES', 30) * MINUTE,
      maxLifetimeMs: intFromEnv(env, 'DRYDOCK_LIFETIME_MINUTES', 240) * MINUTE,
    },
    replayBufferBytes: 256 * 1024,
    flowHighWaterBytes: 512 * 1024,
    flowLowWaterBytes: 128 * 1024,
    batchDelayMs: 5,
    batchMaxBytes: 256 * 1024,
    maxPayloadBytes: 64 * 1024,
    heartbeatMs: 30_000,
    isolatedNetwork: env.DRYDOCK_ISOLATED_NETWORK !== '0',
    sandboxSubnets: env.DRYDOCK_SANDBOX_SUBNETS || '10.213.0.0/16',
    admission: {
      ...maxSandboxesFromEnv(env),
      perAddress: countFromEnv(env, 'DRYDOCK_SANDBOXES_PER_ADDRESS', 2, 0),
      socketsPerLearner: countFromEnv(env, 'DRYDOCK_SOCKETS_PER_LEARNER', 4, 1),
      joinsPerMinute: intFromEnv(env, 'DRYDOCK_SOCKET_JOINS_PER_MINUTE', 120),
    },
  };
}
