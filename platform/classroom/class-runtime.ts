import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { DataDir } from '../../lib/config/data-dir';
import { readEnvSettings } from '../../lib/config/env-settings';
import { loadLesson } from '../../lib/lesson-format/loader';
import type { Store } from '../../lib/store';
import type { ClassRecord } from '../../lib/store/classes';
import { classGradesToCsv, classGradesToJson, type ClassGradeRow } from '../../lib/store/grade-export';
import { classSeedImages, removeClassRegistry, startClassRegistry, type ClassRegistry } from '../../sandbox-server/src/registry/class-registry';
import type { Logger } from '../../lib/logging/logger';
import { registryNamespace, registryPassword, type RegistryAdmission, type RegistryLogin } from '../../sandbox-server/src/registry/registry-auth';
import type { SandboxService } from '../../sandbox-server/src/sandbox-service';
import type { Placement } from '../../sandbox-server/src/sessions/session-manager';
import { LearnerChannel, type FollowPosition } from '../http/learner-channel';

const PROFILE = 'dind';

/** How classes get sandboxes: environment settings, checked at start. */
export interface ClassRuntimeSettings {
  /** Start a registry mirror per class (DRYDOCK_CLASS_REGISTRY=off disables). */
  registry: boolean;
  /** The class registry image (DRYDOCK_REGISTRY_IMAGE). */
  registryImage: string;
  /** Warm sandboxes per class: the expected learners, at most this many (DRYDOCK_WARM_POOL_MAX; 0 turns warm pools off). */
  warmPoolMax: number;
}

const Settings = z.object({
  DRYDOCK_CLASS_REGISTRY: z.enum(['on', 'off']).default('on'),
  DRYDOCK_REGISTRY_IMAGE: z.string().min(1).default('drydock/registry:latest'),
  DRYDOCK_WARM_POOL_MAX: z.coerce.number().int().min(0).max(500).default(40),
});

export function classRuntimeSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): ClassRuntimeSettings {
  const settings = readEnvSettings(Settings, env);
  return { registry: settings.DRYDOCK_CLASS_REGISTRY === 'on', registryImage: settings.DRYDOCK_REGISTRY_IMAGE, warmPoolMax: settings.DRYDOCK_WARM_POOL_MAX };
}

type Phase = 'off' | 'starting' | 'ready' | 'failed';

/** What the dashboard shows about a class's machinery. */
export interface ClassRuntimeStatus {
  registry: { state: Phase; message?: string };
  warm: { state: 'off' | 'filling' | 'ready' | 'failed'; target: number; waiting: number };
  follow: FollowPosition | null;
}

type ExportFormat = 'csv' | 'json';
interface ExportFile {
  filename: string;
  body: string;
}

export interface EndedClass {
  removedSandboxes: number;
  exports: { csv: string; json: string };
}

interface LiveClass {
  registry?: ClassRegistry;
  registryState: Phase;
  registryMessage?: string;
  warmState: ClassRuntimeStatus['warm']['state'];
  warmTarget: number;
  follow: FollowPosition | null;
  /** The registry and warm pool being set up (ending the class waits for it). */
  preparing?: Promise<void>;
}

/** Classes past their end time are ended (grades exported, sandboxes removed) this often. */
const END_SWEEP_MS = 30_000;

/**
 * Connects classes to sandboxes: where a class learner's sandbox comes from
 * (warm pool, registry mirror, class label), the instructor's live help
 * (reset, extend, message, follow), and ending a class (grades exported,
 * every sandbox and registry of the class removed).
 */
