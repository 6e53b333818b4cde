import { randomBytes } from 'node:crypto';
import { CloseCode } from '../../protocol';
import type { SandboxServerConfig } from './config';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxInfo } from './drivers/driver';
import type { Logger } from './logger';
import { SandboxSession } from './sandbox-session';
import type { TerminalClient } from './terminal-client';

const SWEEP_INTERVAL_MS = 15_000;

const keyOf = (learnerId: string, profile: string): string => `${learnerId}\u0000${profile}`;

/**
 * Maps learners to their sandboxes: creates on first connect, reattaches on
 * reload and after a server restart, and removes sandboxes that expire or sit
 * idle. The browser never names a container; it is always looked up here from
 * the authenticated learner id.
 */
export class SessionManager {
  private readonly sessions = new Map<string, SandboxSession>();
  /** Sandboxes found at start-up that nobody has reconnected to yet. */
  private readonly dormant = new Map<string, { info: SandboxInfo; since: number }>();
  /** In-flight opens, so two tabs connecting at once get one sandbox. */
  private readonly opening = new Map<string, Promise<{ session: SandboxSession; reattached: boolean }>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly driver: SandboxDriver,
    private readonly config: SandboxServerConfig,
    private readonly log: Logger,
  ) {}

  /** Adopts what an earlier run left: removes expired sandboxes and orphan networks, keeps the rest for reattach. */
  async reconcile(): Promise<{ kept: number; removed: number }> {
    const now = Date.now();
    let kept = 0;
    let removed = 0;
    for (const info of await this.driver.list()) {
      const key = keyOf(info.learnerId, info.profile);
      if (info.expiresAt <= now || !info.learnerId || this.dormant.has(key)) {
        await this.driver.remove(info.id);
        removed++;
      } else {
        this.dormant.set(key, { info, since: now });
        kept++;
      }
    }
    if (kept + removed > 0) this.log.info(`reconciled sandboxes: kept ${kept}, removed ${removed}`);
    return { kept, removed };
  }

  startSweeping(): void {
    this.sweepTimer ??= setInterval(() => void this.sweep().catch((e: Error) => this.log.error(`sweep: ${e.message}`)), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** Connects a browser to the learner's sandbox, creating or reattaching as needed. */
  async connect(learnerId: string, profile: string, client: TerminalClient): Promise<SandboxSession> {
    const { session, reattached } = await this.open(learnerId, profile);
    session.addClient(client, reattached);
    return session;
  }

  disconnect(session: SandboxSession, client: TerminalClient): void {
    session.removeClient(client);
  }

  /**
   * Throws the learner's sandbox away. Connected browsers are closed with
   * CloseCode.SHUTDOWN, reconnect, and so get a fresh sandbox.
   */
  async reset(learnerId: string, profile: string): Promise<void> {
    const key = keyOf(learnerId, profile);
    await this.opening.get(key)?.catch(() => undefined);
    const session = this.sessions.get(key);
    const dormant = this.dormant.get(key);
    this.sessions.delete(key);
    this.dormant.delete(key);
    session?.dispose('removed', 'Sandbox reset; connecting to a fresh one…', CloseCode.SHUTDOWN);
    const id = session?.info.id ?? dormant?.info.id;
    if (id) await this.driver.remove(id);
    this.log.info(`reset sandbox of learner ${learnerId.slice(0, 8)}`);
  }

  /** Runs a command in the learner's sandbox from outside their shell (grading, tests). */
  async exec(learnerId: string, profile: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    const { session } = await this.open(learnerId, profile);
    return this.driver.exec(session.info.id, cmd, options);
  }

  /**
   * The id of the learner's existing sandbox (live or adopted after a restart),
   * without creating one: grading a sandbox that does not exist means nothing.
   * Counts as activity, so a learner checking exercises is not idle.
   */
  sandboxIdOf(learnerId: string, profile: string): string | undefined {
    const key = keyOf(learnerId, profile);
    const session = this.sessions.get(key);
    if (session) {
      session.lastActivityAt = Date.now();
      return session.info.id;
    }
    return this.dormant.get(key)?.info.id;
  }

  find(learnerId: string, profile: string): SandboxSession | undefined {
    return this.sessions.get(keyOf(learnerId, profile));
  }

  /**
   * Read-only, for the instructor dashboard: the learner's open terminal
   * sockets over all their sandboxes, and their last keystroke (null when
   * none since this server started).
   */
  connectionState(learnerId: string): { sockets: number; lastInputAt: number | null } {
    let sockets = 0;
    let lastInputAt: number | null = null;
    const prefix = keyOf(learnerId, '');
    for (const [key, session] of this.sessions) {
      if (!key.startsWith(prefix)) continue;
      sockets += session.clientCount;
      if (session.lastInputAt !== null && (lastInputAt === null || session.lastInputAt > lastInputAt)) lastInputAt = session.lastInputAt;
    }
    return { sockets, lastInputAt };
  }

  get size(): number {
    return this.sessions.size + this.dormant.size;
  }

  /** Detaches from every sandbox but leaves them running, so a restarted server reattaches. */
  shutdown(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const session of this.sessions.values()) {
      session.dispose('removed', 'The server is restarting; your sandbox is kept.', CloseCode.SHUTDOWN);
    }
    this.sessions.clear();
  }

  /** Removes every sandbox this server knows (tests, or ending a class). */
  async removeAll(): Promise<void> {
    this.shutdown();
    this.dormant.clear();
    for (const info of await this.driver.list()) await this.driver.remove(info.id);
  }

  private open(learnerId: string, profile: string): Promise<{ session: SandboxSession; reattached: boolean }> {
    const key = keyOf(learnerId, profile);
    const live = this.sessions.get(key);
    if (live) return Promise.resolve({ session: live, reattached: true });
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.openUncached(key, learnerId, profile).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  private async openUncached(key: string, learnerId: string, profile: string): Promise<{ session: SandboxSession; reattached: boolean }> {
    const dormant = this.dormant.get(key);
    this.dormant.delete(key);
    if (dormant) {
      try {
        const info = await this.driver.inspect(dormant.info.id);
        const session = new SandboxSession(info, this.driver, this.config, this.log, (ended) => this.forget(key, ended));
        await session.open();
        this.sessions.set(key, session);
        this.log.info(`reattached ${session.shortId} for learner ${learnerId.slice(0, 8)}`);
        return { session, reattached: true };
      } catch (error) {
        this.log.warn(`could not reattach ${dormant.info.id.slice(0, 12)} (${(error as Error).message}); creating a new sandbox`);
        await this.driver.remove(dormant.info.id).catch(() => undefined);
      }
    }
    const info = await this.driver.create({
      learnerId,
      profile,
      sessionId: randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x'),
      expiresAt: Date.now() + this.config.limits.maxLifetimeMs,
      limits: this.config.limits,
    });
    const session = new SandboxSession(info, this.driver, this.config, this.log, (ended) => this.forget(key, ended));
    try {
      await session.open();
    } catch (error) {
      await this.driver.remove(info.id).catch(() => undefined);
      throw error;
    }
    this.sessions.set(key, session);
    this.log.info(`created ${session.shortId} for learner ${learnerId.slice(0, 8)}`);
    return { session, reattached: false };
  }

  /** A session that ended (crash loop, failed restart, expiry) must not be handed to the next connect. */
  private forget(key: string, session: SandboxSession): void {
    if (this.sessions.get(key) === session) this.sessions.delete(key);
  }

  /** Removes sandboxes past their lifetime, and unattended ones idle past the idle timeout. */
  async sweep(now = Date.now()): Promise<void> {
    const { idleTimeoutMs } = this.config.limits;
    for (const [key, session] of this.sessions) {
      const expired = session.info.expiresAt <= now;
      const idle = session.clientCount === 0 && now - session.lastActivityAt > idleTimeoutMs;
      if (!expired && !idle) continue;
      this.sessions.delete(key);
      const message = expired
        ? 'This sandbox reached its maximum lifetime and was removed. Reload for a fresh one.'
        : 'This sandbox was idle too long and was removed. Reload for a fresh one.';
      session.dispose('expired', message, CloseCode.EXPIRED);
      await this.driver.remove(session.info.id);
      this.log.info(`removed ${session.shortId}: ${expired ? 'lifetime reached' : 'idle'}`);
    }
    for (const [key, { info, since }] of this.dormant) {
      if (info.expiresAt <= now || now - since > idleTimeoutMs) {
        this.dormant.delete(key);
        await this.driver.remove(info.id);
      }
    }
  }
}
