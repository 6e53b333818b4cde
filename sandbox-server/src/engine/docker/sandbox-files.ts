import type Docker from 'dockerode';
import { posix } from 'node:path';
import { extract } from 'tar-stream';
import type { SandboxFile } from '../driver';

/**
 * Reads one file from a sandbox's filesystem through the engine's archive
 * API (GET /containers/{id}/archive). The engine resolves the path and any
 * symlinks inside the container's own root, so a learner's symlink can only
 * ever point at another file of their sandbox — never at the host's (reading
 * through /proc/<pid>/root would follow an absolute symlink on the host).
 */
export async function readSandboxFile(docker: Docker, containerId: string, path: string, maxBytes: number): Promise<SandboxFile> {
  // The archive API hands back a symlink itself; follow it (inside the sandbox, like any program there would).
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const entry = await readArchiveEntry(docker, containerId, current, maxBytes);
    if (entry.kind !== 'symlink') return entry;
    current = posix.resolve(posix.dirname(current), entry.target);
  }
  return { kind: 'not-a-file', type: `chain of more than ${MAX_SYMLINK_HOPS} symlinks` };
}

const MAX_SYMLINK_HOPS = 8;

type ArchiveEntry = SandboxFile | { kind: 'symlink'; target: string };

async function readArchiveEntry(docker: Docker, containerId: string, path: string, maxBytes: number): Promise<ArchiveEntry> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await docker.getContainer(containerId).getArchive({ path });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { kind: 'missing' };
    throw error;
  }
  return new Promise<ArchiveEntry>((resolve, reject) => {
    const tar = extract();
    let result: ArchiveEntry | undefined;
    tar.on('entry', (header, stream, next) => {
      if (result) {
        stream.resume();
        stream.on('end', next);
        return;
      }
      if (header.type !== 'file') {
        result = header.type === 'symlink' && header.linkname ? { kind: 'symlink', target: header.linkname } : { kind: 'not-a-file', type: header.type ?? 'unknown' };
        stream.resume();
        stream.on('end', next);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (size < maxBytes) chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('end', () => {
        const content = Buffer.concat(chunks).subarray(0, maxBytes);
        result = { kind: 'file', content, truncated: size > maxBytes, size };
        next();
      });
    });
    tar.on('finish', () => resolve(result ?? { kind: 'missing' }));
    tar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(tar);
  });
}
