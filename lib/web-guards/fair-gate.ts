import { RateLimiter } from './rate-limiter';

export interface FairGateOptions {
  /** Tasks running at once, all keys together: the bound on CPU. */
  concurrency: number;
  /** Each key starts `burst` tasks at once, then `perSecond`: a fast key waits longer, it is never refused for it. */
  burst: number;
  perSecond: number;
  /** Tasks one key may have waiting; more from that key are refused (only that key's). */
  maxWaitingPerKey: number;
  /** A task that waited this long gives up. */
  maxWaitMs: number;
  /** Keys waiting at once (memory); a new key past this is refused. */
  maxKeys: number;
}

export type GateResult<T> = { ok: true; value: T } | { ok: false; reason: 'crowded' | 'timeout' };

interface Waiter {
  task(): Promise<unknown>;
  settle(result: GateResult<unknown>): void;
  fail(error: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * Runs expensive tasks (scrypt verifications) with a global bound on how many
 * run at once, shared fairly between keys (client addresses): waiting keys are
 * served round-robin, so a key that floods waits behind its own tasks while
 * any other key's next task starts after at most one task of every other
 * waiting key. Each key is also paced (burst, then perSecond), which only
 * delays that key. Nothing here refuses a key because of another key, and
 * nothing locks anyone out: the worst a flood does to others is lengthen
 * their turn by its fair share.
 */
export class FairGate {
  /** Waiting tasks per key; the Map's order is the round-robin order. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly pace: RateLimiter;
  private running = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(private readonly options: FairGateOptions) {
    this.pace = new RateLimiter(options.burst, options.perSecond);
  }

  run<T>(key: string, task: () => Promise<T>): Promise<GateResult<T>> {
    const queue = this.queues.get(key);
    if (this.disposed) return Promise.resolve({ ok: false, reason: 'crowded' });
    if (queue ? queue.length >= this.options.maxWaitingPerKey : this.queues.size >= this.options.maxKeys) {
      return Promise.resolve({ ok: false, reason: 'crowded' });
    }
    return new Promise<GateResult<T>>((resolve, reject) => {
      const waiter: Waiter = {
        task,
        settle: resolve as (result: GateResult<unknown>) => void,
        fail: reject,
        timer: setTimeout(() => this.giveUp(key, waiter), this.options.maxWaitMs),
      };
      if (queue) queue.push(waiter);
      else this.queues.set(key, [waiter]);
      this.pump();
    });
  }

  /** Tasks waiting, all keys together (for tests and the curious). */
  get waiting(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  /**
   * Stops the gate (the server is stopping): its timers are cleared, whoever
   * waits is told to try again (timeout), and nothing new is let in. Tasks
   * already running finish.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const waiting = [...this.queues.values()].flat();
    this.queues.clear();
    for (const waiter of waiting) {
      clearTimeout(waiter.timer);
      waiter.settle({ ok: false, reason: 'timeout' });
    }
  }

  private giveUp(key: string, waiter: Waiter): void {
    const queue = this.queues.get(key);
    const at = queue?.indexOf(waiter) ?? -1;
    if (!queue || at < 0) return;
    queue.splice(at, 1);
    if (queue.length === 0) this.queues.delete(key);
    waiter.settle({ ok: false, reason: 'timeout' });
  }

  /** Starts waiting tasks while there is room: the first key in round-robin order whose pace allows it. */
  private pump(): void {
    while (this.running < this.options.concurrency && this.queues.size > 0) {
      let soonestMs = Infinity;
      let next: { key: string; queue: Waiter[] } | null = null;
      for (const [key, queue] of this.queues) {
        const waitSeconds = this.pace.take(key); // takes a token only when it is allowed
        if (waitSeconds === 0) {
          next = { key, queue };
          break;
        }
        soonestMs = Math.min(soonestMs, waitSeconds * 1000);
      }
      if (!next) {
        this.wakeAfter(soonestMs);
        return;
      }
      const waiter = next.queue.shift()!;
      this.queues.delete(next.key); // to the back of the round
      if (next.queue.length > 0) this.queues.set(next.key, next.queue);
      this.start(waiter);
    }
  }

  private start(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.running += 1;
    waiter
      .task()
      .then(
        (value) => waiter.settle({ ok: true, value }),
        (error: unknown) => waiter.fail(error),
      )
      .finally(() => {
        this.running -= 1;
        this.pump();
      });
  }

  private wakeAfter(ms: number): void {
    if (this.wakeTimer || !Number.isFinite(ms)) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.pump();
    }, ms);
  }
}
