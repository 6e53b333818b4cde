import { DOCKER_HUB, ImageReferenceError, parseImageReference } from '../../../lib/image-reference/image-reference';
import type { ClassRegistryBackend, MirrorSeed, RegistryImage, RegistryService, RegistryServiceSpec } from '../engine/class-registry-backend';
import type { SandboxRegistryAccess } from '../engine/driver';
import type { RegistryLogin } from './registry-auth';
import { RegistryGateUsers } from './registry-gate';

/**
 * A class registry: the Docker Hub images a class's lessons declare, served
 * from the classroom's own machine, so no lesson ever needs Docker Hub.
 *
 * Two registries per class, both Distribution 2.8 from the drydock/registry
 * image (sandbox-server/images/registry/):
 *  - the **mirror**, `drydock-mirror:5000`: seeded once at start with every
 *    declared image, then served read-only. Inner engines list it under
 *    `registry-mirrors`, so `docker pull busybox` is answered from it.
 *  - the **class registry**, `drydock-registry:5000`: for learners' pushes
 *    (`docker push drydock-registry:5000/<namespace>/app:1`), behind a gate
 *    (nginx, gate.conf): every request needs a class member's login, and a
 *    member may write only under their own namespace (registry-auth.ts).
 *    The registry itself listens on 127.0.0.1 in its container, so the gate
 *    cannot be bypassed from a sandbox network.
 *
 * Why two: an engine trusts its mirror to serve Docker Hub's names, and asks
 * it without any login. One registry for both would let a learner push over
 * `library/busybox` (Distribution has no per-repository permissions short of
 * a token server; the gate adds them only for logged-in requests), and every
 * other learner's next `docker pull busybox` would run that image. The
 * mirror is read-only twice over: the registry's maintenance read-only mode
 * (every write is refused with 405) and a read-only mount of its volume.
 *
 * Both are attached to each sandbox's own internal network under their alias
 * (`connect`). The inner dockerd runs in the sandbox's network namespace, so
 * Docker's embedded DNS (127.0.0.11) resolves the aliases for it. The
 * registries do not forward between their networks (ip_forward=0), so
 * sandboxes still reach neither each other nor the host.
 *
 * Seeding works offline: each image comes from a root filesystem the sandbox
 * image carries (OFFLINE_ROOTFS), or else from an image the backend already
 * has (engine/docker/registry-seeding.ts says how Docker does it).
 *
 * This file is the policy; the containers, networks and volumes are the
 * backend's (engine/class-registry-backend.ts), so nothing here speaks Docker.
 */

export const MIRROR_ALIAS = 'drydock-mirror';
export const REGISTRY_ALIAS = 'drydock-registry';

/** The drydock/registry image (sandbox-server/images/registry/): Distribution on :5000, its images under /var/lib/registry. */
const registryImage = (name: string): RegistryImage => ({ name, port: 5000, storePath: '/var/lib/registry' });

/** The two services of a class registry: what makes the registry image serve each way. */
const SERVICES: Record<'mirror' | 'registry', RegistryServiceSpec> = {
  mirror: {
    kind: 'mirror',
    alias: MIRROR_ALIAS,
    // Refuse every write (405), and no upload purging (its store is read-only too).
    env: [`REGISTRY_STORAGE_MAINTENANCE=${JSON.stringify({ readonly: { enabled: true }, uploadpurging: { enabled: false } })}`],
    readOnlyStore: true,
    readyMarker: 'listening on',
  },
  registry: {
    kind: 'registry',
    alias: REGISTRY_ALIAS,
    // Distribution on 127.0.0.1:5001, the gate (nginx) on :5000, which checks logins and namespaces (images/registry/start.sh).
    env: ['DRYDOCK_REGISTRY_GATE=1'],
    readOnlyStore: false,
    // Its own "listening on 127.0.0.1:5001" comes before the gate is up.
    readyMarker: 'drydock gate ready',
  },
};

export interface ClassRegistryOptions {
  /** Names the containers, volumes and network: lowercase letters, digits, `-`, `_`, `.`. */
  classId: string;
  /** The registry image, drydock/registry:<hash> (DRYDOCK_REGISTRY_IMAGE). */
  image: string;
  /** Images the class's lessons declare (`busybox`, `registry:2`, `docker.io/library/alpine:3.20` …). */
  seedImages: string[];
  /** Image whose /opt/drydock/images/* root filesystems seed the mirror. default drydock/sandbox:latest */
  sourceImage?: string;
  /** Progress lines (what is seeded, how long it took). */
  log?: (line: string) => void;
}

export interface ClassRegistry extends SandboxRegistryAccess {
  readonly classId: string;
  /** The read-only mirror's service (its container, for Docker). */
  readonly containerId: string;
  /** The writable class registry's service (its container, for Docker). */
  readonly registryContainerId: string;
  /** What inner engines use as `registry-mirrors`: http://drydock-mirror:5000 */
  readonly mirrorUrl: string;
  /** Where learners push: drydock-registry:5000 */
  readonly registryHost: string;
  /** [registryHost]: the inner engine must allow it over plain HTTP (the mirror's host is added from mirrorUrl). */
  readonly insecureRegistries: string[];
  /** The class's own network, where both registries live when no sandbox is attached. */
  readonly network: string;
  /** What the mirror serves, as Docker Hub `repository:tag` (library/busybox:latest …), sorted. */
  readonly seeded: string[];
  /** Time spent seeding (staging and pushing every image), ms. */
  readonly seedMs: number;
  /** Attaches both registries to a sandbox's network (SandboxInfo.network) under their aliases. Idempotent. */
  connect(network: string): Promise<void>;
  /**
   * Lets these class members into the class registry (their namespace is
   * their user name); a login of the same name is replaced. Resolves once
   * the gate has them.
   */
  admit(logins: readonly Pick<RegistryLogin, 'username' | 'password'>[]): Promise<void>;
  /** Removes the services, stores and network of this class registry. Idempotent. */
  remove(): Promise<void>;
}

