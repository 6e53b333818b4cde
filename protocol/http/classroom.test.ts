import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBody } from './body';
import {
  ClassGridSchema,
  ClassRuntimeStatusSchema,
  DashboardEventSchema,
  EndedClassSchema,
  isJoinCode,
  JoinRequestSchema,
  JoinResponseSchema,
  LEARNER_EVENT_NAMES,
  LearnerEventSchema,
  normalizeJoinCode,
} from './classroom';

const T0 = 1_764_000_000_000;

/** A class grid as the dashboard gets it: two lessons (one missing), two learners (one stuck, one offline). */
const grid = {
  class: { id: 'k7pm2qabcdef', name: 'Tuesday group', joinCode: 'K7PM2Q', lessonIds: ['first-container', 'gone', 'dockerfiles'], createdAt: T0, endsAt: T0 + 5_400_000, endedAt: null, expectedLearners: 20, open: true },
  lessons: [
    { id: 'first-container', title: 'Your first container', exerciseCount: 1 },
    { id: 'dockerfiles', title: 'Dockerfiles', exerciseCount: 1 },
  ],
  missingLessons: ['gone'],
  columns: [
    { lessonId: 'first-container', exerciseId: 'run-nginx', title: 'Run nginx' },
    { lessonId: 'dockerfiles', exerciseId: 'build', title: 'Build an image' },
  ],
  rows: [
    {
      learnerId: 'ada-123',
      displayName: 'Ada',
      joinedAt: T0 + 1000,
      sockets: 1,
      lastInputAt: T0 + 9000,
      lastActivityAt: T0 + 9000,
      status: 'active',
      stuck: [{ lessonId: 'dockerfiles', exerciseId: 'build', failures: 3 }],
      solved: 1,
      cells: [
        { attempts: 1, passedAt: T0 + 5000, lastAttemptAt: T0 + 5000, hintsUsed: 2, solutionShownAt: T0 + 4000 },
        { attempts: 3, passedAt: null, lastAttemptAt: T0 + 8000, hintsUsed: 0, solutionShownAt: null },
      ],
    },
    {
      learnerId: 'bob-456',
      displayName: 'Bob',
      joinedAt: T0 + 2000,
      sockets: 0,
      lastInputAt: null,
      lastActivityAt: T0 + 2000,
      status: 'offline',
      stuck: [],
      solved: 0,
      cells: [
        { attempts: 0, passedAt: null, lastAttemptAt: null, hintsUsed: 1, solutionShownAt: null },
        { attempts: 0, passedAt: null, lastAttemptAt: null, hintsUsed: 0, solutionShownAt: null },
      ],
    },
  ],
  settings: { stuckAfterFailures: 3, idleAfterMinutes: 5 },
  generatedAt: T0 + 10_000,
};

describe('the instructor dashboard bodies', () => {
  test('a grid parses as it is, on its own and as the stream’s grid event', () => {
    assert.deepEqual(parseBody(ClassGridSchema, grid), { ok: true, value: grid });
    assert.deepEqual(parseBody(DashboardEventSchema, { event: 'grid', data: grid }), { ok: true, value: { event: 'grid', data: grid } });
  });

  test('a wrong grid is refused at the first wrong field', () => {
    const wrong = structuredClone(grid);
    (wrong.rows[1] as { status: string }).status = 'away';
    assert.deepEqual(parseBody(ClassGridSchema, wrong), { ok: false, error: 'rows.1.status: Invalid option: expected one of "offline"|"idle"|"active"' });
    assert.deepEqual(parseBody(ClassGridSchema, { ...grid, class: { ...grid.class, id: '../admin' } }), { ok: false, error: 'class.id: not a class id' });
  });

  test('runtime status: presenting or not, with the mirror’s message when it has one', () => {
    const runtime = { registry: { state: 'failed', message: 'no space left' }, warm: { state: 'filling', target: 20, waiting: 3 }, follow: { lessonId: 'dockerfiles', slide: 3 } };
    assert.deepEqual(parseBody(ClassRuntimeStatusSchema, runtime), { ok: true, value: runtime });
    const idle = { registry: { state: 'off' }, warm: { state: 'off', target: 0, waiting: 0 }, follow: null };
    assert.deepEqual(parseBody(ClassRuntimeStatusSchema, idle), { ok: true, value: idle });
    assert.deepEqual(parseBody(ClassRuntimeStatusSchema, { ...idle, warm: { state: 'ready', target: -1, waiting: 0 } }), { ok: false, error: 'warm.target: Too small: expected number to be >=0' });
  });

  test('an ended class has its export links; an older answer without them is refused', () => {
    const ended = { removedSandboxes: 2, exports: { csv: '/api/instructor/classes/k7pm2qabcdef/export?format=csv', json: '/api/instructor/classes/k7pm2qabcdef/export?format=json' } };
    assert.deepEqual(parseBody(EndedClassSchema, ended), { ok: true, value: ended });
    assert.deepEqual(parseBody(EndedClassSchema, { removed: 3 }), { ok: false, error: 'removedSandboxes: Invalid input: expected number, received undefined' });
    assert.equal(parseBody(EndedClassSchema, null).ok, false);
  });
});