export class ClassRuntime {
  readonly channel = new LearnerChannel();
  private readonly live = new Map<string, LiveClass>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: { store: Store; sandboxes: SandboxService; data: DataDir; settings: ClassRuntimeSettings; log: Logger },
  ) {
    deps.sandboxes.manager.setPlacement((learnerId, profile) => this.placement(learnerId, profile));
    this.sweepTimer = setInterval(() => void this.endOverdue().catch((e: Error) => deps.log.error(`class end sweep: ${e.message}`)), END_SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** A new learner sandbox of someone in an open class belongs to that class. */
  placement(learnerId: string, profile: string): Placement | undefined {
    if (profile !== PROFILE) return undefined;
    const record = this.deps.store.classes.openClassesOf(learnerId)[0];
    if (!record) return undefined;
    const live = this.live.get(record.id);
    const registry = live?.registryState === 'ready' ? live.registry : undefined;
    return {
      classId: record.id,
      pool: record.id,
      registry,
      registryLogin: registry ? () => this.admitToRegistry(record.id, registry, learnerId) : undefined,
    };
  }

  /**
   * A member's login to their class's registry: their namespace (given once,
   * kept in the store) and a password derived from the server secret, so
   * both are the same after a restart; and the registry's gate learning it.
   */
  private admitToRegistry(classId: string, registry: ClassRegistry, learnerId: string): RegistryAdmission {
    const username = this.deps.store.registryNamespaces.assign(classId, learnerId, registryNamespace);
    if (!username) throw new Error(`learner ${learnerId.slice(0, 8)} is not a member of class ${classId}`);
    const login = this.loginOf(classId, registry, learnerId, username);
    return { login, admitted: registry.admit([login]) };
  }

  private loginOf(classId: string, registry: ClassRegistry, learnerId: string, username: string): RegistryLogin {
    return { host: registry.registryHost, username, password: registryPassword(this.deps.data.cookieSecret, classId, learnerId) };
  }

  /**
   * Gets a class ready in the background: its registry mirror, seeded with
   * every image its lessons declare, then warm sandboxes for the expected
   * learners (using the mirror). Returns at once; the dashboard shows progress.
   */
  prepare(record: ClassRecord): void {
    const live = this.liveOf(record.id);
    live.warmTarget = Math.min(record.expectedLearners, this.deps.settings.warmPoolMax);
    live.preparing = this.prepareNow(record, live).catch((error: Error) => this.deps.log.error(`class ${record.id}: ${error.message}`));
  }

  /**
   * After a restart: an open class gets its registry back (re-seeded; it
   * rejoins the class's sandboxes' networks) and its warm pool refilled for
   * the expected learners who have no sandbox yet (the start-up reconcile
   * removed the unclaimed ones).
   */
  async resumeOpenClasses(): Promise<void> {
    const now = Date.now();
    for (const record of this.deps.store.classes.list()) {
      if (record.endedAt !== null || record.endsAt <= now) continue;
      const live = this.liveOf(record.id);
      live.preparing = (async () => {
        await this.startRegistry(record, live);
        const sandboxes = (await this.deps.sandboxes.driver.list()).filter((info) => info.classId === record.id);
        for (const info of sandboxes) await live.registry?.connect(`drydock-sb-${info.sessionId}`).catch(() => undefined);
        live.warmTarget = Math.max(0, Math.min(record.expectedLearners, this.deps.settings.warmPoolMax) - sandboxes.length);
        await this.fillPool(record, live);
      })().catch((error: Error) => this.deps.log.error(`class ${record.id}: ${error.message}`));
    }
  }

  status(classId: string): ClassRuntimeStatus {
    const live = this.live.get(classId);
    return {
      registry: { state: live?.registryState ?? 'off', message: live?.registryMessage },
      warm: { state: live?.warmState ?? 'off', target: live?.warmTarget ?? 0, waiting: this.deps.sandboxes.manager.warmCount(classId) },
      follow: live?.follow ?? null,
    };
  }

  async reset(classId: string, learnerId: string): Promise<void> {
    await this.deps.sandboxes.manager.reset(learnerId, PROFILE);
    this.channel.send(classId, { event: 'sandbox', data: { action: 'reset' } }, learnerId);
  }

  /** Returns the new expiry, or undefined when the learner has no sandbox. */
  async extend(classId: string, learnerId: string, minutes: number): Promise<number | undefined> {
    const expiresAt = await this.deps.sandboxes.manager.extend(learnerId, PROFILE, minutes * 60_000);
    if (expiresAt) this.channel.send(classId, { event: 'sandbox', data: { action: 'extended', expiresAt } }, learnerId);
    return expiresAt;
  }

  /** Returns how many learners had a page open to see it. */
  message(classId: string, text: string, learnerId?: string): number {
    return this.channel.send(classId, { event: 'message', data: { text, at: Date.now(), to: learnerId ? 'you' : 'all' } }, learnerId);
  }

  /** The presenter's slide (null: the presenter stopped); followers' pages move to it. */
  follow(classId: string, position: FollowPosition | null): void {
    const live = this.liveOf(classId);
    if (live.follow?.lessonId === position?.lessonId && live.follow?.slide === position?.slide) return;
    live.follow = position;
    this.channel.send(classId, { event: 'follow', data: position });
  }

  /** Serves a learner's event stream for their open class; false when they are in none. */
  serveLearner(req: Parameters<LearnerChannel['serve']>[0], res: Parameters<LearnerChannel['serve']>[1], learnerId: string): boolean {
    const record = this.deps.store.classes.openClassesOf(learnerId)[0];
    if (!record) return false;
    const presenting = this.live.get(record.id)?.follow ?? null;
    this.channel.serve(req, res, record.id, learnerId, { event: 'class', data: { classId: record.id, name: record.name, endsAt: record.endsAt, presenting } });
    return true;
  }

  /** Every member × every exercise of the class's lessons, tried or not, with display names. */
  grades(classId: string): { record: ClassRecord; rows: ClassGradeRow[] } | null {
    const record = this.deps.store.classes.get(classId);
    if (!record) return null;
    const { members, progress } = this.deps.store.classes.progress(classId);
    const byKey = new Map(progress.map((p) => [`${p.learnerId}\u0000${p.lessonId}\u0000${p.exerciseId}`, p]));
    const exercises = record.lessonIds.flatMap((lessonId) => {
      const entry = loadLesson(lessonId);
      return entry?.ok ? entry.lesson.slides.flatMap((s) => (s.exercise ? [{ lessonId, exerciseId: s.exercise.id }] : [])) : [];
    });
    const rows = members.flatMap((m) =>
      exercises.map(({ lessonId, exerciseId }) => {
        const p = byKey.get(`${m.learnerId}\u0000${lessonId}\u0000${exerciseId}`);
        return {
          learnerId: m.learnerId,
          displayName: m.displayName,
          lessonId,
          exerciseId,
          passed: p?.firstPassedAt != null,
          attempts: p?.attempts ?? 0,
          firstPassedAt: p?.firstPassedAt ?? null,
          lastAttemptAt: p?.lastAttemptAt ?? null,
        };
      }),
    );
    return { record, rows };
  }

  export(classId: string, format: ExportFormat, now = Date.now()): ExportFile | null {
    return this.exportFiles(classId, [format], now)?.[0] ?? null;
  }

  /** The grades in several formats from one read, under one timestamp. */
  private exportFiles(classId: string, formats: readonly ExportFormat[], now: number): ExportFile[] | null {
    const grades = this.grades(classId);
    if (!grades) return null;
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    return formats.map((format) => ({
      filename: `class-${slug(grades.record.name)}-${stamp}.${format}`,
      body: format === 'csv' ? classGradesToCsv(grades.record.name, grades.rows) : classGradesToJson({ id: classId, name: grades.record.name, exportedAt: now }, grades.rows),
    }));
  }

  /**
   * Ends a class: marks it ended, writes its grades (CSV and JSON) into the
   * data folder, tells learners, and removes every sandbox, warm sandbox and
   * registry of the class. Idempotent.
   */
  async end(classId: string): Promise<EndedClass | null> {
    const record = this.deps.store.classes.end(classId);
    if (!record) return null;
    const live = this.live.get(classId);
    await live?.preparing;
    const folder = join(this.deps.data.path, 'exports');
    mkdirSync(folder, { recursive: true });
    for (const file of this.exportFiles(classId, ['csv', 'json'], Date.now()) ?? []) {
      writeFileSync(join(folder, file.filename), file.body, { mode: 0o600 });
    }
    this.channel.send(classId, { event: 'ended', data: {} });
    this.channel.closeClass(classId);
    const removedSandboxes = await this.deps.sandboxes.manager.removeClass(classId);
    await removeClassRegistry(this.deps.sandboxes.driver.docker, { serverId: this.deps.sandboxes.config.serverId, classId });
    this.live.delete(classId);
    this.deps.log.info(`class "${record.name}" ended: ${removedSandboxes} sandbox(es) removed, grades in ${folder}`);
    const base = `/api/instructor/classes/${classId}/export?format=`;
    return { removedSandboxes, exports: { csv: `${base}csv`, json: `${base}json` } };
  }

  close(): void {
    clearInterval(this.sweepTimer);
    this.channel.closeAll();
  }

  private liveOf(classId: string): LiveClass {
    let live = this.live.get(classId);
    if (!live) {
      live = { registryState: 'off', warmState: 'off', warmTarget: 0, follow: null };
      this.live.set(classId, live);
    }
    return live;
  }

  private async prepareNow(record: ClassRecord, live: LiveClass): Promise<void> {
    await this.startRegistry(record, live);
    await this.fillPool(record, live);
  }

  private async fillPool(record: ClassRecord, live: LiveClass): Promise<void> {
    if (live.warmTarget === 0) return;
    live.warmState = 'filling';
    const filled = await this.deps.sandboxes.manager.warm({ pool: record.id, count: live.warmTarget, profile: PROFILE, classId: record.id, registry: live.registry });
    live.warmState = filled.failed > 0 && filled.started === 0 ? 'failed' : 'ready';
    this.deps.log.info(`class ${record.id}: ${filled.started} warm sandbox(es) in ${(filled.durationMs / 1000).toFixed(1)} s${filled.failed ? `, ${filled.failed} failed` : ''}`);
  }

  private async startRegistry(record: ClassRecord, live: LiveClass): Promise<void> {
    if (!this.deps.settings.registry) return;
    live.registryState = 'starting';
    const docker = this.deps.sandboxes.driver.docker;
    const serverId = this.deps.sandboxes.config.serverId;
    try {
      // What an earlier run of this server left for this class (a restart) goes first.
      await removeClassRegistry(docker, { serverId, classId: record.id });
      const manifests = record.lessonIds.flatMap((id) => {
        const entry = loadLesson(id);
        return entry?.ok ? [entry.lesson.manifest] : [];
      });
      live.registry = await startClassRegistry(docker, {
        classId: record.id,
        serverId,
        image: this.deps.settings.registryImage,
        seedImages: classSeedImages(manifests),
        sourceImage: this.deps.sandboxes.config.image,
        log: (line) => this.deps.log.info(line),
      });
      // A new registry knows nobody: members who already have a namespace (and a
      // sandbox holding its login, after a restart) are let in again.
      const registry = live.registry;
      await registry.admit(this.deps.store.registryNamespaces.list(record.id).map((m) => this.loginOf(record.id, registry, m.learnerId, m.namespace)));
      live.registryState = 'ready';
      live.registryMessage = `mirror of ${live.registry.seeded.join(', ') || 'nothing'} (seeded in ${(live.registry.seedMs / 1000).toFixed(1)} s); each learner pushes to ${live.registry.registryHost}/<their namespace>/…`;
    } catch (error) {
      live.registryState = 'failed';
      live.registryMessage = (error as Error).message;
      this.deps.log.error(`class ${record.id}: registry mirror failed: ${(error as Error).message}`);
    }
  }

  private async endOverdue(now = Date.now()): Promise<void> {
    for (const record of this.deps.store.classes.list()) {
      if (record.endedAt === null && record.endsAt <= now) await this.end(record.id);
    }
  }
}

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'class';
