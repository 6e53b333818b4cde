import type Docker from 'dockerode';
import { Agent } from 'node:http';
import { lstatSync } from 'node:fs';
import { posix } from 'node:path';
import { createConnection, Socket } from 'node:net';
import { extract } from 'tar-stream';
import type { SandboxFile } from './driver';

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

/**
 * The inner engine's socket, seen from the host at /proc/<pid>/root/run/docker.sock.
 * A learner is root in their sandbox and could replace /run or docker.sock
 * with a symlink; an absolute symlink met under /proc/<pid>/root resolves
 * against the host's root, so it could lead the grader to the host's own
 * engine. Each new connection first checks that neither is a symlink and that
 * the path is a socket.
 */
export function innerEngineAgent(pid: number): { socketPath: string; agent: Agent } {
  const root = `/proc/${pid}/root`;
  const socketPath = `${root}/run/docker.sock`;
  const agent = new Agent({ keepAlive: false });
  agent.createConnection = ((): Socket => {
    const run = lstatSync(`${root}/run`, { throwIfNoEntry: false });
    const sock = lstatSync(socketPath, { throwIfNoEntry: false });
    const problem = !run?.isDirectory() ? '/run is not a directory' : !sock ? '/run/docker.sock does not exist' : !sock.isSocket() ? '/run/docker.sock is not a socket' : null;
    if (!problem) return createConnection({ path: socketPath });
    // Fail this request with the reason instead of connecting anywhere.
    const refused = new Socket();
    process.nextTick(() => refused.destroy(new Error(`the sandbox's Docker socket was tampered with: ${problem}`)));
    return refused;
  }) as Agent['createConnection'];
  return { socketPath, agent };
}
