import { CloseCode } from '../../../protocol';
import type { IDisposable } from '../../../lib/lifecycle/disposable';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver, SandboxRegistryAccess } from '../engine/driver';
import type { Logger } from '../../../lib/logging/logger';
import { SandboxSession } from '../terminal/sandbox-session';
import { waitForEngineReady } from './engine-readiness';

/** What a warm pool's sandboxes are started with. */
export interface PoolSpec {
  /** Pool name, usually the class id. */
  pool: string;
  profile: string;
  classId?: string;
  registry?: SandboxRegistryAccess;
}

export interface FillResult {
  started: number;
  failed: number;
  /** Not started because the site had no free place (see SessionManager's capacity). */
  skipped: number;
  durationMs: number;
}

/** Sandboxes started at once while filling (each one's inner dockerd boots on its own; two cores). */
const FILL_CONCURRENCY = 3;

/**
 * Sandboxes started before anyone asks for them, so a learner's first
 * prompt does not wait for a container and its inner engine. Each one is
 * already attached and running (its boot output and prompt sit in the
 * session's replay ring); a learner takes one and the driver records the
 * claim. Unclaimed sandboxes are removed when the pool is drained, and by
 * the next start-up's reconcile (they have no learner).
 */
export class WarmPool implements IDisposable {
  /** Per pool, oldest first: each session, and the subscription that drops it from the list should it end while waiting. */
  private readonly waiting = new Map<string, { session: SandboxSession; leaveOnEnd: IDisposable }[]>();
  /** Sandboxes being created for a pool, or removed from one: they hold memory like the others. */
  private starting = 0;
  private draining = 0;
  /** Shut down: fills stop starting sandboxes, and one that comes up late is detached instead of waiting in a list nobody reads. */
  private disposed = false;

  constructor(
    private readonly driver: SandboxDriver,
    private readonly config: SandboxServerConfig,
    private readonly log: Logger,
    private readonly newSessionId: () => string,
  ) {}

  /**
   * Starts sandboxes until `count` wait in the pool, each only while
   * `hasRoom` says the site has a free place for it (a warm sandbox takes
   * one like any other; those it cannot start are skipped, not waited for).
   */
  async fill(
    spec: PoolSpec,
    count: number,
    hasRoom: () => boolean = () => true,
    options: { concurrency?: number; onReady?: () => void } = {},
  ): Promise<FillResult> {
    const started = performance.now();
    const list = this.waiting.get(spec.pool) ?? [];
    this.waiting.set(spec.pool, list);
    let toStart = Math.max(0, count - list.length);
    let ok = 0;
    let failed = 0;
    let skipped = 0;
    const worker = async (): Promise<void> => {
      while (toStart > 0 && !this.disposed) {
        toStart--;
        if (!hasRoom()) {
          skipped++;
          continue;
        }
        this.starting++;
        try {
          const session = await this.startOne(spec);
          if (this.disposed) {
            detach(session);
            continue;
          }
          // A waiting session that ends by itself (crash loop) leaves the pool; take() drops this when a learner claims it.
          const leaveOnEnd = session.onDidEnd(() => {
            const at = list.findIndex((entry) => entry.session === session);
            if (at >= 0) list.splice(at, 1);
          });
          list.push({ session, leaveOnEnd });
          ok++;
          options.onReady?.();
        } catch (error) {
          failed++;
          this.log.warn(`warm pool ${spec.pool}: ${(error as Error).message}`);
        } finally {
          this.starting--;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? FILL_CONCURRENCY, toStart) }, worker));
    const durationMs = Math.round(performance.now() - started);
    const full = skipped > 0 ? `, ${skipped} not started: the site is full` : '';
    this.log.info(`warm pool ${spec.pool}: ${list.length} waiting (${ok} started, ${failed} failed in ${durationMs} ms${full})`);
    return { started: ok, failed, skipped, durationMs };
  }

  /** Sandboxes of every pool: waiting, being started and being drained. */
  get total(): number {
    let waiting = 0;
    for (const list of this.waiting.values()) waiting += list.length;
    return waiting + this.starting + this.draining;
  }

  /** Hands out the oldest waiting sandbox of the pool, if any: from now on it is the caller's. */
  take(pool: string): SandboxSession | undefined {
    const list = this.waiting.get(pool);
    let entry = list?.shift();
    while (entry?.session.isDisposed) entry = list?.shift();
    entry?.leaveOnEnd.dispose();
    return entry?.session;
  }

  size(pool: string): number {
    return this.waiting.get(pool)?.length ?? 0;
  }

  /**
   * Removes up to `count` of the pool's unclaimed sandboxes, the newest first
   * (the oldest are handed out first, so they go next anyway). Their places
   * stay taken (draining) until the engine is done with them.
   */
  async discard(pool: string, count: number): Promise<number> {
    const list = this.waiting.get(pool) ?? [];
    const going = list.splice(Math.max(0, list.length - count));
    this.draining += going.length;
    await Promise.all(
      going.map(async ({ session, leaveOnEnd }) => {
        leaveOnEnd.dispose();
        session.end({ state: 'removed', message: 'Warm sandbox given up.', closeCode: CloseCode.SHUTDOWN });
        await this.driver.remove(session.info.id).catch((error: Error) => this.log.warn(`discard ${session.shortId}: ${error.message}`));
        this.draining--;
      }),
    );
    return going.length;
  }

  /** Removes the pool's unclaimed sandboxes. */
  async drain(pool: string): Promise<number> {
    const list = this.waiting.get(pool) ?? [];
    this.waiting.delete(pool);
    this.draining += list.length;
    for (const { session, leaveOnEnd } of list) {
      leaveOnEnd.dispose();
      session.end({ state: 'removed', message: 'Warm pool drained.', closeCode: CloseCode.SHUTDOWN });
      await this.driver.remove(session.info.id).catch((error: Error) => this.log.warn(`drain ${session.shortId}: ${error.message}`));
      this.draining--;
    }
    return list.length;
  }

  /** Detaches from every waiting sandbox (server shutdown; reconcile removes them at the next start). */
  dispose(): void {
    this.disposed = true;
    const lists = [...this.waiting.values()];
    this.waiting.clear();
    for (const list of lists) {
      for (const { session, leaveOnEnd } of list) {
        leaveOnEnd.dispose();
        detach(session);
      }
    }
  }

  private async startOne(spec: PoolSpec): Promise<SandboxSession> {
    const info = await this.driver.create({
      learnerId: '',
      profile: spec.profile,
      sessionId: this.newSessionId(),
      expiresAt: Date.now() + this.config.limits.maxLifetimeMs,
      limits: this.config.limits,
      classId: spec.classId,
      pool: spec.pool,
      registry: spec.registry,
    });
    const session = new SandboxSession(info, this.driver, this.config, this.log);
    try {
      await session.open();
      // A 0×0 terminal stops readline prompting after the first prompt; the learner's own size comes on connect.
      await session.resize({ cols: 80, rows: 24 });
      await waitForEngineReady(this.driver, info.id);
      session.markEngineReady();
    } catch (error) {
      session.dispose();
      await this.driver.remove(info.id).catch(() => undefined);
      throw error;
    }
    return session;
  }
}

/** Lets go of a waiting sandbox at shutdown; the container stays, and the next start-up's reconcile removes it (it has no learner). */
function detach(session: SandboxSession): void {
  session.end({ state: 'removed', message: 'Server shutting down.', closeCode: CloseCode.SHUTDOWN });
}
