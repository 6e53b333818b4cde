import { parseEnvironment } from '../../protocol/environment';
import type { LearnerEnvironments } from '../../protocol/http/environments';
import { join } from 'node:path';
import type { ClassRuntimeStatus, EndedClass } from '../../protocol/http/classroom';
import type { DataDir } from '../../lib/config/data-dir';
import { Disposable, toDisposable } from '../../lib/lifecycle/disposable';
import type { Logger } from '../../lib/logging/logger';
import type { Store } from '../../lib/store';
import type { ClassRecord } from '../../lib/store/classes';
import type { ClassGradeRow } from '../../lib/store/grade-export';
import type { SandboxService } from '../../sandbox-server/src/sandbox-service';
import type { Placement } from '../../sandbox-server/src/sessions/session-manager';
import { LearnerChannel, type FollowPosition } from './learner-channel';
import { classExportFiles, classGrades, writeClassExports, type ExportFile, type ExportFormat } from './class-grades';
import type { ClassRuntimeSettings } from './class-runtime-settings';
import { CLASS_PROFILE, ClassSetup } from './class-setup';

export { classRuntimeSettingsFromEnv, type ClassRuntimeSettings } from './class-runtime-settings';

// What the dashboard shows about a class's machinery, and what ending a class answers: the browser's types.
export type { ClassRuntimeStatus, EndedClass } from '../../protocol/http/classroom';

/** Classes past their end time are ended (grades exported, sandboxes removed) this often. */
const END_SWEEP_MS = 30_000;

/**
 * Connects classes to sandboxes: where a class learner's sandbox comes from
 * (warm pool, registry mirror, class label: ClassSetup), the instructor's
 * live help (reset, extend, message, follow), and ending a class (grades
 * exported, every sandbox and registry of the class removed).
 */
export class ClassRuntime extends Disposable {
  readonly channel = new LearnerChannel();
  private readonly setup: ClassSetup;
  /** The presenter's slide per class (null: not presenting). */
  private readonly presenting = new Map<string, FollowPosition | null>();

  constructor(
    private readonly deps: { store: Store; sandboxes: SandboxService; data: DataDir; settings: ClassRuntimeSettings; log: Logger },
  ) {
    super();
    this.setup = new ClassSetup(deps);
    deps.sandboxes.manager.setPlacement((learnerId, profile) => this.placement(learnerId, profile));
    const sweep = setInterval(() => void this.endOverdue().catch((e: Error) => deps.log.error(`class end sweep: ${e.message}`)), END_SWEEP_MS);
    sweep.unref(); // the sweep must not keep a stopping server alive
    this.register(toDisposable(() => clearInterval(sweep)));
    this.register(toDisposable(() => this.channel.closeAll()));
  }

  /** A new learner sandbox of someone in an open class belongs to that class. */
  placement(learnerId: string, environment: string): Placement | undefined {
    if (parseEnvironment(environment)?.profile !== CLASS_PROFILE) return undefined;
    const record = this.deps.store.classes.openClassesOf(learnerId)[0];
    if (!record) return undefined;
    const registry = this.setup.readyRegistry(record.id);
    return {
      classId: record.id,
      pool: record.id,
      registry,
      registryLogin: registry ? () => this.setup.admit(record.id, registry, learnerId) : undefined,
    };
  }

  /**
   * Gets a class ready in the background: its registry mirror, seeded with
   * every image its lessons declare, then warm sandboxes for the expected
   * learners (using the mirror). Returns at once; the dashboard shows progress.
   */
  prepare(record: ClassRecord): void {
    this.setup.prepare(record);
  }

  /** After a restart: every open class gets its registry and warm pool back (ClassSetup.resume). */
  async resumeOpenClasses(): Promise<void> {
    const now = Date.now();
    for (const record of this.deps.store.classes.list()) {
      if (record.endedAt !== null || record.endsAt <= now) continue;
      this.setup.resume(record);
    }
  }

  status(classId: string): ClassRuntimeStatus {
    return { ...this.setup.status(classId), follow: this.presenting.get(classId) ?? null };
  }

  async reset(classId: string, learnerId: string): Promise<void> {
    await this.deps.sandboxes.manager.reset(learnerId, CLASS_PROFILE);
    this.channel.send(classId, { event: 'sandbox', data: { action: 'reset' } }, learnerId);
  }

  /** The learner's environments, running and parked (every machine of a lab). */
  environments(learnerId: string): LearnerEnvironments {
    const { manager, config } = this.deps.sandboxes;
    return {
      environments: manager.environmentsOf(learnerId).map(({ environment, state, since }) => ({ environment, state, since })),
      keepMs: config.environments.keepMs,
    };
  }

