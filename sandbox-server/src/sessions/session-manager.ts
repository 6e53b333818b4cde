import { randomBytes } from 'node:crypto';
import { CloseCode } from '../../../protocol';
import type { SandboxServerConfig } from '../config/config';
import type { ExecOptions, ExecResult, SandboxDriver, SandboxInfo, SandboxRegistryAccess } from '../engine/driver';
import type { Logger } from '../../../lib/logging/logger';
import { installRegistryLogin, type RegistryAdmission } from '../registry/registry-auth';
import { SandboxSession } from '../terminal/sandbox-session';
import type { TerminalClient } from '../terminal/terminal-client';
import { WaitingLine } from './waiting-line';
import { WarmPool, type FillResult } from './warm-pool';

/**
 * Where a learner's new sandbox belongs: the platform answers from its class
 * records (a learner in a running class gets a sandbox of that class, from its
 * warm pool when one waits, with its registry mirror).
 */
export interface Placement {
  classId: string;
  pool?: string;
  registry?: SandboxRegistryAccess;
  /**
   * The learner's login to the class registry, and the registry learning it
   * (asked once the sandbox is theirs: created for them or claimed from the
   * pool). It is written into the sandbox then, so a warm sandbox holds
   * nobody's login.
   */
  registryLogin?: () => RegistryAdmission;
}
export type PlacementLookup = (learnerId: string, profile: string) => Placement | undefined;

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

type Opened = { session: SandboxSession; reattached: boolean };

