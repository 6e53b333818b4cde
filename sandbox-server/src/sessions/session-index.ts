import type { SandboxInfo } from '../engine/driver';
import type { SandboxSession } from '../terminal/sandbox-session';

/**
 * A learner's sandbox once opened, and whether it was theirs already (a
 * reload, a restart) or is new; `restoredFrom` when it was a parked
 * environment started again (when it was parked), `lost` when a parked one
 * existed but is gone and this one is fresh.
 */
export type Opened = { session: SandboxSession; reattached: boolean; restoredFrom?: number; lost?: LostReason };

/** Why a learner's parked environment is gone: past the keep window, evicted by a cap, or it would not start again. */
export type LostReason = 'expired' | 'evicted' | 'unrestorable';

/** A stopped sandbox kept with everything it wrote, until its learner comes back (or the keep window ends). */
export interface ParkedSandbox {
  readonly info: SandboxInfo;
  /** When it stopped (epoch ms): its age for the keep window and for eviction, oldest first. */
  readonly parkedAt: number;
}

/** A sandbox found at start-up that nobody has reconnected to yet, and since when it waits. */
export interface DormantSandbox {
  readonly info: SandboxInfo;
  readonly since: number;
}

/** One sandbox per learner and environment (protocol/environment.ts; a multi-machine environment has one per machine). */
export const keyOf = (learnerId: string, environment: string): string => `${learnerId}\u0000${environment}`;

/** The learner and environment a key was made of. */
export function splitKey(key: string): { learnerId: string; environment: string } {
  const at = key.indexOf('\u0000');
  return { learnerId: key.slice(0, at), environment: key.slice(at + 1) };
}

/**
 * Who holds which sandbox, by key (keyOf): live sessions, sandboxes adopted
 * at start-up (dormant), and opens in flight. The browser never names a
 * container; it is always looked up here from the authenticated learner id.
 *
 * The maps are the sessions folder's own bookkeeping: the manager, the
 * opener and the reaper change them; nothing outside this folder sees them.
 */
export class SessionIndex {
  readonly live = new Map<string, SandboxSession>();
  readonly dormant = new Map<string, DormantSandbox>();
  /** In-flight opens, so two tabs connecting at once get one sandbox. */
  readonly opening = new Map<string, Promise<Opened>>();
  /** Stopped sandboxes kept for their learner (they hold disk, not memory or a place). */
  readonly parked = new Map<string, ParkedSandbox>();
  /**
   * Keys whose parked environment went without its learner (expired,
   * evicted): the next fresh one tells them so, once. Since this server
   * started only; bounded by the keys that were ever parked.
   */
  readonly lost = new Map<string, LostReason>();

  /** The keys of one learner's sandboxes that run (live, adopted, being opened), parked ones not included. */
  runningKeysOf(learnerId: string): string[] {
    const prefix = keyOf(learnerId, '');
    return [...new Set([...this.live.keys(), ...this.dormant.keys(), ...this.opening.keys()])].filter((key) => key.startsWith(prefix));
  }

  /** The learner has a sandbox: live, adopted after a restart, or being opened. */
  holds(key: string): boolean {
    return this.live.has(key) || this.dormant.has(key) || this.opening.has(key);
  }

  /** Learners holding a sandbox. A key can be in two of the maps for a moment (a session just opened), so keys are counted once. */
  get heldCount(): number {
    return new Set([...this.live.keys(), ...this.dormant.keys(), ...this.opening.keys()]).size;
  }

  /** The sandbox id of the key's live or dormant sandbox. */
  sandboxIdOf(key: string): string | undefined {
    return this.live.get(key)?.info.id ?? this.dormant.get(key)?.info.id;
  }

  /** Forgets a live session that ended, unless the key already holds another; true when it was forgotten. */
  forget(key: string, session: SandboxSession): boolean {
    if (this.live.get(key) !== session) return false;
    this.live.delete(key);
    return true;
  }

  /** Live and dormant sandboxes. */
  get size(): number {
    return this.live.size + this.dormant.size;
  }

  /**
   * The learner's open terminal sockets over all their sandboxes, and their
   * last keystroke (null when none since this server started).
   */
  connectionState(learnerId: string): { sockets: number; lastInputAt: number | null } {
    let sockets = 0;
    let lastInputAt: number | null = null;
    const prefix = keyOf(learnerId, '');
    for (const [key, session] of this.live) {
      if (!key.startsWith(prefix)) continue;
      sockets += session.clientCount;
      if (session.lastInputAt !== null && (lastInputAt === null || session.lastInputAt > lastInputAt)) lastInputAt = session.lastInputAt;
    }
    return { sockets, lastInputAt };
  }
}
