import type { DataDir } from '../../lib/config/data-dir';
import { lessons } from '../../lib/lesson-format/lesson-library';
import type { Logger } from '../../lib/logging/logger';
import type { Store } from '../../lib/store';
import type { ClassRecord } from '../../lib/store/classes';
import { classSeedImages, removeClassRegistry, startClassRegistry, type ClassRegistry } from '../../sandbox-server/src/registry/class-registry';
import { registryNamespace, registryPassword, type RegistryAdmission, type RegistryLogin } from '../../sandbox-server/src/registry/registry-auth';
import type { SandboxService } from '../../sandbox-server/src/sandbox-service';
import type { ClassRuntimeSettings } from './class-runtime-settings';

/** The profile class sandboxes are made with. */
export const CLASS_PROFILE = 'dind';

type Phase = 'off' | 'starting' | 'ready' | 'failed';

/** What the dashboard shows about a class's registry and warm pool. */
export interface ClassSetupStatus {
  registry: { state: Phase; message?: string };
  warm: { state: 'off' | 'filling' | 'ready' | 'failed'; target: number; waiting: number };
}

interface ClassMachinery {
  registry?: ClassRegistry;
  registryState: Phase;
  registryMessage?: string;
  warmState: ClassSetupStatus['warm']['state'];
  warmTarget: number;
  /** The registry and warm pool being set up (ending the class waits for it). */
  preparing?: Promise<void>;
}

export interface ClassSetupDeps {
  store: Store;
  sandboxes: SandboxService;
  data: DataDir;
  settings: ClassRuntimeSettings;
  log: Logger;
}

/**
 * A class's machinery, made ready in the background: its registry mirror,
 * seeded with every image its lessons declare, then warm sandboxes for the
 * expected learners (using the mirror); and each member's login to the
 * class registry.
 */
export class ClassSetup {
  private readonly classes = new Map<string, ClassMachinery>();

  constructor(private readonly deps: ClassSetupDeps) {}

  /** Starts getting a class ready; returns at once (status() shows progress). */
  prepare(record: ClassRecord): void {
    const machinery = this.machineryOf(record.id);
    machinery.warmTarget = Math.min(record.expectedLearners, this.deps.settings.warmPoolMax);
    machinery.preparing = (async () => {
      await this.startRegistry(record, machinery);
      await this.fillPool(record, machinery);
    })().catch((error: Error) => this.deps.log.error(`class ${record.id}: ${error.message}`));
  }

  /**
   * After a restart: an open class gets its registry back (re-seeded; it
   * rejoins the class's sandboxes' networks) and its warm pool refilled for
   * the expected learners who have no sandbox yet (the start-up reconcile
   * removed the unclaimed ones).
   */
  resume(record: ClassRecord): void {
    const machinery = this.machineryOf(record.id);
    machinery.preparing = (async () => {
      await this.startRegistry(record, machinery);
      const sandboxes = (await this.deps.sandboxes.driver.list()).filter((info) => info.classId === record.id);
      for (const info of sandboxes) {
        if (info.network) await machinery.registry?.connect(info.network).catch(() => undefined);
      }
      machinery.warmTarget = Math.max(0, Math.min(record.expectedLearners, this.deps.settings.warmPoolMax) - sandboxes.length);
      await this.fillPool(record, machinery);
    })().catch((error: Error) => this.deps.log.error(`class ${record.id}: ${error.message}`));
  }

  status(classId: string): ClassSetupStatus {
    const machinery = this.classes.get(classId);
    return {
      registry: { state: machinery?.registryState ?? 'off', message: machinery?.registryMessage },
      warm: { state: machinery?.warmState ?? 'off', target: machinery?.warmTarget ?? 0, waiting: this.deps.sandboxes.manager.warmCount(classId) },
    };
  }

  /** The class's registry once it serves. */
  readyRegistry(classId: string): ClassRegistry | undefined {
    const machinery = this.classes.get(classId);
    return machinery?.registryState === 'ready' ? machinery.registry : undefined;
  }

