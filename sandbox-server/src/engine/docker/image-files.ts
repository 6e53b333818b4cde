import type Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { readFollowingLinks } from './archive-entry';
import { imageProbeName, Label } from './labels';

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
      name: imageProbeName(randomBytes(6).toString('hex')),
      Image: imageId,
      NetworkDisabled: true,
      Labels: { [Label.imageProbe]: '1' },
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

/** The file's hash, following a symlink the way a program in that image would; null when there is no such file. */
async function hashFollowingLinks(docker: Docker, containerId: string, path: string): Promise<string | null> {
  const entry = await readFollowingLinks(docker, containerId, path, sha256Of);
  return entry.kind === 'file' ? entry.value : null;
}

/** Hashed as it streams (dockerd is ~100 MB). */
function sha256Of(content: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    content.on('data', (chunk: Buffer) => hash.update(chunk));
    content.on('end', () => resolve(hash.digest('hex')));
    content.on('error', reject);
  });
}
