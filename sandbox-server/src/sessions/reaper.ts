import { CloseCode } from '../../../protocol';
import { Disposable, MutableDisposable, disposableInterval } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver } from '../engine/driver';
import type { Admission } from './admission';
import { keyOf, splitKey, type LostReason, type SessionIndex } from './session-index';
import { groupKeyOf } from './environment-keys';
import type { WarmPool } from './warm-pool';

const SWEEP_INTERVAL_MS = 15_000;

export interface ReaperDeps {
  driver: SandboxDriver;
  config: SandboxServerConfig;
  log: Logger;
  index: SessionIndex;
  pool: WarmPool;
  admission: Admission;
}

/** Why a running environment is parked: what its terminal is told. */
export type ParkReason = 'idle' | 'lifetime' | 'another';

/**
 * Takes sandboxes away: on request (a reset, a class that ended) and on a
 * timer (past their lifetime, or unattended and idle). With a keep window
 * (config.environments.keepMs) a sandbox that goes idle or reaches its
 * lifetime is parked instead: stopped, with everything it wrote, until its
 * learner comes back, the window ends, or a cap evicts it (oldest first).
 * A sandbox being removed or stopped keeps its admission place until the
 * engine is done with it.
 */
export class Reaper extends Disposable {
  private readonly sweeping = this.register(new MutableDisposable());

  constructor(private readonly deps: ReaperDeps) {
    super();
  }

  /** Sweeps every SWEEP_INTERVAL_MS until disposed. */
  startSweeping(): void {
    this.sweeping.value ??= disposableInterval(
      () => void this.sweep().catch((e: Error) => this.deps.log.error(`sweep: ${e.message}`)),
      SWEEP_INTERVAL_MS,
      { unref: true },
    );
  }

  /**
   * Throws the learner's sandbox away. Connected browsers are closed with
   * CloseCode.SHUTDOWN, reconnect, and so get a fresh sandbox.
   */
  async reset(learnerId: string, environment: string): Promise<void> {
    const { index, log } = this.deps;
    // Every machine of the environment goes: a lab is started fresh as a whole.
    const group = groupKeyOf(keyOf(learnerId, environment));
    const keys = [...new Set([...index.live.keys(), ...index.dormant.keys(), ...index.opening.keys(), ...index.parked.keys()])].filter((key) => groupKeyOf(key) === group);
    for (const key of keys) await this.resetKey(key);
    log.info(`reset environment ${environment} of learner ${learnerId.slice(0, 8)}`);
  }

  private async resetKey(key: string): Promise<void> {
    const { index, admission } = this.deps;
    await index.opening.get(key)?.catch(() => undefined);
    const session = index.live.get(key);
    const id = index.sandboxIdOf(key) ?? index.parked.get(key)?.info.id;
    if (id) admission.holdWhileRemoving(id); // before the session lets go, so its place is never free twice
    index.live.delete(key);
    index.dormant.delete(key);
    index.parked.delete(key);
    index.lost.delete(key);
    session?.end({ state: 'removed', message: 'Sandbox reset; connecting to a fresh one…', closeCode: CloseCode.SHUTDOWN });
    if (id) await this.removeSandbox(id);
  }

  /**
   * Parks every machine of the environment of `key` that runs: its
   * terminals are told why and closed without an automatic reconnect (that
   * would start it again), it stops, and it waits in `parked` with what it
   * wrote. Without a keep window it is removed instead.
   */
  async park(key: string, reason: ParkReason): Promise<void> {
    const { index } = this.deps;
    const group = groupKeyOf(key);
    const keys = [...new Set([...index.live.keys(), ...index.dormant.keys()])].filter((k) => groupKeyOf(k) === group);
    for (const k of keys) await this.parkKey(k, reason);
  }

