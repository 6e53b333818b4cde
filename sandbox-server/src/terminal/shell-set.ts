import { CloseCode, MAIN_SHELL, MAX_SHELL_NUMBER, type ServerControl, type ShellEntry } from '../../../protocol';
import { Disposable } from '../../../lib/lifecycle/disposable';
import { withDeadline } from '../../../lib/lifecycle/deadline';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver } from '../engine/driver';
import { ExtraShell, type ShellEnding } from './extra-shell';
import type { TerminalClient } from './terminal-client';

/** How long starting a shell may take: a hung engine never answers, and the learner's "+" waits for the answer. */
const OPEN_TIMEOUT_MS = 30_000;

/** Refused: the sandbox has as many shells open as it may, or the shell numbers ran out. */
export class ShellLimitError extends Error {
  override readonly name = 'ShellLimitError';
}

/** The shell a socket named is not open (closed, or never opened in this sandbox). */
export class ShellNotFoundError extends Error {
  override readonly name = 'ShellNotFoundError';
}

export interface ShellSetOptions {
  driver: SandboxDriver;
  sandboxId: string;
  config: SandboxServerConfig;
  log: Logger;
  /** Every learner socket of the sandbox, whichever shell it shows (told when the list changes). */
  sockets(): Iterable<TerminalClient>;
}

/**
 * A sandbox's extra shells (shell 1, the sandbox's own terminal, is the
 * session's). Numbers go up and are never reused while the sandbox lives;
 * at most config.shellsPerSandbox are open at once, the main one included,
 * exited ones too until closed (an exited tab still takes its place, so a
 * crash loop of shells cannot run past the cap). Every shell ends with the
 * set, which ends with its session: a reset, expiry or class end leaves no
 * shell behind.
 */
export class ShellSet extends Disposable {
  private readonly shells = new Map<number, ExtraShell>();
  /** Shells asked for whose exec has not started yet: they count toward the cap. */
  private opening = 0;
  private nextNumber = MAIN_SHELL + 1;

  constructor(private readonly options: ShellSetOptions) {
    super();
    this.register({ dispose: () => this.end({ state: 'removed', message: 'The server let go of this sandbox; reconnect.', closeCode: CloseCode.SHUTDOWN }) });
  }

  get max(): number {
    return this.options.config.shellsPerSandbox;
  }

  /** The open shells, the main one first. */
  list(): ShellEntry[] {
    return [{ shell: MAIN_SHELL, exited: false }, ...[...this.shells.values()].map((s) => ({ shell: s.number, exited: s.exited }))];
  }

  /** Browsers showing an extra shell. */
  get readerCount(): number {
    let count = 0;
    for (const shell of this.shells.values()) count += shell.clientCount;
    return count;
  }

  /** Every browser showing an extra shell. */
  *readers(): Iterable<TerminalClient> {
    for (const shell of this.shells.values()) yield* shell.readers;
  }

  get hasExtras(): boolean {
    return this.shells.size > 0;
  }

  listMessage(): ServerControl {
    return { type: 'shells', shells: this.list(), max: this.max };
  }

  /** Opens another shell and returns its number; ShellLimitError at the cap. */
  async open(): Promise<number> {
    if (this.isDisposed) throw new ShellLimitError('The sandbox is ending; no new shell.');
    if (1 + this.shells.size + this.opening >= this.max) {
      throw new ShellLimitError(`A sandbox may have at most ${this.max} terminals open at once. Close one you no longer need first.`);
    }
    if (this.nextNumber > MAX_SHELL_NUMBER) throw new ShellLimitError('This sandbox has opened all the shells it may; press Reset for a fresh one.');
    const number = this.nextNumber++;
    this.opening++;
    const starting = this.options.driver.openShell(this.options.sandboxId);
    let handle;
    try {
      handle = await withDeadline(starting, OPEN_TIMEOUT_MS, () => new Error(`the engine did not start it within ${OPEN_TIMEOUT_MS / 1000} s`));
    } catch (error) {
      // Should it start after all, nobody would ever see it: end it then.
      starting.then((late) => void late.kill(), () => undefined);
      throw error;
    } finally {
      this.opening--;
    }
    if (this.isDisposed) {
      void handle.kill(); // the sandbox ended while the exec started
      throw new ShellLimitError('The sandbox ended; no new shell.');
    }
    const shell = new ExtraShell(number, handle, this.options.config, this.options.log);
    this.shells.set(number, shell);
    shell.onDidExit(() => this.announce());
    this.announce();
    return number;
  }

  /** The open shell with this number; ShellNotFoundError when there is none. */
  get(number: number): ExtraShell {
    const shell = this.shells.get(number);
    if (!shell) throw new ShellNotFoundError(`There is no terminal ${number} in this sandbox (it was closed, or belonged to an earlier sandbox).`);
    return shell;
  }

  /** Ends a shell and its processes; its readers are closed with SHELL_GONE. False when it was not open. */
  close(number: number): boolean {
    const shell = this.shells.get(number);
    if (!shell) return false;
    this.shells.delete(number);
    const message = `Terminal ${number} was closed.`;
    shell.close({ state: 'removed', message, closeCode: CloseCode.SHELL_GONE });
    this.announce();
    return true;
  }

  /** Tells every socket of the sandbox which shells are open now. */
  private announce(): void {
    if (this.isDisposed) return;
    const message = this.listMessage();
    for (const client of this.options.sockets()) client.sendControl(message);
  }

  /** Ends every shell (the sandbox's session ends): their readers are told why, as the main shell's are. */
  end(ending: ShellEnding): void {
    const shells = [...this.shells.values()];
    this.shells.clear();
    for (const shell of shells) shell.close(ending);
  }
}
