import { BlockList, isIPv4 } from 'node:net';
import type { Readable } from 'node:stream';
import type { HostOwner } from '../engine/docker/isolation/sandbox-disk';
import { unmapOwners } from '../engine/docker/isolation/tar-owners';
import { engineUserNamespace } from '../engine/docker/isolation/tier';
import { bridgeNameFor, closeIpv6 } from '../engine/docker/isolation/sandbox-network';
import type Docker from 'dockerode';
import type { SandboxRegistryAccess } from '../engine/driver';
import { Label } from '../engine/docker/labels';
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
 * image carries (imported the way the sandbox entrypoint imports it), or else
 * from an image the host engine already has. The host engine pushes it to a
 * short-lived seeding registry that writes into the mirror's volume and is
 * published on 127.0.0.1 only (where engines allow plain HTTP by default).
 * The engine does the push itself, so this also works with a remote engine.
 */

export const MIRROR_ALIAS = 'drydock-mirror';
export const REGISTRY_ALIAS = 'drydock-registry';
const PORT = 5000;
const STORAGE = '/var/lib/registry';
/** Label drydock.role on everything a class registry creates. */
const ROLE = 'registry';

export interface ClassRegistryOptions {
  /** Names the containers, volumes and network: lowercase letters, digits, `-`, `_`, `.`. */
  classId: string;
  /** This sandbox-server's id (label drydock.server). */
  serverId: string;
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
  /** The read-only mirror's container. */
  readonly containerId: string;
  /** The writable class registry's container. */
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
  /** Attaches both registries to a sandbox's network under their aliases. Idempotent. */
  connect(networkName: string): Promise<void>;
  /**
   * Lets these class members into the class registry (their namespace is
   * their user name); a login of the same name is replaced. Resolves once
   * the gate has them.
   */
  admit(logins: readonly Pick<RegistryLogin, 'username' | 'password'>[]): Promise<void>;
  /** Removes the containers, volumes and network of this class registry. Idempotent. */
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
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The Docker Hub `repository:tag` an engine asks its mirror for:
 * busybox → library/busybox:latest, registry:2 → library/registry:2,
 * docker.io/me/app → me/app:latest. Throws for images a mirror cannot serve:
 * other registries (mirrors only stand in for Docker Hub) and digests (an
 * offline copy has a digest of its own).
 */
export function hubRepository(image: string): string {
  let name = image.trim().replace(/^["']|["']$/g, '');
  if (!name || /\s/.test(name)) throw new Error(`"${image}" is not an image name`);
  if (name.includes('@')) throw new Error(`${image}: an image pinned by digest cannot be seeded offline (the mirror's copy has another digest); declare it by tag`);
  const first = name.split('/')[0] ?? '';
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!HUB_HOSTS.has(first)) throw new Error(`${image} lives on ${first}, not Docker Hub: a registry mirror only serves Docker Hub images`);
    name = name.slice(first.length + 1);
  }
  const last = name.split('/').at(-1) ?? name;
  const tagged = last.includes(':') ? name : `${name}:latest`;
  return tagged.includes('/') ? tagged : `library/${tagged}`;
}

/** Every image a class's lessons declare (their manifests' `images`), as Docker Hub names, once each. */
export function classSeedImages(manifests: readonly { images: readonly string[] }[]): string[] {
  return [...new Set(manifests.flatMap((m) => m.images.map(hubRepository)))].sort();
}

/** Names of everything a class registry creates. */
function namesFor(classId: string) {
  const base = `drydock-class-${classId}`;
  return {
    network: base,
    mirror: `${base}-mirror`,
    registry: `${base}-registry`,
    seeder: `${base}-seed`,
    source: `${base}-source`,
    mirrorVolume: `${base}-mirror`,
    registryVolume: `${base}-registry`,
  };
}

/** Starts a class's mirror (seeded) and writable registry. On failure nothing is left behind. */
export async function startClassRegistry(docker: Docker, opts: ClassRegistryOptions): Promise<ClassRegistry> {
  if (!CLASS_ID.test(opts.classId)) throw new Error(`class id "${opts.classId}" must match ${CLASS_ID} (it names containers and volumes)`);
  const seeds = [...new Set(opts.seedImages.map(hubRepository))].sort();
  const names = namesFor(opts.classId);
  const labels = { [Label.server]: opts.serverId, [Label.class]: opts.classId, [Label.role]: ROLE };
  await requireImage(docker, opts.image, 'the class registry image');

  const existing = await docker.listContainers({ all: true, filters: { name: [`^/${names.mirror}$`, `^/${names.registry}$`] } });
  if (existing.length > 0) {
    throw new Error(`a registry for class ${opts.classId} already exists on this engine (${existing.map((c) => c.Names[0]).join(', ')}); remove it first`);
  }
  try {
    await docker.createNetwork({
      Name: names.network,
      Driver: 'bridge',
      // Like a sandbox's network: no route out, no host address, a bridge name the engine firewalls (see DockerDriver.create).
      Internal: true,
      Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true', 'com.docker.network.bridge.name': bridgeNameFor(names.network) },
      Labels: labels,
      CheckDuplicate: true,
    });
    await closeIpv6(bridgeNameFor(names.network));
    await docker.createVolume({ Name: names.mirrorVolume, Labels: labels });
    await docker.createVolume({ Name: names.registryVolume, Labels: labels });

    const seedStarted = performance.now();
    await seedMirrorVolume(docker, opts, names, labels, seeds);
    const seedMs = Math.round(performance.now() - seedStarted);
    opts.log?.(`class ${opts.classId}: mirror seeded with ${seeds.join(', ') || 'nothing'} in ${seedMs} ms`);

    const [mirror, registry] = await Promise.all([
      runRegistry(docker, { name: names.mirror, image: opts.image, labels, network: names.network, alias: MIRROR_ALIAS, volume: names.mirrorVolume, role: 'mirror' }),
      runRegistry(docker, { name: names.registry, image: opts.image, labels, network: names.network, alias: REGISTRY_ALIAS, volume: names.registryVolume, role: 'gated' }),
    ]);
    const registryHost = `${REGISTRY_ALIAS}:${PORT}`;
    const users = new RegistryGateUsers(docker, registry);
    return {
      classId: opts.classId,
      containerId: mirror,
      registryContainerId: registry,
      mirrorUrl: `http://${MIRROR_ALIAS}:${PORT}`,
      registryHost,
      insecureRegistries: [registryHost],
      network: names.network,
      seeded: seeds,
      seedMs,
      connect: (networkName) => connectRegistries(docker, networkName, [[mirror, MIRROR_ALIAS], [registry, REGISTRY_ALIAS]]),
      admit: (logins) => users.admit(logins),
      remove: () => removeClassRegistry(docker, { serverId: opts.serverId, classId: opts.classId }),
    };
  } catch (error) {
    await removeClassRegistry(docker, { serverId: opts.serverId, classId: opts.classId }).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes every container, volume and network of this class's registry on
 * this server: a running one, or what a crash left. Idempotent. The class's
 * sandboxes carry its label too, hence the role filter; their networks are
 * left to them (removing a container detaches it from all its networks).
 */
export async function removeClassRegistry(docker: Docker, which: { serverId: string; classId: string }): Promise<void> {
  const filters = { label: [`${Label.server}=${which.serverId}`, `${Label.class}=${which.classId}`, `${Label.role}=${ROLE}`] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreMissing);
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    await docker.getVolume(v.Name).remove().catch(ignoreMissing);
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker.getNetwork(n.Id).remove().catch(ignoreMissing);
  }
}

type Names = ReturnType<typeof namesFor>;

/**
 * Fills the mirror's volume: a seeding registry (writable, on the default
 * bridge, published on a random 127.0.0.1 port) receives each image from the
 * host engine, then goes away. The staging tags are removed from the host
 * engine again.
 */
async function seedMirrorVolume(docker: Docker, opts: ClassRegistryOptions, names: Names, labels: Record<string, string>, seeds: string[]): Promise<void> {
  if (seeds.length === 0) return;
  const seeder = await docker.createContainer({
    name: names.seeder,
    Image: opts.image,
    Labels: labels,
    ExposedPorts: { [`${PORT}/tcp`]: {} },
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: names.mirrorVolume, Target: STORAGE }],
      NetworkMode: 'bridge',
      PortBindings: { [`${PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      ...HARDENING,
    },
  });
  let source: Docker.Container | undefined;
  try {
    await seeder.start();
    await waitUntilListening(seeder, names.seeder, 'listening on');
    const host = await seedingAddress(docker, seeder, names.seeder);

    if (seeds.some((s) => OFFLINE_ROOTFS[s])) {
      const sourceImage = opts.sourceImage ?? 'drydock/sandbox:latest';
      await requireImage(docker, sourceImage, 'the sandbox image (source of the offline images)');
      // Created, never started: only read from with getArchive.
      source = await docker.createContainer({ name: names.source, Image: sourceImage, Labels: labels, Entrypoint: ['true'], HostConfig: { NetworkMode: 'none' } });
    }
    // A remapping engine hands out files owned by its host ids: moved back before import.
    const remap = await engineUserNamespace(docker);
    const results = await Promise.allSettled(seeds.map((repoTag) => seedOne(docker, source, host, repoTag, remap)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) throw new Error(`seeding the class mirror failed: ${failed.join('; ')}`);
  } finally {
    await seeder.remove({ force: true, v: true }).catch(ignoreMissing);
    await source?.remove({ force: true, v: true }).catch(ignoreMissing);
  }
}

/**
 * Where the engine can push to the seeding registry over plain HTTP: its
 * address on the default bridge when the engine lists that among its insecure
 * registries (Drydock's own engine: it publishes no ports, having neither a
 * userland proxy nor iptables), else the port published on 127.0.0.1 (which
 * every engine allows over HTTP).
 */
async function seedingAddress(docker: Docker, seeder: Docker.Container, name: string): Promise<string> {
  const { NetworkSettings } = await seeder.inspect();
  const address = NetworkSettings.Networks.bridge?.IPAddress;
  const insecure = ((await docker.info()) as { RegistryConfig?: { InsecureRegistryCIDRs?: string[] } }).RegistryConfig?.InsecureRegistryCIDRs ?? [];
  const allowed = new BlockList();
  for (const cidr of insecure) {
    const [net = '', bits = '32'] = cidr.split('/');
    if (isIPv4(net) && !net.startsWith('127.')) allowed.addSubnet(net, Number(bits), 'ipv4');
  }
  if (address && allowed.check(address, 'ipv4')) return `${address}:${PORT}`;
  const hostPort = NetworkSettings.Ports[`${PORT}/tcp`]?.[0]?.HostPort;
  if (!hostPort) throw new Error(`the seeding registry ${name} has no published port, and the engine may not push to ${address ?? 'it'} over HTTP`);
  return `127.0.0.1:${hostPort}`;
}

/** Stages one image in the host engine as <host>/<repo>:<tag>, pushes it, and drops the staging tag. */
async function seedOne(docker: Docker, source: Docker.Container | undefined, host: string, repoTag: string, remap: HostOwner | null): Promise<void> {
  const colon = repoTag.lastIndexOf(':');
  const repo = `${host}/${repoTag.slice(0, colon)}`;
  const tag = repoTag.slice(colon + 1);
  const staged = `${repo}:${tag}`;
  const rootfs = OFFLINE_ROOTFS[repoTag];
  if (rootfs && source) {
    // `<dir>/.` makes the engine send the folder's contents, not the folder.
    const archive = (await source.getArchive({ path: `${rootfs.path}/.` })) as unknown as Readable;
    const tar = remap ? unmapOwners(archive, remap) : archive;
    await drain(docker, await docker.importImage(tar, { repo, tag, changes: rootfs.changes, message: rootfs.message }), `import ${repoTag}`);
  } else {
    const local = await docker.getImage(repoTag).inspect().catch(() => null);
    if (!local) {
      throw new Error(
        `${repoTag} has no offline source: the sandbox image does not carry it and the host engine does not have it ` +
          `(on a connected machine: docker pull ${repoTag.replace(/^library\//, '')} && docker save …; here: docker load)`,
      );
    }
    await docker.getImage(repoTag).tag({ repo, tag });
  }
  try {
    // An empty auth header: the engine refuses a push without one; the seeding registry needs none.
    await drain(docker, await docker.getImage(repo).push({ tag, authconfig: {} }), `push ${repoTag}`);
  } finally {
    await docker.getImage(staged).remove().catch(ignoreMissing);
  }
}

interface RegistrySpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  network: string;
  alias: string;
  volume: string;
  /**
   * mirror: Distribution alone, read-only. gated: Distribution on 127.0.0.1
   * behind the gate (nginx) on :5000, which checks logins and namespaces.
   */
  role: 'mirror' | 'gated';
}

/**
 * Every learner can reach these containers, so they get little: no
 * capabilities, no privilege gain, a read-only root, modest limits. The
 * image runs as the unprivileged docker-registry user.
 */
const HARDENING = {
  CapDrop: ['ALL'],
  SecurityOpt: ['no-new-privileges'],
  ReadonlyRootfs: true,
  Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
  Memory: 512 * 1024 * 1024,
  PidsLimit: 256,
  RestartPolicy: { Name: 'no' },
  // A registry sits on every sandbox's network: it must never route between
  // them. (A new network namespace inherits the host's ip_forward=1; the
  // host's internal-network rules drop such traffic too, this does not rely on it.)
  Sysctls: { 'net.ipv4.ip_forward': '0' },
};

/** Creates and starts one registry on the class network; returns its container id once it listens. */
async function runRegistry(docker: Docker, spec: RegistrySpec): Promise<string> {
  const readOnly = spec.role === 'mirror';
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Labels: spec.labels,
    Env: readOnly
      ? // The mirror: refuse every write (405), and no upload purging (its volume is read-only).
        [`REGISTRY_STORAGE_MAINTENANCE=${JSON.stringify({ readonly: { enabled: true }, uploadpurging: { enabled: false } })}`]
      : // The registry on 127.0.0.1:5001, the gate on :5000 (images/registry/start.sh).
        ['DRYDOCK_REGISTRY_GATE=1'],
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: spec.volume, Target: STORAGE, ReadOnly: readOnly }],
      NetworkMode: spec.network,
      ...HARDENING,
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [spec.alias] } } },
  });
  await container.start();
  // The gated registry's own "listening on 127.0.0.1:5001" comes before the gate is up.
  await waitUntilListening(container, spec.name, readOnly ? 'listening on' : 'drydock gate ready');
  return container.id;
}