const newSessionId = (): string => randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x');

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
  private readonly opening = new Map<string, Promise<Opened>>();
  /** Sandboxes being removed: they still hold their memory until the engine is done. */
  private readonly removing = new Set<string>();
  /** The client address each capped learner's sandbox was made for (learners outside a class only). */
  private readonly addressOf = new Map<string, string>();
  /** Learners waiting for a sandbox while the site is full. */
  private readonly line = new WaitingLine<Opened>();
  private admissionScheduled = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly pool: WarmPool;
  private placement: PlacementLookup = () => undefined;

  constructor(
    private readonly driver: SandboxDriver,
    private readonly config: SandboxServerConfig,
    private readonly log: Logger,
  ) {
    this.pool = new WarmPool(driver, config, log, newSessionId);
  }

  /** Lets the platform say which class (pool, registry) a learner's new sandbox belongs to. */
  setPlacement(lookup: PlacementLookup): void {
    this.placement = lookup;
  }

  /**
   * Starts sandboxes ahead of learners, so their first prompt needs no
   * container start. A warm sandbox is capacity reserved for its class: it
   * counts toward maxSandboxes from the moment it starts, and a class
   * learner claiming it takes no further place. The pool fills only from
   * free places nobody in line is waiting for (those come first), so it
   * may end up smaller than asked.
   */
  async warm(spec: { pool: string; count: number; profile: string; classId?: string; registry?: SandboxRegistryAccess }): Promise<FillResult> {
    try {
      return await this.pool.fill(spec, spec.count, () => this.line.length === 0 && this.freePlaces() > 0);
    } finally {
      this.scheduleAdmission(); // failed starts gave their places back
    }
  }

  /** Sandboxes waiting in a warm pool. */
  warmCount(pool: string): number {
    return this.pool.size(pool);
  }

  /**
   * Lengthens a learner's sandbox lifetime (counted from now if it is already
   * shorter), records it durably, and returns the new expiry; undefined when
   * the learner has no sandbox.
   */
  async extend(learnerId: string, profile: string, ms: number): Promise<number | undefined> {
    const key = keyOf(learnerId, profile);
    const info = this.sessions.get(key)?.info ?? this.dormant.get(key)?.info;
    if (!info) return undefined;
    const expiresAt = Math.max(info.expiresAt, Date.now()) + ms;
    await this.driver.update(info.id, { learnerId, expiresAt });
    info.expiresAt = expiresAt;
    return expiresAt;
  }

  /**
   * Removes every sandbox of a class — live, adopted after a restart, or
   * waiting in its warm pool — and returns how many went.
   */
  async removeClass(classId: string): Promise<number> {
    let removed = await this.pool.drain(classId);
    // Each still holds its place until the engine has removed it.
    const marked: string[] = [];
    for (const [key, session] of [...this.sessions]) {
      if (session.info.classId !== classId) continue;
      this.sessions.delete(key);
      this.removing.add(session.info.id);
      marked.push(session.info.id);
      session.dispose('removed', 'The class has ended; thank you for taking part.', CloseCode.EXPIRED);
    }
    for (const [key, entry] of [...this.dormant]) {
      if (entry.info.classId !== classId) continue;
      this.dormant.delete(key);
      this.removing.add(entry.info.id);
      marked.push(entry.info.id);
    }
    try {
      for (const info of await this.driver.list()) {
        if (info.classId !== classId) continue;
        await this.removeSandbox(info.id);
        removed++;
      }
    } finally {
      // A marked sandbox the engine no longer listed was gone already: its place must not stay taken.
      for (const id of marked) this.removing.delete(id);
      this.scheduleAdmission();
    }
    this.log.info(`class ${classId}: removed ${removed} sandbox(es)`);
    return removed;
  }

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

  /**
   * Connects a browser to the learner's sandbox, creating or reattaching as
   * needed. A new sandbox must be admitted first (see admit): the promise
   * then waits while the learner is in line, rejects with
   * AdmissionRefusedError over the per-address cap, and with
   * LeftTheLineError when the socket closed while waiting.
   */
  async connect(learnerId: string, profile: string, client: TerminalClient, options: ConnectOptions = {}): Promise<SandboxSession> {
    const { session, reattached } = await this.admit(learnerId, profile, client, options);
    session.addClient(client, reattached);
    return session;
  }

  /** What admission allows and uses now (tests, the start-up log, the curious). */
  get admission(): { maxSandboxes: number; perAddress: number; used: number; waiting: number } {
    const { maxSandboxes, perAddress } = this.config.admission;
    return { maxSandboxes, perAddress, used: this.usedPlaces(), waiting: this.line.length };
  }

  /**
   * Lets someone watch a learner's terminal read-only (the instructor's shadow
   * view). Never creates a sandbox: undefined when the learner has none.
   */
  async watch(learnerId: string, profile: string, viewer: TerminalClient): Promise<SandboxSession | undefined> {
    const key = keyOf(learnerId, profile);
    if (!this.sessions.has(key) && !this.dormant.has(key) && !this.opening.has(key)) return undefined;
    const { session } = await this.open(learnerId, profile);
    session.addViewer(viewer);
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
    const id = session?.info.id ?? dormant?.info.id;
    if (id) this.removing.add(id); // before the session lets go, so its place is never free twice
    this.sessions.delete(key);
    this.dormant.delete(key);
    session?.dispose('removed', 'Sandbox reset; connecting to a fresh one…', CloseCode.SHUTDOWN);
    if (id) await this.removeSandbox(id);
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
    this.line.clear('The server is restarting; connect again in a moment.');
    this.pool.detachAll();
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

  /**
   * Admission: a learner who has a sandbox (live, adopted, being opened)
   * just joins it, and a class learner whose class has a warm sandbox waiting
   * takes it; both take no new place. Anyone else needs one of maxSandboxes:
   * a learner outside any open class is first refused when their address
   * already holds perAddress sandboxes or places in line (a class may sit
   * behind one NAT address, so class members are not counted per address).
   * When no place is free, or others already wait, the learner waits in line.
   */
  private admit(learnerId: string, profile: string, client: TerminalClient, options: ConnectOptions): Promise<Opened> {
    const key = keyOf(learnerId, profile);
    if (this.holds(key)) return this.open(learnerId, profile);
    const placement = this.placement(learnerId, profile);
    if (placement?.pool && this.pool.size(placement.pool) > 0) return this.open(learnerId, profile);
    const address = placement ? undefined : options.address;
    if (address !== undefined) this.refuseOverCap(address, key);
    const place = { key, learnerId, profile, address };
    if (this.line.length > 0 || this.freePlaces() <= 0) {
      this.log.info(`site full (${this.usedPlaces()}/${this.config.admission.maxSandboxes}): learner ${learnerId.slice(0, 8)} waits in line`);
      return this.line.join(place, client, options.signal);
    }
    return this.openPlace(place);
  }

  private refuseOverCap(address: string, key: string): void {
    const cap = this.config.admission.perAddress;
    const held = this.heldFrom(address, key);
    if (held < cap) return;
    this.log.warn(`refused a sandbox to ${address}: it holds ${held} (cap ${cap} per address outside a class)`);
    throw new AdmissionRefusedError(
      cap === 0
        ? 'This site gives sandboxes to members of a class only. Join your class with the code your instructor gave you.'
        : `Your network address already has ${held} sandbox${held === 1 ? '' : 'es'} (or places in line), the most a learner outside a class may have. ` +
            `One frees up when it is reset or left unused for ${this.config.limits.idleTimeoutMs / 60_000} minutes. In a class? Join it with its code.`,
    );
  }

  /** Sandboxes and places in line that count against this address, the learner `exceptKey`'s own not included. */
  private heldFrom(address: string, exceptKey: string): number {
    let held = this.line.countFrom(address, exceptKey);
    for (const [key, owner] of this.addressOf) {
      if (!this.holds(key)) this.addressOf.delete(key); // that sandbox is gone
      else if (owner === address && key !== exceptKey) held++;
    }
    return held;
  }

  /** Opens an admitted learner's sandbox; it counts (in `opening`) from this call on. */
  private openPlace(place: { key: string; learnerId: string; profile: string; address: string | undefined }): Promise<Opened> {
    if (place.address !== undefined) this.addressOf.set(place.key, place.address);
    return this.open(place.learnerId, place.profile);
  }

  /** The learner has a sandbox: live, adopted after a restart, or being opened. */
  private holds(key: string): boolean {
    return this.sessions.has(key) || this.dormant.has(key) || this.opening.has(key);
  }

  /**
   * Sandboxes that hold memory now: live, adopted, being opened, being
   * removed, and every warm one (waiting, starting, draining). A key can be
   * in two of the maps for a moment (a session just opened), so keys are
   * counted once.
   */
  private usedPlaces(): number {
    const keys = new Set([...this.sessions.keys(), ...this.dormant.keys(), ...this.opening.keys()]);
    return keys.size + this.removing.size + this.pool.total;
  }

  private freePlaces(): number {
    return this.config.admission.maxSandboxes - this.usedPlaces();
  }

  /**
   * Lets the first in line go while places are free. Deferred to a
   * microtask and coalesced, so that a change made in several steps (a
   * session forgotten, then its removal counted) is seen whole.
   */
  private scheduleAdmission(): void {
    if (this.admissionScheduled) return;
    this.admissionScheduled = true;
    queueMicrotask(() => {
      this.admissionScheduled = false;
      while (this.line.length > 0 && this.freePlaces() > 0) {
        this.line.admitFirst((place, clients) => {
          for (const client of clients) client.sendControl({ type: 'status', state: 'starting', message: 'A place is free: starting your sandbox…' });
          this.log.info(`a place freed: learner ${place.learnerId.slice(0, 8)} leaves the line (${this.line.length} still waiting)`);
          return this.openPlace(place);
        });
      }
    });
  }

  /** Removes a sandbox from the engine; its place frees once the engine is done. */
  private async removeSandbox(id: string): Promise<void> {
    this.removing.add(id);
    try {
      await this.driver.remove(id);
    } finally {
      this.removing.delete(id);
      this.scheduleAdmission();
    }
  }

  private open(learnerId: string, profile: string): Promise<Opened> {
    const key = keyOf(learnerId, profile);
    const live = this.sessions.get(key);
    if (live) return Promise.resolve({ session: live, reattached: true });
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.openUncached(key, learnerId, profile).finally(() => {
        this.opening.delete(key);
        this.scheduleAdmission(); // a failed open gives its place back
      });
      this.opening.set(key, pending);
    }
    return pending;
  }

  private async openUncached(key: string, learnerId: string, profile: string): Promise<Opened> {
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
    const placement = this.placement(learnerId, profile);
    const warm = placement?.pool ? this.pool.take(placement.pool) : undefined;
    if (warm) {
      try {
        // The claim is recorded with the container, so a restart maps it back to this learner.
        await this.driver.update(warm.info.id, { learnerId, expiresAt: warm.info.expiresAt });
        warm.info.learnerId = learnerId;
        warm.info.pool = undefined;
        warm.onDisposed = (ended) => this.forget(key, ended);
        await this.giveRegistryLogin(warm.info.id, placement);
        this.sessions.set(key, warm);
        this.log.info(`claimed warm ${warm.shortId} for learner ${learnerId.slice(0, 8)}`);
        return { session: warm, reattached: false };
      } catch (error) {
        this.log.warn(`could not claim warm ${warm.shortId} (${(error as Error).message}); creating a new sandbox`);
        warm.dispose('removed', 'discarded', CloseCode.SHUTDOWN);
        await this.driver.remove(warm.info.id).catch(() => undefined);
      }
    }
    const info = await this.driver.create({
      learnerId,
      profile,
      sessionId: newSessionId(),
      expiresAt: Date.now() + this.config.limits.maxLifetimeMs,
      limits: this.config.limits,
      classId: placement?.classId,
      registry: placement?.registry,
    });
    const session = new SandboxSession(info, this.driver, this.config, this.log, (ended) => this.forget(key, ended));
    try {
      await session.open();
    } catch (error) {
      await this.driver.remove(info.id).catch(() => undefined);
      throw error;
    }
    await this.giveRegistryLogin(info.id, placement);
    this.sessions.set(key, session);
    this.log.info(`created ${session.shortId} for learner ${learnerId.slice(0, 8)}`);
    return { session, reattached: false };
  }

  /**
   * Writes the learner's class registry login into their sandbox, before
   * their terminal is attached. Without it the sandbox still works (pulls
   * from the mirror included); only pushes to the class registry are refused.
   */
  private async giveRegistryLogin(id: string, placement: Placement | undefined): Promise<void> {
    if (!placement?.registryLogin) return;
    try {
      const { login, admitted } = placement.registryLogin();
      // The gate learns the login while the sandbox is given it.
      await Promise.all([admitted, installRegistryLogin(this.driver, id, login)]);
    } catch (error) {
      this.log.warn(`sandbox ${id.slice(0, 12)} has no class registry login (${(error as Error).message}); its pushes there will be refused`);
    }
  }

  /** A session that ended (crash loop, failed restart, expiry) must not be handed to the next connect. */
  private forget(key: string, session: SandboxSession): void {
    if (this.sessions.get(key) !== session) return;
    this.sessions.delete(key);
    this.scheduleAdmission();
  }

  /** Removes sandboxes past their lifetime, and unattended ones idle past the idle timeout. */
  async sweep(now = Date.now()): Promise<void> {
    const { idleTimeoutMs } = this.config.limits;
    for (const [key, session] of this.sessions) {
      const expired = session.info.expiresAt <= now;
      const idle = session.clientCount === 0 && now - session.lastActivityAt > idleTimeoutMs;
      if (!expired && !idle) continue;
      this.removing.add(session.info.id);
      this.sessions.delete(key);
      const message = expired
        ? 'This sandbox reached its maximum lifetime and was removed. Reload for a fresh one.'
        : 'This sandbox was idle too long and was removed. Reload for a fresh one.';
      session.dispose('expired', message, CloseCode.EXPIRED);
      await this.removeSandbox(session.info.id);
      this.log.info(`removed ${session.shortId}: ${expired ? 'lifetime reached' : 'idle'}`);
    }
    for (const [key, { info, since }] of this.dormant) {
      if (info.expiresAt <= now || now - since > idleTimeoutMs) {
        this.removing.add(info.id);
        this.dormant.delete(key);
        await this.removeSandbox(info.id);
      }
    }
    // A place can also free where nobody calls back (a warm sandbox that crashed while waiting).
    this.scheduleAdmission();
  }
}
