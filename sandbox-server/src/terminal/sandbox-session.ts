import type { Duplex } from 'node:stream';
import { CloseCode, type TerminalSize } from '../../../protocol';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver, SandboxInfo } from '../engine/driver';
import { FlowControl } from './flow-control';
import type { Logger } from '../../../lib/logging/logger';
import { OutputBatcher } from './output-batcher';
import { OutputRing } from './output-ring';
import type { TerminalClient } from './terminal-client';

/** Respawning stops after this many main-process exits within RESPAWN_WINDOW_MS (a crash loop). */
const MAX_RESPAWNS = 5;
const RESPAWN_WINDOW_MS = 60_000;

/**
 * One learner's sandbox and its live terminal: the attached Docker stream,
 * the replay ring, output batching, flow control, and the browsers watching.
 * Outlives any single WebSocket, so a reload finds the same shell.
 */
export class SandboxSession {
  private stream: Duplex | undefined;
  private readonly ring: OutputRing;
  private readonly batcher: OutputBatcher;
  private readonly flow: FlowControl<TerminalClient>;
  private readonly clients = new Set<TerminalClient>();
  /** Read-only watchers (an instructor's shadow view): they get the output but never pace it or type. */
  private readonly viewers = new Set<TerminalClient>();
  private lastSize: TerminalSize | undefined;
  private respawns: number[] = [];
  private disposed = false;
  lastActivityAt = Date.now();
  /** Last keystroke from any client (lastActivityAt also counts connects and checks); read by the instructor dashboard. */
  lastInputAt: number | null = null;

  constructor(
    readonly info: SandboxInfo,
    private readonly driver: SandboxDriver,
    private readonly config: SandboxServerConfig,
    private readonly log: Logger,
    /** Called once when the session ends for good, so its owner forgets it (a warm pool hands it to a new owner). */
    public onDisposed: (session: SandboxSession) => void = () => {},
  ) {
    this.ring = new OutputRing(config.replayBufferBytes);
    this.flow = new FlowControl(config.flowHighWaterBytes, config.flowLowWaterBytes, {
      pause: () => this.stream?.pause(),
      resume: () => this.stream?.resume(),
    });
    this.batcher = new OutputBatcher(config.batchDelayMs, config.batchMaxBytes, (chunk) => this.broadcast(chunk));
  }

  get shortId(): string {
    return this.info.id.slice(0, 12);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Attaches to the container (before starting it, so the first prompt is not lost) and starts it if needed. */
  async open(): Promise<void> {
    await this.attachStream();
    await this.driver.start(this.info.id);
    this.info.running = true;
  }

  addClient(client: TerminalClient, reattached: boolean): void {
    // Output still batched goes to the existing clients now; the newcomer gets it inside the replay.
    this.batcher.flush();
    this.clients.add(client);
    this.flow.add(client);
    this.lastActivityAt = Date.now();
    const replayed = this.greet(client, { reattached });
    if (replayed > 0) this.flow.sentTo(client, replayed);
  }

  /** A read-only watcher: the replay, then live output; not counted by flow control, idle or connection state. */
  addViewer(client: TerminalClient): void {
    this.batcher.flush(); // as in addClient
    this.viewers.add(client);
    // A viewer draws at the learner's size, which it cannot set itself.
    this.greet(client, { reattached: true, size: this.lastSize });
  }

  /** Sends a newcomer the hello and the replay of recent output; returns the bytes replayed. */
  private greet(client: TerminalClient, hello: { reattached: boolean; size?: TerminalSize }): number {
    const replay = this.ring.snapshot();
    client.sendControl({
      type: 'hello',
      sandboxId: this.shortId,
      replayBytes: replay.length,
      expiresAt: this.info.expiresAt,
      idleTimeoutMinutes: this.config.limits.idleTimeoutMs / 60_000,
      ...hello,
    });
    if (replay.length > 0) client.sendOutput(replay);
    return replay.length;
  }

  removeViewer(client: TerminalClient): void {
    this.viewers.delete(client);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  removeClient(client: TerminalClient): void {
    if (!this.clients.delete(client)) return;
    this.flow.delete(client);
    this.lastActivityAt = Date.now();
  }

  input(data: Uint8Array): void {
    this.lastActivityAt = this.lastInputAt = Date.now();
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
  dispose(state: 'expired' | 'removed' | 'error', message: string, closeCode: number): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batcher.flush();
    for (const client of [...this.clients, ...this.viewers]) {
      client.sendControl({ type: 'status', state, message });
      client.close(closeCode, message.slice(0, 120));
    }
    this.clients.clear();
    this.viewers.clear();
    this.batcher.dispose();
    this.stream?.removeAllListeners();
    this.stream?.destroy();
    this.stream = undefined;
    this.onDisposed(this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private async attachStream(): Promise<void> {
    const stream = await this.driver.attach(this.info.id);
    this.stream = stream;
    // A respawned shell inherits the flow-control state: if the browser is still behind, start paused.
    if (this.flow.isPaused) stream.pause();
    stream.on('data', (chunk: Buffer) => {
      this.ring.push(chunk);
      this.batcher.push(chunk);
    });
    stream.on('error', (error: Error) => this.log.warn(`stream ${this.shortId}: ${error.message}`));
    stream.once('close', () => void this.onStreamEnded(stream));
  }

  private broadcast(chunk: Buffer): void {
    for (const client of this.clients) client.sendOutput(chunk);
    for (const viewer of this.viewers) viewer.sendOutput(chunk);
    this.flow.sent(chunk.length);
  }

  /** The container's main process exited (or the engine dropped the stream): bring the sandbox back. */
  private async onStreamEnded(stream: Duplex): Promise<void> {
    if (this.disposed || stream !== this.stream) return;
    this.batcher.flush();
    const now = Date.now();
    this.respawns = this.respawns.filter((t) => now - t < RESPAWN_WINDOW_MS);
    if (this.respawns.length >= MAX_RESPAWNS) {
      this.dispose('error', 'The sandbox keeps exiting; ask for a reset.', CloseCode.SANDBOX_FAILED);
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
      this.dispose('error', 'The sandbox could not be restarted.', CloseCode.SANDBOX_FAILED);
    }
  }
}
