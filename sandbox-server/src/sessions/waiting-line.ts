import type { TerminalClient } from '../terminal/terminal-client';

/** The learner waiting for a sandbox: one place in line however many tabs they have open. */
export interface Place {
  /** The learner's sandbox key (learner and profile). */
  readonly key: string;
  readonly learnerId: string;
  readonly profile: string;
  /** The client address this place counts against; undefined for a class member (not capped per address). */
  readonly address: string | undefined;
  /** A learner outside any class: a self-paced warm sandbox will do for them. */
  readonly selfPaced: boolean;
}

/** Why a socket stopped waiting without a sandbox: it left (tab closed), or the server is stopping. */
export class LeftTheLineError extends Error {
  override readonly name = 'LeftTheLineError';
}

interface Waiter<T> {
  resolve(result: Promise<T>): void;
  reject(error: Error): void;
}

interface Entry<T> {
  place: Place;
  waiters: Map<TerminalClient, Waiter<T>>;
}

/**
 * The line of learners waiting for a sandbox when the site is full, first
 * come first served. Each waiting socket is told its place when it joins and
 * again whenever it moves; a socket that closes leaves, and a learner whose
 * last socket left loses their place. Deciding when someone may go is the
 * owner's (SessionManager): it calls admitFirst() when a sandbox's place frees.
 */
export class WaitingLine<T> {
  private readonly entries: Entry<T>[] = [];

  get length(): number {
    return this.entries.length;
  }

  /** The place at the head of the line. */
  get first(): Place | undefined {
    return this.entries[0]?.place;
  }

  has(key: string): boolean {
    return this.entries.some((e) => e.place.key === key);
  }

  /** Places held for this address, not counting the learner `exceptKey` (whose own place it is). */
  countFrom(address: string, exceptKey: string): number {
    return this.entries.filter((e) => e.place.address === address && e.place.key !== exceptKey).length;
  }

  /**
   * Waits in line: the place's learner joins at the end, or, when another
   * tab of theirs already waits, this socket waits with it. Resolves with
   * what admitFirst's `start` returned for the place; rejects with
   * LeftTheLineError when `signal` aborts first (the socket closed).
   */
  join(place: Place, client: TerminalClient, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new LeftTheLineError('the socket closed before it joined the line'));
    let index = this.entries.findIndex((e) => e.place.key === place.key);
    if (index < 0) index = this.entries.push({ place, waiters: new Map() }) - 1;
    const entry = this.entries[index]!;
    const result = new Promise<T>((resolve, reject) => {
      entry.waiters.set(client, { resolve, reject });
    });
    client.sendControl({ type: 'queue', position: index + 1 });
    signal?.addEventListener('abort', () => this.leave(entry, client), { once: true });
    return result;
  }

  /**
   * The first in line goes: `start` runs now, synchronously, so whatever it
   * claims is counted before anyone else is considered, and every socket of
   * that learner gets its result. Everyone behind moves up one and is told.
   */
  admitFirst(start: (place: Place, clients: TerminalClient[]) => Promise<T>): boolean {
    const entry = this.entries.shift();
    if (!entry) return false;
    const result = start(entry.place, [...entry.waiters.keys()]);
    for (const waiter of entry.waiters.values()) waiter.resolve(result);
    entry.waiters.clear(); // a socket closing from now on is the session's business, not the line's
    this.announceFrom(0);
    return true;
  }

  /** Everyone leaves (the server is stopping). */
  clear(reason: string): void {
    for (const entry of this.entries.splice(0)) {
      for (const waiter of entry.waiters.values()) waiter.reject(new LeftTheLineError(reason));
      entry.waiters.clear();
    }
  }

  private leave(entry: Entry<T>, client: TerminalClient): void {
    const waiter = entry.waiters.get(client);
    if (!waiter) return; // admitted already, or cleared
    entry.waiters.delete(client);
    waiter.reject(new LeftTheLineError('the socket closed while waiting in line'));
    if (entry.waiters.size > 0) return;
    const index = this.entries.indexOf(entry);
    if (index < 0) return;
    this.entries.splice(index, 1);
    this.announceFrom(index);
  }

  /** Tells everyone from `index` on their (new) place. */
  private announceFrom(index: number): void {
    for (let i = index; i < this.entries.length; i++) {
      for (const client of this.entries[i]!.waiters.keys()) client.sendControl({ type: 'queue', position: i + 1 });
    }
  }
}
