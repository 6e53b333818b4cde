import type { ClassRegistryBackend, RegistryService } from '../engine/class-registry-backend';
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
    private readonly backend: Pick<ClassRegistryBackend, 'exec'>,
    /** The gated registry service. */
    private readonly service: RegistryService,
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
    const { exitCode, output } = await this.backend.exec(this.service, ['/usr/local/bin/drydock-registry-users'], text);
    if (exitCode !== 0) throw new Error(`updating the class registry's logins failed (exit ${exitCode}): ${output.trim().slice(0, 200)}`);
  }
}
