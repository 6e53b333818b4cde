import type Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { extract } from 'tar-stream';

/**
 * SHA-256 of files as an image ships them, read through the engine's archive
 * API from a container of that image that is created, never started, and
 * removed again: nothing a learner did in a running sandbox can change them.
 * Results are kept per image id (an image id names its content for good).
 */
export class ImageFileHashes {
  /** "<image id> <path>" → the file's hash, or null when the image has no such file. */
  private readonly known = new Map<string, Promise<string | null>>();

  constructor(private readonly docker: Docker) {}

  /** The hash of each path in the image (null for a path it does not have). */
  async hashes(imageId: string, paths: readonly string[]): Promise<Map<string, string | null>> {
    const missing = [...new Set(paths)].filter((path) => !this.known.has(`${imageId} ${path}`));
    if (missing.length > 0) {
      const batch = this.readFromImage(imageId, missing);
      for (const path of missing) {
        const key = `${imageId} ${path}`;
        const one = batch.then((hashes) => hashes.get(path) ?? null);
        // Bounded: the paths asked about come from the learner's processes (a library anywhere).
        if (this.known.size >= 10_000) this.known.delete(this.known.keys().next().value!);
        this.known.set(key, one);
        // A failed read (the engine busy, the image gone) is not an answer to keep.
        one.catch(() => this.known.get(key) === one && this.known.delete(key));
      }
    }
    const entries = await Promise.all(paths.map(async (path) => [path, await this.known.get(`${imageId} ${path}`)!] as const));
    return new Map(entries);
  }

  private async readFromImage(imageId: string, paths: string[]): Promise<Map<string, string | null>> {
    const container = await this.docker.createContainer({
      name: `drydock-image-probe-${randomBytes(6).toString('hex')}`,
      Image: imageId,
      NetworkDisabled: true,
      Labels: { 'drydock.image-probe': '1' },
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      const hashes = new Map<string, string | null>();
      for (const path of paths) hashes.set(path, await hashFollowingLinks(this.docker, container.id, path));
      return hashes;
    } finally {
      // v: the image's VOLUME declarations made anonymous volumes for it.
      await container.remove({ force: true, v: true }).catch(() => undefined);
    }
  }
}

const MAX_SYMLINK_HOPS = 8;

/** The file's hash, following a symlink the way a program in that image would; null when there is no such file. */
async function hashFollowingLinks(docker: Docker, containerId: string, path: string): Promise<string | null> {
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const entry = await hashEntry(docker, containerId, current);
    if (entry.kind === 'file') return entry.sha256;
    if (entry.kind !== 'symlink') return null;
    current = posix.resolve(posix.dirname(current), entry.target);
  }
  return null;
}

type HashedEntry = { kind: 'file'; sha256: string } | { kind: 'symlink'; target: string } | { kind: 'other' };

/** The first entry of GET /containers/{id}/archive?path=…, hashed as it streams (dockerd is ~100 MB). */
async function hashEntry(docker: Docker, containerId: string, path: string): Promise<HashedEntry> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await docker.getContainer(containerId).getArchive({ path });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { kind: 'other' };
    throw error;
  }
  return new Promise<HashedEntry>((resolve, reject) => {
    const tar = extract();
    let result: HashedEntry | undefined;
    tar.on('entry', (header, stream, next) => {
      if (result || header.type !== 'file') {
        result ??= header.type === 'symlink' && header.linkname ? { kind: 'symlink', target: header.linkname } : { kind: 'other' };
        stream.on('end', next);
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      stream.on('data', (chunk: Buffer) => hash.update(chunk));
      stream.on('end', () => {
        result = { kind: 'file', sha256: hash.digest('hex') };
        next();
      });
    });
    tar.on('finish', () => resolve(result ?? { kind: 'other' }));
    tar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(tar);
  });
}
