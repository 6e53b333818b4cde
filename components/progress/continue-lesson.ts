import type { LessonProgress } from '../../protocol/http/progress';

/** A lesson of the course as the catalogue's Continue card needs it. */
export interface CourseLesson {
  id: string;
  title: string;
  exerciseIds: string[];
  slides: number;
}

export type ContinueChoice =
  /** Started and not finished: the first such lesson in course order. */
  | { kind: 'continue'; lesson: CourseLesson; solved: number }
  /** Everything started is finished: the first lesson not started yet. */
  | { kind: 'next'; lesson: CourseLesson; solved: number }
  /** Every lesson finished. */
  | { kind: 'done' };

/**
 * Where a returning learner picks up the course: null for a newcomer (the
 * catalogue itself is the start). A lesson is finished when every exercise
 * in it passed, or, with no exercises, when its last slide was reached.
 */
export function lessonToContinue(course: readonly CourseLesson[], progress: Readonly<Record<string, LessonProgress>>): ContinueChoice | null {
  if (!course.some((lesson) => progress[lesson.id])) return null;
  const solved = (lesson: CourseLesson): number => lesson.exerciseIds.filter((id) => progress[lesson.id]?.exercises[id]?.passed).length;
  const finished = (lesson: CourseLesson): boolean =>
    lesson.exerciseIds.length > 0 ? solved(lesson) === lesson.exerciseIds.length : (progress[lesson.id]?.lastSlide ?? -1) >= lesson.slides - 1;
  const unfinished = course.find((lesson) => progress[lesson.id] && !finished(lesson));
  if (unfinished) return { kind: 'continue', lesson: unfinished, solved: solved(unfinished) };
  const fresh = course.find((lesson) => !progress[lesson.id]);
  if (fresh) return { kind: 'next', lesson: fresh, solved: 0 };
  return { kind: 'done' };
}
