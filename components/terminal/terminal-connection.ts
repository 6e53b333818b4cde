import {
  CloseCode,
  decodeServerFrame,
  encodeAck,
  encodeClientControl,
  encodeInput,
  encodeResize,
  type ServerControl,
  type ShellEntry,
  type TerminalSize,
} from '../../protocol';
import { Disposable, disposableTimeout, MutableDisposable, toDisposable } from '../../lib/lifecycle/disposable';

/** Acks are sent once this many rendered bytes have gathered, or after ACK_DELAY_MS. */
const ACK_BYTES = 16 * 1024;
const ACK_DELAY_MS = 50;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

export type ConnectionState = 'connecting' | 'queued' | 'starting' | 'ready' | 'restarting' | 'reconnecting' | 'expired' | 'refused' | 'error';

/** What a learner waiting for a sandbox reads (the socket stays open; the server says when the place changes). */
export function waitingRoomMessage(position: number): string {
  return `The site is full — you are number ${position} in line; your terminal opens by itself when a place frees up.`;
}

export interface ConnectionEvents {
  /** Output to render; call `done` once the terminal has rendered it (term.write's callback). */
  output(data: Uint8Array, done: () => void): void;
  /** The server is about to replay recent output: clear the screen first so nothing shows twice. */
  replayStarting(): void;
  state(state: ConnectionState, message: string): void;
  hello(message: Extract<ServerControl, { type: 'hello' }>): void;
  /** The watched terminal changed size (read-only views only). */
  size?(size: TerminalSize): void;
  /** The sandbox's end moved (epoch ms; the hello gives the first). */
  expires?(expiresAt: number): void;
  /** How many read-only viewers (the instructor's shadow view) watch this terminal now. */
  watched?(viewers: number): void;
  /**
   * What the learner typed while the sandbox's engine was still starting,
   * held until it is ready (as text to show; '' once it went in).
   */
  held?(text: string): void;
  /** The sandbox's open shells (every socket of it hears when they change). */
  shells?(shells: ShellEntry[], max: number): void;
  /** This socket's open-shell was answered: the new shell's number, or why there is none. */
  shellOpened?(shell: number): void;
  shellRefused?(message: string): void;
  /** The shell this socket shows is not open (closed, or gone with an earlier sandbox): show another one. */
  shellGone?(reason: string): void;
}

/** Keystrokes held while the engine starts, at most: beyond it a paste is cut (and the learner sees what was kept). */
const HELD_MAX_BYTES = 16 * 1024;

/** Opens the terminal's WebSocket (the browser's own by default; another implementation of the same interface may stand in). */
export type OpenSocket = (url: string) => WebSocket;

const openBrowserSocket: OpenSocket = (url) => new WebSocket(url);

/** Only an open socket is written to (the instance's own OPEN constant: no global WebSocket needed). */
const isOpen = (ws: WebSocket | undefined): ws is WebSocket => ws !== undefined && ws.readyState === ws.OPEN;

/**
 * The browser side of the terminal protocol, independent of React and xterm:
 * frames in and out, acknowledgements for flow control, and reconnection with
 * backoff (except after a protocol error, expiry or a refusal by a limit,
 * which need the learner). Disposing closes the socket and stops every timer.
 */
export class TerminalConnection extends Disposable {
  private ws: WebSocket | undefined;
  private unackedRendered = 0;
  private readonly ackTimer = this.register(new MutableDisposable());
  private readonly reconnectTimer = this.register(new MutableDisposable());
  /** What to say when the engine of a restored (or fresh-after-a-loss) environment is ready, instead of "Sandbox ready". */
  private greeting: string | null = null;
  private backoff = RECONNECT_MIN_MS;
  private size: TerminalSize | undefined;
  /** The server's last error message on this socket: a close reason is cut at 123 bytes, this is not. */
  private lastError: string | undefined;
  /**
   * Input typed since a hello that said the engine is still starting, sent
   * when the server says it is ready; null when input goes straight through.
   * (Sent earlier, it would land in the boot output and reach no shell yet.)
   */
  private held: Uint8Array[] | null = null;
  private heldBytes = 0;

