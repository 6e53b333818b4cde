/**
 * Byte-watermark flow control (after wetty's FlowControlServer and the
 * xterm.js flow-control guide). Each client reports how many output bytes its
 * terminal has rendered; when any client falls more than `high` bytes behind,
 * the source is paused, and it resumes once every client is below `low`.
 * Pausing the Docker stream pushes back through the socket to the pty, so a
 * `yes` in the sandbox blocks instead of filling the server's memory.
 */
export class FlowControl<Client> {
  private readonly unacked = new Map<Client, number>();
  private paused = false;

  constructor(
    private readonly high: number,
    private readonly low: number,
    private readonly source: { pause(): void; resume(): void },
  ) {
    if (low >= high) throw new RangeError('low watermark must be below the high watermark');
  }

  add(client: Client): void {
    this.unacked.set(client, 0);
  }

  delete(client: Client): void {
    this.unacked.delete(client);
    this.update();
  }

  /** Records bytes sent to one client only (e.g. the replay on connect). */
  sentTo(client: Client, bytes: number): void {
    const pending = this.unacked.get(client);
    if (pending === undefined) return;
    this.unacked.set(client, pending + bytes);
    this.update();
  }

  /** Records bytes sent to every client. */
  sent(bytes: number): void {
    for (const [client, pending] of this.unacked) this.unacked.set(client, pending + bytes);
    this.update();
  }

  /** Records bytes a client has rendered. Acks beyond what was sent are clamped (a buggy or hostile client cannot go negative). */
  acked(client: Client, bytes: number): void {
    const pending = this.unacked.get(client);
    if (pending === undefined) return;
    this.unacked.set(client, Math.max(0, pending - bytes));
    this.update();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private maxPending(): number {
    let max = 0;
    for (const pending of this.unacked.values()) max = Math.max(max, pending);
    return max;
  }

  private update(): void {
    const pending = this.maxPending();
    if (!this.paused && pending > this.high) {
      this.paused = true;
      this.source.pause();
    } else if (this.paused && pending < this.low) {
      this.paused = false;
      this.source.resume();
    }
  }
}
