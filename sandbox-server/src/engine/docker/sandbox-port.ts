import type Docker from 'dockerode';
import { Duplex, PassThrough } from 'node:stream';
import { mapDockerError } from '../errors';

/**
 * A TCP connection to a port inside a sandbox, carried over the Docker API:
 * an exec of `nc 127.0.0.1 <port>` in the sandbox, its stdin and stdout
 * joined into one Duplex. This is how the web preview reaches a learner's
 * server (platform/preview).
 *
 * Why an exec and not a TCP connection from the host: a sandbox's network has
 * no host address and the host firewalls its bridge (engine/docker/networks.ts,
 * scripts/engine/drydock-engine.sh), on purpose, so the host cannot reach
 * it, and nothing may publish a port on the host. An exec works in every
 * isolation tier and through a remote engine alike, and the connection starts
 * inside the learner's own network namespace, where `127.0.0.1:<port>` is
 * whatever the learner published (`docker run -p 9090:80` inside the sandbox)
 * or started (`python3 -m http.server`).
 *
 * The relay is the sandbox's busybox `nc`, run by absolute path. A learner
 * can break it in their own sandbox (it is their root filesystem); that costs
 * them their own preview only, as the bytes it carries are their server's
 * anyway. The exec is Tty:false, so bytes pass unchanged (a TTY would echo and
 * translate line endings); its output is multiplexed, so stdout is demuxed
 * and stderr kept apart to explain a refused connection.
 *
 * Cost: one exec per connection (about 50 ms here, DESIGN.md); the preview
 * proxy asks for `Connection: close`, so it is one exec per HTTP request.
 */
export async function openSandboxPort(docker: Docker, containerId: string, port: number): Promise<Duplex> {
  const context = `open port ${port} in ${containerId.slice(0, 12)}`;
  let raw: Duplex;
  try {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: [RELAY, 'nc', '127.0.0.1', String(port)],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    raw = (await exec.start({ hijack: true, stdin: true, Tty: false })) as unknown as Duplex;
  } catch (error) {
    throw mapDockerError(error, context);
  }
  return new ExecConnection(docker, raw);
}

/** busybox-static from the sandbox image (sandbox-server/images/sandbox/Dockerfile). */
const RELAY = '/usr/bin/busybox';

/** stderr kept to say why a connection failed ("Connection refused"): no more than this. */
const STDERR_KEPT_BYTES = 1024;

/**
 * The exec's stream as a plain byte connection: what is written goes to the
 * relay's stdin; what is read is its stdout. Ending the write side closes the
 * relay's stdin (a half-close); destroying it ends the exec's stream, and the
 * relay exits on the broken pipe.
 */
class ExecConnection extends Duplex {
  private readonly stdout = new PassThrough();
  private readonly stderr = new PassThrough();
  private errorText = '';
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    docker: Docker,
    private readonly raw: Duplex,
  ) {
    super({ allowHalfOpen: true });
    docker.modem.demuxStream(raw, this.stdout, this.stderr);
    this.stdout.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) raw.pause();
    });
    this.stderr.on('data', (chunk: Buffer) => {
      if (this.errorText.length < STDERR_KEPT_BYTES) this.errorText += chunk.toString('utf8');
    });
    raw.once('end', () => this.push(null));
    raw.once('close', () => this.push(null));
    raw.once('error', (error) => this.destroy(error));
  }

  /** What the relay printed on stderr, e.g. "nc: can't connect to remote host (127.0.0.1): Connection refused". */
  get relayError(): string {
    return this.errorText.trim();
  }

  /*
   * The socket surface Node's HTTP client uses on a connection it is given
   * (createConnection): an idle timeout that emits 'timeout', and two TCP
   * options that mean nothing for an exec stream. Without setTimeout, a
   * ClientRequest's setTimeout() throws inside its 'upgrade' handling.
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    this.idleMs = ms;
    this.touch();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** Activity: the idle timeout starts again. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = this.idleMs > 0 && !this.destroyed ? setTimeout(() => this.emit('timeout'), this.idleMs) : undefined;
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    this.raw.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Half-close: the relay sees EOF on stdin; the answer may still come.
    const socket = this.raw as Duplex & { end(cb?: () => void): void };
    socket.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.raw.destroy();
    callback(error);
  }
}

export type { ExecConnection };
