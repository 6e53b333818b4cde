import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloseCode, type TerminalSize } from '../../../protocol';
import { Disposable, DisposableStore, MutableDisposable, listen, listenOnce, toDisposable } from '../../../lib/lifecycle/disposable';
import { withDeadline } from '../../../lib/lifecycle/deadline';
import { Emitter, type Event } from '../../../lib/lifecycle/event';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver, SandboxInfo } from '../engine/driver';
import { EngineUnavailableError } from '../engine/errors';
import { FlowControl } from './flow-control';
import type { Logger } from '../../../lib/logging/logger';
import { OutputBatcher } from './output-batcher';
import { OutputRing } from './output-ring';
import type { TerminalClient } from './terminal-client';
import type { ExtraShell } from './extra-shell';
import { ShellSet } from './shell-set';

/** Respawning stops after this many main-process exits within RESPAWN_WINDOW_MS (a crash loop). */
const MAX_RESPAWNS = 5;
const RESPAWN_WINDOW_MS = 60_000;

/** Why a session ends, as its clients are told: a status, then a close with this code. */
export interface SessionEnding {
  state: 'expired' | 'removed' | 'error';
  message: string;
  closeCode: number;
}

/** What a plain dispose() tells the clients: the server let go of the sandbox, which lives on. */
const DETACHED: SessionEnding = { state: 'removed', message: 'The server let go of this sandbox; reconnect.', closeCode: CloseCode.SHUTDOWN };

/**
 * One learner's sandbox and its live terminal: the attached Docker stream,
 * the replay ring, output batching, flow control, and the browsers watching.
 * Outlives any single WebSocket, so a reload finds the same shell.
 *
 * Whoever holds a session (the warm pool, then the session manager) learns
 * that it ended from `onDidEnd`, not by being called back through a field
 * someone else may reassign.
 */
export class SandboxSession extends Disposable {
  private current: SandboxInfo;
  private stream: Duplex | undefined;
  /** The attached stream's listeners and the stream itself: replaced on respawn, released on end. */
  private readonly attachment = this.register(new MutableDisposable());
  private readonly ring: OutputRing;
  private readonly batcher: OutputBatcher;
  private readonly flow: FlowControl<TerminalClient>;
  private readonly clients = new Set<TerminalClient>();
  /** Read-only watchers (an instructor's shadow view): they get the output but never pace it or type. */
  private readonly viewers = new Set<TerminalClient>();
  private lastSize: TerminalSize | undefined;
  private respawns: number[] = [];
  /** Set as soon as end() begins, so a client closing re-entrantly cannot end it twice. */
  private ending = false;
  private activityAt = Date.now();
  private inputAt: number | null = null;
  /** The sandbox's inner Docker engine answers (markEngineReady); until then clients are told it is starting. */
  private engineIsReady = false;
  /** Waiting for a lost engine to come back (outlastEngine). */
  private outlasting = false;
  /** The learner's other shells in this sandbox (shell 1 is this session's own terminal); they end with it. */
  readonly shells: ShellSet;
  private readonly ended = new Emitter<SandboxSession>();
  /** Fires once when the session ends for good (crash loop, failed restart, removal), so its holder forgets it. */
  readonly onDidEnd: Event<SandboxSession> = this.ended.event;

  constructor(
    info: SandboxInfo,
    private readonly driver: SandboxDriver,
    private readonly config: SandboxServerConfig,
    private readonly log: Logger,
  ) {
    super();
    this.current = { ...info };
    this.ring = new OutputRing(config.replayBufferBytes);
    this.flow = new FlowControl(config.flowHighWaterBytes, config.flowLowWaterBytes, {
      pause: () => this.stream?.pause(),
      resume: () => this.stream?.resume(),
    });
    this.batcher = this.register(new OutputBatcher(config.batchDelayMs, config.batchMaxBytes, (chunk) => this.broadcast(chunk)));
    this.shells = this.register(new ShellSet({ driver, sandboxId: info.id, config, log, sockets: () => this.learnerSockets() }));
  }

  /** The learner's own sockets, whichever shell they show (not the read-only viewers). */
  private *learnerSockets(): Iterable<TerminalClient> {
    yield* this.clients;
    yield* this.shells.readers();
  }

  /** The sandbox as the engine describes it; changed only through this session's methods. */
  get info(): Readonly<SandboxInfo> {
    return this.current;
  }

  /** A warm sandbox becomes a learner's (after the driver recorded the claim): it belongs to no pool any more. */
  /** A warm sandbox became this learner's, for this environment (protocol/environment.ts). */
  claimFor(learnerId: string, environment: string): void {
    this.current = { ...this.current, learnerId, profile: environment, pool: undefined };
  }