  private async parkKey(key: string, reason: ParkReason): Promise<void> {
    const { index, admission, config, log, driver } = this.deps;
    const session = index.live.get(key);
    const info = session?.info ?? index.dormant.get(key)?.info;
    if (!info) return;
    const keep = config.environments.keepMs > 0;
    admission.holdWhileRemoving(info.id);
    index.live.delete(key);
    index.dormant.delete(key);
    session?.end({ state: 'expired', message: this.parkMessage(reason, keep), closeCode: CloseCode.EXPIRED });
    try {
      if (!keep) {
        await driver.remove(info.id);
        return;
      }
      await driver.stop(info.id);
      index.parked.set(key, { info: { ...info, running: false }, parkedAt: Date.now() });
      log.info(`parked ${info.id.slice(0, 12)} (${reason}) for learner ${info.learnerId.slice(0, 8)}`);
    } catch (error) {
      log.warn(`could not park ${info.id.slice(0, 12)} (${(error as Error).message}); removing it`);
      await driver.remove(info.id).catch(() => undefined);
    } finally {
      admission.release(info.id);
    }
    await this.evictOverCaps();
  }

  private parkMessage(reason: ParkReason, keep: boolean): string {
    const { limits, environments } = this.deps.config;
    const why = {
      idle: `This environment was left idle for ${limits.idleTimeoutMs / 60_000} minutes`,
      lifetime: `This environment reached its running limit of ${formatMinutes(limits.maxLifetimeMs / 60_000)}`,
      another: `You opened another environment (a learner may have ${environments.runningPerLearner} running)`,
    }[reason];
    if (!keep) return `${why}, so it was removed. Reload for a fresh one.`;
    return `${why}, so it was saved and stopped. Reload to carry on where you left off: your files, images, volumes and history are kept for ${formatMinutes(environments.keepMs / 60_000)}.`;
  }

  /**
   * Removes parked environments over the caps, oldest first: beyond
   * keptPerLearner of one learner, then beyond keptMax sandboxes in all. The
   * machines of one environment go together.
   */
  async evictOverCaps(): Promise<void> {
    const { index, config } = this.deps;
    const { keptPerLearner, keptMax } = config.environments;
    const groups = new Map<string, { keys: string[]; parkedAt: number; learnerId: string }>();
    for (const [key, { parkedAt }] of index.parked) {
      const group = groupKeyOf(key);
      const entry = groups.get(group) ?? { keys: [], parkedAt: 0, learnerId: splitKey(key).learnerId };
      entry.keys.push(key);
      entry.parkedAt = Math.max(entry.parkedAt, parkedAt);
      groups.set(group, entry);
    }
    const oldestFirst = [...groups.values()].sort((a, b) => a.parkedAt - b.parkedAt);
    const evict: string[] = [];
    const perLearner = new Map<string, number>();
    for (const group of [...oldestFirst].reverse()) {
      const count = (perLearner.get(group.learnerId) ?? 0) + 1;
      perLearner.set(group.learnerId, count);
      if (count > keptPerLearner) evict.push(...group.keys);
    }
    let total = index.parked.size - evict.length;
    for (const group of oldestFirst) {
      if (total <= keptMax) break;
      if (group.keys.some((k) => evict.includes(k))) continue;
      evict.push(...group.keys);
      total -= group.keys.length;
    }
    for (const key of evict) await this.removeParked(key, 'evicted');
  }

  /** Removes a parked sandbox; its learner is told why at their next visit. */
  private async removeParked(key: string, reason: LostReason): Promise<void> {
    const parked = this.deps.index.parked.get(key);
    if (!parked) return;
    this.deps.index.parked.delete(key);
    this.deps.index.lost.set(key, reason);
    await this.deps.driver.remove(parked.info.id).catch((e: Error) => this.deps.log.warn(`remove parked ${parked.info.id.slice(0, 12)}: ${e.message}`));
    this.deps.log.info(`removed parked ${parked.info.id.slice(0, 12)} of learner ${parked.info.learnerId.slice(0, 8)} (${reason})`);
  }

