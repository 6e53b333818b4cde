import type Docker from 'dockerode';
import { BlockList, isIPv4 } from 'node:net';
import type { Readable } from 'node:stream';
import type { MirrorSeed, RegistryImage } from '../class-registry-backend';
import { ignoreNotFound } from '../errors';
import { waitForLogLine } from './container-logs';
import type { classRegistryNames } from './labels';
import type { HostOwner } from './isolation/sandbox-disk';
import { unmapOwners } from './isolation/tar-owners';
import { engineUserNamespace } from './isolation/tier';
import { REGISTRY_HARDENING } from './registry-hardening';

/**
 * Seeding works offline: each image comes from a root filesystem the sandbox
 * image carries (imported the way the sandbox entrypoint imports it), or else
 * from an image the host engine already has. The host engine pushes it to a
 * short-lived seeding registry that writes into the mirror's volume and is
 * published on 127.0.0.1 only (where engines allow plain HTTP by default).
 * The engine does the push itself, so this also works with a remote engine.
 */
export interface SeedingJob {
  names: ReturnType<typeof classRegistryNames>;
  labels: Record<string, string>;
  registry: RegistryImage;
  seeds: readonly MirrorSeed[];
  /** Image whose root filesystems seed the offline images (the sandbox image). */
  sourceImage: string;
  requireImage(image: string, what: string): Promise<void>;
}

/** How long the seeding registry has to say it serves. */
const READY_TIMEOUT_MS = 20_000;

/**
 * Fills the mirror's volume: a seeding registry (writable, on the default
 * bridge, published on a random 127.0.0.1 port) receives each image from the
 * host engine, then goes away. The staging tags are removed from the host
 * engine again.
 */
export async function seedMirrorVolume(docker: Docker, job: SeedingJob): Promise<void> {
  if (job.seeds.length === 0) return;
  const { names, labels, registry } = job;
  const port = `${registry.port}/tcp`;
  const seeder = await docker.createContainer({
    name: names.seeder,
    Image: registry.name,
    Labels: labels,
    ExposedPorts: { [port]: {} },
    HostConfig: {
      Mounts: [{ Type: 'volume', Source: names.mirrorVolume, Target: registry.storePath }],
      NetworkMode: 'bridge',
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      ...REGISTRY_HARDENING,
    },
  });
  let source: Docker.Container | undefined;
  try {
    await seeder.start();
    await waitForLogLine(docker, seeder.id, `registry ${names.seeder}`, 'listening on', READY_TIMEOUT_MS);
    const host = await seedingAddress(docker, seeder, names.seeder, registry.port);

    if (job.seeds.some((s) => s.offline)) {
      await job.requireImage(job.sourceImage, 'the sandbox image (source of the offline images)');
      // Created, never started: only read from with getArchive.
      source = await docker.createContainer({ name: names.source, Image: job.sourceImage, Labels: labels, Entrypoint: ['true'], HostConfig: { NetworkMode: 'none' } });
    }
    // A remapping engine hands out files owned by its host ids: moved back before import.
    const remap = await engineUserNamespace(docker);
    const results = await Promise.allSettled(job.seeds.map((seed) => seedOne(docker, source, host, seed, remap)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) throw new Error(`seeding the class mirror failed: ${failed.join('; ')}`);
  } finally {
    await ignoreNotFound(seeder.remove({ force: true, v: true }), `remove ${names.seeder}`);
    if (source) await ignoreNotFound(source.remove({ force: true, v: true }), `remove ${names.source}`);
  }
}

/**
 * Where the engine can push to the seeding registry over plain HTTP: its
 * address on the default bridge when the engine lists that among its insecure
 * registries (Drydock's own engine: it publishes no ports, having neither a
 * userland proxy nor iptables), else the port published on 127.0.0.1 (which
 * every engine allows over HTTP).
 */
async function seedingAddress(docker: Docker, seeder: Docker.Container, name: string, port: number): Promise<string> {
  const { NetworkSettings } = await seeder.inspect();
  const address = NetworkSettings.Networks.bridge?.IPAddress;
  const insecure = ((await docker.info()) as { RegistryConfig?: { InsecureRegistryCIDRs?: string[] } }).RegistryConfig?.InsecureRegistryCIDRs ?? [];
  const allowed = new BlockList();
  for (const cidr of insecure) {
    const [net = '', bits = '32'] = cidr.split('/');
    if (isIPv4(net) && !net.startsWith('127.')) allowed.addSubnet(net, Number(bits), 'ipv4');
  }
  if (address && allowed.check(address, 'ipv4')) return `${address}:${port}`;
  const hostPort = NetworkSettings.Ports[`${port}/tcp`]?.[0]?.HostPort;
  if (!hostPort) throw new Error(`the seeding registry ${name} has no published port, and the engine may not push to ${address ?? 'it'} over HTTP`);
  return `127.0.0.1:${hostPort}`;
}

/** Stages one image in the host engine as <host>/<repo>:<tag>, pushes it, and drops the staging tag. */
async function seedOne(docker: Docker, source: Docker.Container | undefined, host: string, seed: MirrorSeed, remap: HostOwner | null): Promise<void> {
  const { repoTag, offline } = seed;
  const colon = repoTag.lastIndexOf(':');
  const repo = `${host}/${repoTag.slice(0, colon)}`;
  const tag = repoTag.slice(colon + 1);
  const staged = `${repo}:${tag}`;
  if (offline && source) {
    // `<dir>/.` makes the engine send the folder's contents, not the folder.
    const archive = (await source.getArchive({ path: `${offline.path}/.` })) as unknown as Readable;
    try {
      const tar = remap ? unmapOwners(archive, remap) : archive;
      await drain(docker, await docker.importImage(tar, { repo, tag, changes: offline.changes, message: offline.message }), `import ${repoTag}`);
    } finally {
      archive.destroy();
    }
  } else {
    const local = await ignoreNotFound(docker.getImage(repoTag).inspect(), `inspect image ${repoTag}`);
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
    await ignoreNotFound(docker.getImage(staged).remove(), `remove staging tag ${staged}`);
  }
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
