import type Docker from 'dockerode';
import { dockerErrorText, ignoreNotFound, mapDockerError } from '../errors';

/**
 * Removes a sandbox's volume once its container is gone. Resolves 'stuck'
 * when the engine refuses because it thinks the volume still has active
 * mounts: engine 20.10 (Debian's docker.io) does not restore the mount count
 * of a live-restored container's volumes after a dockerd restart, so removing
 * that container counts down from zero and the count wraps around (moby
 * #44422, fixed in 23.0 by #45754). Such a volume's data lives on the
 * sandbox's disk, which goes anyway; only the engine's record stays, until
 * the engine restarts and the orphan sweep removes it. Found by
 * engine-faults.integration.test.ts.
 */
export async function removeSandboxVolume(docker: Docker, name: string): Promise<'removed' | 'stuck'> {
  const context = `remove volume ${name}`;
  try {
    await ignoreNotFound(docker.getVolume(name).remove(), context);
    return 'removed';
  } catch (error) {
    if (/active mounts/i.test(dockerErrorText(error))) return 'stuck';
    throw mapDockerError(error, context);
  }
}
