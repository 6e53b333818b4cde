/**
 * Coalesces small output chunks into fewer WebSocket frames: output waits up
 * to `delayMs` (or until `maxBytes` have gathered), except right after the
 * learner typed, when the echo must go out at once.
 */
export class OutputBatcher {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastInputAt = 0;

  constructor(
    private readonly delayMs: number,
    private readonly maxBytes: number,
    private readonly flushTo: (chunk: Buffer) => void,
    /** How long after a keystroke output is treated as its echo. */
    private readonly echoWindowMs = 50,
  ) {}

  noteInput(): void {
    this.lastInputAt = Date.now();
  }

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.maxBytes || Date.now() - this.lastInputAt < this.echoWindowMs) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.flushTo(chunk);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
