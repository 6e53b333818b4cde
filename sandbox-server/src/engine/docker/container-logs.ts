import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { mapDockerError } from '../errors';

/**
 * Waits until a container's log (stdout and stderr, Tty:false) shows
 * `marker`, following it as it is written. Throws with the log's last lines
 * when the container exits first or `timeoutMs` passes.
 */
export async function waitForLogLine(docker: Docker, containerId: string, what: string, marker: string, timeoutMs: number): Promise<void> {
  const container = docker.getContainer(containerId);
  let logs: Readable;
  try {
    logs = (await container.logs({ stdout: true, stderr: true, follow: true })) as unknown as Readable;
  } catch (error) {
    throw mapDockerError(error, `read the log of ${what}`);
  }
  let text = '';
  const sink = new PassThrough().on('data', (c: Buffer) => (text += c.toString('utf8')));
  // Multiplexed like an exec's output: dockerode's demuxer, not a hand-written one.
  docker.modem.demuxStream(logs, sink, sink);
  let timer: NodeJS.Timeout | undefined;
  try {
    const seen = await new Promise<boolean>((resolve, reject) => {
      sink.on('data', () => text.includes(marker) && resolve(true));
      // The log ends when the container stops (what the demuxer wrote last may still be on its way).
      const ended = () => setImmediate(() => resolve(text.includes(marker)));
      logs.once('end', ended);
      logs.once('close', ended);
      logs.once('error', (error) => reject(mapDockerError(error, `read the log of ${what}`)));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    if (seen) return;
    const state = (await container.inspect()).State;
    throw new Error(`${what} ${state.Running ? `is not listening after ${timeoutMs} ms` : `exited (${state.ExitCode})`}; its log: ${text.trim().split('\n').slice(-5).join(' | ')}`);
  } finally {
    clearTimeout(timer);
    logs.destroy();
  }
}
