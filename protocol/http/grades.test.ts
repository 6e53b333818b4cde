import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBody } from './body';
import { ClassGradesFileSchema } from './grades';

/** The JSON export of a class with one learner who passed one exercise and has not tried the other. */
const file = {
  class: { id: 'k7pm2qabcdef', name: 'Tuesday group' },
  exportedAt: '2026-11-30T15:32:00.000Z',
  grades: [
    { learnerId: 'ada-123', displayName: 'Ada', lessonId: 'first-container', exerciseId: 'run-nginx', passed: true, attempts: 2, firstPassedAt: '2026-11-30T14:10:00.000Z', lastAttemptAt: '2026-11-30T14:10:00.000Z' },
    { learnerId: 'ada-123', displayName: 'Ada', lessonId: 'first-container', exerciseId: 'stop-it', passed: false, attempts: 0, firstPassedAt: null, lastAttemptAt: null },
  ],
};

describe('ClassGradesFileSchema', () => {
  test('an export parses as it is', () => {
    assert.deepEqual(parseBody(ClassGradesFileSchema, file), { ok: true, value: file });
  });
  test('times are ISO 8601, not epoch milliseconds', () => {
    const wrong = { ...file, grades: [{ ...file.grades[0], lastAttemptAt: 1_764_000_000_000 }] };
    assert.deepEqual(parseBody(ClassGradesFileSchema, wrong), { ok: false, error: 'grades.0.lastAttemptAt: Invalid input: expected string, received number' });
    assert.deepEqual(parseBody(ClassGradesFileSchema, { ...file, exportedAt: '30/11/2026' }), { ok: false, error: 'exportedAt: Invalid ISO datetime' });
  });
});
