import { CloseCode } from '../../../protocol';
import { Disposable, MutableDisposable, disposableInterval } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver } from '../engine/driver';
import type { Admission } from './admission';
import { keyOf, type SessionIndex } from './session-index';
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

/**
 * Takes sandboxes away: on request (a reset, a class that ended) and on a
 * timer (past their lifetime, or unattended and idle). A sandbox being
 * removed keeps its admission place until the engine is done with it.
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
  async reset(learnerId: string, profile: string): Promise<void> {
    const { index, admission, log } = this.deps;
    const key = keyOf(learnerId, profile);
    await index.opening.get(key)?.catch(() => undefined);
    const session = index.live.get(key);
    const id = index.sandboxIdOf(key);
    if (id) admission.holdWhileRemoving(id); // before the session lets go, so its place is never free twice
    index.live.delete(key);
    index.dormant.delete(key);
    session?.end({ state: 'removed', message: 'Sandbox reset; connecting to a fresh one…', closeCode: CloseCode.SHUTDOWN });
    if (id) await this.removeSandbox(id);
    log.info(`reset sandbox of learner ${learnerId.slice(0, 8)}`);
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
    for (const [key, session] of index.live) {
      const expired = session.info.expiresAt <= now;
      const idle = session.clientCount === 0 && now - session.lastActivityAt > idleTimeoutMs;
      if (!expired && !idle) continue;
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
        admission.holdWhileRemoving(info.id);
        index.dormant.delete(key);
        await this.removeSandbox(info.id);
      }
    }
    // A place can also free where nobody calls back (a warm sandbox that crashed while waiting).
    admission.schedule();
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
