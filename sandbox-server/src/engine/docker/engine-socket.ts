import { execFile } from 'node:child_process';
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseUnixListeners, type UnixListener } from './proc-files';

/**
 * The sandbox's Docker socket seen from the host (engine-identity.ts): the
 * file, opened so that it cannot be swapped after the check, and the
 * listening sockets bound to it.
 */

/** Where the inner engine's socket is, inside the sandbox. */
export const SOCKET_IN_SANDBOX = '/run/docker.sock';
/** The addresses dockerd binds it under: its default host is unix:///var/run/docker.sock, and /var/run is /run. */
export const SOCKET_NAMES = ['/var/run/docker.sock', '/run/docker.sock'] as const;
/** open(2)'s O_PATH on Linux (x86-64 and arm64): a handle on the file itself, which a socket file allows. Node does not export it. */
const O_PATH = 0o10000000;

/** A socket file as stat() numbers it. */
export interface FileId {
  dev: number;
  ino: number;
}

const run = promisify(execFile);

/** Listening Unix sockets bound under SOCKET_NAMES in the sandbox's network namespace, with the file each is bound to. */
export async function listSocketListeners(sandboxPid: number): Promise<UnixListener[]> {
  // The filter lets only these exact names through: a name is the binder's to choose and could
  // otherwise hold newlines that print as lines of their own (parseUnixListeners).
  const filter = SOCKET_NAMES.flatMap((name, i) => [...(i > 0 ? ['or'] : []), 'src', name]);
  const args = [`--net=/proc/${sandboxPid}/ns/net`, '--', 'ss', '-xlHe', ...filter];
  let stdout: string;
  try {
    ({ stdout } = await run('nsenter', args, { timeout: 10_000 }));
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    const what = e.code === 'ENOENT' ? 'nsenter (util-linux) is not installed on this host' : (e.stderr || e.message).trim();
    throw new Error(`could not list the sandbox's sockets to check its engine (nsenter … ss needs util-linux and iproute2 on the host): ${what}`);
  }
  return parseUnixListeners(stdout, SOCKET_NAMES);
}

/**
 * Opens the sandbox's socket file as a handle (O_PATH: a socket cannot be
 * open()ed for reading). What makes a swap of the file harmless is that this
 * handle's inode is the one verified and the one connected to.
 */
export function openSocketFile(sandboxPid: number): { fd: number; file: FileId } {
  const path = `/proc/${sandboxPid}/root${SOCKET_IN_SANDBOX}`;
  let fd: number;
  try {
    fd = openSync(path, O_PATH | constants.O_NOFOLLOW);
  } catch {
    throw new Error(`the sandbox's Docker socket was tampered with: ${symlinkInPath(sandboxPid) ?? '/run/docker.sock does not exist'}`);
  }
  const st = fstatSync(fd);
  if (!st.isSocket()) {
    closeSync(fd);
    throw new Error(`the sandbox's Docker socket was tampered with: ${symlinkInPath(sandboxPid) ?? '/run/docker.sock is not a socket'}`);
  }
  return { fd, file: { dev: st.dev, ino: st.ino } };
}

/**
 * A clear reason when the learner put a symlink in place of /run or the
 * socket. From the host an absolute link would resolve against the host's
 * root (its own engine): such a file is never bound by a listener of the
 * sandbox, so it is refused anyway; this only names why.
 */
export function symlinkInPath(sandboxPid: number): string | null {
  const root = `/proc/${sandboxPid}/root`;
  const runDir = lstatSync(`${root}/run`, { throwIfNoEntry: false });
  const sock = lstatSync(`${root}${SOCKET_IN_SANDBOX}`, { throwIfNoEntry: false });
  if (!runDir?.isDirectory()) return '/run is not a directory';
  if (!sock) return '/run/docker.sock does not exist';
  if (!sock.isSocket()) return '/run/docker.sock is not a socket';
  return null;
}