  constructor(
    private readonly url: string,
    private readonly events: ConnectionEvents,
    private readonly openSocket: OpenSocket = openBrowserSocket,
  ) {
    super();
    this.register(
      toDisposable(() => {
        this.ws?.close(1000, 'page closed');
        this.ws = undefined;
      }),
    );
  }

  connect(): void {
    if (this.isDisposed) return;
    this.events.state(this.ws ? 'reconnecting' : 'connecting', 'Connecting…');
    const ws = this.openSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.lastError = undefined;
    ws.onopen = () => {
      this.backoff = RECONNECT_MIN_MS;
      if (this.size) ws.send(encodeResize(this.size));
    };
    ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data === 'string') return;
      this.onFrame(new Uint8Array(event.data));
    };
    ws.onclose = (event) => this.onClose(ws, event);
  }

  send(data: string | Uint8Array): void {
    if (!isOpen(this.ws)) return;
    if (this.held) {
      this.hold(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return;
    }
    this.ws.send(encodeInput(data));
  }

  private hold(bytes: Uint8Array): void {
    if (!this.held) return;
    const room = HELD_MAX_BYTES - this.heldBytes;
    if (room <= 0) return;
    const kept = bytes.length > room ? bytes.slice(0, room) : bytes;
    this.held.push(kept);
    this.heldBytes += kept.length;
    this.events.held?.(describeHeld(this.held));
  }

  /** The engine is ready: what was held goes in, in order. */
  private releaseHeld(): void {
    const held = this.held;
    this.held = null;
    this.heldBytes = 0;
    if (!held || held.length === 0) return;
    for (const bytes of held) if (isOpen(this.ws)) this.ws.send(encodeInput(bytes));
    this.events.held?.('');
  }

  resize(size: TerminalSize): void {
    if (this.size?.cols === size.cols && this.size.rows === size.rows) return;
    this.size = size;
    if (isOpen(this.ws)) this.ws.send(encodeResize(size));
  }

  reset(): void {
    if (isOpen(this.ws)) this.ws.send(encodeClientControl({ type: 'reset' }));
  }

  /** Asks for another shell in the sandbox; answered by the shellOpened or shellRefused event. */
  openShell(): void {
    if (isOpen(this.ws)) this.ws.send(encodeClientControl({ type: 'open-shell' }));
    else this.events.shellRefused?.('The terminal is not connected; try again once it is.');
  }

  /** Ends one of the sandbox's extra shells (for every browser tab showing it). */
  closeShell(shell: number): void {
    if (isOpen(this.ws)) this.ws.send(encodeClientControl({ type: 'close-shell', shell }));
  }

  private onFrame(bytes: Uint8Array): void {
    let frame;
    try {
      frame = decodeServerFrame(bytes);
    } catch (error) {
      console.warn('drydock: dropped a malformed frame from the server', error);
      return;
    }
    if (frame.type === 'output') {
      const length = frame.data.length;
      this.events.output(frame.data, () => this.rendered(length));
      return;
    }
    if (frame.type === 'unknown-control') {
      console.warn(`drydock: ignoring unknown control message "${frame.controlType}"`);
      return;
    }
    const message = frame.message;
    switch (message.type) {
      case 'hello':
        if (message.replayBytes > 0) this.events.replayStarting();
        this.events.hello(message);
        if (message.engineReady === false) {
          this.held ??= [];
          // A restored or fresh-after-a-loss environment says so once its engine is up (the status `ready` below).
          this.greeting = message.restoredFrom !== undefined || message.lost ? readyMessage(message) : null;
          this.events.state('starting', message.restoredFrom !== undefined ? 'Restoring your environment: starting its Docker engine…' : 'Starting the Docker engine in your sandbox…');
        } else {
          this.releaseHeld();
          this.events.state('ready', readyMessage(message));
        }
        break;
      case 'status':
        if (message.state === 'ready') this.releaseHeld();
        this.events.state(message.state === 'removed' ? 'reconnecting' : message.state, message.state === 'ready' && this.greeting && message.message === 'Sandbox ready' ? this.greeting : message.message);
        if (message.state === 'ready') this.greeting = null;
        break;
      case 'error':
        this.lastError = message.message;
        this.events.state('error', message.message);
        break;
      case 'queue':
        this.events.state('queued', waitingRoomMessage(message.position));
        break;
      case 'size':
        this.events.size?.(message.size);
        break;
      case 'expires':
        this.events.expires?.(message.expiresAt);
        break;
      case 'watched':
        this.events.watched?.(message.viewers);
        break;
      case 'shells':
        this.events.shells?.(message.shells, message.max);
        break;
      case 'shell-opened':
        this.events.shellOpened?.(message.shell);
        break;
      case 'shell-refused':
        this.events.shellRefused?.(message.message);
        break;
    }
  }

  /** Flow control: tell the server what the terminal has actually rendered, in batches. */
  private rendered(bytes: number): void {
    this.unackedRendered += bytes;
    if (this.unackedRendered >= ACK_BYTES) this.flushAck();
    else if (!this.ackTimer.value) this.ackTimer.value = disposableTimeout(() => this.flushAck(), ACK_DELAY_MS);
  }

  private flushAck(): void {
    this.ackTimer.clear();
    if (this.unackedRendered === 0 || !isOpen(this.ws)) return;
    this.ws.send(encodeAck(this.unackedRendered));
    this.unackedRendered = 0;
  }

  private onClose(ws: WebSocket, event: CloseEvent): void {
    if (ws !== this.ws || this.isDisposed) return;
    this.unackedRendered = 0;
    // Held keystrokes were for that sandbox's shell; a new socket's hello says whether to hold again.
    if (this.held) this.events.held?.('');
    this.events.watched?.(0); // a new socket's server says again who watches
    this.held = null;
    this.heldBytes = 0;
    if (event.code === CloseCode.PROTOCOL) {
      this.events.state('error', `Connection closed: ${event.reason || 'protocol error'}. Reload the page.`);
      return;
    }
    if (event.code === CloseCode.EXPIRED) {
      this.events.state('expired', event.reason || 'Your sandbox expired. Reload the page for a fresh one.');
      return;
    }
    if (event.code === CloseCode.SANDBOX_FAILED) {
      this.events.state('error', event.reason || 'The sandbox could not be started.');
      return;
    }
    if (event.code === CloseCode.SHELL_GONE) {
      // Reconnecting would find it gone again: whoever shows the tabs picks another shell.
      this.events.state('expired', event.reason || 'This terminal was closed.');
      this.events.shellGone?.(event.reason || 'This terminal was closed.');
      return;
    }
    if (event.code === CloseCode.LIMIT) {
      // Retrying on its own would only be refused again (and count against the join rate limit).
      this.events.state('refused', this.lastError ?? (event.reason || 'Refused by a limit of this site.'));
      return;
    }
    this.events.state('reconnecting', 'Connection lost; reconnecting…');
    this.reconnectTimer.value = disposableTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, RECONNECT_MAX_MS);
  }
}