async function connectRegistries(docker: Docker, networkName: string, members: [string, string][]): Promise<void> {
  const network = docker.getNetwork(networkName);
  for (const [id, alias] of members) {
    try {
      await network.connect({ Container: id, EndpointConfig: { Aliases: [alias] } });
    } catch (error) {
      // Already attached (a retried create): fine.
      if (!/already exists/i.test(errorText(error))) throw new Error(`attach ${alias} to network ${networkName}: ${errorText(error)}`);
    }
  }
}

/**
 * The registry logs "listening on [::]:5000" when it serves, the gated one
 * "drydock gate ready" once nginx and the registry both accept connections.
 * Read from its logs rather than probed over HTTP: the class network has no
 * host address, and the engine may be remote.
 */
async function waitUntilListening(container: Docker.Container, name: string, marker: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = demuxLogs((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer);
    if (text.includes(marker)) return;
    const state = (await container.inspect()).State;
    if (!state.Running || Date.now() > deadline) {
      throw new Error(`registry ${name} ${state.Running ? `is not listening after ${timeoutMs} ms` : `exited (${state.ExitCode})`}; its log: ${text.trim().split('\n').slice(-5).join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Docker's multiplexed log format (Tty:false): 8-byte headers, the last 4 the frame length. */
function demuxLogs(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Waits for a progress stream (import, push) to end; the engine reports failures inside it, not as a status. */
function drain(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: { error?: string; errorDetail?: { message?: string } }[]) => {
      const failure = error?.message ?? events.find((e) => e.error)?.error;
      if (failure) reject(new Error(`${what}: ${failure}`));
      else resolve();
    });
  });
}

async function requireImage(docker: Docker, image: string, what: string): Promise<void> {
  const found = await docker.getImage(image).inspect().catch(() => null);
  if (!found) throw new Error(`${what} ${image} is not in the engine: build it with \`npm run images\` (scripts/images/ensure-images.sh)`);
}

function errorText(error: unknown): string {
  const e = error as { json?: { message?: string } | null; message?: string };
  return e.json?.message ?? e.message ?? String(error);
}

function ignoreMissing(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 404) throw error;
}
