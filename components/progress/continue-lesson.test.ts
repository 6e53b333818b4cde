import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LessonProgress } from '../../protocol/http/progress';
import { lessonToContinue, type CourseLesson } from './continue-lesson';

const course: CourseLesson[] = [
  { id: 'a', title: 'A', exerciseIds: ['a1', 'a2'], slides: 10 },
  { id: 'b', title: 'B', exerciseIds: [], slides: 5 },
  { id: 'c', title: 'C', exerciseIds: ['c1'], slides: 8 },
];
const solvedAt = { attempts: 1, passed: true, firstPassedAt: 1, lastAttemptAt: 1 };
const failed = { attempts: 2, passed: false, firstPassedAt: null, lastAttemptAt: 2 };
const at = (lastSlide: number | null, exercises: LessonProgress['exercises'] = {}): LessonProgress => ({ lastSlide, exercises });

test('a newcomer gets no card', () => {
  assert.equal(lessonToContinue(course, {}), null);
});

test('the first started, unfinished lesson in course order, with what is solved', () => {
  assert.deepEqual(lessonToContinue(course, { a: at(4, { a1: solvedAt, a2: failed }), c: at(2) }), { kind: 'continue', lesson: course[0], solved: 1 });
});

test('a lesson without exercises is finished once its last slide was reached', () => {
  const all = { a: at(9, { a1: solvedAt, a2: solvedAt }) };
  assert.deepEqual(lessonToContinue(course, { ...all, b: at(2) }), { kind: 'continue', lesson: course[1], solved: 0 });
  assert.deepEqual(lessonToContinue(course, { ...all, b: at(4) }), { kind: 'next', lesson: course[2], solved: 0 });
});

test('everything finished: done', () => {
  assert.deepEqual(lessonToContinue(course, { a: at(9, { a1: solvedAt, a2: solvedAt }), b: at(4), c: at(7, { c1: solvedAt }) }), { kind: 'done' });
});