/** What the learner is told when their terminal is ready: a reload, a restored environment, or a fresh one (and why). */
export function readyMessage(hello: { reattached: boolean; restoredFrom?: number; lost?: 'expired' | 'evicted' | 'unrestorable' }, now = Date.now()): string {
  // Short: the status line is narrow. Files, images, volumes and history are back; programs started again (README "Environments").
  if (hello.restoredFrom !== undefined) return `Restored your environment from ${timeAgo(now - hello.restoredFrom)}`;
  if (hello.lost === 'expired') return 'Your saved environment expired: starting fresh';
  if (hello.lost === 'evicted') return 'Your saved environment was removed to make room: starting fresh';
  if (hello.lost === 'unrestorable') return 'Your saved environment would not start again: starting fresh';
  return hello.reattached ? 'Reattached to your sandbox' : 'Sandbox ready';
}

/** 90 s → "2 minutes ago", 20 h → "20 hours ago", 30 h → "yesterday", 3 days → "3 days ago". */
export function timeAgo(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** Held keystrokes as the learner would read them: Enter as ⏎, other control keys as ^X, the end of a long line. */
export function describeHeld(chunks: readonly Uint8Array[]): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  const shown = text
    .replace(/\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g, '') // arrows and other escape sequences: not text the learner typed
    .replace(/\r\n?|\n/g, '⏎ ')
    .replace(/[\x00-\x1f\x7f]/g, (c) => `^${String.fromCharCode((c.charCodeAt(0) + 64) & 0x7f)}`); // Ctrl-C as ^C, Delete as ^?
  return shown.length > 80 ? `…${shown.slice(-79)}` : shown;
}
