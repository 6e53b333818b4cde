import { spawnSync } from 'node:child_process';
import Docker from 'dockerode';
import { join } from 'node:path';
import { checkDockerEngine } from './engine';
import { ensureAllImages } from './images';
import { HARDENED_ENGINE_SOCKET, isolationTierFromEnv, type IsolationTier } from '../../sandbox-server/src/engine/docker/isolation/tier';
import { engineUserNamespace } from '../../sandbox-server/src/engine/docker/isolation/tier';

export interface SandboxEngine {
  tier: IsolationTier;
  /** Where sandboxes run (DOCKER_HOST for everything the platform starts). */
  dockerHost: string;
  images: { sandbox: string; registry: string };
  /** One line for the operator: which tier, and if it is not the hardened one, why and how to get it. */
  announcement: string;
}

/**
 * Gets the engine sandboxes run on, and the images into it, for `npm start`
 * and the test runner. The hardened tier (default) starts Drydock's own
 * engine (scripts/engine/drydock-engine.sh) and never falls back silently:
 * if it cannot be had, this throws with the reason and the fix. The
 * capability tier is used only when DRYDOCK_ISOLATION=capability says so.
 * Images are built on the operator's engine (builds need its network) and
 * copied into the sandbox engine. Sets process.env.DOCKER_HOST for the rest
 * of the process.
 */
export async function prepareSandboxEngine(root: string, log: (m: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<SandboxEngine> {
  const tier = isolationTierFromEnv(env);
  const operatorHost = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const problem = await checkDockerEngine(new Docker());
  if (problem) throw new EngineSetupError(problem);

  let dockerHost = operatorHost;
  if (tier === 'userns') {
    dockerHost = `unix://${HARDENED_ENGINE_SOCKET}`;
    const started = spawnSync('bash', [join(root, 'scripts', 'engine', 'drydock-engine.sh'), 'start'], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
    if (started.status !== 0) {
      throw new EngineSetupError(
        [
          'The hardened sandbox tier (the default) is not available:',
          `  ${(started.stderr || `drydock-engine.sh exited ${started.status}`).trim().replace(/^\[engine\] error: /, '')}`,
          'Drydock gives every learner a root shell; without the hardened tier that root is root on this host.',
          'Fix: start Drydock as root (it starts its own engine), or once: sudo scripts/engine/drydock-engine.sh start',
          'Only for a trusted room on a machine of its own: DRYDOCK_ISOLATION=capability npm start',
        ].join('\n'),
      );
    }
    const owner = await engineUserNamespace(new Docker({ socketPath: HARDENED_ENGINE_SOCKET }));
    if (!owner) throw new EngineSetupError(`the engine at ${dockerHost} answers but does not remap user namespaces; stop it (scripts/engine/drydock-engine.sh stop) and start Drydock again`);
    if (process.getuid?.() !== 0) throw new EngineSetupError('the hardened tier mounts a disk per sandbox and hands it its cgroups, which needs root: start Drydock as root');
  }

  const images =
    env.DRYDOCK_SANDBOX_IMAGE && env.DRYDOCK_REGISTRY_IMAGE
      ? { sandbox: env.DRYDOCK_SANDBOX_IMAGE, registry: env.DRYDOCK_REGISTRY_IMAGE }
      : await ensureAllImages(root, { ...env, DOCKER_HOST: operatorHost, DRYDOCK_IMAGES_TARGET: dockerHost });
  process.env.DOCKER_HOST = dockerHost;

  const announcement =
    tier === 'userns'
      ? `isolation: hardened (user namespaces, engine ${dockerHost}): learner root maps to an unprivileged host user; per-sandbox disk quota ${env.DRYDOCK_SANDBOX_DISK_MB || 10240} MiB`
      : 'isolation: CAPABILITY TIER (DRYDOCK_ISOLATION=capability): learner root holds most host capabilities and can reach the host. ' +
        'Only for a trusted room on a machine of its own; unset DRYDOCK_ISOLATION and start as root for the hardened tier.';
  log(announcement);
  return { tier, dockerHost, images, announcement };
}

/** A reason the platform cannot start, written for the operator. */
export class EngineSetupError extends Error {}