  get engineReady(): boolean {
    return this.engineIsReady;
  }

  /**
   * The inner engine answers (its holder probed it: engine-readiness.ts).
   * Clients greeted before are told now; their held keystrokes then go in.
   */
  markEngineReady(message = 'Sandbox ready'): void {
    if (this.engineIsReady || this.isDisposed) return;
    this.engineIsReady = true;
    this.batcher.flush();
    for (const client of this.learnerSockets()) client.sendControl({ type: 'status', state: 'ready', message });
    // A viewer greeted while the engine started was told so (hello engineReady false) and waits for this too.
    for (const viewer of this.viewers) viewer.sendControl({ type: 'status', state: 'ready', message });
  }

  /**
   * The engine stopped answering (EngineWatch: a hung engine keeps the stream
   * open and silent) or answers again: the clients are told. While the
   * session itself waits out a lost engine (outlastEngine) it tells them.
   */
  noteEngine(state: 'ok' | 'away'): void {
    if (this.outlasting || this.isDisposed) return;
    for (const client of this.learnerSockets()) {
      client.sendControl(state === 'away' ? { type: 'status', state: 'restarting', message: ENGINE_LOST_MESSAGE } : { type: 'status', state: 'ready', message: ENGINE_BACK_MESSAGE });
    }
  }

  /** The sandbox lives until `expiresAt` (after the driver recorded it). */
  extendTo(expiresAt: number): void {
    this.current = { ...this.current, expiresAt };
    // Every terminal showing the time left shows the new end.
    for (const client of [...this.learnerSockets(), ...this.viewers]) client.sendControl({ type: 'expires', expiresAt });
  }

  /** Last connect, disconnect, keystroke or check: what the idle timeout counts from. */
  get lastActivityAt(): number {
    return this.activityAt;
  }

  /** Last keystroke from any client (lastActivityAt also counts connects and checks); read by the instructor dashboard. */
  get lastInputAt(): number | null {
    return this.inputAt;
  }

  /** Something used the sandbox from outside the terminal (a check): it is not idle. */
  noteActivity(): void {
    this.activityAt = Date.now();
  }

  get shortId(): string {
    return this.info.id.slice(0, 12);
  }

  /** The learner's open sockets, on any of its shells (what idle and the dashboard count). */
  get clientCount(): number {
    return this.clients.size + this.shells.readerCount;
  }

  /** Attaches to the container (before starting it, so the first prompt is not lost) and starts it if needed. */
  async open(): Promise<void> {
    await this.attachStream();
    await this.driver.start(this.info.id);
    this.current = { ...this.current, running: true };
  }

  /** A learner's browser joins: its hello says whether the sandbox was theirs already, restored from parking, or fresh after a loss. */
  addClient(client: TerminalClient, opened: boolean | { reattached: boolean; restoredFrom?: number; lost?: 'expired' | 'evicted' | 'unrestorable' }): void {
    const { reattached, restoredFrom, lost } = typeof opened === 'boolean' ? { reattached: opened, restoredFrom: undefined, lost: undefined } : opened;
    // Output still batched goes to the existing clients now; the newcomer gets it inside the replay.
    this.batcher.flush();
    this.clients.add(client);
    this.flow.add(client);
    this.activityAt = Date.now();
    const replayed = this.greet(client, { reattached, ...(restoredFrom ? { restoredFrom } : {}), ...(lost ? { lost } : {}) });
    if (replayed > 0) this.flow.sentTo(client, replayed);
    if (this.viewers.size > 0) client.sendControl({ type: 'watched', viewers: this.viewers.size });
    if (this.shells.hasExtras) client.sendControl(this.shells.listMessage());
  }

  /**
   * A browser shows extra shell `number` from now on (ShellNotFoundError
   * when it is not open): its hello, its replay and the list of shells.
   */
  addShellClient(number: number, client: TerminalClient, reattached: boolean): ExtraShell {
    const shell = this.shells.get(number);
    this.activityAt = Date.now();
    shell.addClient(client, (replayBytes) => ({
      type: 'hello',
      sandboxId: this.shortId,
      reattached,
      replayBytes,
      expiresAt: this.info.expiresAt,
      idleTimeoutMinutes: this.config.limits.idleTimeoutMs / 60_000,
      engineReady: this.engineIsReady,
      shell: number,
    }));
    client.sendControl(this.shells.listMessage());
    return shell;
  }

  removeShellClient(shell: ExtraShell, client: TerminalClient): void {
    shell.removeClient(client);
    this.activityAt = Date.now();
  }