/**
 * Offline root filesystems in the sandbox image, by Docker Hub name, with the
 * image config the entrypoint gives them. Keep in step with import_busybox and
 * import_registry in sandbox-server/images/sandbox/entrypoint.sh, so a pulled
 * image behaves like the one a fresh sandbox already has.
 */
const OFFLINE_ROOTFS: Record<string, { path: string; changes: string[]; message: string }> = {
  'library/busybox:latest': { path: '/opt/drydock/images/busybox', changes: ['CMD ["sh"]'], message: 'drydock offline busybox' },
  'library/registry:2': {
    path: '/opt/drydock/images/registry',
    changes: ['ENTRYPOINT ["/entrypoint.sh"]', 'CMD ["/etc/docker/registry/config.yml"]', 'EXPOSE 5000', 'VOLUME /var/lib/registry'],
    message: 'drydock offline registry (distribution 2.8)',
  },
};

const CLASS_ID = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

/**
 * The Docker Hub `repository:tag` an engine asks its mirror for:
 * busybox → library/busybox:latest, registry:2 → library/registry:2,
 * docker.io/me/app → me/app:latest. Throws for images a mirror cannot serve:
 * other registries (mirrors only stand in for Docker Hub) and digests (an
 * offline copy has a digest of its own).
 */
export function hubRepository(image: string): string {
  let ref;
  try {
    ref = parseImageReference(image);
  } catch (error) {
    if (error instanceof ImageReferenceError) throw new Error(`"${image}" is not an image name (${error.message})`);
    throw error;
  }
  if (ref.digest) throw new Error(`${image}: an image pinned by digest cannot be seeded offline (the mirror's copy has another digest); declare it by tag`);
  if (ref.domain !== DOCKER_HUB) throw new Error(`${image} lives on ${ref.domain}, not Docker Hub: a registry mirror only serves Docker Hub images`);
  return `${ref.path}:${ref.tag || 'latest'}`;
}

/** Every image a class's lessons declare (their manifests' `images`), as Docker Hub names, once each. */
export function classSeedImages(manifests: readonly { images: readonly string[] }[]): string[] {
  return [...new Set(manifests.flatMap((m) => m.images.map(hubRepository)))].sort();
}

/** Starts a class's mirror (seeded) and writable registry. On failure nothing is left behind. */
export async function startClassRegistry(backend: ClassRegistryBackend, opts: ClassRegistryOptions): Promise<ClassRegistry> {
  if (!CLASS_ID.test(opts.classId)) throw new Error(`class id "${opts.classId}" must match ${CLASS_ID} (it names containers and volumes)`);
  const seeds = [...new Set(opts.seedImages.map(hubRepository))].sort();
  const image = registryImage(opts.image);
  await backend.requireImage(image.name, 'the class registry image');
  const network = await backend.createClassSpace(opts.classId);
  try {
    const seedStarted = performance.now();
    const mirrorSeeds: MirrorSeed[] = seeds.map((repoTag) => ({ repoTag, offline: OFFLINE_ROOTFS[repoTag] }));
    await backend.seedMirror(opts.classId, image, mirrorSeeds, opts.sourceImage ?? 'drydock/sandbox:latest');
    const seedMs = Math.round(performance.now() - seedStarted);
    opts.log?.(`class ${opts.classId}: mirror seeded with ${seeds.join(', ') || 'nothing'} in ${seedMs} ms`);

    const [mirror, registry] = await Promise.all([backend.startService(opts.classId, image, SERVICES.mirror), backend.startService(opts.classId, image, SERVICES.registry)]);
    const registryHost = `${REGISTRY_ALIAS}:${image.port}`;
    const users = new RegistryGateUsers(backend, registry);
    return {
      classId: opts.classId,
      containerId: mirror.id,
      registryContainerId: registry.id,
      mirrorUrl: `http://${MIRROR_ALIAS}:${image.port}`,
      registryHost,
      insecureRegistries: [registryHost],
      network,
      seeded: seeds,
      seedMs,
      connect: (sandboxNetwork) => connectAll(backend, sandboxNetwork, [mirror, registry]),
      admit: (logins) => users.admit(logins),
      remove: () => backend.removeClass(opts.classId),
    };
  } catch (error) {
    await backend.removeClass(opts.classId).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes every service, store and network of this class's registry on this
 * server: a running one, or what a crash left. Idempotent. The class's
 * sandboxes and their networks are left to them.
 */
export function removeClassRegistry(backend: ClassRegistryBackend, classId: string): Promise<void> {
  return backend.removeClass(classId);
}

async function connectAll(backend: ClassRegistryBackend, network: string, services: RegistryService[]): Promise<void> {
  for (const service of services) await backend.connect(service, network);
}
