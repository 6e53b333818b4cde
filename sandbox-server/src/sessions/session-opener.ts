import { randomBytes } from 'node:crypto';
import { CloseCode } from '../../../protocol';
import type { Logger } from '../../../lib/logging/logger';
import type { SandboxServerConfig } from '../config/config';
import type { SandboxDriver } from '../engine/driver';
import { EngineUnavailableError } from '../engine/errors';
import { installRegistryLogin } from '../registry/registry-auth';
import { SandboxSession } from '../terminal/sandbox-session';
import type { Placement, PlacementLookup } from './placement';
import { keyOf, type Opened, type SessionIndex } from './session-index';
import { waitForEngineReady } from './engine-readiness';
import { selfPacedPool } from './self-paced-warming';
import { isLab, isLaterMachine, labMachineOf, profileOf, type EnvironmentMachines } from './environment-keys';
import type { WarmPool } from './warm-pool';

export const newSessionId = (): string => randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x');

export interface OpenerDeps {
  driver: SandboxDriver;
  config: SandboxServerConfig;
  log: Logger;
  index: SessionIndex;
  pool: WarmPool;
  placement: PlacementLookup;
  /** A place may have freed (an open settled, a session ended): let admission look at the line. */
  placesChanged(): void;
  /** A learner outside any class needs a new sandbox of this profile (the self-paced warming counts it). */
  selfPacedArrival(profile: string): void;
  /** Machines per named environment (a lab has several; each is a sandbox on the lab's own network). */
  machinesOf: EnvironmentMachines;
}

/**
 * Gives a learner their sandbox: the live session, else the one adopted
 * after a restart (reattached), else a warm one (claimed: their class's, or
 * the self-paced pool's for a learner outside any class), else a new one. Two opens for one learner at once share the first.
 */
export class SessionOpener {
  constructor(private readonly deps: OpenerDeps) {}

  open(learnerId: string, profile: string): Promise<Opened> {
    const { index } = this.deps;
    const key = keyOf(learnerId, profile);
    const live = index.live.get(key);
    if (live) return Promise.resolve({ session: live, reattached: true });
    let pending = index.opening.get(key);
    if (!pending) {
      const placement = this.deps.placement(learnerId, profile);
      // A warm sandbox is taken now, before anything awaits: admission let this learner past the
      // line because one waited, and a second learner admitted in the same tick must not count it too.
      const warm = index.dormant.has(key) || index.parked.has(key) ? undefined : this.takeWarm(profile, placement);
      pending = this.openUncached(key, learnerId, profile, placement, warm).finally(() => {
        index.opening.delete(key);
        this.deps.placesChanged(); // a failed open gives its place back
      });
      index.opening.set(key, pending);
    }
    return pending;
  }

  private async openUncached(key: string, learnerId: string, profile: string, placement: Placement | undefined, warm: SandboxSession | undefined): Promise<Opened> {
    const { index } = this.deps;
    const hadOne = index.dormant.has(key) || index.parked.has(key);
    const reattached = await this.reattach(key, learnerId);
    if (reattached) return { session: reattached, reattached: true };
    const parkedAt = index.parked.get(key)?.parkedAt;
    const restored = await this.restore(key, learnerId, placement);
    if (restored) return { session: restored, reattached: false, restoredFrom: parkedAt };
    // This one is fresh: if a parked environment went without the learner, they are told so once.
    const lost = index.lost.get(key);
    index.lost.delete(key);
    // Taken only now when the learner had a sandbox to reattach to or restore (it failed): open() took none for them.
    const claimed = await this.claimWarm(key, learnerId, profile, placement, warm ?? (hadOne ? this.takeWarm(profile, placement) : undefined));
    if (claimed) return { session: claimed, reattached: false, lost };
    return { session: await this.create(key, learnerId, profile, placement), reattached: false, lost };
  }

