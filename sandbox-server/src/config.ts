/**
 * Sandbox-server settings. Every option has a default suited to a trusted
 * classroom on one 2-core / 24 GiB machine; each can be set from the
 * environment (names in brackets).
 */
export interface SandboxLimits {
  /** Memory limit per sandbox, bytes; swap is disabled. [DRYDOCK_SANDBOX_MEMORY_MB] default 1536 MiB */
  memoryBytes: number;
  /** CPU limit per sandbox, in CPUs. [DRYDOCK_SANDBOX_CPUS] default 1 */
  cpus: number;
  /** Maximum processes in the sandbox, inner containers included. [DRYDOCK_SANDBOX_PIDS] default 1024 */
  pids: number;
  /** An unattended sandbox (no socket, no input) is removed after this. [DRYDOCK_IDLE_MINUTES] default 30 */
  idleTimeoutMs: number;
  /** A sandbox is removed this long after creation, attended or not. [DRYDOCK_LIFETIME_MINUTES] default 240 */
  maxLifetimeMs: number;
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
  };
}
