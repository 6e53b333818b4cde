import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { extract, type Headers } from 'tar-stream';
import { isNotFound, mapDockerError } from '../errors';
import type { ContainerDetails, DistributionDetails, ImageDetails, ImageHistoryStep, InnerEngine, NetworkDetails, SwarmState, VolumeDetails } from '../inner-engine';
import { parseSwarmState, swarmRole } from './swarm-state';

/**
 * The InnerEngine over dockerode: a client for the sandbox's inner engine
 * (engine-identity.ts proves who answers). The engine's JSON is taken as the
 * API documents it; the types name what grading reads of it.
 */
export class DockerInnerEngine implements InnerEngine {
  constructor(private readonly docker: Docker) {}

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  inspectContainer(nameOrId: string): Promise<ContainerDetails | null> {
    return orNull(this.docker.getContainer(nameOrId).inspect() as Promise<unknown> as Promise<ContainerDetails>, `inspect container ${nameOrId}`);
  }

  inspectImage(name: string): Promise<ImageDetails | null> {
    return orNull(this.docker.getImage(name).inspect() as Promise<unknown> as Promise<ImageDetails>, `inspect image ${name}`);
  }

  async imageHistory(name: string): Promise<ImageHistoryStep[]> {
    return (await this.docker.getImage(name).history()) as ImageHistoryStep[];
  }

  inspectVolume(name: string): Promise<VolumeDetails | null> {
    return orNull(this.docker.getVolume(name).inspect() as Promise<unknown> as Promise<VolumeDetails>, `inspect volume ${name}`);
  }

  inspectNetwork(name: string): Promise<NetworkDetails | null> {
    return orNull(this.docker.getNetwork(name).inspect() as Promise<unknown> as Promise<NetworkDetails>, `inspect network ${name}`);
  }

  async distribution(name: string): Promise<DistributionDetails> {
    try {
      return (await this.docker.getImage(name).distribution({})) as DistributionDetails;
    } catch (error) {
      // The registry's own words (docker-modem puts them in json.message), first line only.
      const reason = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message).split('\n')[0] ?? '';
      throw new Error(reason, { cause: error });
    }
  }

  async swarm(): Promise<SwarmState> {
    const info: unknown = await this.docker.info();
    if (!swarmRole(info).manager) return parseSwarmState(info);
    const [nodes, services, tasks] = await Promise.all([this.docker.listNodes(), this.docker.listServices(), this.docker.listTasks()]);
    return parseSwarmState(info, { nodes, services, tasks });
  }

  async findFileInImage(image: string, wanted: (path: string) => boolean): Promise<string | null> {
    const exported = (await this.docker.getImage(image).get()) as unknown as Readable;
    return findInSavedImage(exported, image, wanted);
  }
}

/** The answer, or null when the engine says there is no such thing; any other failure is the engine's own error, unchanged. */
async function orNull<T>(request: Promise<T>, context: string): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(mapDockerError(error, context))) return null;
    throw error;
  }
}

/** Reading stops after this many bytes of the exported image (an image that large is not one a check asks about). */
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

const relativePath = (name: string): string => name.replace(/^\.?\//, '').replace(/\/$/, '');

/**
 * Looks inside each layer of `docker save` output for a file `wanted`
 * accepts. Stops reading (and destroys the stream) as soon as it has an
 * answer.
 */
function findInSavedImage(exported: Readable, image: string, wanted: (path: string) => boolean): Promise<string | null> {
  return new Promise<string | null>((resolve, reject) => {
    let settled = false;
    let bytes = 0;
    const finish = (value: string | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      exported.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const outer = extract();
    outer.on('entry', (header: Headers, stream, next) => {
      // Layers are tar files inside the saved tar (layer.tar, or blobs/sha256/* in the OCI layout);
      // other entries (JSON) fail to parse as tar and are simply drained.
      if (header.type !== 'file' || (header.size ?? 0) < 1024 || settled) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const inner = extract();
      inner.on('entry', (h: Headers, s, n) => {
        if (wanted(relativePath(h.name))) finish(relativePath(h.name));
        s.on('end', n);
        s.resume();
      });
      let done = false;
      const proceed = (): void => {
        if (done) return;
        done = true;
        next();
      };
      inner.on('finish', proceed);
      inner.on('error', () => {
        // Not a tar (a config or manifest blob): drain the rest of this entry.
        stream.unpipe(inner);
        if (stream.readableEnded) proceed();
        else {
          stream.on('end', proceed);
          stream.resume();
        }
      });
      stream.pipe(inner);
    });
    outer.on('finish', () => finish(null));
    outer.on('error', (error: Error) => finish(null, error));
    exported.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_EXPORT_BYTES) finish(null, new Error(`${image} is larger than ${MAX_EXPORT_BYTES / 1024 / 1024} MiB; not read to the end`));
    });
    exported.on('error', (error: Error) => finish(null, error));
    exported.pipe(outer);
  });
}