  /** Keystrokes for an extra shell: they count as the learner's input like the main shell's. */
  shellInput(shell: ExtraShell, data: Uint8Array): void {
    this.activityAt = this.inputAt = Date.now();
    shell.input(data);
  }

  /** A read-only watcher: the replay, then live output; not counted by flow control, idle or connection state. */
  addViewer(client: TerminalClient): void {
    this.batcher.flush(); // as in addClient
    this.viewers.add(client);
    // A viewer draws at the learner's size, which it cannot set itself.
    this.greet(client, { reattached: true, size: this.lastSize });
    this.tellWatched();
  }

  /** The learner's own sockets learn how many watch their terminal (the shadow view is never secret). */
  private tellWatched(): void {
    for (const client of this.clients) client.sendControl({ type: 'watched', viewers: this.viewers.size });
  }

  /** Sends a newcomer the hello and the replay of recent output; returns the bytes replayed. */
  private greet(client: TerminalClient, hello: { reattached: boolean; size?: TerminalSize; restoredFrom?: number; lost?: 'expired' | 'evicted' | 'unrestorable' }): number {
    const replay = this.ring.snapshot();
    client.sendControl({
      type: 'hello',
      sandboxId: this.shortId,
      replayBytes: replay.length,
      expiresAt: this.info.expiresAt,
      idleTimeoutMinutes: this.config.limits.idleTimeoutMs / 60_000,
      engineReady: this.engineIsReady,
      ...hello,
    });
    if (replay.length > 0) client.sendOutput(replay);
    return replay.length;
  }

  removeViewer(client: TerminalClient): void {
    if (this.viewers.delete(client)) this.tellWatched();
  }

  removeClient(client: TerminalClient): void {
    if (!this.clients.delete(client)) return;
    this.flow.delete(client);
    this.activityAt = Date.now();
  }

  input(data: Uint8Array): void {
    this.activityAt = this.inputAt = Date.now();
    this.batcher.noteInput();
    this.stream?.write(data);
  }

  ack(client: TerminalClient, bytes: number): void {
    this.flow.acked(client, bytes);
  }

  async resize(size: TerminalSize): Promise<void> {
    this.lastSize = size;
    for (const viewer of this.viewers) viewer.sendControl({ type: 'size', size });
    await this.driver.resize(this.info.id, size).catch((error: Error) => this.log.warn(`resize ${this.shortId}: ${error.message}`));
  }

  /** Tells every client why the session ends, closes their sockets and detaches. The container is left alone. */
  end(ending: SessionEnding): void {
    if (this.ending || this.isDisposed) return;
    this.ending = true;
    this.batcher.flush();
    for (const client of [...this.clients, ...this.viewers]) {
      client.sendControl({ type: 'status', state: ending.state, message: ending.message });
      client.close(ending.closeCode, ending.message.slice(0, 120));
    }
    this.clients.clear();
    this.viewers.clear();
    this.shells.end(ending);
    try {
      super.dispose();
    } finally {
      this.ended.fire(this);
      this.ended.dispose();
    }
  }

  /** Ends the session with a generic reason (callers with a reason use end()). */
  override dispose(): void {
    this.end(DETACHED);
  }

  override get isDisposed(): boolean {
    return this.ending || super.isDisposed;
  }

  private async attachStream(): Promise<void> {
    const stream = await this.driver.attach(this.info.id);
    const attachment = new DisposableStore();
    // Added first, so it runs last: the listeners go before the stream is destroyed (its 'close' is not a crash).
    attachment.add(
      toDisposable(() => {
        if (this.stream === stream) this.stream = undefined;
        stream.destroy();
      }),
    );
    // Not removed with the rest: an error a destroyed stream still reports is logged, never thrown.
    stream.on('error', (error: Error) => this.log.warn(`stream ${this.shortId}: ${error.message}`));
    attachment.add(
      listen(stream, 'data', (chunk: Buffer) => {
        this.ring.push(chunk);
        this.batcher.push(chunk);
      }),
    );
    attachment.add(
      listenOnce(stream, 'close', () => {
        this.onStreamEnded(stream).catch((error: Error) => this.log.error(`stream end ${this.shortId}: ${error.message}`));
      }),
    );
    this.stream = stream;
    // A respawned shell inherits the flow-control state: if the browser is still behind, start paused.
    if (this.flow.isPaused) stream.pause();
    // Replaces (and releases) the previous, ended stream; disposed at once if the session ended meanwhile.
    this.attachment.value = attachment;
  }

  private broadcast(chunk: Buffer): void {
    for (const client of this.clients) client.sendOutput(chunk);
    for (const viewer of this.viewers) viewer.sendOutput(chunk);
    this.flow.sent(chunk.length);
  }

