import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBody } from './body';
import { PositionRequestSchema, ProgressResponseSchema } from './progress';

/** GET /api/progress of a learner who passed one exercise, failed another, and left a lesson on slide 4 without checking anything. */
const progress = {
  lessons: {
    'first-container': {
      exercises: {
        'run-nginx': { attempts: 2, passed: true, firstPassedAt: 1_764_000_060_000, lastAttemptAt: 1_764_000_060_000 },
        'stop-it': { attempts: 1, passed: false, firstPassedAt: null, lastAttemptAt: 1_764_000_090_000 },
      },
      lastSlide: 6,
    },
    dockerfiles: { exercises: {}, lastSlide: 3 },
  },
};

describe('progress bodies', () => {
  test('the progress of a learner parses as it is; a new learner has no lessons', () => {
    assert.deepEqual(parseBody(ProgressResponseSchema, progress), { ok: true, value: progress });
    assert.deepEqual(parseBody(ProgressResponseSchema, { lessons: {} }), { ok: true, value: { lessons: {} } });
  });

  test('a wrong progress body names the lesson and exercise', () => {
    const wrong = structuredClone(progress) as { lessons: Record<string, { exercises: Record<string, { passed: unknown }> }> };
    wrong.lessons['first-container']!.exercises['run-nginx']!.passed = 'yes';
    assert.deepEqual(parseBody(ProgressResponseSchema, wrong), { ok: false, error: 'lessons.first-container.exercises.run-nginx.passed: Invalid input: expected boolean, received string' });
  });

  test('a position is a whole slide index, and nothing else', () => {
    assert.deepEqual(parseBody(PositionRequestSchema, { slide: 4 }), { ok: true, value: { slide: 4 } });
    assert.deepEqual(parseBody(PositionRequestSchema, { slide: -1 }), { ok: false, error: 'slide: Too small: expected number to be >=0' });
    assert.deepEqual(parseBody(PositionRequestSchema, { slide: 1, lesson: 'x' }), { ok: false, error: 'Unrecognized key: "lesson"' });
  });
});
