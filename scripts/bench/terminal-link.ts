import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { FrameType, encodeAck, encodeClientControl, encodeInput, encodeResize, type TerminalSize } from '../../protocol';

/** The bash prompt of the sandbox image (/etc/drydock/bashrc), once colours are stripped. */
export const SANDBOX_PROMPT = 'root@sandbox:~# ';
const TAIL_BYTES = 2048;

// CSI, OSC (BEL or ST terminated), and two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

type Waiter = { test: (w: OutputWatcher) => boolean; resolve: (at: number) => void; reject: (error: Error) => void };

/**
 * Collects what a terminal prints: a byte count and the last few KiB, and
 * resolves waiters from inside the data callback, so the timestamp is the
 * moment the bytes reached this process (not when a promise continuation ran).
 */
export class OutputWatcher {
  bytes = 0;
  /** Data events seen (socket reads on the raw stream, OUTPUT frames on the WebSocket). */
  chunks = 0;
  /** The last few chunks, at least TAIL_BYTES together when that much arrived; kept by reference, never copied. */
  private recent: Buffer[] = [];
  private recentBytes = 0;
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  /** Called with every chunk as it arrives (the load run scans output for other learners' tokens). */
  private readonly taps: ((chunk: Buffer) => void)[] = [];

  tap(listener: (chunk: Buffer) => void): void {
    this.taps.push(listener);
  }

  push(chunk: Buffer): void {
    const at = performance.now();
    for (const tap of this.taps) tap(chunk);
    this.bytes += chunk.length;
    this.chunks++;
    this.recent.push(chunk);
    this.recentBytes += chunk.length;
    while (this.recent.length > 1 && this.recentBytes - this.recent[0]!.length >= TAIL_BYTES) {
      this.recentBytes -= this.recent.shift()!.length;
    }
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.test(this)) w.resolve(at);
      else still.push(w);
    }
    this.waiters = still;
  }

  private get lastByte(): number | undefined {
    const last = this.recent.at(-1);
    return last?.[last.length - 1];
  }

  /** The recent output as text, escape sequences removed. */
  get tail(): string {
    const all = this.recent.length === 1 ? this.recent[0]! : Buffer.concat(this.recent, this.recentBytes);
    return stripAnsi(all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('utf8'));
  }

  /**
   * Cheap for the common case: the prompt ends in a space (after its colour
   * reset), so output that does not is rejected without decoding anything.
   * This runs on every chunk of a 68 MB throughput run: it must not be what
   * limits the measured rate.
   */
  get endsWithPrompt(): boolean {
    return this.lastByte === 0x20 && this.tail.endsWith(SANDBOX_PROMPT);
  }

  /** The stream ended: every waiter (present and future) fails with this error. */
  fail(error: Error): void {
    this.failure ??= error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.failure);
  }

  /** Resolves with the arrival time of the chunk after which `test` holds. */
  waitFor(test: (w: OutputWatcher) => boolean, timeoutMs: number, what: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last output: ${JSON.stringify(this.tail.slice(-200))}`));
      }, timeoutMs);
      const waiter: Waiter = {
        test,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(new Error(`${error.message} (while waiting for ${what}; last output: ${JSON.stringify(this.tail.slice(-200))})`));
        },
      };
      this.waiters.push(waiter);
    });
  }

  waitForPrompt(timeoutMs: number): Promise<number> {
    return this.waitFor((w) => w.endsWithPrompt, timeoutMs, `the prompt "${SANDBOX_PROMPT}"`);
  }

  /** Resolves at the next chunk of output, whatever it is. */
  nextChunk(timeoutMs: number): Promise<number> {
    return this.waitFor(() => true, timeoutMs, 'an echo');
  }
}

/** A terminal the benchmark can type into and read from. */
export interface TerminalLink {
  readonly out: OutputWatcher;
  type(data: string): void;
  close(): Promise<void>;
}

/** The baseline: a raw dockerode attach stream (Tty, so raw bytes both ways). */
export class DockerStreamLink implements TerminalLink {
  readonly out = new OutputWatcher();

  constructor(private readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => this.out.push(chunk));
    stream.on('error', (error: Error) => this.out.fail(new Error(`attach stream failed: ${error.message}`)));
    stream.on('close', () => this.out.fail(new Error('attach stream closed')));
  }

  type(data: string): void {
    this.stream.write(data);
  }

  async close(): Promise<void> {
    this.stream.removeAllListeners('data');
    this.stream.destroy();
  }
}

/** Acks are batched like the browser's TerminalConnection: every 16 KiB rendered, or 50 ms after the first unacked byte. */
const ACK_BYTES = 16 * 1024;
const ACK_DELAY_MS = 50;

/**
 * Drydock's path: the terminal WebSocket, speaking the binary frame protocol
 * as components/terminal/terminal-connection.ts does. "Rendering" is instant
 * here (no xterm.js), so acks follow arrival: the best case for flow control.
 */
export class DrydockSocketLink implements TerminalLink {
  readonly out = new OutputWatcher();
  private unacked = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  readonly controls: Array<{ type: string; [k: string]: unknown }> = [];
  closeInfo: { code: number; reason: string } | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      if (data[0] === FrameType.OUTPUT) {
        const payload = data.subarray(1);
        this.out.push(payload);
        this.rendered(payload.length);
      } else if (data[0] === FrameType.CONTROL) {
        try {
          this.controls.push(JSON.parse(data.subarray(1).toString('utf8')) as { type: string });
        } catch {
          /* not our concern here */
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      clearTimeout(this.ackTimer);
      this.out.fail(new Error(`terminal socket closed (${this.describeFailure()})`));
    });
  }

  /** Called once when the socket closes, whoever closed it. */
  onClose(listener: (info: { code: number; reason: string }) => void): void {
    this.ws.once('close', (code: number, reason: Buffer) => listener({ code, reason: reason.toString() }));
  }

  /** Opens the socket (resolves once the upgrade completed) and sends the terminal size, as the browser does on open. */
  static open(url: string, cookie: string, origin: string, size: TerminalSize): Promise<DrydockSocketLink> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Cookie: cookie, Origin: origin }, perMessageDeflate: false });
      const link = new DrydockSocketLink(ws);
      ws.once('open', () => {
        ws.send(encodeResize(size));
        resolve(link);
      });
      ws.once('unexpected-response', (_req, res) => reject(new Error(`terminal upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  type(data: string): void {
    this.ws.send(encodeInput(data));
  }

  /** Asks for a fresh sandbox, as the pane's Reset button does (the server then closes this socket). */
  reset(): void {
    this.ws.send(encodeClientControl({ type: 'reset' }));
  }

  private rendered(bytes: number): void {
    this.unacked += bytes;
    if (this.unacked >= ACK_BYTES) this.flushAck();
    else this.ackTimer ??= setTimeout(() => this.flushAck(), ACK_DELAY_MS);
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.unacked === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(encodeAck(this.unacked));
    this.unacked = 0;
  }

  /** Why the server gave up, if it did (for error messages). */
  describeFailure(): string {
    const error = this.controls.find((c) => c.type === 'error');
    if (error) return String(error.message);
    if (this.closeInfo) return `socket closed ${this.closeInfo.code} ${this.closeInfo.reason}`;
    return '';
  }

  close(): Promise<void> {
    clearTimeout(this.ackTimer);
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000, 'bench done');
    });
  }
}
