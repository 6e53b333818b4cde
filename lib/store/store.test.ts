import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from './index';
import { MIGRATIONS } from './migrations';

const dir = mkdtempSync(join(tmpdir(), 'drydock-store-test-'));
let n = 0;
const freshPath = (): string => join(dir, `db-${++n}.sqlite`);

after(() => rmSync(dir, { recursive: true, force: true }));

interface LearnerRow {
  id: string;
  created_at: number;
  last_seen_at: number;
}

describe('Store', () => {
  test('a new database is migrated to the latest schema version', () => {
    const store = new Store(freshPath());
    try {
      assert.ok(MIGRATIONS.length > 0);
      assert.equal(store.schemaVersion, MIGRATIONS.length);
      const tables = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
      assert.ok(tables.some((t) => t.name === 'learners'));
    } finally {
      store.close();
    }
  });

  test('uses WAL journal mode and enforces foreign keys', () => {
    const store = new Store(freshPath());
    try {
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    } finally {
      store.close();
    }
  });

  test('touchLearner creates a learner, then only updates last_seen_at', () => {
    const store = new Store(freshPath());
    try {
      assert.equal(store.countLearners(), 0);
      store.touchLearner('learner-a', 1_000);
      assert.equal(store.countLearners(), 1);
      const row = (): LearnerRow => store.db.prepare('SELECT * FROM learners WHERE id = ?').get('learner-a') as LearnerRow;
      assert.deepEqual({ ...row() }, { id: 'learner-a', created_at: 1_000, last_seen_at: 1_000 });
      store.touchLearner('learner-a', 5_000);
      assert.equal(store.countLearners(), 1);
      assert.deepEqual({ ...row() }, { id: 'learner-a', created_at: 1_000, last_seen_at: 5_000 });
      store.touchLearner('learner-b', 6_000);
      assert.equal(store.countLearners(), 2);
    } finally {
      store.close();
    }
  });

  test('reopening keeps the data and does not re-run migrations', () => {
    const path = freshPath();
    const first = new Store(path);
    first.touchLearner('kept', 42);
    first.close();

    // Re-running the first migration would fail ("table learners already exists").
    const second = new Store(path);
    try {
      assert.equal(second.schemaVersion, MIGRATIONS.length);
      assert.equal(second.countLearners(), 1);
      const row = second.db.prepare('SELECT created_at FROM learners WHERE id = ?').get('kept') as { created_at: number };
      assert.equal(row.created_at, 42);
    } finally {
      second.close();
    }
  });

  test('a database from a newer Drydock is refused with a clear message', () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    raw.close();
    assert.throws(
      () => new Store(path),
      new RegExp(`schema version ${MIGRATIONS.length + 3} is newer than this Drydock \\(${MIGRATIONS.length}\\); upgrade Drydock`),
    );
    // The refused database is left as it was.
    const check = new Database(path);
    try {
      assert.equal(check.pragma('user_version', { simple: true }), MIGRATIONS.length + 3);
      const learners = check.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'learners'`).get() as { n: number };
      assert.equal(learners.n, 0, 'no migration ran on it');
    } finally {
      check.close();
    }
  });
});
