import Database from 'better-sqlite3';
import { ClassesRepository } from './classes';
import { MIGRATIONS } from './migrations';
import { ProgressRepository } from './progress';
import { RegistryNamespacesRepository } from './registry-namespaces';

/** The embedded store (SQLite in WAL mode). This module owns the schema. */
export class Store {
  readonly db: Database.Database;
  private readonly touchStatement: Database.Statement<[string, number, number]>;
  readonly progress: ProgressRepository;
  readonly classes: ClassesRepository;
  readonly registryNamespaces: RegistryNamespacesRepository;

  constructor(path: string) {
    this.db = new Database(path);
    try {
      this.configure();
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.touchStatement = this.db.prepare(
      `INSERT INTO learners (id, created_at, last_seen_at) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
    );
    this.progress = new ProgressRepository(this.db);
    this.classes = new ClassesRepository(this.db);
    this.registryNamespaces = new RegistryNamespacesRepository(this.db);
  }

  private configure(): void {
    // WAL: readers never block the writer, and a crash mid-write leaves the last commit intact.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const current = this.schemaVersion;
    if (current > MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this Drydock (${MIGRATIONS.length}); upgrade Drydock`);
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  /** Records that a learner was seen (creating them on first sight). */
  touchLearner(id: string, now = Date.now()): void {
    this.touchStatement.run(id, now, now);
  }

  countLearners(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM learners').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
