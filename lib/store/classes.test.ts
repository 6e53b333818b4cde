import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClassGrid, classGridSnapshot, type ConnectionState, type LessonOutline } from '../../platform/classroom/class-grid';
import type { GridRow } from '../../protocol/http/classroom';
import { ClassesRepository, isJoinCode, JOIN_CODE_ALPHABET, normalizeJoinCode, randomJoinCode } from './classes';
import { testStores } from './test-stores';

const withStore = testStores('classes');

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;

const newClass = (overrides: Partial<{ name: string; lessonIds: string[]; durationMinutes: number; expectedLearners: number }> = {}) => ({
  name: 'Docker basics, Tuesday',
  lessonIds: ['containers-101', 'volumes'],
  durationMinutes: 90,
  expectedLearners: 12,
  ...overrides,
});

/** A code generator that hands out the given codes in turn. */
const codes = (...list: string[]) => {
  let i = 0;
  return () => list[Math.min(i++, list.length - 1)]!;
};

describe('join codes', () => {
  test('six characters from an alphabet without 0, O, 1 or I', () => {
    assert.equal(JOIN_CODE_ALPHABET.length, 32);
    assert.doesNotMatch(JOIN_CODE_ALPHABET, /[01OI]/);
    for (let i = 0; i < 200; i++) {
      const code = randomJoinCode();
      assert.ok(isJoinCode(code), code);
    }
  });

  test('what a learner types is normalized; ambiguous characters are not codes', () => {
    assert.equal(normalizeJoinCode(' k7p-m2q '), 'K7PM2Q');
    assert.ok(isJoinCode('K7PM2Q'));
    assert.ok(!isJoinCode('K7PM2O'), 'O is not in the alphabet');
    assert.ok(!isJoinCode('K7PM21'), '1 is not in the alphabet');
    assert.ok(!isJoinCode('K7PM2'), 'too short');
  });
});

