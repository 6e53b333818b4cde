import { cpus, totalmem } from 'node:os';
import { z } from 'zod';
import { positiveNumber, readEnvSettings, wholeNumber } from '../../../lib/config/env-settings';
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
  /**
   * Terminals (shells) one sandbox may have open at once, its own included:
   * the learner opens the others as tabs beside it. Each is a process in the
   * sandbox, under its pids limit; a browser tab shows one at a time, so it
   * costs no more terminal sockets. [DRYDOCK_SHELLS_PER_SANDBOX] default 4
   */
  shellsPerSandbox: number;
  selfPacedWarm: SelfPacedWarmLimits;
  environments: EnvironmentLimits;
}

/**
 * How many environments (protocol/environment.ts) a learner keeps, running
 * and parked. A running one holds memory and a place; a parked one is a
 * stopped sandbox that holds only its disk (its files, inner images and
 * volumes, shell history) until the learner comes back to it.
 */
export interface EnvironmentLimits {
  /**
   * A sandbox left idle, or past its lifetime, is parked (stopped and kept)
   * for this long, then removed; 0 removes it at once, as before
   * environments. [DRYDOCK_KEEP_DAYS] default 7
   */
  keepMs: number;
  /**
   * Environments one learner may have running at once; opening one more
   * parks the one they used least recently (a multi-machine lab counts once).
   * [DRYDOCK_RUNNING_ENVIRONMENTS_PER_LEARNER] default 2
   */
  runningPerLearner: number;
  /** Parked environments kept per learner; beyond it their oldest is removed. [DRYDOCK_KEPT_ENVIRONMENTS_PER_LEARNER] default 4 */
  keptPerLearner: number;
  /** Parked sandboxes kept on this server in all; beyond it the oldest anyone's are removed. [DRYDOCK_KEPT_SANDBOXES_MAX] default 200 */
  keptMax: number;
}

/**
 * The self-paced warm pool: sandboxes started ahead for learners outside any
 * class, so their first prompt needs no container start. Sized from recent
 * arrivals (the busiest of the last ten minutes), between min and max, and
 * only from places nobody waits for; off where only class members get
 * sandboxes (DRYDOCK_SANDBOXES_PER_ADDRESS=0).
 */
export interface SelfPacedWarmLimits {
  /** Kept warm even when nobody arrived lately (the next newcomer is instant). [DRYDOCK_SELF_PACED_WARM_MIN] default 1 */
  min: number;
  /** Never more than this many waiting; 0 turns the pool off. [DRYDOCK_SELF_PACED_WARM_MAX] default 4 */
  max: number;
  /** Arrivals are counted over this many minutes (the busiest one sets the aim). [DRYDOCK_SELF_PACED_WARM_WINDOW_MINUTES] default 10 */
  windowMinutes: number;
}

/** The variables this server reads, with their defaults (lib/config/env-settings.ts reads them). */
const Settings = z.object({
  DRYDOCK_SANDBOX_IMAGE: z.string().default('drydock/sandbox:latest'),
  DRYDOCK_SANDBOX_MEMORY_MB: positiveNumber().default(1536),
  DRYDOCK_SANDBOX_CPUS: positiveNumber().default(1),
  DRYDOCK_SANDBOX_PIDS: positiveNumber().default(1024),
  DRYDOCK_IDLE_MINUTES: positiveNumber().default(30),
  DRYDOCK_LIFETIME_MINUTES: positiveNumber().default(240),
  /** "0" turns per-sandbox networks off; anything else leaves them on. */
  DRYDOCK_ISOLATED_NETWORK: z.string().default('1'),
  DRYDOCK_SANDBOX_SUBNETS: z.string().default('10.213.0.0/16'),
  DRYDOCK_MAX_SANDBOXES: wholeNumber(1).optional(),
  DRYDOCK_SANDBOXES_PER_ADDRESS: wholeNumber(0).default(2),
  DRYDOCK_SOCKETS_PER_LEARNER: wholeNumber(1).default(4),
  DRYDOCK_SOCKET_JOINS_PER_MINUTE: positiveNumber().default(120),
  DRYDOCK_SHELLS_PER_SANDBOX: wholeNumber(1, 16).default(4),
  DRYDOCK_SELF_PACED_WARM_MIN: wholeNumber(0, 100).default(1),
  DRYDOCK_SELF_PACED_WARM_MAX: wholeNumber(0, 100).default(4),
  DRYDOCK_SELF_PACED_WARM_WINDOW_MINUTES: wholeNumber(1, 60).default(10),
  DRYDOCK_KEEP_DAYS: z.coerce.number().min(0).max(365).default(7),
  DRYDOCK_RUNNING_ENVIRONMENTS_PER_LEARNER: wholeNumber(1, 16).default(2),
  DRYDOCK_KEPT_ENVIRONMENTS_PER_LEARNER: wholeNumber(0, 100).default(4),
  DRYDOCK_KEPT_SANDBOXES_MAX: wholeNumber(0, 100_000).default(200),
});

