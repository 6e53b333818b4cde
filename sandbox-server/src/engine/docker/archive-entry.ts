import type Docker from 'dockerode';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { ignoreNotFound } from '../errors';

/** The first entry of a container's archive of one path: what that path is. */
export type ArchiveEntry<T> =
  | { kind: 'file'; value: T }
  | { kind: 'symlink'; target: string }
  | { kind: 'other'; type: string }
  | { kind: 'missing' };

/**
 * Reads what one path of a container is through the engine's archive API
 * (GET /containers/{id}/archive). The engine resolves the path inside the
 * container's own root. A file's content goes to `consume` as it streams;
 * the answer is known at the first entry, so the archive (all of a folder's
 * tree, for a folder) is not read further and is destroyed, on every path.
 */
export async function readArchiveEntry<T>(docker: Docker, containerId: string, path: string, consume: (content: Readable) => Promise<T>): Promise<ArchiveEntry<T>> {
  const archive = (await ignoreNotFound(docker.getContainer(containerId).getArchive({ path }), `read ${path} of ${containerId.slice(0, 12)}`)) as Readable | undefined;
  if (!archive) return { kind: 'missing' };
  const tar = extract();
  try {
    return await new Promise<ArchiveEntry<T>>((resolve, reject) => {
      tar.once('entry', (header, stream) => {
        if (header.type === 'file') consume(stream).then((value) => resolve({ kind: 'file', value }), reject);
        else resolve(header.type === 'symlink' && header.linkname ? { kind: 'symlink', target: header.linkname } : { kind: 'other', type: header.type ?? 'unknown' });
      });
      tar.on('finish', () => resolve({ kind: 'missing' }));
      tar.on('error', reject);
      archive.on('error', reject);
      archive.pipe(tar);
    });
  } finally {
    archive.unpipe(tar);
    archive.destroy();
    tar.destroy();
  }
}

const MAX_SYMLINK_HOPS = 8;

/**
 * Like readArchiveEntry, but a symlink is followed the way a program in the
 * container would (the archive API hands back the link itself), at most
 * MAX_SYMLINK_HOPS times: a learner's link only ever leads to another path of
 * the same container, never to the host's.
 */
export async function readFollowingLinks<T>(docker: Docker, containerId: string, path: string, consume: (content: Readable) => Promise<T>): Promise<ArchiveEntry<T> | { kind: 'too-many-links' }> {
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const entry = await readArchiveEntry(docker, containerId, current, consume);
    if (entry.kind !== 'symlink') return entry;
    current = posix.resolve(posix.dirname(current), entry.target);
  }
  return { kind: 'too-many-links' };
}

export { MAX_SYMLINK_HOPS };