describe('ClassesRepository', () => {
  test('create stores the class with its ordered lessons, end time and an open join code', () => {
    withStore([], (store) => {
      const created = store.classes.create(newClass({ lessonIds: ['volumes', 'containers-101', 'networking'] }), T0);
      assert.ok(isJoinCode(created.joinCode));
      assert.match(created.id, /^[a-z2-9]{12}$/);
      assert.deepEqual(store.classes.get(created.id), {
        id: created.id,
        name: 'Docker basics, Tuesday',
        joinCode: created.joinCode,
        lessonIds: ['volumes', 'containers-101', 'networking'],
        createdAt: T0,
        endsAt: T0 + 90 * MIN,
        endedAt: null,
        expectedLearners: 12,
      });
      assert.equal(store.classes.findOpenByCode(created.joinCode.toLowerCase(), T0 + MIN)?.id, created.id);
      assert.equal(store.classes.findOpenByCode(created.joinCode, T0 + 90 * MIN), null, 'closed at ends_at');
      assert.equal(store.classes.get('nope'), null);
    });
  });

  test('a code is unique among open classes: a taken code is drawn again; once that class is over it can be reused', () => {
    withStore([], (store) => {
      const classes = new ClassesRepository(store.db, codes('AAAAAA', 'AAAAAA', 'BBBBBB', 'AAAAAA'));
      const first = classes.create(newClass({ durationMinutes: 30 }), T0);
      const second = classes.create(newClass(), T0 + MIN);
      assert.equal(first.joinCode, 'AAAAAA');
      assert.equal(second.joinCode, 'BBBBBB', 'AAAAAA was taken by an open class');
      // The first class ended at T0 + 30 min: its code is free again.
      const third = classes.create(newClass(), T0 + 31 * MIN);
      assert.equal(third.joinCode, 'AAAAAA');
      assert.equal(classes.findOpenByCode('AAAAAA', T0 + 32 * MIN)?.id, third.id, 'the open class wins, not the old one');
      assert.deepEqual(
        classes.list().map((c) => c.id),
        [third.id, second.id, first.id],
        'newest first',
      );
    });
  });

  test('create gives up with an error when no free code turns up, and refuses a generator that makes non-codes', () => {
    withStore([], (store) => {
      const always = new ClassesRepository(store.db, () => 'CCCCCC');
      always.create(newClass(), T0);
      assert.throws(() => always.create(newClass(), T0), /no free join code after 20 tries/);
      assert.throws(() => new ClassesRepository(store.db, () => 'O0O0O0').create(newClass(), T0), /not a join code/);
      assert.equal(store.classes.list().length, 1);
    });
  });

  test('join adds a member once; joining again resumes (keeps joined_at, updates the name), never duplicates', () => {
    withStore(['ann', 'bob'], (store) => {
      const c = store.classes.create(newClass(), T0);
      const first = store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0 + MIN);
      assert.ok(first.ok);
      assert.equal(first.resumed, false);
      assert.deepEqual(first.member, { classId: c.id, learnerId: 'ann', displayName: 'Ann', joinedAt: T0 + MIN });

      const again = store.classes.join({ code: c.joinCode.toLowerCase(), learnerId: 'ann', displayName: 'Ann' }, T0 + 5 * MIN);
      assert.ok(again.ok);
      assert.equal(again.resumed, true);
      assert.equal(again.member.joinedAt, T0 + MIN);

      const renamed = store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann B.' }, T0 + 6 * MIN);
      assert.ok(renamed.ok);
      assert.deepEqual(renamed.member, { classId: c.id, learnerId: 'ann', displayName: 'Ann B.', joinedAt: T0 + MIN });

      store.classes.join({ code: c.joinCode, learnerId: 'bob', displayName: 'Bob' }, T0 + 7 * MIN);
      assert.deepEqual(
        store.classes.members(c.id).map((m) => [m.learnerId, m.displayName]),
        [
          ['ann', 'Ann B.'],
          ['bob', 'Bob'],
        ],
      );
      assert.equal((store.db.prepare('SELECT count(*) AS n FROM class_members').get() as { n: number }).n, 2);
      assert.deepEqual(store.classes.member(c.id, 'bob')?.displayName, 'Bob');
      assert.equal(store.classes.member(c.id, 'carol'), null);
    });
  });

  test('join refuses unknown codes and classes that are over (by time or ended)', () => {
    withStore(['ann'], (store) => {
      const c = store.classes.create(newClass({ durationMinutes: 10 }), T0);
      assert.deepEqual(store.classes.join({ code: 'ZZZZZZ', learnerId: 'ann', displayName: 'Ann' }, T0), { ok: false, reason: 'unknown-code' });
      assert.deepEqual(store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0 + 10 * MIN), { ok: false, reason: 'ended' });
      const d = store.classes.create(newClass(), T0);
      store.db.prepare('UPDATE classes SET ended_at = ? WHERE id = ?').run(T0 + MIN, d.id);
      assert.deepEqual(store.classes.join({ code: d.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0 + 2 * MIN), { ok: false, reason: 'ended' });
      assert.equal(store.classes.members(c.id).length + store.classes.members(d.id).length, 0);
    });
  });

  test('the learner must exist (the platform records every learner it identifies)', () => {
    withStore([], (store) => {
      const c = store.classes.create(newClass(), T0);
      assert.throws(() => store.classes.join({ code: c.joinCode, learnerId: 'ghost', displayName: 'G' }, T0), /FOREIGN KEY constraint failed/);
    });
  });

  test('openClassesOf lists the open classes a learner is in, latest joined first', () => {
    withStore(['ann'], (store) => {
      const short = store.classes.create(newClass({ name: 'short', durationMinutes: 10 }), T0);
      const long = store.classes.create(newClass({ name: 'long' }), T0);
      store.classes.join({ code: short.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0 + MIN);
      store.classes.join({ code: long.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0 + 2 * MIN);
      assert.deepEqual(
        store.classes.openClassesOf('ann', T0 + 3 * MIN).map((c) => c.name),
        ['long', 'short'],
      );
      assert.deepEqual(
        store.classes.openClassesOf('ann', T0 + 11 * MIN).map((c) => c.name),
        ['long'],
      );
    });
  });

  test('progress: members and their attempts on the class lessons only', () => {
    withStore(['ann', 'bob', 'eve'], (store) => {
      const c = store.classes.create(newClass({ lessonIds: ['l1'] }), T0);
      store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0);
      store.classes.join({ code: c.joinCode, learnerId: 'bob', displayName: 'Bob' }, T0);
      const attempt = (learnerId: string, lessonId: string, passed: boolean, now: number) =>
        store.progress.recordAttempt({ learnerId, lessonId, exerciseId: 'e1', passed, evidence: {}, durationMs: 1, now });
      attempt('ann', 'l1', false, T0 + MIN);
      attempt('ann', 'l2', true, T0 + MIN); // another lesson: not the class's
      attempt('eve', 'l1', true, T0 + MIN); // not a member
      const { members, progress } = store.classes.progress(c.id);
      assert.deepEqual(
        members.map((m) => m.learnerId),
        ['ann', 'bob'],
      );
      assert.deepEqual(progress, [{ learnerId: 'ann', lessonId: 'l1', exerciseId: 'e1', attempts: 1, firstPassedAt: null, lastAttemptAt: T0 + MIN }]);
    });
  });
});

