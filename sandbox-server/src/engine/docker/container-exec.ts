import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { PassThrough, type Duplex } from 'node:stream';
import type { ExecOptions, ExecResult } from '../driver';
import { mapDockerError } from '../errors';

/**
 * A command run in a container (`docker exec`, Tty:false): stdout and stderr
 * apart (dockerode's demuxStream), a failed stream is an error, and a
 * timeout ends the command's processes in the container before it returns.
 *
 * Every exec carries a marker in its environment, which its children
 * inherit (also those that start a session of their own or leave their
 * parent). On timeout a second exec kills every process whose environment
 * has the marker; a process started with a cleared environment (`env -i`)
 * escapes it, and lives until the container goes.
 */
export async function execInContainer(docker: Docker, containerId: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
  const started = performance.now();
  const context = `exec in ${containerId.slice(0, 12)}`;
  const marker = `${EXEC_MARKER}=${randomBytes(8).toString('hex')}`;
  const withStdin = options.stdin !== undefined;
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await docker
      .getContainer(containerId)
      .exec({ Cmd: cmd, AttachStdin: withStdin, AttachStdout: true, AttachStderr: true, Tty: false, Env: [...(options.env ?? []), marker] });
    stream = (await exec.start({ hijack: true, stdin: withStdin, Tty: false })) as unknown as Duplex;
  } catch (error) {
    throw mapDockerError(error, context);
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const cap = options.maxOutputBytes ?? Infinity;
  let outputTruncated = false;
  const keeper = (kept: Buffer[]) => {
    let size = 0;
    return (chunk: Buffer) => {
      if (size + chunk.length > cap) {
        outputTruncated = true;
        if (size < cap) kept.push(chunk.subarray(0, cap - size));
        size = cap;
        return;
      }
      size += chunk.length;
      kept.push(chunk);
    };
  };
  const stdout = new PassThrough().on('data', keeper(out));
  const stderr = new PassThrough().on('data', keeper(err));
  // Tty:false streams are multiplexed; demux keeps stdout and stderr apart.
  docker.modem.demuxStream(stream, stdout, stderr);

  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await new Promise<'ended' | 'timed out'>((resolve, reject) => {
      stream.once('end', () => resolve('ended'));
      stream.once('close', () => resolve('ended'));
      stream.once('error', (error) => reject(mapDockerError(error, context)));
      timer = setTimeout(() => resolve('timed out'), options.timeoutMs);
      if (withStdin) stream.end(options.stdin);
    });
    const durationMs = performance.now() - started;
    const text = () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    if (outcome === 'timed out') {
      await killMarked(docker, containerId, marker);
      return { exitCode: null, ...text(), timedOut: true, durationMs, ...(outputTruncated ? { outputTruncated } : {}) };
    }
    return { exitCode: await exitCodeOf(exec, context), ...text(), timedOut: false, durationMs, ...(outputTruncated ? { outputTruncated } : {}) };
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
}

/** The variable every exec's processes carry (see execInContainer). */
export const EXEC_MARKER = 'DRYDOCK_EXEC';

/**
 * Kills every process whose environment holds the marker, a few rounds
 * (they may fork meanwhile). It reads /proc in the container itself, so it
 * needs nothing of the host; the marker is an argument, never in its own
 * environment, so it does not kill itself.
 */
const KILL_SCRIPT = `for round in 1 2 3 4 5; do
  found=
  for p in /proc/[0-9]*; do
    if tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qxF "$1"; then kill -KILL "\${p#/proc/}" 2>/dev/null && found=1; fi
  done
  [ -n "$found" ] || exit 0
done`;

/** How long the clean-up of a timed-out exec may take. */
const KILL_TIMEOUT_MS = 10_000;

/**
 * Ends a timed-out exec's processes. Best effort: a timed-out check is
 * reported as timed out even when this cannot run (the container is gone,
 * or at its pids limit).
 */
export async function killMarked(docker: Docker, containerId: string, marker: string): Promise<void> {
  let exec: Docker.Exec | undefined;
  let stream: Duplex | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    exec = await docker.getContainer(containerId).exec({ Cmd: ['sh', '-c', KILL_SCRIPT, 'drydock-exec-kill', marker], AttachStdout: true, AttachStderr: true, Tty: false });
    const attached = (await exec.start({ hijack: true, stdin: false, Tty: false })) as unknown as Duplex;
    stream = attached;
    attached.resume();
    await new Promise<void>((resolve) => {
      attached.once('end', resolve).once('close', resolve).once('error', () => resolve());
      timer = setTimeout(resolve, KILL_TIMEOUT_MS);
    });
  } catch {
    // Best effort (see above).
  } finally {
    clearTimeout(timer);
    stream?.destroy();
  }
}

/** The exit code: the stream can end a moment before the engine records it. */
async function exitCodeOf(exec: Docker.Exec, context: string): Promise<number | null> {
  try {
    let info = await exec.inspect();
    for (let i = 0; info.Running && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      info = await exec.inspect();
    }
    return info.Running ? null : (info.ExitCode ?? null);
  } catch (error) {
    throw mapDockerError(error, context);
  }
}