  /**
   * A member's login to their class's registry: their namespace (given once,
   * kept in the store) and a password derived from the server secret, so
   * both are the same after a restart; and the registry's gate learning it.
   */
  admit(classId: string, registry: ClassRegistry, learnerId: string): RegistryAdmission {
    const username = this.deps.store.registryNamespaces.assign(classId, learnerId, registryNamespace);
    if (!username) throw new Error(`learner ${learnerId.slice(0, 8)} is not a member of class ${classId}`);
    const login = this.loginOf(classId, registry, learnerId, username);
    return { login, admitted: registry.admit([login]) };
  }

  /** Waits until the class's set-up (if any) has finished, whichever way. */
  async settled(classId: string): Promise<void> {
    await this.classes.get(classId)?.preparing;
  }

  /** Removes the class's registry (what this run or an earlier one made) and forgets the class. */
  async remove(classId: string): Promise<void> {
    await removeClassRegistry(this.deps.sandboxes.classRegistries, classId);
    this.classes.delete(classId);
  }

  private loginOf(classId: string, registry: ClassRegistry, learnerId: string, username: string): RegistryLogin {
    return { host: registry.registryHost, username, password: registryPassword(this.deps.data.cookieSecret, classId, learnerId) };
  }

  private machineryOf(classId: string): ClassMachinery {
    let machinery = this.classes.get(classId);
    if (!machinery) {
      machinery = { registryState: 'off', warmState: 'off', warmTarget: 0 };
      this.classes.set(classId, machinery);
    }
    return machinery;
  }

  private async fillPool(record: ClassRecord, machinery: ClassMachinery): Promise<void> {
    if (machinery.warmTarget === 0) return;
    machinery.warmState = 'filling';
    const filled = await this.deps.sandboxes.manager.warm({ pool: record.id, count: machinery.warmTarget, profile: CLASS_PROFILE, classId: record.id, registry: machinery.registry });
    machinery.warmState = filled.failed > 0 && filled.started === 0 ? 'failed' : 'ready';
    this.deps.log.info(`class ${record.id}: ${filled.started} warm sandbox(es) in ${(filled.durationMs / 1000).toFixed(1)} s${filled.failed ? `, ${filled.failed} failed` : ''}`);
  }

  private async startRegistry(record: ClassRecord, machinery: ClassMachinery): Promise<void> {
    if (!this.deps.settings.registry) return;
    machinery.registryState = 'starting';
    const backend = this.deps.sandboxes.classRegistries;
    try {
      // What an earlier run of this server left for this class (a restart) goes first.
      await removeClassRegistry(backend, record.id);
      const manifests = record.lessonIds.flatMap((id) => {
        const entry = lessons().get(id);
        return entry?.ok ? [entry.lesson.manifest] : [];
      });
      const registry = await startClassRegistry(backend, {
        classId: record.id,
        image: this.deps.settings.registryImage,
        seedImages: classSeedImages(manifests),
        sourceImage: this.deps.sandboxes.config.image,
        log: (line) => this.deps.log.info(line),
      });
      machinery.registry = registry;
      // A new registry knows nobody: members who already have a namespace (and a
      // sandbox holding its login, after a restart) are let in again.
      await registry.admit(this.deps.store.registryNamespaces.list(record.id).map((m) => this.loginOf(record.id, registry, m.learnerId, m.namespace)));
      machinery.registryState = 'ready';
      machinery.registryMessage = `mirror of ${registry.seeded.join(', ') || 'nothing'} (seeded in ${(registry.seedMs / 1000).toFixed(1)} s); each learner pushes to ${registry.registryHost}/<their namespace>/…`;
    } catch (error) {
      machinery.registryState = 'failed';
      machinery.registryMessage = (error as Error).message;
      this.deps.log.error(`class ${record.id}: registry mirror failed: ${(error as Error).message}`);
    }
  }
}
