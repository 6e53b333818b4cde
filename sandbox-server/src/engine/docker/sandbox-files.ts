import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { SandboxFile } from '../driver';
import { MAX_SYMLINK_HOPS, readFollowingLinks } from './archive-entry';

/**
 * Reads one file from a sandbox's filesystem through the engine's archive
 * API (GET /containers/{id}/archive). The engine resolves the path and any
 * symlinks inside the container's own root, so a learner's symlink can only
 * ever point at another file of their sandbox — never at the host's (reading
 * through /proc/<pid>/root would follow an absolute symlink on the host).
 */
export async function readSandboxFile(docker: Docker, containerId: string, path: string, maxBytes: number): Promise<SandboxFile> {
  const entry = await readFollowingLinks(docker, containerId, path, (content) => readAtMost(content, maxBytes));
  switch (entry.kind) {
    case 'file':
      return { kind: 'file', ...entry.value };
    case 'missing':
      return { kind: 'missing' };
    case 'other':
      return { kind: 'not-a-file', type: entry.type };
    default:
      return { kind: 'not-a-file', type: `chain of more than ${MAX_SYMLINK_HOPS} symlinks` };
  }
}

/** The first maxBytes of a stream, and how long it was. */
function readAtMost(content: Readable, maxBytes: number): Promise<{ content: Buffer; size: number; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    content.on('data', (chunk: Buffer) => {
      if (size < maxBytes) chunks.push(chunk);
      size += chunk.length;
    });
    content.on('end', () => resolve({ content: Buffer.concat(chunks).subarray(0, maxBytes), size, truncated: size > maxBytes }));
    content.on('error', reject);
  });
}
