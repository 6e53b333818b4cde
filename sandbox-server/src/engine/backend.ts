import type { ClassRegistryBackend } from './class-registry-backend';
import type { SandboxDriver } from './driver';

/**
 * A container backend as the sandbox server assembles it: the driver that
 * sessions and grading use, what class registries need, and what runs once
 * at start. engine/docker/docker-backend.ts makes the Docker one; a second
 * backend (Kubernetes, microVMs) would make another, and nothing outside
 * the engine folder would change.
 */
export interface SandboxBackend {
  readonly driver: SandboxDriver;
  readonly classRegistries: ClassRegistryBackend;
  /** Throws EngineUnavailableError with a fix-it message when the backend does not answer. */
  ping(): Promise<void>;
  /** Removes what this server's sandboxes left when they went without remove() (a crash); returns how many networks went. */
  removeOrphans(): Promise<number>;
}
