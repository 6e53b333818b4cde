import type { SandboxInfo } from '../engine/driver';
import type { SandboxSession } from '../terminal/sandbox-session';

/** A learner's sandbox once opened, and whether it was theirs already (a reload, a restart) or is new. */
export type Opened = { session: SandboxSession; reattached: boolean };

/** A sandbox found at start-up that nobody has reconnected to yet, and since when it waits. */
export interface DormantSandbox {
  readonly info: SandboxInfo;
  readonly since: number;
}

/** One sandbox per learner and profile. */
export const keyOf = (learnerId: string, profile: string): string => `${learnerId}\u0000${profile}`;

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
