/**
 * What a class registry needs from the container backend, and nothing of
 * Docker: sandbox-server/src/registry/ keeps the policy (which images, which
 * registry serves what, logins, namespaces, the gate) and drives this
 * interface; engine/docker/registry-services.ts implements it with Docker. A
 * Kubernetes backend would run the same two services as pods behind a
 * network policy.
 *
 * A class has its own network, where its registry services live when no
 * sandbox is attached, and one store per service (the images it serves).
 */

/** The registry image as a backend runs it (sandbox-server/images/registry/). */
export interface RegistryImage {
  /** e.g. drydock/registry:<hash> (DRYDOCK_REGISTRY_IMAGE). */
  name: string;
  /** The port it serves on, in its own network namespace. */
  port: number;
  /** Where it keeps its images: the service's store is mounted here. */
  storePath: string;
}

/** One of a class's two registry services. */
export interface RegistryServiceSpec {
  /** Which one: names its container and its store. */
  kind: 'mirror' | 'registry';
  /** The name sandboxes reach it by on their networks, e.g. drydock-mirror. */
  alias: string;
  /** Its environment: how the image is to serve (read-only, behind the gate). */
  env: string[];
  /** Mount its store read-only. */
  readOnlyStore: boolean;
  /** A line its log shows once it serves (read from its log, not probed: the class network has no host address). */
  readyMarker: string;
}

/** A running registry service: the backend's id of it (a container id for Docker) and its alias. */
export interface RegistryService {
  readonly id: string;
  readonly alias: string;
}

/** An image the mirror is to serve, and where it comes from (seeding works offline). */
export interface MirrorSeed {
  /** The Docker Hub `repository:tag` the mirror serves it as, e.g. library/busybox:latest. */
  repoTag: string;
  /** A root filesystem the sandbox image carries, imported with this image config; absent: the backend's own copy of repoTag. */
  offline?: { path: string; changes: string[]; message: string };
}

export interface ClassRegistryBackend {
  /** Throws, saying how to build it, when the backend lacks an image; `what` names it in that message. */
  requireImage(image: string, what: string): Promise<void>;
  /**
   * Creates the class's own network (isolated like a sandbox's) and an empty
   * store per service; returns the network's name. Throws when the class has
   * registry services already (what an earlier run left: removeClass first);
   * on any other failure leaves nothing behind.
   */
  createClassSpace(classId: string): Promise<string>;
  /** Fills the mirror's store with these images, read from `sourceImage` (the sandbox image) or the backend's own copies. */
  seedMirror(classId: string, registry: RegistryImage, seeds: readonly MirrorSeed[], sourceImage: string): Promise<void>;
  /** Starts a registry service of the class on the class network, hardened; resolves once its log shows spec.readyMarker. */
  startService(classId: string, registry: RegistryImage, spec: RegistryServiceSpec): Promise<RegistryService>;
  /** Makes a service reachable under its alias from a sandbox's network (SandboxInfo.network). Idempotent. */
  connect(service: RegistryService, network: string): Promise<void>;
  /** Runs a command in a service with `input` on its stdin; its exit code (null: it did not end in time) and its output. */
  exec(service: RegistryService, cmd: string[], input: string): Promise<{ exitCode: number | null; output: string }>;
  /**
   * Removes every service, store and network of this class's registry made
   * by this server: a running one, or what a crash left. The class's
   * sandboxes are left alone. Idempotent.
   */
  removeClass(classId: string): Promise<void>;
}