/** DRYDOCK_MAX_SANDBOXES when set, else what this host's memory and CPUs hold. */
function maxSandboxes(set: number | undefined): { maxSandboxes: number; maxSandboxesReason: string } {
  if (set !== undefined) return { maxSandboxes: set, maxSandboxesReason: 'DRYDOCK_MAX_SANDBOXES' };
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
  const settings = readEnvSettings(Settings, env);
  return {
    image: settings.DRYDOCK_SANDBOX_IMAGE,
    serverId,
    limits: {
      memoryBytes: settings.DRYDOCK_SANDBOX_MEMORY_MB * MiB,
      cpus: settings.DRYDOCK_SANDBOX_CPUS,
      pids: settings.DRYDOCK_SANDBOX_PIDS,
      idleTimeoutMs: settings.DRYDOCK_IDLE_MINUTES * MINUTE,
      maxLifetimeMs: settings.DRYDOCK_LIFETIME_MINUTES * MINUTE,
    },
    replayBufferBytes: 256 * 1024,
    flowHighWaterBytes: 512 * 1024,
    flowLowWaterBytes: 128 * 1024,
    batchDelayMs: 5,
    batchMaxBytes: 256 * 1024,
    maxPayloadBytes: 64 * 1024,
    heartbeatMs: 30_000,
    isolatedNetwork: settings.DRYDOCK_ISOLATED_NETWORK !== '0',
    sandboxSubnets: settings.DRYDOCK_SANDBOX_SUBNETS,
    admission: {
      ...maxSandboxes(settings.DRYDOCK_MAX_SANDBOXES),
      perAddress: settings.DRYDOCK_SANDBOXES_PER_ADDRESS,
      socketsPerLearner: settings.DRYDOCK_SOCKETS_PER_LEARNER,
      joinsPerMinute: settings.DRYDOCK_SOCKET_JOINS_PER_MINUTE,
    },
    shellsPerSandbox: settings.DRYDOCK_SHELLS_PER_SANDBOX,
    selfPacedWarm: {
      max: settings.DRYDOCK_SELF_PACED_WARM_MAX,
      min: Math.min(settings.DRYDOCK_SELF_PACED_WARM_MIN, settings.DRYDOCK_SELF_PACED_WARM_MAX),
      windowMinutes: settings.DRYDOCK_SELF_PACED_WARM_WINDOW_MINUTES,
    },
    environments: {
      keepMs: settings.DRYDOCK_KEEP_DAYS * 24 * 60 * MINUTE,
      runningPerLearner: settings.DRYDOCK_RUNNING_ENVIRONMENTS_PER_LEARNER,
      keptPerLearner: settings.DRYDOCK_KEPT_ENVIRONMENTS_PER_LEARNER,
      keptMax: settings.DRYDOCK_KEPT_SANDBOXES_MAX,
    },
  };
}
