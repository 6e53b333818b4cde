import type Database from 'better-sqlite3';

/** Picks a namespace for a display name that none of `taken` has (registryNamespace in sandbox-server/src/registry/registry-auth.ts). */
export type NamespacePicker = (displayName: string, taken: ReadonlySet<string>) => string;

/**
 * Each class member's namespace in the class's writable registry
 * (drydock-registry:5000/<namespace>/…). Given the first time the member
 * needs it, from their display name at that moment, unique in the class, and
 * kept from then on: a member who rejoins under another name keeps pushing
 * where their images are, with the login their sandbox already has.
 * The rules for names are the caller's (the picker); this layer makes the
 * choice durable and race-free.
 */
export class RegistryNamespacesRepository {
  private readonly one;
  private readonly ofClass;
  private readonly member;
  private readonly insert;

  constructor(private readonly db: Database.Database) {
    this.one = db.prepare<[string, string], { namespace: string }>('SELECT namespace FROM class_registry_namespaces WHERE class_id = ? AND learner_id = ?');
    this.ofClass = db.prepare<[string], { learner_id: string; namespace: string }>(
      'SELECT learner_id, namespace FROM class_registry_namespaces WHERE class_id = ? ORDER BY created_at, learner_id',
    );
    this.member = db.prepare<[string, string], { display_name: string }>('SELECT display_name FROM class_members WHERE class_id = ? AND learner_id = ?');
    this.insert = db.prepare('INSERT INTO class_registry_namespaces (class_id, learner_id, namespace, created_at) VALUES (?, ?, ?, ?)');
  }

  /** The member's namespace, given now if they have none yet; null when the learner is not a member of the class. */
  assign(classId: string, learnerId: string, pick: NamespacePicker, now = Date.now()): string | null {
    // IMMEDIATE: two classmates named alike, placed at once, cannot both take "alice".
    return this.db.transaction((): string | null => {
      const existing = this.one.get(classId, learnerId);
      if (existing) return existing.namespace;
      const member = this.member.get(classId, learnerId);
      if (!member) return null;
      const taken = new Set(this.ofClass.all(classId).map((r) => r.namespace));
      const namespace = pick(member.display_name, taken);
      if (taken.has(namespace)) throw new Error(`the namespace picker chose "${namespace}", which a classmate has`);
      this.insert.run(classId, learnerId, namespace, now);
      return namespace;
    }).immediate();
  }

  /** Every namespace given in the class, in the order given. */
  list(classId: string): { learnerId: string; namespace: string }[] {
    return this.ofClass.all(classId).map((r) => ({ learnerId: r.learner_id, namespace: r.namespace }));
  }
}