describe('joining', () => {
  test('the code is read as typed (case, spaces and dashes do not matter); the name is trimmed', () => {
    assert.deepEqual(parseBody(JoinRequestSchema, { code: 'k7p-m2q', displayName: '  Ada ' }), { ok: true, value: { code: 'K7PM2Q', displayName: 'Ada' } });
    assert.equal(normalizeJoinCode(' k7 pm-2q'), 'K7PM2Q');
    assert.ok(isJoinCode('K7PM2Q'));
    for (const bad of ['K7PM2', 'K7PM2QQ', 'K0PM2Q', 'K1PM2Q', 'KIPM2Q', 'KOPM2Q']) assert.equal(isJoinCode(bad), false, bad);
  });

  test('a wrong join says which field, in the words the form shows', () => {
    assert.deepEqual(parseBody(JoinRequestSchema, { code: 'K0PM2Q', displayName: 'Ada' }), { ok: false, error: 'code: a join code is 6 letters and digits (no 0, 1, I or O), like K7PM2Q' });
    assert.deepEqual(parseBody(JoinRequestSchema, { code: 'K7PM2Q', displayName: '   ' }), { ok: false, error: 'displayName: enter the name your instructor will see' });
    assert.deepEqual(parseBody(JoinRequestSchema, { code: 'K7PM2Q', displayName: 'A\u200bda' }), { ok: false, error: 'displayName: a name cannot contain control or invisible characters' });
  });

  test('the join answer', () => {
    const joined = { classId: 'k7pm2qabcdef', name: 'Tuesday group', displayName: 'Ada', resumed: false };
    assert.deepEqual(parseBody(JoinResponseSchema, joined), { ok: true, value: joined });
    assert.deepEqual(parseBody(JoinResponseSchema, { ...joined, resumed: undefined }), { ok: false, error: 'resumed: Invalid input: expected boolean, received undefined' });
  });
});

describe('the learner’s class events', () => {
  const events = [
    { event: 'class', data: { classId: 'k7pm2qabcdef', name: 'Tuesday group', endsAt: T0 + 5_400_000, presenting: null } },
    { event: 'class', data: { classId: 'k7pm2qabcdef', name: 'Tuesday group', endsAt: T0 + 5_400_000, presenting: { lessonId: 'dockerfiles', slide: 2 } } },
    { event: 'message', data: { text: 'Five more minutes', at: T0, to: 'all' } },
    { event: 'follow', data: { lessonId: 'dockerfiles', slide: 3 } },
    { event: 'follow', data: null },
    { event: 'sandbox', data: { action: 'reset' } },
    { event: 'sandbox', data: { action: 'extended', expiresAt: T0 + 3_600_000 } },
    { event: 'ended', data: {} },
  ];

  test('every event the server sends parses as it is', () => {
    for (const event of events) assert.deepEqual(parseBody(LearnerEventSchema, event), { ok: true, value: event }, JSON.stringify(event));
    assert.deepEqual(LEARNER_EVENT_NAMES, ['class', 'message', 'follow', 'sandbox', 'ended']);
  });

  test('a followed lesson id must be one (it becomes a path), and a message says who it is for', () => {
    assert.deepEqual(parseBody(LearnerEventSchema, { event: 'follow', data: { lessonId: '../instructor', slide: 1 } }), { ok: false, error: 'data.lessonId: not a lesson id' });
    assert.deepEqual(parseBody(LearnerEventSchema, { event: 'follow', data: { lessonId: 'x', slide: 1.5 } }), { ok: false, error: 'data.slide: Invalid input: expected int, received number' });
    assert.deepEqual(parseBody(LearnerEventSchema, { event: 'message', data: { text: 'hi', at: T0, to: 'them' } }), { ok: false, error: 'data.to: Invalid option: expected one of "all"|"you"' });
    assert.equal(parseBody(LearnerEventSchema, { event: 'party', data: {} }).ok, false);
  });
});
