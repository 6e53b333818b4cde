import { CloseCode } from '../../../protocol';
import { Disposable } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver, SandboxRegistryAccess } from '../engine/driver';
import type { SandboxSession } from '../terminal/sandbox-session';
import type { ExtraShell } from '../terminal/extra-shell';
import { ShellNotFoundError } from '../terminal/shell-set';
import type { TerminalClient } from '../terminal/terminal-client';
import { Admission, type AdmissionReport, type ConnectOptions } from './admission';
import type { PlacementLookup } from './placement';
import { Reaper } from './reaper';
import { SessionIndex, keyOf } from './session-index';
import { SessionOpener, newSessionId } from './session-opener';
import { EngineWatch, type EngineState } from './engine-watch';
import { SelfPacedWarming, selfPacedPool } from './self-paced-warming';
import { WarmPool, type FillResult } from './warm-pool';

export { AdmissionRefusedError, type AdmissionReport, type ConnectOptions } from './admission';
export type { Placement, PlacementLookup } from './placement';

/**
 * Maps learners to their sandboxes: creates on first connect, reattaches on
 * reload and after a server restart, and removes sandboxes that expire or sit
 * idle. The one entry point the WebSocket edge and the platform use; the work
 * is done by its parts: who holds what (SessionIndex), who may have a new
 * sandbox (Admission), getting one (SessionOpener), taking them away (Reaper)
 * and the sandboxes started ahead (WarmPool, kept for self-paced learners
 * by SelfPacedWarming).
 *
 * Disposing (shutdown) detaches from every sandbox but leaves them running,
 * so a restarted server reattaches.
 */
export class SessionManager extends Disposable {
  private readonly index = new SessionIndex();
  private readonly pool: WarmPool;
  private readonly gate: Admission;
  private readonly opener: SessionOpener;
  private readonly reaper: Reaper;
  private placement: PlacementLookup = () => undefined;
  private engine: EngineWatch | undefined;
  /** The self-paced warm pool's keeper, per profile (startSelfPacedWarming). */
  private readonly selfPaced = new Map<string, SelfPacedWarming>();

  constructor(
    private readonly driver: SandboxDriver,
    private readonly config: SandboxServerConfig,
    private readonly log: Logger,
  ) {
    super();
    const index = this.index;
    const placement: PlacementLookup = (learnerId, profile) => this.placement(learnerId, profile);
    this.pool = new WarmPool(driver, config, log, newSessionId);
    this.opener = new SessionOpener({
      driver,
      config,
      log,
      index,
      pool: this.pool,
      placement,
      placesChanged: () => this.gate.schedule(),
      selfPacedArrival: (profile) => this.selfPaced.get(profile)?.noteArrival(),
    });
    this.gate = new Admission({
      config,
      log,
      index,
      pool: this.pool,
      placement,
      open: (learnerId, profile) => this.opener.open(learnerId, profile),
      yieldWarmPlace: () => [...this.selfPaced.values()].some((warming) => warming.yieldPlace()),
    });
    this.reaper = new Reaper({ driver, config, log, index, pool: this.pool, admission: this.gate });
    // Disposed in reverse, as shutdown always went: the line empties, the warm sandboxes detach, the sweep stops, the live sessions detach.
    this.register({ dispose: () => this.detachLive() });
    this.register(this.reaper);
    this.register(this.pool);
    this.register(this.gate);
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
    // A class's reserved places come before sandboxes warmed for whoever comes next: those give theirs up.
    let short = spec.count - this.pool.size(spec.pool) - (this.gate.report.maxSandboxes - this.gate.report.used);
    for (const warming of this.selfPaced.values()) {
      if (short <= 0) break;
      short -= await warming.giveBack(short);
    }
    try {
      return await this.pool.fill(spec, spec.count, () => this.gate.hasRoomForWarm);
    } finally {
      this.gate.schedule(); // failed starts gave their places back
    }
  }

  /**
   * Keeps a warm pool for learners outside any class, per profile, sized
   * from recent arrivals (SelfPacedWarming; config.selfPacedWarm, off when
   * its max is 0 or only class members get sandboxes). Call after reconcile:
   * what an earlier run left must be counted before places are taken.
   */
  startSelfPacedWarming(profiles: Iterable<string>): void {
    if (this.isDisposed) return;
    for (const profile of profiles) {
      if (this.selfPaced.has(profile)) continue;
      const warming = this.register(
        new SelfPacedWarming(profile, {
          config: this.config,
          log: this.log,
          pool: this.pool,
          hasRoom: () => this.gate.hasRoomForWarm,
          placesChanged: () => this.gate.schedule(),
        }),
      );
      this.selfPaced.set(profile, warming);
      warming.start();
    }
  }

  /**
   * Pings the engine from now on (EngineWatch): when it stops answering,
   * every learner is told (a hung engine gives their terminals no other
   * sign) and new terminals are turned away with the reason until it is back.
   */
  watchEngine(ping: () => Promise<void>, options: { intervalMs?: number; timeoutMs?: number } = {}): void {
    if (this.isDisposed || this.engine) return;
    const watch = this.register(new EngineWatch({ ping, ...options }));
    this.engine = watch;
    watch.onDidChange((state) => {
      this.log[state === 'away' ? 'warn' : 'info'](`the Docker engine ${state === 'away' ? 'stopped answering' : 'answers again'}`);
      for (const session of this.index.live.values()) session.noteEngine(state);
    });
    watch.start();
  }

