import type Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import { htpasswdLine, type RegistryLogin } from './registry-auth';

/**
 * The users file of a class's registry gate (nginx in the drydock/registry
 * container, gate.conf). The platform holds the list and sends all of it on
 * each change to `drydock-registry-users` in the container, which replaces
 * the file in the container's /tmp; nginx reads it on every request. The
 * file is never in a sandbox, so no learner sees a classmate's hash.
 */
export class RegistryGateUsers {
  /** user → password and the line written for it (a line keeps its salt while the password stays). */
  private readonly users = new Map<string, { password: string; line: string }>();
  /** Writes in order: a later list must not be overtaken by an earlier one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly docker: Docker,
    private readonly containerId: string,
  ) {}

  /** Lets these logins in (a login of the same name is replaced). Resolves once the gate has the new list. */
  async admit(logins: readonly Pick<RegistryLogin, 'username' | 'password'>[]): Promise<void> {
    // Every line first: a bad login changes nothing.
    const lines = logins.filter((l) => this.users.get(l.username)?.password !== l.password).map((l) => ({ ...l, line: htpasswdLine(l) }));
    if (lines.length === 0) return this.writing;
    for (const { username, password, line } of lines) this.users.set(username, { password, line });
    const text = [...this.users.values()].map((u) => `${u.line}\n`).join('');
    const next = this.writing.catch(() => undefined).then(() => this.write(text));
    this.writing = next;
    return next;
  }

  get size(): number {
    return this.users.size;
  }

  private async write(text: string): Promise<void> {
    const { exitCode, output } = await execWithInput(this.docker, this.containerId, ['/usr/local/bin/drydock-registry-users'], text);
    if (exitCode !== 0) throw new Error(`updating the class registry's logins failed (exit ${exitCode}): ${output.trim().slice(0, 200)}`);
  }
}

/** Runs a command in a container with `input` on its stdin; returns its exit code and output (stdout and stderr). */
async function execWithInput(docker: Docker, containerId: string, cmd: string[], input: string): Promise<{ exitCode: number | null; output: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  docker.modem.demuxStream(stream, sink, sink);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  stream.end(input);
  await ended;
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    info = await exec.inspect();
  }
  return { exitCode: info.Running ? null : (info.ExitCode ?? null), output: Buffer.concat(chunks).toString('utf8') };
}