  /** The container's main process exited (or the engine dropped the stream): bring the sandbox back. */
  private async onStreamEnded(stream: Duplex): Promise<void> {
    if (this.isDisposed || stream !== this.stream) return;
    this.batcher.flush();
    if (await this.engineGone()) {
      await this.outlastEngine();
      return;
    }
    const now = Date.now();
    this.respawns = this.respawns.filter((t) => now - t < RESPAWN_WINDOW_MS);
    if (this.respawns.length >= MAX_RESPAWNS) {
      this.end({ state: 'error', message: 'The sandbox keeps exiting; ask for a reset.', closeCode: CloseCode.SANDBOX_FAILED });
      return;
    }
    this.respawns.push(now);
    for (const client of this.clients) client.sendControl({ type: 'status', state: 'restarting', message: 'The sandbox stopped; restarting it…' });
    try {
      await this.open();
      if (this.lastSize) await this.resize(this.lastSize);
      for (const client of this.clients) client.sendControl({ type: 'status', state: 'ready', message: 'Sandbox restarted.' });
    } catch (error) {
      this.log.error(`respawn ${this.shortId}: ${(error as Error).message}`);
      this.end({ state: 'error', message: 'The sandbox could not be restarted.', closeCode: CloseCode.SANDBOX_FAILED });
    }
  }

  /** The engine itself stopped answering (a dockerd restart, a hung engine), as opposed to the sandbox's process exiting. */
  private async engineGone(): Promise<boolean> {
    try {
      await withTimeout(this.driver.inspect(this.info.id), ENGINE_PROBE_TIMEOUT_MS);
      return false;
    } catch (error) {
      return error instanceof EngineUnavailableError || error instanceof EngineTimeoutError;
    }
  }

  /**
   * Waits for the engine to come back, then attaches again: the sandbox kept
   * running (the engine's live-restore) or is started again with its disk,
   * files, images and volumes. Not a crash, so it spends none of the respawn
   * budget. Gives up after ENGINE_RETURN_TIMEOUT_MS.
   */
  private async outlastEngine(): Promise<void> {
    this.outlasting = true;
    try {
      await this.waitOutEngine();
    } finally {
      this.outlasting = false;
    }
  }

  private async waitOutEngine(): Promise<void> {
    this.log.warn(`sandbox ${this.shortId}: the engine stopped answering; waiting for it`);
    for (const client of this.clients) client.sendControl({ type: 'status', state: 'restarting', message: ENGINE_LOST_MESSAGE });
    const deadline = Date.now() + ENGINE_RETURN_TIMEOUT_MS;
    let delay = 250;
    while (!this.isDisposed) {
      await sleep(delay);
      delay = Math.min(delay * 2, 4000);
      if (this.isDisposed) return;
      try {
        await withTimeout(this.open(), ENGINE_REOPEN_TIMEOUT_MS);
        if (this.lastSize) await this.resize(this.lastSize);
        this.log.info(`sandbox ${this.shortId}: the engine is back; reattached`);
        for (const client of this.clients) client.sendControl({ type: 'status', state: 'ready', message: ENGINE_BACK_MESSAGE });
        return;
      } catch (error) {
        const engineStill = error instanceof EngineUnavailableError || error instanceof EngineTimeoutError;
        if (!engineStill || Date.now() > deadline) {
          this.log.error(`sandbox ${this.shortId}: not back after the engine went away: ${(error as Error).message}`);
          this.end({ state: 'error', message: 'The Docker engine went away and your sandbox could not be brought back; ask for a reset.', closeCode: CloseCode.SANDBOX_FAILED });
          return;
        }
      }
    }
  }
}

/** How long an engine probe may take before the engine counts as not answering. */
const ENGINE_PROBE_TIMEOUT_MS = 5_000;
/** Reattaching (and, if the sandbox stopped, starting it) once the engine answers again. */
const ENGINE_REOPEN_TIMEOUT_MS = 30_000;
/** How long a session waits for a lost engine before it gives up. */
const ENGINE_RETURN_TIMEOUT_MS = 10 * 60_000;
export const ENGINE_LOST_MESSAGE = 'The Docker engine on the server stopped answering. Your sandbox and your work are kept; reconnecting as soon as it is back…';
export const ENGINE_BACK_MESSAGE = 'Reconnected: the Docker engine is back, and so is your sandbox.';

class EngineTimeoutError extends Error {
  override readonly name = 'EngineTimeoutError';
}

/** The promise, or an EngineTimeoutError after `ms` (a hung engine never answers). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return withDeadline(promise, ms, () => new EngineTimeoutError(`the engine did not answer within ${ms / 1000} s`));
}
