/**
 * The most recent terminal output of a sandbox, replayed to a browser that
 * (re)connects. Bounded: older bytes are dropped as new ones arrive.
 */
export class OutputRing {
  private chunks: Buffer[] = [];
  private size = 0;
  /** True once any byte has been dropped; only then can the snapshot start mid-line. */
  private wrapped = false;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      this.wrapped ||= chunk.length > this.capacity || this.size > 0;
      this.chunks = [chunk.subarray(chunk.length - this.capacity)];
      this.size = this.capacity;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.capacity) this.wrapped = true;
    while (this.size > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  get length(): number {
    return this.size;
  }

  /**
   * The buffered output, starting at a line boundary when the buffer has
   * wrapped, so the replay does not begin in the middle of an escape sequence.
   */
  snapshot(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    if (!this.wrapped) return all;
    const newline = all.indexOf(0x0a);
    return newline >= 0 ? all.subarray(newline + 1) : all;
  }
}
