import type Docker from 'dockerode';
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import tar from 'tar-stream';
import type { SandboxWrite } from '../driver';
import { EngineUnavailableError, ignoreNotFound, mapDockerError, SandboxNotFoundError } from '../errors';
import { MAX_SYMLINK_HOPS } from './archive-entry';
import { execInContainer } from './container-exec';

/**
 * Writes one file into a sandbox through the engine's archive API (PUT
 * /containers/{id}/archive with a one-file tar), never through a host path:
 * the engine resolves the folder inside the container's own root and its
 * mounts (the hardened tier's /root is a bind-mounted disk image).
 *
 * Owner: the tar says uid 0, gid 0. An engine with userns-remap maps a tar's
 * ids through its id map on extraction (the reverse of what tar-owners.ts
 * undoes on reading), so the file belongs to the sandbox's root, which is an
 * unprivileged id on the host. Mode: the file's own when it exists, else 0644.
 *
 * A symlink is followed the way a program in the sandbox would, from the
 * engine's stat of each hop (HEAD /archive), so saving a file opened through a
 * link writes the link's target. Extraction itself replaces a symlink rather
 * than following it, so a link swapped in meanwhile is replaced, not followed.
 */
export async function writeSandboxFile(docker: Docker, containerId: string, path: string, content: Buffer): Promise<SandboxWrite> {
  const container = docker.getContainer(containerId);
  let target = path;
  let existing: PathStat | undefined;
  for (let hop = 0; ; hop++) {
    try {
      existing = await statPath(container, target);
    } catch (error) {
      // A HEAD through a file (/root/file/x) fails with a bare 500 (ENOTDIR in the engine): no folder to write in.
      if (error instanceof EngineUnavailableError || error instanceof SandboxNotFoundError) throw error;
      return { kind: 'not-a-file', type: `a part of ${target} is not a folder` };
    }
    if (!existing || !isSymlink(existing.mode)) break;
    if (hop >= MAX_SYMLINK_HOPS) return { kind: 'not-a-file', type: `chain of more than ${MAX_SYMLINK_HOPS} symlinks` };
    target = posix.resolve(posix.dirname(target), existing.linkTarget);
  }
  if (existing && !isRegular(existing.mode)) return { kind: 'not-a-file', type: describeMode(existing.mode) };

  const folder = posix.dirname(target);
  const parent = await statPath(container, folder);
  if (!parent) {
    // mkdir in the sandbox: it runs as the sandbox's root in its namespaces, so the folders are theirs.
    const made = await execInContainer(docker, containerId, ['mkdir', '-p', '--', folder], { timeoutMs: 10_000, maxOutputBytes: 4096 });
    if (made.exitCode !== 0) return { kind: 'not-a-file', type: `folder ${folder} cannot be made: ${made.stderr.trim().slice(0, 200) || 'mkdir failed'}` };
  } else if (!isDirectory(parent.mode)) return { kind: 'not-a-file', type: `${folder} is not a folder` };

  const archive = await oneFileTar(posix.basename(target), content, existing ? existing.mode & 0o777 : 0o644);
  try {
    await container.putArchive(archive, { path: folder, noOverwriteDirNonDir: true });
  } catch (error) {
    // The engine refuses a read-only root filesystem with a 500 and this message, before it writes anything.
    if (/rootfs is marked read-only|read-only file system/i.test((error as Error).message)) return { kind: 'read-only' };
    throw mapDockerError(error, `write ${target} in ${containerId.slice(0, 12)}`);
  }
  return { kind: 'written', path: target, size: content.length, created: !existing };
}

/** A tar holding one regular file, owned by uid/gid 0. */
export function oneFileTar(name: string, content: Buffer, mode: number): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on('data', (chunk: Buffer) => chunks.push(chunk));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
    pack.entry({ name, type: 'file', size: content.length, mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: new Date() }, content, (error) => {
      if (error) reject(error);
      else pack.finalize();
    });
  });
}

/** The engine's stat of a path (X-Docker-Container-Path-Stat), Go's os.FileMode bits in `mode`. */
interface PathStat {
  mode: number;
  size: number;
  linkTarget: string;
}

// Go's os.FileMode type bits, as the engine reports them.
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_TYPE = MODE_DIR | 2 ** 30 /* append */ | 2 ** 29 /* exclusive */ | 2 ** 28 /* temporary */ | MODE_SYMLINK | 2 ** 26 /* device */ | 2 ** 25 /* pipe */ | 2 ** 24 /* socket */ | 2 ** 21 /* char device */ | 2 ** 19 /* irregular */;
const isSymlink = (mode: number) => (mode & MODE_SYMLINK) !== 0;
const isDirectory = (mode: number) => mode >= MODE_DIR;
const isRegular = (mode: number) => (mode & MODE_TYPE) === 0 && mode < MODE_DIR;
const describeMode = (mode: number) => (isDirectory(mode) ? 'a folder' : isSymlink(mode) ? 'a symlink' : 'not a regular file');

export async function statPath(container: Docker.Container, path: string): Promise<PathStat | undefined> {
  const response = (await ignoreNotFound(container.infoArchive({ path }), `stat ${path}`)) as IncomingMessage | undefined;
  if (!response) return undefined;
  response.resume();
  response.destroy();
  const header = response.headers['x-docker-container-path-stat'];
  if (typeof header !== 'string') throw new Error(`the engine sent no stat for ${path}`);
  const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Partial<PathStat>;
  return { mode: Number(stat.mode ?? 0) >>> 0, size: Number(stat.size ?? 0), linkTarget: String(stat.linkTarget ?? '') };
}