  /**
   * The learner's parked environment started again, with everything it
   * wrote; undefined (and it removed, the learner told why) when it would
   * not start. Its lifetime starts again now (a class's stays the class's).
   */
  private async restore(key: string, learnerId: string, placement: Placement | undefined): Promise<SandboxSession | undefined> {
    const { driver, index, log, config } = this.deps;
    const parked = index.parked.get(key);
    index.parked.delete(key);
    if (!parked) return undefined;
    let session: SandboxSession | undefined;
    try {
      const info = await driver.inspect(parked.info.id);
      const expiresAt = placement || info.classId ? info.expiresAt : Date.now() + config.limits.maxLifetimeMs;
      if (expiresAt !== info.expiresAt) await driver.update(info.id, { learnerId, expiresAt });
      session = new SandboxSession({ ...info, expiresAt }, driver, config, log);
      await session.open();
      this.own(key, session);
      this.watchEngine(session);
      log.info(`restored ${session.shortId} for learner ${learnerId.slice(0, 8)}, parked ${Math.round((Date.now() - parked.parkedAt) / 60_000)} min ago`);
      return session;
    } catch (error) {
      session?.dispose();
      if (error instanceof EngineUnavailableError) {
        index.parked.set(key, parked); // the engine is away, not the environment: keep it for the next try
        throw error;
      }
      log.warn(`could not restore ${parked.info.id.slice(0, 12)} (${(error as Error).message}); creating a new sandbox`);
      index.lost.set(key, 'unrestorable');
      await driver.remove(parked.info.id).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * The warm sandbox this learner may have, taken out of its pool: their
   * class's pool, or for a learner outside any class the self-paced one (whose
   * warming counts the arrival and refills behind them).
   */
  private takeWarm(environment: string, placement: Placement | undefined): SandboxSession | undefined {
    // A lab's machines are made on the lab's own network, with their hostnames: a warm sandbox has its own network.
    if (isLaterMachine(environment) || isLab(environment, this.deps.machinesOf)) return undefined;
    if (placement) return placement.pool ? this.deps.pool.take(placement.pool) : undefined;
    const profile = profileOf(environment);
    const warm = this.deps.pool.take(selfPacedPool(profile));
    this.deps.selfPacedArrival(profile);
    return warm;
  }

  /** The learner's sandbox from before a restart, attached again; undefined (and it removed) when that fails. */
  private async reattach(key: string, learnerId: string): Promise<SandboxSession | undefined> {
    const { driver, index, log } = this.deps;
    const dormant = index.dormant.get(key);
    index.dormant.delete(key);
    if (!dormant) return undefined;
    let session: SandboxSession | undefined;
    try {
      const info = await driver.inspect(dormant.info.id);
      session = new SandboxSession(info, driver, this.deps.config, log);
      await session.open();
      this.own(key, session);
      this.watchEngine(session);
      log.info(`reattached ${session.shortId} for learner ${learnerId.slice(0, 8)}`);
      return session;
    } catch (error) {
      session?.dispose();
      if (error instanceof EngineUnavailableError) {
        // The engine is away, not the sandbox: keep it for the next try instead of replacing it.
        index.dormant.set(key, dormant);
        throw error;
      }
      log.warn(`could not reattach ${dormant.info.id.slice(0, 12)} (${(error as Error).message}); creating a new sandbox`);
      await driver.remove(dormant.info.id).catch(() => undefined);
      return undefined;
    }
  }

  /** A warm sandbox (taken from its pool) made the learner's; undefined when there was none or the claim failed. */
  private async claimWarm(key: string, learnerId: string, environment: string, placement: Placement | undefined, warm: SandboxSession | undefined): Promise<SandboxSession | undefined> {
    const { driver, log, config } = this.deps;
    if (!warm) return undefined;
    try {
      // A class sandbox lives as long as its class allows; a self-paced one's lifetime starts at the claim, not when it was warmed.
      const expiresAt = placement ? warm.info.expiresAt : Date.now() + config.limits.maxLifetimeMs;
      // The claim is recorded with the container, so a restart maps it back to this learner.
      await driver.update(warm.info.id, { learnerId, expiresAt, profile: environment });
      warm.claimFor(learnerId, environment);
      warm.extendTo(expiresAt);
      await this.giveRegistryLogin(warm.info.id, placement);
      this.own(key, warm);
      log.info(`claimed warm ${warm.shortId} for learner ${learnerId.slice(0, 8)}`);
      return warm;
    } catch (error) {
      log.warn(`could not claim warm ${warm.shortId} (${(error as Error).message}); creating a new sandbox`);
      warm.end({ state: 'removed', message: 'discarded', closeCode: CloseCode.SHUTDOWN });
      await driver.remove(warm.info.id).catch(() => undefined);
      return undefined;
    }
  }

  private async create(key: string, learnerId: string, profile: string, placement: Placement | undefined): Promise<SandboxSession> {
    const { driver, config, log } = this.deps;
    const info = await driver.create({
      learnerId,
      profile,
      sessionId: newSessionId(),
      expiresAt: Date.now() + config.limits.maxLifetimeMs,
      limits: config.limits,
      classId: placement?.classId,
      registry: placement?.registry,
      machine: labMachineOf(learnerId, profile, this.deps.machinesOf),
    });
    const session = new SandboxSession(info, driver, config, log);
    try {
      await session.open();
    } catch (error) {
      session.dispose();
      await driver.remove(info.id).catch(() => undefined);
      throw error;
    }
    await this.giveRegistryLogin(info.id, placement);
    this.own(key, session);
    this.watchEngine(session);
    log.info(`created ${session.shortId} for learner ${learnerId.slice(0, 8)}`);
    return session;
  }

  /**
   * Tells the session's clients when its inner engine answers (a new sandbox
   * boots it for a few seconds; an adopted one usually answers at the first
   * probe). Should it never answer, the shell still comes and the learner is
   * told the engine did not start.
   */
  private watchEngine(session: SandboxSession): void {
    if (session.engineReady) return;
    waitForEngineReady(this.deps.driver, session.info.id, { stillWanted: () => !session.isDisposed }).then(
      () => session.markEngineReady(),
      (error: Error) => {
        if (session.isDisposed) return;
        this.deps.log.warn(error.message);
        session.markEngineReady('Sandbox ready, but its Docker engine did not start: try Reset');
      },
    );
  }

  /** The session is the key's live one until it ends; an ended session must not be handed to the next connect. */
  private own(key: string, session: SandboxSession): void {
    this.deps.index.live.set(key, session);
    session.onDidEnd(() => {
      if (this.deps.index.forget(key, session)) this.deps.placesChanged();
    });
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
      await Promise.all([admitted, installRegistryLogin(this.deps.driver, id, login)]);
    } catch (error) {
      this.deps.log.warn(`sandbox ${id.slice(0, 12)} has no class registry login (${(error as Error).message}); its pushes there will be refused`);
    }
  }
}
