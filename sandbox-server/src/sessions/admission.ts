import type { IDisposable } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { TerminalClient } from '../terminal/terminal-client';
import type { PlacementLookup } from './placement';
import { keyOf, type Opened, type SessionIndex } from './session-index';
import { groupKeyOf, isLaterMachine, profileOf } from './environment-keys';
import { WaitingLine, type Place } from './waiting-line';
import { selfPacedPool } from './self-paced-warming';
import type { WarmPool } from './warm-pool';

/** Where a terminal socket comes from, for admission. */
export interface ConnectOptions {
  /**
   * The client's address (ClientAddresses.of). A learner outside any open
   * class who needs a new sandbox is counted against it; without it (callers
   * inside the server: tests, the bench) nobody is capped per address.
   */
  address?: string;
  /** Aborts when the socket closes: a learner still waiting in line leaves it. */
  signal?: AbortSignal;
}

/**
 * A new sandbox is refused (not queued): this address already holds as many
 * as learners outside a class may have. `message` is for the learner.
 */
export class AdmissionRefusedError extends Error {
  override readonly name = 'AdmissionRefusedError';
  readonly code = 'address-limit';
}

/** What admission allows and uses now. */
export interface AdmissionReport {
  maxSandboxes: number;
  perAddress: number;
  used: number;
  waiting: number;
}

export interface AdmissionDeps {
  config: SandboxServerConfig;
  log: Logger;
  index: SessionIndex;
  pool: WarmPool;
  placement: PlacementLookup;
  /** Opens an admitted learner's sandbox (SessionOpener.open). */
  open(learnerId: string, profile: string): Promise<Opened>;
  /** Gives up a self-paced warm sandbox for its place, if one waits (its removal then frees the place). */
  yieldWarmPlace(): void;
}

/**
 * Admission: a learner who has a sandbox (live, adopted, being opened)
 * just joins it, and a class learner whose class has a warm sandbox waiting
 * takes it; both take no new place. Anyone else needs one of maxSandboxes:
 * a learner outside any open class is first refused when their address
 * already holds perAddress sandboxes or places in line (a class may sit
 * behind one NAT address, so class members are not counted per address).
 * When no place is free, or others already wait, the learner waits in line.
 * A learner outside any class takes a self-paced warm sandbox when one waits
 * (after the per-address check: it counts like any sandbox of theirs), and
 * a learner who must wait makes a self-paced warm sandbox give up its place.
 */
export class Admission implements IDisposable {
  /** Sandboxes being removed: they still hold their memory until the engine is done. */
  private readonly removing = new Set<string>();
  /** The client address each capped learner's sandbox was made for (learners outside a class only). */
  private readonly addressOf = new Map<string, string>();
  /** Learners waiting for a sandbox while the site is full. */
  private readonly line = new WaitingLine<Opened>();
  private scheduled = false;

  constructor(private readonly deps: AdmissionDeps) {}

  admit(learnerId: string, profile: string, client: TerminalClient, options: ConnectOptions): Promise<Opened> {
    const { index, pool, config, log } = this.deps;
    const key = keyOf(learnerId, profile);
    if (index.holds(key)) return this.deps.open(learnerId, profile);
    const placement = this.deps.placement(learnerId, profile);
    if (placement?.pool && pool.size(placement.pool) > 0) return this.deps.open(learnerId, profile);
    const address = placement ? undefined : options.address;
    if (address !== undefined) this.refuseOverCap(address, key);
    const place = { key, learnerId, profile, address, selfPaced: !placement };
    // A self-paced warm sandbox already holds a place: taking it needs none (the per-address cap still counts it).
    if (!placement && !isLaterMachine(profile) && pool.size(selfPacedPool(profileOf(profile))) > 0) return this.openPlace(place);
    if (this.line.length > 0 || this.freePlaces() <= 0) {
      log.info(`site full (${this.usedPlaces()}/${config.admission.maxSandboxes}): learner ${learnerId.slice(0, 8)} waits in line`);
      const joined = this.line.join(place, client, options.signal);
      // Sandboxes warmed for whoever comes next make way for someone who came.
      this.deps.yieldWarmPlace();
      return joined;
    }
    return this.openPlace(place);
  }

