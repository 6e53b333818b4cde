import { Disposable, MutableDisposable, disposableTimeout } from '../../../lib/lifecycle/disposable';

/**
 * Coalesces small output chunks into fewer WebSocket frames: output waits up
 * to `delayMs` (or until `maxBytes` have gathered), except right after the
 * learner typed, when the echo must go out at once.
 */
export class OutputBatcher extends Disposable {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The pending flush, armed by the first chunk of a batch. */
  private readonly timer = this.register(new MutableDisposable());
  private lastInputAt = 0;

  constructor(
    private readonly delayMs: number,
    private readonly maxBytes: number,
    private readonly flushTo: (chunk: Buffer) => void,
    /** How long after a keystroke output is treated as its echo. */
    private readonly echoWindowMs = 50,
  ) {
    super();
  }

  noteInput(): void {
    this.lastInputAt = Date.now();
  }

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.maxBytes || Date.now() - this.lastInputAt < this.echoWindowMs) {
      this.flush();
    } else if (!this.timer.value) {
      this.timer.value = disposableTimeout(() => this.flush(), this.delayMs);
    }
  }

  flush(): void {
    this.timer.clear();
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.flushTo(chunk);
  }

  /** Drops what is pending (unsent) and the timer. */
  override dispose(): void {
    super.dispose();
    this.pending = [];
    this.pendingBytes = 0;
  }
}
