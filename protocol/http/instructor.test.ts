import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBody } from './body';
import {
  ClassListResponseSchema,
  EXTEND_MINUTES,
  ExtendRequestSchema,
  FollowRequestSchema,
  MESSAGE_MAX,
  MessageRequestSchema,
  NewClassRequestSchema,
  NewClassResponseSchema,
} from './instructor';

const record = { id: 'k7pm2qabcdef', name: 'Tuesday group', joinCode: 'K7PM2Q', lessonIds: ['first-container'], createdAt: 1_764_000_000_000, endsAt: 1_764_005_400_000, endedAt: null, expectedLearners: 20 };

describe('instructor bodies', () => {
  test('the class list and a created class parse as they are', () => {
    const list = { classes: [{ ...record, open: true, members: 4 }] };
    assert.deepEqual(parseBody(ClassListResponseSchema, list), { ok: true, value: list });
    assert.deepEqual(parseBody(NewClassResponseSchema, { class: record }), { ok: true, value: { class: record } });
    assert.deepEqual(parseBody(ClassListResponseSchema, { classes: [record] }), { ok: false, error: 'classes.0.open: Invalid input: expected boolean, received undefined' });
  });

  test('a new class: trimmed name, lessons once each, bounded duration and group size', () => {
    const body = { name: ' Tuesday ', lessonIds: ['first-container', 'dockerfiles'], durationMinutes: 90, expectedLearners: 20 };
    assert.deepEqual(parseBody(NewClassRequestSchema, body), { ok: true, value: { ...body, name: 'Tuesday' } });
    assert.deepEqual(parseBody(NewClassRequestSchema, { ...body, lessonIds: ['a', 'a'] }), { ok: false, error: 'lessonIds: a lesson is listed twice' });
    assert.deepEqual(parseBody(NewClassRequestSchema, { ...body, durationMinutes: 1441 }), { ok: false, error: 'durationMinutes: a class lasts at most 24 hours (1440 minutes)' });
    assert.deepEqual(parseBody(NewClassRequestSchema, { ...body, expectedLearners: 0 }), { ok: false, error: 'expectedLearners: at least 1 learner' });
    assert.deepEqual(parseBody(NewClassRequestSchema, { ...body, lessonIds: ['Not/A/Lesson'] }), { ok: false, error: 'lessonIds.0: not a lesson id' });
  });

  test('extend minutes: the form’s bounds are the schema’s', () => {
    assert.equal(parseBody(ExtendRequestSchema, { minutes: EXTEND_MINUTES.min }).ok, true);
    assert.equal(parseBody(ExtendRequestSchema, { minutes: EXTEND_MINUTES.max }).ok, true);
    assert.equal(parseBody(ExtendRequestSchema, { minutes: EXTEND_MINUTES.default }).ok, true);
    assert.deepEqual(parseBody(ExtendRequestSchema, { minutes: EXTEND_MINUTES.min - 1 }), { ok: false, error: 'minutes: at least 5 minutes' });
    assert.deepEqual(parseBody(ExtendRequestSchema, { minutes: EXTEND_MINUTES.max + 1 }), { ok: false, error: 'minutes: at most 240 minutes' });
    assert.deepEqual(parseBody(ExtendRequestSchema, { minutes: 30.5 }), { ok: false, error: 'minutes: whole minutes' });
  });

  test('a message: at most MESSAGE_MAX characters after trimming, to a learner id or to all', () => {
    assert.deepEqual(parseBody(MessageRequestSchema, { text: ` ${'x'.repeat(MESSAGE_MAX)} ` }).ok, true);
    assert.deepEqual(parseBody(MessageRequestSchema, { text: 'x'.repeat(MESSAGE_MAX + 1) }), { ok: false, error: 'text: a message has at most 500 characters' });
    assert.deepEqual(parseBody(MessageRequestSchema, { text: '  ' }), { ok: false, error: 'text: write a message' });
    assert.deepEqual(parseBody(MessageRequestSchema, { text: 'hi', learnerId: 'a b' }), { ok: false, error: 'learnerId: not a learner id' });
  });

  test('follow: a lesson id and a slide, nothing more', () => {
    assert.deepEqual(parseBody(FollowRequestSchema, { lessonId: 'dockerfiles', slide: 0 }), { ok: true, value: { lessonId: 'dockerfiles', slide: 0 } });
    assert.deepEqual(parseBody(FollowRequestSchema, { lessonId: 'dockerfiles', slide: 0, classId: 'x' }), { ok: false, error: 'Unrecognized key: "classId"' });
  });
});
