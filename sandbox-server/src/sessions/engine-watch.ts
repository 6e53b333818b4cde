import { Disposable, MutableDisposable, disposableInterval } from '../../../lib/lifecycle/disposable';
import { withDeadline } from '../../../lib/lifecycle/deadline';
import { Emitter, type Event } from '../../../lib/lifecycle/event';

export type EngineState = 'ok' | 'away';

export interface EngineWatchOptions {
  /** Resolves when the engine answers. */
  ping(): Promise<void>;
  intervalMs?: number;
  /** A ping slower than this failed (a hung engine never answers). */
  timeoutMs?: number;
  /** Failed pings in a row before the engine counts as away (one slow answer is not an outage). */
  failuresToAway?: number;
}

/**
 * Pings the engine every few seconds and says when it stops answering and
 * when it is back. A stopped engine closes the attach streams (sessions
 * notice that themselves); a hung one keeps them open and silent, and only
 * this notices.
 */
export class EngineWatch extends Disposable {
  private current: EngineState = 'ok';
  private failures = 0;
  private pinging = false;
  private readonly ticking = this.register(new MutableDisposable());
  private readonly changed = this.register(new Emitter<EngineState>());
  readonly onDidChange: Event<EngineState> = this.changed.event;

  constructor(private readonly options: EngineWatchOptions) {
    super();
  }

  get state(): EngineState {
    return this.current;
  }

  start(): void {
    if (this.isDisposed) return;
    this.ticking.value ??= disposableInterval(() => void this.check(), this.options.intervalMs ?? 5_000, { unref: true });
  }

  /** One ping now; resolves with the state after it. */
  async check(): Promise<EngineState> {
    if (this.pinging) return this.current;
    this.pinging = true;
    try {
      await withDeadline(this.options.ping(), this.options.timeoutMs ?? 3_000, () => new Error('no answer'));
      this.failures = 0;
      this.set('ok');
    } catch {
      this.failures++;
      if (this.failures >= (this.options.failuresToAway ?? 2)) this.set('away');
    } finally {
      this.pinging = false;
    }
    return this.current;
  }

  private set(state: EngineState): void {
    if (state === this.current || this.isDisposed) return;
    this.current = state;
    this.changed.fire(state);
  }
}
