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
import { SessionIndex, keyOf, splitKey } from './session-index';
import { groupKeyOf, type EnvironmentMachines } from './environment-keys';
import { machineOf, parseEnvironment } from '../../../protocol/environment';
import { SessionOpener, newSessionId } from './session-opener';
import { EngineWatch, type EngineState } from './engine-watch';
import { SelfPacedWarming, selfPacedPool } from './self-paced-warming';
import { WarmPool, type FillResult } from './warm-pool';

export { AdmissionRefusedError, type AdmissionReport, type ConnectOptions } from './admission';

/** One of a learner's environments (one machine of it), as environmentsOf() lists it. */
export interface LearnerEnvironment {
  environment: string;
  state: 'running' | 'parked';
  /** Running: last activity (or adoption after a restart); parked: when it stopped. Epoch ms. */
  since: number;
  /** The backend's id of its sandbox (never shown to a learner). */
  sandboxId: string;
}
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
  private machinesOf: EnvironmentMachines = () => undefined;
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
      machinesOf: (name) => this.machinesOf(name),
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

  /**
   * Lets the platform say how many machines a named environment has (its
   * lesson's `machines`): a lab's machines are sandboxes on one private
   * network of the learner's, started together.
   */
  setEnvironmentMachines(lookup: EnvironmentMachines): void {
    this.machinesOf = lookup;
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
  async extend(learnerId: string, environment: string, ms: number): Promise<number | undefined> {
    const key = this.resolveKey(learnerId, environment);
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

  /**
   * Adopts what an earlier run left: running sandboxes wait for their
   * learner to reattach (dormant); stopped ones (parked before, or stopped
   * by an engine restart) are parked again while their keep window lasts;
   * the rest is removed.
   */
  async reconcile(): Promise<{ kept: number; parked: number; removed: number }> {
    const now = Date.now();
    const { keepMs } = this.config.environments;
    let kept = 0;
    let parked = 0;
    let removed = 0;
    for (const listed of await this.driver.list()) {
      const key = keyOf(listed.learnerId, listed.profile);
      const taken = this.index.dormant.has(key) || this.index.parked.has(key);
      if (!listed.learnerId || taken) {
        await this.driver.remove(listed.id);
        removed++;
        continue;
      }
      if (listed.running && listed.expiresAt > now) {
        this.index.dormant.set(key, { info: listed, since: now });
        kept++;
        continue;
      }
      // Stopped, or past its lifetime: kept as a parked environment while the window lasts.
      const info = listed.running ? listed : await this.driver.inspect(listed.id).catch(() => listed);
      const parkedAt = info.stoppedAt ?? now;
      const classOver = info.classId !== undefined && info.expiresAt <= now;
      if (keepMs > 0 && !classOver && now - parkedAt <= keepMs) {
        if (info.running) await this.driver.stop(info.id);
        this.index.parked.set(key, { info: { ...info, running: false }, parkedAt });
        parked++;
      } else {
        await this.driver.remove(info.id);
        removed++;
      }
    }
    await this.reaper.evictOverCaps();
    if (kept + parked + removed > 0) this.log.info(`reconciled sandboxes: kept ${kept}, parked ${parked}, removed ${removed}`);
    return { kept, parked, removed };
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
  async connect(learnerId: string, environment: string, client: TerminalClient, options: ConnectOptions = {}): Promise<SandboxSession> {
    await this.makeRoomFor(learnerId, environment);
    const opened = await this.gate.admit(learnerId, environment, client, options);
    opened.session.addClient(client, opened);
    this.startLabMachines(learnerId, environment, options);
    return opened.session;
  }

  /**
   * A lab's machines come up together: when a learner connects to one, the
   * others start (or come back from parking) in the background, so
   * `swarm join` finds them whichever tab the learner opens next.
   */
  private startLabMachines(learnerId: string, environment: string, options: ConnectOptions): void {
    const ref = parseEnvironment(environment);
    const machines = ref?.name ? (this.machinesOf(ref.name) ?? 1) : 1;
    for (let machine = 1; machine <= machines; machine++) {
      const other = machineOf(environment, machine);
      if (other === environment || this.index.holds(keyOf(learnerId, other))) continue;
      const nobody: TerminalClient = { sendOutput: () => undefined, sendControl: () => undefined, close: () => undefined };
      this.gate.admit(learnerId, other, nobody, options).then(
        () => undefined,
        (error: Error) => this.log.warn(`lab machine ${machine} of learner ${learnerId.slice(0, 8)} did not start: ${error.message}`),
      );
    }
  }

  /**
   * Before a learner's environment starts or comes back: when they already
   * run as many environments as they may (config.environments), the one
   * they used least recently is parked. Its terminal is told why.
   */
  private async makeRoomFor(learnerId: string, environment: string): Promise<void> {
    const group = groupKeyOf(keyOf(learnerId, environment));
    const running = new Map<string, number>();
    for (const key of this.index.runningKeysOf(learnerId)) {
      const other = groupKeyOf(key);
      if (other === group) return; // it runs already: nothing new starts
      const used = this.index.live.get(key)?.lastActivityAt ?? this.index.dormant.get(key)?.since ?? Date.now();
      running.set(other, Math.max(running.get(other) ?? 0, used));
    }
    const { runningPerLearner } = this.config.environments;
    const leastRecent = [...running].sort((a, b) => a[1] - b[1]).map(([key]) => key);
    for (const key of leastRecent.slice(0, Math.max(0, running.size - runningPerLearner + 1))) {
      if (this.index.opening.has(key)) continue; // still starting: parked next time
      await this.reaper.park(key, 'another');
    }
  }

  /**
   * The learner's environments, running and parked, for the instructor's
   * dashboard and the learner's own list: a lab shows each machine.
   */
  environmentsOf(learnerId: string): LearnerEnvironment[] {
    const prefix = keyOf(learnerId, '');
    const found: LearnerEnvironment[] = [];
    for (const [key, session] of this.index.live) if (key.startsWith(prefix)) found.push({ environment: splitKey(key).environment, state: 'running', since: session.lastActivityAt, sandboxId: session.info.id });
    for (const [key, { info, since }] of this.index.dormant) if (key.startsWith(prefix)) found.push({ environment: splitKey(key).environment, state: 'running', since, sandboxId: info.id });
    for (const [key, { info, parkedAt }] of this.index.parked) if (key.startsWith(prefix)) found.push({ environment: splitKey(key).environment, state: 'parked', since: parkedAt, sandboxId: info.id });
    return found.sort((a, b) => a.environment.localeCompare(b.environment));
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
  async watch(learnerId: string, environment: string, viewer: TerminalClient): Promise<SandboxSession | undefined> {
    const key = this.resolveKey(learnerId, environment);
    if (!this.index.holds(key)) return undefined;
    const { session } = await this.opener.open(learnerId, splitKey(key).environment);
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
  reset(learnerId: string, environment: string): Promise<void> {
    return this.reaper.reset(learnerId, splitKey(this.resolveKey(learnerId, environment, { parked: true })).environment);
  }

  /**
   * The id of the learner's existing sandbox (live or adopted after a restart),
   * without creating one: grading a sandbox that does not exist means nothing.
   * Counts as activity, so a learner checking exercises is not idle.
   */
  sandboxIdOf(learnerId: string, environment: string): string | undefined {
    const key = this.resolveKey(learnerId, environment);
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

  /**
   * The key an environment names. A bare profile (`dind`) with no sandbox of
   * its own means "the learner's current one": the environment they used
   * most recently (what an instructor's shadow view, reset or preview acts on,
   * not knowing which lesson the learner is in).
   */
  private resolveKey(learnerId: string, environment: string, options: { parked?: boolean } = {}): string {
    const exact = keyOf(learnerId, environment);
    if (this.index.holds(exact) || (options.parked && this.index.parked.has(exact)) || parseEnvironment(environment)?.name) return exact;
    let best: { key: string; at: number } | undefined;
    for (const key of this.index.runningKeysOf(learnerId)) {
      const at = this.index.live.get(key)?.lastActivityAt ?? this.index.dormant.get(key)?.since ?? 0;
      if (!best || at > best.at) best = { key, at };
    }
    if (!best && options.parked) {
      for (const [key, { parkedAt }] of this.index.parked) if (key.startsWith(keyOf(learnerId, '')) && (!best || parkedAt > best.at)) best = { key, at: parkedAt };
    }
    return best?.key ?? exact;
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