  /**
   * Removes every sandbox of a class — live, adopted after a restart, or
   * waiting in its warm pool — and returns how many went.
   */
  async removeClass(classId: string): Promise<number> {
    const { index, admission, driver, pool } = this.deps;
    let removed = await pool.drain(classId);
    // Each still holds its place until the engine has removed it.
    const marked: string[] = [];
    for (const [key, session] of [...index.live]) {
      if (session.info.classId !== classId) continue;
      index.live.delete(key);
      admission.holdWhileRemoving(session.info.id);
      marked.push(session.info.id);
      session.end({ state: 'removed', message: 'The class has ended; thank you for taking part.', closeCode: CloseCode.EXPIRED });
    }
    for (const [key, entry] of [...index.parked]) {
      if (entry.info.classId === classId) index.parked.delete(key); // stopped: removed with the rest below, no place to hold
    }
    for (const [key, entry] of [...index.dormant]) {
      if (entry.info.classId !== classId) continue;
      index.dormant.delete(key);
      admission.holdWhileRemoving(entry.info.id);
      marked.push(entry.info.id);
    }
    try {
      for (const info of await driver.list()) {
        if (info.classId !== classId) continue;
        await this.removeSandbox(info.id);
        removed++;
      }
    } finally {
      // A marked sandbox the engine no longer listed was gone already: its place must not stay taken.
      for (const id of marked) admission.release(id);
      admission.schedule();
    }
    this.deps.log.info(`class ${classId}: removed ${removed} sandbox(es)`);
    return removed;
  }

  /** Removes sandboxes past their lifetime, and unattended ones idle past the idle timeout. */
  async sweep(now = Date.now()): Promise<void> {
    const { index, admission, config, log } = this.deps;
    const { idleTimeoutMs } = config.limits;
    const keep = config.environments.keepMs > 0;
    const inUse = this.groupsInUse(now);
    for (const [key, session] of index.live) {
      const expired = session.info.expiresAt <= now;
      // A lab's machine the learner is not looking at is not idle while another machine of the lab is in use.
      const idle = session.clientCount === 0 && now - session.lastActivityAt > idleTimeoutMs && !inUse.has(groupKeyOf(key));
      if (!expired && !idle) continue;
      // A class sandbox past its class's end is not parked: the class is over (its end removes it).
      if (keep && !(expired && session.info.classId)) {
        await this.park(key, expired ? 'lifetime' : 'idle');
        continue;
      }
      admission.holdWhileRemoving(session.info.id);
      index.live.delete(key);
      const message = expired
        ? 'This sandbox reached its maximum lifetime and was removed. Reload for a fresh one.'
        : 'This sandbox was idle too long and was removed. Reload for a fresh one.';
      session.end({ state: 'expired', message, closeCode: CloseCode.EXPIRED });
      await this.removeSandbox(session.info.id);
      log.info(`removed ${session.shortId}: ${expired ? 'lifetime reached' : 'idle'}`);
    }
    for (const [key, { info, since }] of index.dormant) {
      if (info.expiresAt <= now || now - since > idleTimeoutMs) {
        if (keep && !(info.expiresAt <= now && info.classId)) {
          await this.park(key, info.expiresAt <= now ? 'lifetime' : 'idle');
          continue;
        }
        admission.holdWhileRemoving(info.id);
        index.dormant.delete(key);
        await this.removeSandbox(info.id);
      }
    }
    for (const [key, { parkedAt }] of index.parked) {
      if (now - parkedAt > config.environments.keepMs) await this.removeParked(key, 'expired');
    }
    await this.evictOverCaps();
    // A place can also free where nobody calls back (a warm sandbox that crashed while waiting).
    admission.schedule();
  }

  /** Environments with a machine that has a browser or was used within the idle timeout. */
  private groupsInUse(now: number): Set<string> {
    const inUse = new Set<string>();
    for (const [key, session] of this.deps.index.live) {
      if (session.clientCount > 0 || now - session.lastActivityAt <= this.deps.config.limits.idleTimeoutMs) inUse.add(groupKeyOf(key));
    }
    return inUse;
  }

  /** Removes a sandbox from the engine; its place frees once the engine is done. */
  private async removeSandbox(id: string): Promise<void> {
    this.deps.admission.holdWhileRemoving(id);
    try {
      await this.deps.driver.remove(id);
    } finally {
      this.deps.admission.release(id);
    }
  }
}

/** 90 → "90 minutes", 240 → "4 hours", 10080 → "7 days". */
function formatMinutes(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes >= 1440 && minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(Math.round(minutes), 'minute');
}