  get report(): AdmissionReport {
    const { maxSandboxes, perAddress } = this.deps.config.admission;
    return { maxSandboxes, perAddress, used: this.usedPlaces(), waiting: this.line.length };
  }

  /** A warm sandbox may start: nobody in line wants the place, and one is free. */
  get hasRoomForWarm(): boolean {
    return this.line.length === 0 && this.freePlaces() > 0;
  }

  /** The sandbox is being removed: it holds its place until released. */
  holdWhileRemoving(id: string): void {
    this.removing.add(id);
  }

  /** The engine is done with the sandbox (or no longer had it): its place frees. */
  release(id: string): void {
    this.removing.delete(id);
    this.schedule();
  }

  /**
   * Lets the first in line go while places are free. Deferred to a
   * microtask and coalesced, so that a change made in several steps (a
   * session forgotten, then its removal counted) is seen whole.
   */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (let next = this.line.first; next; next = this.line.first) {
        // A self-paced learner takes a warm sandbox that finished booting, which already holds a place.
        const warmFor = next.selfPaced && !isLaterMachine(next.profile) && this.deps.pool.size(selfPacedPool(profileOf(next.profile))) > 0;
        if (this.freePlaces() <= 0 && !warmFor) {
          // Anyone else needs a place: a self-paced warm sandbox gives its own up (its removal schedules again).
          this.deps.yieldWarmPlace();
          break;
        }
        this.line.admitFirst((place, clients) => {
          for (const client of clients) client.sendControl({ type: 'status', state: 'starting', message: 'A place is free: starting your sandbox…' });
          this.deps.log.info(`a place freed: learner ${place.learnerId.slice(0, 8)} leaves the line (${this.line.length} still waiting)`);
          return this.openPlace(place);
        });
      }
    });
  }

  /** Everyone in line leaves (the server is stopping). */
  dispose(): void {
    this.line.clear('The server is restarting; connect again in a moment.');
  }

  private refuseOverCap(address: string, key: string): void {
    const { config, log } = this.deps;
    const cap = config.admission.perAddress;
    const held = this.heldFrom(address, key);
    if (held < cap) return;
    log.warn(`refused a sandbox to ${address}: it holds ${held} (cap ${cap} per address outside a class)`);
    throw new AdmissionRefusedError(
      cap === 0
        ? 'This site gives sandboxes to members of a class only. Join your class with the code your instructor gave you.'
        : `Your network address already has ${held} sandbox${held === 1 ? '' : 'es'} (or places in line), the most a learner outside a class may have. ` +
            `One frees up when it is reset or left unused for ${config.limits.idleTimeoutMs / 60_000} minutes. In a class? Join it with its code.`,
    );
  }

  /**
   * Environments and places in line that count against this address, the
   * one `exceptKey` belongs to not included. The machines of a
   * multi-machine environment count once: the cap is on what a learner
   * asked for, and the lab's size is the lesson's.
   */
  private heldFrom(address: string, exceptKey: string): number {
    const except = groupKeyOf(exceptKey);
    const held = this.line.countFrom(address, exceptKey);
    const groups = new Set<string>();
    for (const [key, owner] of this.addressOf) {
      if (!this.deps.index.holds(key)) this.addressOf.delete(key); // that sandbox is gone
      else if (owner === address && groupKeyOf(key) !== except) groups.add(groupKeyOf(key));
    }
    return held + groups.size;
  }

  /** Opens an admitted learner's sandbox; it counts (in `opening`) from this call on. */
  private openPlace(place: Place): Promise<Opened> {
    if (place.address !== undefined) this.addressOf.set(place.key, place.address);
    return this.deps.open(place.learnerId, place.profile);
  }

  /**
   * Sandboxes that hold memory now: live, adopted, being opened, being
   * removed, and every warm one (waiting, starting, draining).
   */
  private usedPlaces(): number {
    return this.deps.index.heldCount + this.removing.size + this.deps.pool.total;
  }

  private freePlaces(): number {
    return this.deps.config.admission.maxSandboxes - this.usedPlaces();
  }
}
