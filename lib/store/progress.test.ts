import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './index';
import { testStores } from './test-stores';

const withStore = testStores('progress');

const attempt = (learnerId: string, lessonId: string, exerciseId: string, passed: boolean, now: number, evidence: unknown = { ok: passed }) => ({
  learnerId,
  lessonId,
  exerciseId,
  passed,
  evidence,
  durationMs: 12.6,
  now,
});

const count = (store: Store, table: 'check_attempts' | 'exercise_progress' | 'lesson_positions'): number =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('ProgressRepository', () => {
  test('attempts are numbered 1, 2, 3 per (learner, lesson, exercise), independently', () => {
    withStore(['ann', 'bob'], (store) => {
      const p = store.progress;
      assert.equal(p.recordAttempt(attempt('ann', 'l1', 'e1', false, 10)).attempt, 1);
      assert.equal(p.recordAttempt(attempt('ann', 'l1', 'e1', false, 20)).attempt, 2);
      assert.equal(p.recordAttempt(attempt('ann', 'l1', 'e2', false, 30)).attempt, 1, 'another exercise');
      assert.equal(p.recordAttempt(attempt('ann', 'l2', 'e1', false, 40)).attempt, 1, 'same exercise id in another lesson');
      assert.equal(p.recordAttempt(attempt('bob', 'l1', 'e1', false, 50)).attempt, 1, 'another learner');
      assert.equal(p.recordAttempt(attempt('ann', 'l1', 'e1', true, 60)).attempt, 3);
      const rows = store.db
        .prepare('SELECT learner_id, lesson_id, exercise_id, attempt FROM check_attempts ORDER BY id')
        .all()
        .map((r) => ({ ...(r as object) }));
      assert.deepEqual(rows, [
        { learner_id: 'ann', lesson_id: 'l1', exercise_id: 'e1', attempt: 1 },
        { learner_id: 'ann', lesson_id: 'l1', exercise_id: 'e1', attempt: 2 },
        { learner_id: 'ann', lesson_id: 'l1', exercise_id: 'e2', attempt: 1 },
        { learner_id: 'ann', lesson_id: 'l2', exercise_id: 'e1', attempt: 1 },
        { learner_id: 'bob', lesson_id: 'l1', exercise_id: 'e1', attempt: 1 },
        { learner_id: 'ann', lesson_id: 'l1', exercise_id: 'e1', attempt: 3 },
      ]);
    });
  });

  test('a pass is kept: a later failure does not take it away', () => {
    withStore(['ann'], (store) => {
      const p = store.progress;
      assert.deepEqual(p.recordAttempt(attempt('ann', 'l1', 'e1', false, 100)), { attempt: 1, everPassed: false });
      assert.deepEqual(p.recordAttempt(attempt('ann', 'l1', 'e1', true, 200)), { attempt: 2, everPassed: true });
      assert.deepEqual(p.recordAttempt(attempt('ann', 'l1', 'e1', false, 300)), { attempt: 3, everPassed: true });
      assert.deepEqual(p.recordAttempt(attempt('ann', 'l1', 'e1', true, 400)), { attempt: 4, everPassed: true });
      assert.deepEqual(p.forLearner('ann'), {
        l1: { exercises: { e1: { attempts: 4, passed: true, firstPassedAt: 200, lastAttemptAt: 400 } }, lastSlide: null },
      });
    });
  });

  test('failures only: not passed', () => {
    withStore(['ann'], (store) => {
      store.progress.recordAttempt(attempt('ann', 'l1', 'e1', false, 100));
      store.progress.recordAttempt(attempt('ann', 'l1', 'e1', false, 150));
      assert.deepEqual(store.progress.forLearner('ann'), {
        l1: { exercises: { e1: { attempts: 2, passed: false, firstPassedAt: null, lastAttemptAt: 150 } }, lastSlide: null },
      });
    });
  });

  test('the evidence is stored as JSON with the attempt, its result, duration and time', () => {
    withStore(['ann'], (store) => {
      const evidence = { checks: [{ index: 0, passed: false, output: 'there is no container named "box"\n' }], note: 'ünïcode ✓' };
      store.progress.recordAttempt(attempt('ann', 'l1', 'e1', false, 1234, evidence));
      const row = store.db.prepare('SELECT passed, evidence, duration_ms, created_at FROM check_attempts').get() as {
        passed: number;
        evidence: string;
        duration_ms: number;
        created_at: number;
      };
      assert.equal(typeof row.evidence, 'string');
      assert.deepEqual(JSON.parse(row.evidence), evidence);
      assert.equal(row.passed, 0);
      assert.equal(row.duration_ms, 13, 'rounded to whole milliseconds');
      assert.equal(row.created_at, 1234);
    });
  });

  test('showSolution keeps the first look; helpOn gives it per learner and exercise', () => {
    withStore(['ann', 'bob'], (store) => {
      assert.equal(store.progress.showSolution('ann', 'l1', 'e1', 100), 100);
      assert.equal(store.progress.showSolution('ann', 'l1', 'e1', 200), 100, 'a second look changes nothing');
      store.progress.showSolution('bob', 'l1', 'e2', 300);
      assert.deepEqual(store.progress.helpOn('ann', 'l1', 'e1'), { hintsUsed: 0, lastHintAt: null, solutionShownAt: 100 });
      assert.deepEqual(store.progress.helpOn('bob', 'l1', 'e1'), { hintsUsed: 0, lastHintAt: null, solutionShownAt: null });
      assert.equal(store.progress.helpOn('bob', 'l1', 'e2').solutionShownAt, 300);
    });
  });

  test('revealHint keeps the highest hint opened (hints open in order), and when it was opened', () => {
    withStore(['ann', 'bob'], (store) => {
      const p = store.progress;
      assert.equal(p.revealHint('ann', 'l1', 'e1', 1, 100), 1);
      assert.equal(p.revealHint('ann', 'l1', 'e1', 2, 200), 2);
      assert.equal(p.revealHint('ann', 'l1', 'e1', 1, 300), 2, 'opening hint 1 again (a reload) takes nothing back');
      assert.equal(p.revealHint('ann', 'l1', 'e1', 2, 400), 2);
      assert.equal(p.revealHint('bob', 'l1', 'e1', 3, 500), 3, 'per learner');
      assert.deepEqual(p.helpOn('ann', 'l1', 'e1'), { hintsUsed: 2, lastHintAt: 200, solutionShownAt: null });
      const row = store.db.prepare("SELECT first_hint_at, last_hint_at FROM hint_reveals WHERE learner_id = 'ann'").get();
      assert.deepEqual({ ...(row as object) }, { first_hint_at: 100, last_hint_at: 200 });
    });
  });

  test('allGrades: hints, the solution and whether the first pass came after it; help without attempts is a row too', () => {
    withStore(['ann', 'bob', 'cat'], (store) => {
      const p = store.progress;
      // ann: looks at the solution, then passes. bob: passes, then looks. cat: opens a hint and never checks.
      p.recordAttempt(attempt('ann', 'l1', 'e1', false, 10));
      p.revealHint('ann', 'l1', 'e1', 1, 15);
      p.showSolution('ann', 'l1', 'e1', 20);
      p.recordAttempt(attempt('ann', 'l1', 'e1', true, 30));
      p.recordAttempt(attempt('bob', 'l1', 'e1', true, 40));
      p.showSolution('bob', 'l1', 'e1', 50);
      p.revealHint('cat', 'l1', 'e1', 1, 60);
      const pick = ({ learnerId, attempts, passed, lastAttemptAt, hintsUsed, solutionShownAt, passedAfterSolution }: ReturnType<typeof p.allGrades>[number]) => ({
        learnerId,
        attempts,
        passed,
        lastAttemptAt,
        hintsUsed,
        solutionShownAt,
        passedAfterSolution,
      });
      assert.deepEqual(p.allGrades().map(pick), [
        { learnerId: 'ann', attempts: 2, passed: true, lastAttemptAt: 30, hintsUsed: 1, solutionShownAt: 20, passedAfterSolution: true },
        { learnerId: 'bob', attempts: 1, passed: true, lastAttemptAt: 40, hintsUsed: 0, solutionShownAt: 50, passedAfterSolution: false },
        { learnerId: 'cat', attempts: 0, passed: false, lastAttemptAt: null, hintsUsed: 1, solutionShownAt: null, passedAfterSolution: false },
      ]);
    });
  });

  test('setPosition upserts the last slide per lesson', () => {
    withStore(['ann'], (store) => {
      store.progress.setPosition('ann', 'l1', 2, 10);
      store.progress.setPosition('ann', 'l1', 5, 20);
      store.progress.setPosition('ann', 'l2', 0, 30);
      assert.equal(count(store, 'lesson_positions'), 2);
      const row = store.db.prepare('SELECT slide, updated_at FROM lesson_positions WHERE learner_id = ? AND lesson_id = ?').get('ann', 'l1');
      assert.deepEqual({ ...(row as object) }, { slide: 5, updated_at: 20 });
      assert.deepEqual(store.progress.forLearner('ann'), {
        l1: { exercises: {}, lastSlide: 5 },
        l2: { exercises: {}, lastSlide: 0 },
      });
    });
  });

  test('forLearner groups by lesson and includes lastSlide; other learners are not included', () => {
    withStore(['ann', 'bob'], (store) => {
      const p = store.progress;
      p.recordAttempt(attempt('ann', 'l1', 'e1', true, 10));
      p.recordAttempt(attempt('ann', 'l1', 'e2', false, 20));
      p.recordAttempt(attempt('ann', 'l2', 'x', false, 30));
      p.setPosition('ann', 'l1', 3, 40);
      p.setPosition('ann', 'l3', 1, 50);
      p.recordAttempt(attempt('bob', 'l1', 'e1', false, 60));
      p.recordAttempt(attempt('bob', 'l9', 'e9', true, 70));
      p.setPosition('bob', 'l2', 7, 80);

      assert.deepEqual(p.forLearner('ann'), {
        l1: {
          exercises: {
            e1: { attempts: 1, passed: true, firstPassedAt: 10, lastAttemptAt: 10 },
            e2: { attempts: 1, passed: false, firstPassedAt: null, lastAttemptAt: 20 },
          },
          lastSlide: 3,
        },
        l2: { exercises: { x: { attempts: 1, passed: false, firstPassedAt: null, lastAttemptAt: 30 } }, lastSlide: null },
        l3: { exercises: {}, lastSlide: 1 },
      });
      assert.deepEqual(p.forLearner('bob'), {
        l1: { exercises: { e1: { attempts: 1, passed: false, firstPassedAt: null, lastAttemptAt: 60 } }, lastSlide: null },
        l9: { exercises: { e9: { attempts: 1, passed: true, firstPassedAt: 70, lastAttemptAt: 70 } }, lastSlide: null },
        l2: { exercises: {}, lastSlide: 7 },
      });
      assert.deepEqual(p.forLearner('nobody'), {});
    });
  });

  test('atomic: when the attempt cannot be inserted, exercise_progress is not changed either', () => {
    withStore(['ann'], (store) => {
      // 'ghost' was never touched: the foreign key to learners refuses the attempt.
      assert.throws(() => store.progress.recordAttempt(attempt('ghost', 'l1', 'e1', true, 10)), /FOREIGN KEY constraint failed/);
      assert.equal(count(store, 'check_attempts'), 0);
      assert.equal(count(store, 'exercise_progress'), 0);
      assert.deepEqual(store.progress.forLearner('ghost'), {});

      // A known learner's existing progress is left as it was by a failing attempt.
      store.progress.recordAttempt(attempt('ann', 'l1', 'e1', false, 20));
      const insert = store.db.prepare('INSERT INTO check_attempts (learner_id, lesson_id, exercise_id, attempt, passed, evidence, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      // Occupy attempt number 2, so the next recordAttempt hits the UNIQUE constraint.
      insert.run('ann', 'l1', 'e1', 2, 0, '{}', 1, 25);
      assert.throws(() => store.progress.recordAttempt(attempt('ann', 'l1', 'e1', true, 30)), /UNIQUE constraint failed/);
      assert.deepEqual(store.progress.forLearner('ann'), {
        l1: { exercises: { e1: { attempts: 1, passed: false, firstPassedAt: null, lastAttemptAt: 20 } }, lastSlide: null },
      });
      assert.equal(count(store, 'check_attempts'), 2);
    });
  });

  test('atomic: when the progress cannot be written, the attempt is rolled back', () => {
    withStore(['ann'], (store) => {
      store.progress.recordAttempt(attempt('ann', 'l1', 'e1', false, 10));
      // Only in this test database: make the progress upsert fail after the attempt row went in.
      store.db.exec(`CREATE TRIGGER fail_progress BEFORE UPDATE ON exercise_progress BEGIN SELECT RAISE(ABORT, 'progress write refused'); END`);
      assert.throws(() => store.progress.recordAttempt(attempt('ann', 'l1', 'e1', true, 20)), /progress write refused/);
      assert.equal(count(store, 'check_attempts'), 1, 'the second attempt row was rolled back');
      store.db.exec('DROP TRIGGER fail_progress');
      assert.deepEqual(store.progress.recordAttempt(attempt('ann', 'l1', 'e1', true, 30)), { attempt: 2, everPassed: true }, 'numbering continues without a gap');
    });
  });

  test('the learner must exist for setPosition too', () => {
    withStore([], (store) => {
      assert.throws(() => store.progress.setPosition('ghost', 'l1', 1, 10), /FOREIGN KEY constraint failed/);
      assert.equal(count(store, 'lesson_positions'), 0);
    });
  });
});
