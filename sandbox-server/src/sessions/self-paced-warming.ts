import { Disposable, MutableDisposable, disposableInterval } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import { ArrivalRate } from './arrival-rate';
import type { WarmPool } from './warm-pool';

/** The warm pool of learners outside any class, for one sandbox profile. */
export const selfPacedPool = (profile: string): string => `self-paced/${profile}`;

/** How often the pool is looked at besides arrivals: a place freed, arrivals decayed. */
const TICK_MS = 5_000;

export interface SelfPacedWarmingDeps {
  config: SandboxServerConfig;
  log: Logger;
  pool: WarmPool;
  /** A warm sandbox may start now (a free place that nobody in line waits for). */
  hasRoom(): boolean;
  /** Places changed (a fill ended, a sandbox was given up): admission looks at its line. */
  placesChanged(): void;
  now?: () => number;
}

/**
 * Keeps sandboxes started for self-paced learners, so that a newcomer's
 * first prompt is a replay of a booted sandbox instead of a container start.
 *
 * The target is the busiest minute of the last ten (ArrivalRate; the window
 * is selfPacedWarm.windowMinutes), between
 * selfPacedWarm.min and .max: a quiet site keeps `min` ready for the next
 * newcomer, a burst like the last one is served warm while the pool refills
 * behind it. Warm sandboxes take places like any other (admission counts
 * them), fill only from places nobody waits for, and give their place up to
 * a learner who would otherwise wait (yieldPlace). Above the target, one is
 * given up per tick. One fill at a time: a fill starts up to three sandboxes
 * at once, and two fills would count the same deficit twice.
 */
export class SelfPacedWarming extends Disposable {
  private readonly arrivals: ArrivalRate;
  private readonly ticking = this.register(new MutableDisposable());
  private filling: Promise<void> | null = null;
  private yielding = false;
  /** A top-up was asked for while a fill ran: look again when it ends. */
  private again = false;

  constructor(
    private readonly profile: string,
    private readonly deps: SelfPacedWarmingDeps,
  ) {
    super();
    this.arrivals = new ArrivalRate(deps.config.selfPacedWarm.windowMinutes);
  }

  get poolName(): string {
    return selfPacedPool(this.profile);
  }

  /** Starts keeping the pool at its target: now, after every arrival, and every few seconds. */
  start(): void {
    if (this.isDisposed || this.deps.config.selfPacedWarm.max === 0 || this.deps.config.admission.perAddress === 0) return;
    this.ticking.value ??= disposableInterval(() => this.adjust(), TICK_MS, { unref: true });
    this.topUp();
  }

  get running(): boolean {
    return this.ticking.value !== undefined;
  }

  /** Sandboxes the pool aims to hold now. */
  get target(): number {
    if (!this.running) return 0;
    const { min, max } = this.deps.config.selfPacedWarm;
    return Math.min(max, Math.max(min, this.arrivals.peakPerMinute(this.now())));
  }

  /** A self-paced learner needed a new sandbox (warm or not): counted for the target, and the pool refilled. */
  noteArrival(): void {
    this.arrivals.note(this.now());
    if (this.running) this.topUp();
  }

  /**
   * Someone needs a place and none is free: give up one waiting warm
   * sandbox (its place frees once the engine removed it). True when one went.
   */
  yieldPlace(): boolean {
    // One at a time: every change of places asks again, and the next is given up only if still needed.
    if (this.yielding || this.deps.pool.size(this.poolName) === 0) return false;
    this.yielding = true;
    void this.discard(1).finally(() => (this.yielding = false));
    return true;
  }

  /** Gives up to `count` waiting sandboxes back at once (a class needs their places); resolves once they are removed. */
  giveBack(count: number): Promise<number> {
    return this.discard(count, { rethrow: true });
  }

  /**
   * Removes up to `count` waiting sandboxes; once the engine is done their
   * places are free, so admission looks again. A failure is logged (and
   * passed on only to a caller that waits for the places).
   */
  private async discard(count: number, options: { rethrow?: boolean } = {}): Promise<number> {
    try {
      return await this.deps.pool.discard(this.poolName, count);
    } catch (error) {
      this.deps.log.warn(`self-paced pool: ${(error as Error).message}`);
      if (options.rethrow) throw error;
      return 0;
    } finally {
      this.deps.placesChanged();
    }
  }

  /** Starts sandboxes until the pool holds its target (or the site has no free place). */
  topUp(): void {
    if (this.isDisposed) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    const missing = this.target - this.deps.pool.size(this.poolName);
    if (missing <= 0 || !this.deps.hasRoom()) return;
    this.filling = this.deps.pool
      // One at a time: these boot in the background while learners work, and a boot costs ~7 CPU-seconds.
      // Each one ready may be what the first in line waits for.
      .fill({ pool: this.poolName, profile: this.profile }, this.target, () => !this.isDisposed && this.deps.hasRoom(), {
        concurrency: 1,
        onReady: () => this.deps.placesChanged(),
      })
      .then(() => undefined)
      .catch((error: Error) => this.deps.log.warn(`self-paced pool: ${error.message}`))
      .finally(() => {
        this.filling = null;
        this.deps.placesChanged(); // a failed start gave its place back
        if (this.again) {
          this.again = false;
          this.topUp();
        }
      });
  }

  /** Looks at the pool again (every TICK_MS): one above the target is given up, else it is topped up. */
  adjust(): void {
    const extra = this.deps.pool.size(this.poolName) - this.target;
    if (extra > 0 && !this.filling) void this.discard(1);
    else this.topUp();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
