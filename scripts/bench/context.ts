import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { loadSandboxServerConfig, type SandboxServerConfig } from '../../sandbox-server/src/config/config';
import { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import type { BenchOptions } from './options';

/** What every section of one bench run shares. Made in main(), after the engine is chosen (DOCKER_HOST). */
export interface BenchContext extends BenchOptions {
  root: string;
  runId: string;
  /** The server id of the baseline's sandboxes (the Drydock server has its own). */
  baselineServerId: string;
  image: string;
  docker: Docker;
  config: SandboxServerConfig;
  /** The exact create options Drydock uses, straight from its driver, but driven by hand (no session, no socket). */
  baselineDriver: DockerDriver;
  env: NodeJS.ProcessEnv;
  log(message: string): void;
}

export function createBenchContext(root: string, options: BenchOptions, log: (message: string) => void): BenchContext {
  const env = { ...process.env };
  const runId = randomBytes(4).toString('hex');
  const baselineServerId = `bench-${runId}`;
  const image = env.DRYDOCK_SANDBOX_IMAGE || 'drydock/sandbox:latest';
  const docker = new Docker();
  const config = loadSandboxServerConfig(baselineServerId, env);
  const baselineDriver = new DockerDriver({ image, serverId: baselineServerId, isolatedNetwork: config.isolatedNetwork, subnets: config.sandboxSubnets, docker });
  return { ...options, root, runId, baselineServerId, image, docker, config, baselineDriver, env, log };
}
