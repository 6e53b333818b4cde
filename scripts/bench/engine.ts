import { prepareSandboxEngine } from '../lib/sandbox-engine';

/**
 * Gets the default tier's engine (and images) exactly as `npm start` does
 * and points DOCKER_HOST at it. The bench calls it first, before it makes
 * any Docker client (dockerode reads DOCKER_HOST when one is made).
 */
export async function prepareBenchEngine(root: string, log: (m: string) => void): Promise<void> {
  const engine = await prepareSandboxEngine(root, log);
  process.env.DRYDOCK_SANDBOX_IMAGE ||= engine.images.sandbox;
  process.env.DRYDOCK_REGISTRY_IMAGE ||= engine.images.registry;
}