describe('class grid snapshot', () => {
  const outlines: Record<string, LessonOutline> = {
    l1: { id: 'l1', title: 'Lesson one', exercises: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] },
    l2: { id: 'l2', title: 'Lesson two', exercises: [{ id: 'c', title: 'C' }] },
  };
  const settings = { stuckAfterFailures: 3, idleAfterMinutes: 5 };

  test('rows × columns grouped by lesson, cells not tried / failed ×N / passed, stuck, solved, status', () => {
    withStore(['ann', 'bob', 'cat'], (store) => {
      const c = store.classes.create(newClass({ lessonIds: ['l1', 'gone', 'l2'] }), T0);
      for (const [id, name] of [
        ['bob', 'Bob'],
        ['ann', 'Ann'],
        ['cat', 'Cat'],
      ] as const) {
        store.classes.join({ code: c.joinCode, learnerId: id, displayName: name }, T0);
      }
      const attempt = (learnerId: string, lessonId: string, exerciseId: string, passed: boolean, now: number) =>
        store.progress.recordAttempt({ learnerId, lessonId, exerciseId, passed, evidence: {}, durationMs: 1, now });
      // Ann: fails a three times (stuck), passes c on the 2nd try.
      attempt('ann', 'l1', 'a', false, T0 + 1 * MIN);
      attempt('ann', 'l1', 'a', false, T0 + 2 * MIN);
      attempt('ann', 'l1', 'a', false, T0 + 3 * MIN);
      attempt('ann', 'l2', 'c', false, T0 + 4 * MIN);
      attempt('ann', 'l2', 'c', true, T0 + 5 * MIN);
      // Bob: fails b three times, then passes it: not stuck.
      for (const m of [1, 2, 3]) attempt('bob', 'l1', 'b', false, T0 + m * MIN);
      attempt('bob', 'l1', 'b', true, T0 + 4 * MIN);

      const connections: Record<string, ConnectionState> = {
        ann: { sockets: 1, lastInputAt: T0 + 20 * MIN },
        bob: { sockets: 2, lastInputAt: null },
        cat: { sockets: 0, lastInputAt: null },
      };
      const now = T0 + 21 * MIN;
      const grid = classGridSnapshot(
        { classes: store.classes, lesson: (id) => outlines[id] ?? null, connection: (id) => connections[id]!, settings },
        c.id,
        now,
      );
      assert.ok(grid);
      assert.equal(grid.class.open, true);
      assert.deepEqual(grid.missingLessons, ['gone']);
      assert.deepEqual(grid.lessons, [
        { id: 'l1', title: 'Lesson one', exerciseCount: 2 },
        { id: 'l2', title: 'Lesson two', exerciseCount: 1 },
      ]);
      assert.deepEqual(
        grid.columns.map((col) => `${col.lessonId}/${col.exerciseId}`),
        ['l1/a', 'l1/b', 'l2/c'],
      );
      assert.deepEqual(
        grid.rows.map((r) => r.displayName),
        ['Ann', 'Bob', 'Cat'],
        'sorted by name',
      );
      const [ann, bob, cat] = grid.rows as [(typeof grid.rows)[0], (typeof grid.rows)[0], (typeof grid.rows)[0]];
      assert.deepEqual(ann.cells, [
        { attempts: 3, passedAt: null, lastAttemptAt: T0 + 3 * MIN, hintsUsed: 0, solutionShownAt: null },
        { attempts: 0, passedAt: null, lastAttemptAt: null, hintsUsed: 0, solutionShownAt: null },
        { attempts: 2, passedAt: T0 + 5 * MIN, lastAttemptAt: T0 + 5 * MIN, hintsUsed: 0, solutionShownAt: null },
      ]);
      assert.deepEqual(ann.stuck, [{ lessonId: 'l1', exerciseId: 'a', failures: 3 }]);
      assert.equal(ann.solved, 1);
      assert.equal(ann.status, 'active', 'typed a minute ago');
      assert.equal(ann.lastActivityAt, T0 + 20 * MIN);

      assert.deepEqual(bob.stuck, [], 'a pass after the failures is not stuck');
      assert.equal(bob.solved, 1);
      assert.equal(bob.status, 'idle', 'connected, last check 17 min ago, no input');
      assert.equal(bob.lastActivityAt, T0 + 4 * MIN);
      assert.equal(bob.sockets, 2);

      assert.equal(cat.status, 'offline');
      assert.equal(cat.solved, 0);
      assert.deepEqual(cat.cells.map((x) => x.attempts), [0, 0, 0]);
      assert.deepEqual(grid.settings, settings);
      assert.equal(grid.generatedAt, now);
    });
  });

  test('hints opened and the solution seen are on their cells (tried or not), only for the class’s lessons, and count as activity', () => {
    withStore(['ann', 'cat'], (store) => {
      const c = store.classes.create(newClass({ lessonIds: ['l1', 'l2'] }), T0);
      store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0);
      store.classes.join({ code: c.joinCode, learnerId: 'cat', displayName: 'Cat' }, T0);
      // Ann: fails c, opens both hints and the solution, then passes (marked). Cat: only opens a hint on a.
      store.progress.recordAttempt({ learnerId: 'ann', lessonId: 'l2', exerciseId: 'c', passed: false, evidence: {}, durationMs: 1, now: T0 + MIN });
      store.progress.revealHint('ann', 'l2', 'c', 1, T0 + 2 * MIN);
      store.progress.revealHint('ann', 'l2', 'c', 2, T0 + 3 * MIN);
      store.progress.showSolution('ann', 'l2', 'c', T0 + 4 * MIN);
      store.progress.recordAttempt({ learnerId: 'ann', lessonId: 'l2', exerciseId: 'c', passed: true, evidence: {}, durationMs: 1, now: T0 + 5 * MIN });
      store.progress.revealHint('cat', 'l1', 'a', 1, T0 + 6 * MIN);
      store.progress.showSolution('cat', 'l9', 'z', T0 + 7 * MIN); // not a lesson of this class
      const grid = classGridSnapshot({ classes: store.classes, lesson: (id) => outlines[id] ?? null, connection: () => ({ sockets: 1, lastInputAt: null }), settings }, c.id, T0 + 8 * MIN);
      const [ann, cat] = grid!.rows as [GridRow, GridRow];
      assert.deepEqual(ann.cells[2], { attempts: 2, passedAt: T0 + 5 * MIN, lastAttemptAt: T0 + 5 * MIN, hintsUsed: 2, solutionShownAt: T0 + 4 * MIN });
      assert.equal(ann.solved, 1, 'a pass after the solution still counts');
      assert.deepEqual(cat.cells[0], { attempts: 0, passedAt: null, lastAttemptAt: null, hintsUsed: 1, solutionShownAt: null });
      assert.deepEqual(cat.cells.map((x) => x.solutionShownAt), [null, null, null]);
      assert.equal(cat.lastActivityAt, T0 + 6 * MIN, 'opening a hint is activity; l9 is not this class');
    });
  });

  test('the stuck threshold is configurable, and a class without members has an empty grid', () => {
    withStore(['ann'], (store) => {
      const c = store.classes.create(newClass({ lessonIds: ['l1'] }), T0);
      const empty = classGridSnapshot({ classes: store.classes, lesson: (id) => outlines[id] ?? null, connection: () => ({ sockets: 0, lastInputAt: null }), settings }, c.id, T0);
      assert.deepEqual(empty?.rows, []);
      assert.equal(empty?.columns.length, 2);

      store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann' }, T0);
      store.progress.recordAttempt({ learnerId: 'ann', lessonId: 'l1', exerciseId: 'a', passed: false, evidence: {}, durationMs: 1, now: T0 });
      const { members, progress } = store.classes.progress(c.id);
      const grid = (stuckAfterFailures: number) =>
        buildClassGrid({
          record: store.classes.get(c.id)!,
          members,
          progress,
          lesson: (id) => outlines[id] ?? null,
          connection: () => ({ sockets: 1, lastInputAt: null }),
          settings: { stuckAfterFailures, idleAfterMinutes: 5 },
          now: T0 + MIN,
        });
      assert.equal(grid(1).rows[0]!.stuck.length, 1);
      assert.equal(grid(2).rows[0]!.stuck.length, 0);
      assert.equal(classGridSnapshot({ classes: store.classes, lesson: () => null, connection: () => ({ sockets: 0, lastInputAt: null }), settings }, 'nope'), null);
    });
  });

  test('an ended class is not open', () => {
    withStore([], (store) => {
      const c = store.classes.create(newClass({ durationMinutes: 5 }), T0);
      const grid = classGridSnapshot({ classes: store.classes, lesson: () => null, connection: () => ({ sockets: 0, lastInputAt: null }), settings }, c.id, T0 + 5 * MIN);
      assert.equal(grid?.class.open, false);
    });
  });
});