  /** Throws one environment of the learner away (every machine of it), running or parked; false when they had no such environment. */
  async deleteEnvironment(classId: string, learnerId: string, environment: string): Promise<boolean> {
    const { manager } = this.deps.sandboxes;
    if (!manager.environmentsOf(learnerId).some((e) => e.environment === environment)) return false;
    await manager.reset(learnerId, environment);
    this.channel.send(classId, { event: 'sandbox', data: { action: 'reset' } }, learnerId);
    return true;
  }

  /** The environment's /root as a tar stream (running or parked), or undefined when the learner has no such environment. */
  async exportEnvironment(learnerId: string, environment: string): Promise<NodeJS.ReadableStream | undefined> {
    const { manager, driver } = this.deps.sandboxes;
    const found = manager.environmentsOf(learnerId).find((e) => e.environment === environment);
    return found ? driver.exportFolder(found.sandboxId, '/root') : undefined;
  }

  /** Returns the new expiry, or undefined when the learner has no sandbox. */
  async extend(classId: string, learnerId: string, minutes: number): Promise<number | undefined> {
    const expiresAt = await this.deps.sandboxes.manager.extend(learnerId, CLASS_PROFILE, minutes * 60_000);
    if (expiresAt) this.channel.send(classId, { event: 'sandbox', data: { action: 'extended', expiresAt } }, learnerId);
    return expiresAt;
  }

  /** Returns how many learners had a page open to see it. */
  message(classId: string, text: string, learnerId?: string): number {
    return this.channel.send(classId, { event: 'message', data: { text, at: Date.now(), to: learnerId ? 'you' : 'all' } }, learnerId);
  }

  /** The presenter's slide (null: the presenter stopped); followers' pages move to it. */
  follow(classId: string, position: FollowPosition | null): void {
    const current = this.presenting.get(classId) ?? null;
    if (current?.lessonId === position?.lessonId && current?.slide === position?.slide) return;
    this.presenting.set(classId, position);
    this.channel.send(classId, { event: 'follow', data: position });
  }

  /** Serves a learner's event stream for their open class; false when they are in none. */
  serveLearner(req: Parameters<LearnerChannel['serve']>[0], res: Parameters<LearnerChannel['serve']>[1], learnerId: string): boolean {
    const record = this.deps.store.classes.openClassesOf(learnerId)[0];
    if (!record) return false;
    const presenting = this.presenting.get(record.id) ?? null;
    this.channel.serve(req, res, record.id, learnerId, { event: 'class', data: { classId: record.id, name: record.name, endsAt: record.endsAt, presenting } });
    return true;
  }

  /** Every member × every exercise of the class's lessons, tried or not, with display names. */
  grades(classId: string): { record: ClassRecord; rows: ClassGradeRow[] } | null {
    return classGrades(this.deps.store, classId);
  }

  export(classId: string, format: ExportFormat, now = Date.now()): ExportFile | null {
    return classExportFiles(this.deps.store, classId, [format], now)?.[0] ?? null;
  }

  /**
   * Ends a class: marks it ended, writes its grades (CSV and JSON) into the
   * data folder, tells learners, and removes every sandbox, warm sandbox and
   * registry of the class. Idempotent.
   */
  async end(classId: string): Promise<EndedClass | null> {
    const record = this.deps.store.classes.end(classId);
    if (!record) return null;
    await this.setup.settled(classId);
    const folder = join(this.deps.data.path, 'exports');
    writeClassExports(this.deps.store, classId, folder);
    this.channel.send(classId, { event: 'ended', data: {} });
    this.channel.closeClass(classId);
    const removedSandboxes = await this.deps.sandboxes.manager.removeClass(classId);
    await this.setup.remove(classId);
    this.presenting.delete(classId);
    this.deps.log.info(`class "${record.name}" ended: ${removedSandboxes} sandbox(es) removed, grades in ${folder}`);
    const base = `/api/instructor/classes/${classId}/export?format=`;
    return { removedSandboxes, exports: { csv: `${base}csv`, json: `${base}json` } };
  }

  /** Stops the end sweep and closes every learner stream. */
  close(): void {
    this.dispose();
  }

  private async endOverdue(now = Date.now()): Promise<void> {
    for (const record of this.deps.store.classes.list()) {
      if (record.endedAt === null && record.endsAt <= now) await this.end(record.id);
    }
  }
}
