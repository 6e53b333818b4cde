import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { TerminalSize } from '../../../../protocol';
import type { SandboxShell } from '../driver';
import { mapDockerError } from '../errors';
import { EXEC_MARKER, killMarked } from './container-exec';

/** What an extra shell runs: the same login shell the sandbox's own terminal runs (entrypoint.sh), in the same home. */
const SHELL_COMMAND = ['bash', '-l'];

/**
 * Another terminal in a sandbox: `docker exec -it <sandbox> bash -l`. A TTY
 * exec's stream is raw (no stdout/stderr multiplexing), and the engine wants
 * `Tty: true` at start as well as at create, or it frames the stream anyway.
 *
 * Closing the stream does not end the shell (the engine keeps its pty), so
 * kill() ends its processes the way a timed-out check's are ended: by the
 * marker in their environment (container-exec.ts). A child that clears its
 * environment escapes it and lives until the sandbox goes, as with checks.
 */
export async function openShellInContainer(docker: Docker, containerId: string): Promise<SandboxShell> {
  const context = `shell in ${containerId.slice(0, 12)}`;
  const marker = `${EXEC_MARKER}=${randomBytes(8).toString('hex')}`;
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await docker.getContainer(containerId).exec({
      Cmd: SHELL_COMMAND,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      WorkingDir: '/root',
      Env: ['TERM=xterm-256color', marker],
    });
    stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
  } catch (error) {
    throw mapDockerError(error, context);
  }
  let killed: Promise<void> | undefined;
  return {
    stream,
    // Only ever called after start() above: the engine refuses to resize an exec that has not started.
    async resize(size: TerminalSize): Promise<void> {
      try {
        await exec.resize({ h: size.rows, w: size.cols });
      } catch (error) {
        throw mapDockerError(error, `resize ${context}`);
      }
    },
    kill(): Promise<void> {
      killed ??= killMarked(docker, containerId, marker).finally(() => stream.destroy());
      return killed;
    },
  };
}