  /** 'away' while the watched engine does not answer (always 'ok' unwatched). */
  get engineState(): EngineState {
    return this.engine?.state ?? 'ok';
  }

  /** The self-paced warm pool of a profile: what it aims for and what waits. */
  selfPacedWarm(profile: string): { target: number; waiting: number } {
    const warming = this.selfPaced.get(profile);
    return { target: warming?.target ?? 0, waiting: this.pool.size(selfPacedPool(profile)) };
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
    const session = this.index.live.get(key);
    const dormant = this.index.dormant.get(key);
    const info = session?.info ?? dormant?.info;
    if (!info) return undefined;
    const expiresAt = Math.max(info.expiresAt, Date.now()) + ms;
    await this.driver.update(info.id, { learnerId, expiresAt });
    if (session) session.extendTo(expiresAt);
    // A dormant entry is a record of what the engine said; it is replaced, not edited.
    else if (dormant && this.index.dormant.get(key) === dormant) this.index.dormant.set(key, { ...dormant, info: { ...dormant.info, expiresAt } });
    return expiresAt;
  }

  /**
   * Removes every sandbox of a class — live, adopted after a restart, or
   * waiting in its warm pool — and returns how many went.
   */
  removeClass(classId: string): Promise<number> {
    return this.reaper.removeClass(classId);
  }

  /** Adopts what an earlier run left: removes expired sandboxes and orphan networks, keeps the rest for reattach. */
  async reconcile(): Promise<{ kept: number; removed: number }> {
    const now = Date.now();
    let kept = 0;
    let removed = 0;
    for (const info of await this.driver.list()) {
      const key = keyOf(info.learnerId, info.profile);
      if (info.expiresAt <= now || !info.learnerId || this.index.dormant.has(key)) {
        await this.driver.remove(info.id);
        removed++;
      } else {
        this.index.dormant.set(key, { info, since: now });
        kept++;
      }
    }
    if (kept + removed > 0) this.log.info(`reconciled sandboxes: kept ${kept}, removed ${removed}`);
    return { kept, removed };
  }

  /** Removes expired and idle sandboxes every 15 s from now on, until shutdown. */
  startSweeping(): void {
    if (!this.isDisposed) this.reaper.startSweeping();
  }

  /** Removes sandboxes past their lifetime, and unattended ones idle past the idle timeout, as of `now`. */
  sweep(now = Date.now()): Promise<void> {
    return this.reaper.sweep(now);
  }

  /**
   * Connects a browser to the learner's sandbox, creating or reattaching as
   * needed. A new sandbox must be admitted first (see Admission): the
   * promise then waits while the learner is in line, rejects with
   * AdmissionRefusedError over the per-address cap, and with
   * LeftTheLineError when the socket closed while waiting.
   */
  async connect(learnerId: string, profile: string, client: TerminalClient, options: ConnectOptions = {}): Promise<SandboxSession> {
    const { session, reattached } = await this.gate.admit(learnerId, profile, client, options);
    session.addClient(client, reattached);
    return session;
  }

  /**
   * Connects a browser to one of the extra shells of the learner's live
   * sandbox. Never creates a sandbox or a shell, so it needs no admission
   * (the sandbox has its place); ShellNotFoundError when there is no such
   * shell (the learner has no live sandbox, or the shell was closed).
   */
  connectShell(learnerId: string, profile: string, number: number, client: TerminalClient): { session: SandboxSession; shell: ExtraShell } {
    const session = this.index.live.get(keyOf(learnerId, profile));
    if (!session || session.isDisposed) throw new ShellNotFoundError(`There is no terminal ${number}: this sandbox has only its own.`);
    return { session, shell: session.addShellClient(number, client, true) };
  }

  /** What admission allows and uses now: a report for operators (and what the admission tests check). */
  get admission(): AdmissionReport {
    return this.gate.report;
  }

  /**
   * Lets someone watch a learner's terminal read-only (the instructor's shadow
   * view). Never creates a sandbox: undefined when the learner has none.
   */
  async watch(learnerId: string, profile: string, viewer: TerminalClient): Promise<SandboxSession | undefined> {
    if (!this.index.holds(keyOf(learnerId, profile))) return undefined;
    const { session } = await this.opener.open(learnerId, profile);
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
  reset(learnerId: string, profile: string): Promise<void> {
    return this.reaper.reset(learnerId, profile);
  }

  /**
   * The id of the learner's existing sandbox (live or adopted after a restart),
   * without creating one: grading a sandbox that does not exist means nothing.
   * Counts as activity, so a learner checking exercises is not idle.
   */
  sandboxIdOf(learnerId: string, profile: string): string | undefined {
    const key = keyOf(learnerId, profile);
    this.index.live.get(key)?.noteActivity();
    return this.index.sandboxIdOf(key);
  }

  /**
   * Read-only, for the instructor dashboard: the learner's open terminal
   * sockets over all their sandboxes, and their last keystroke (null when
   * none since this server started).
   */
  connectionState(learnerId: string): { sockets: number; lastInputAt: number | null } {
    return this.index.connectionState(learnerId);
  }

  /** Live and adopted sandboxes. */
  get size(): number {
    return this.index.size;
  }

  /** Detaches from every sandbox but leaves them running, so a restarted server reattaches. */
  shutdown(): void {
    this.dispose();
  }

  private detachLive(): void {
    const sessions = [...this.index.live.values()];
    this.index.live.clear();
    for (const session of sessions) {
      session.end({ state: 'removed', message: 'The server is restarting; your sandbox is kept.', closeCode: CloseCode.SHUTDOWN });
    }
  }
}
