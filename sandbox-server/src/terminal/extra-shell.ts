import { type ServerControl, type TerminalSize } from '../../../protocol';
import { Disposable, listen, listenOnce, toDisposable } from '../../../lib/lifecycle/disposable';
import { Emitter, type Event } from '../../../lib/lifecycle/event';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxShell } from '../engine/driver';
import { FlowControl } from './flow-control';
import { OutputBatcher } from './output-batcher';
import { OutputRing } from './output-ring';
import type { TerminalClient } from './terminal-client';

/** Why a shell ends, as its readers are told: a status, then a close with this code (SandboxSession's SessionEnding fits). */
export interface ShellEnding {
  state: 'expired' | 'removed' | 'error';
  message: string;
  closeCode: number;
}

/**
 * One extra shell of a sandbox (ShellSet opens it) and the browsers showing
 * it: the same byte path as the sandbox's own terminal (a replay ring,
 * batching, flow control against this shell's own readers), without its
 * respawn. When the shell's process exits the shell stays, exited, until it
 * is closed: its last output can still be read.
 */
export class ExtraShell extends Disposable {
  private readonly ring: OutputRing;
  private readonly batcher: OutputBatcher;
  private readonly flow: FlowControl<TerminalClient>;
  private readonly clients = new Set<TerminalClient>();
  private hasExited = false;
  private readonly exitedEmitter = this.register(new Emitter<ExtraShell>());
  /** Fires once when the shell's process ends (or the engine dropped its stream). */
  readonly onDidExit: Event<ExtraShell> = this.exitedEmitter.event;

  constructor(
    readonly number: number,
    private readonly handle: SandboxShell,
    config: SandboxServerConfig,
    private readonly log: Logger,
  ) {
    super();
    const stream = handle.stream;
    this.ring = new OutputRing(config.replayBufferBytes);
    this.flow = new FlowControl(config.flowHighWaterBytes, config.flowLowWaterBytes, {
      pause: () => stream.pause(),
      resume: () => stream.resume(),
    });
    this.batcher = this.register(new OutputBatcher(config.batchDelayMs, config.batchMaxBytes, (chunk) => this.broadcast(chunk)));
    // Registered first, so it runs last: ends the process once nobody listens to its stream any more.
    this.register(toDisposable(() => void handle.kill()));
    stream.on('error', (error: Error) => log.warn(`shell ${number}: ${error.message}`));
    this.register(
      listen(stream, 'data', (chunk: Buffer) => {
        this.ring.push(chunk);
        this.batcher.push(chunk);
      }),
    );
    this.register(listenOnce(stream, 'close', () => this.markExited()));
  }

  get exited(): boolean {
    return this.hasExited;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The browsers showing this shell. */
  get readers(): Iterable<TerminalClient> {
    return this.clients;
  }

  /** A browser shows this shell from now on: `hello` (made with the replay's length), the replay, then live output. */
  addClient(client: TerminalClient, hello: (replayBytes: number) => ServerControl): void {
    // Output still batched goes to the existing readers now; the newcomer gets it inside the replay.
    this.batcher.flush();
    this.clients.add(client);
    this.flow.add(client);
    const replay = this.ring.snapshot();
    client.sendControl(hello(replay.length));
    if (replay.length > 0) {
      client.sendOutput(replay);
      this.flow.sentTo(client, replay.length);
    }
  }

  removeClient(client: TerminalClient): void {
    if (this.clients.delete(client)) this.flow.delete(client);
  }

  input(data: Uint8Array): void {
    if (this.hasExited || this.isDisposed) return;
    this.batcher.noteInput();
    this.handle.stream.write(data);
  }

  ack(client: TerminalClient, bytes: number): void {
    this.flow.acked(client, bytes);
  }

  async resize(size: TerminalSize): Promise<void> {
    if (this.hasExited || this.isDisposed) return;
    await this.handle.resize(size).catch((error: Error) => this.log.warn(`resize shell ${this.number}: ${error.message}`));
  }

  /** Tells its readers why it goes and closes their sockets (they show another shell), then ends the process. */
  close(ending: ShellEnding): void {
    if (this.isDisposed) return;
    this.batcher.flush();
    for (const client of this.clients) {
      client.sendControl({ type: 'status', state: ending.state, message: ending.message });
      client.close(ending.closeCode, ending.message.slice(0, 120));
    }
    this.clients.clear();
    this.dispose();
  }

  private broadcast(chunk: Buffer): void {
    for (const client of this.clients) client.sendOutput(chunk);
    this.flow.sent(chunk.length);
  }

  private markExited(): void {
    if (this.hasExited || this.isDisposed) return;
    this.hasExited = true;
    this.batcher.flush();
    this.exitedEmitter.fire(this);
  }
}
