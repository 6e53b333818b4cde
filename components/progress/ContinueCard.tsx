'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { lessonToContinue, type ContinueChoice, type CourseLesson } from './continue-lesson';
import { fetchProgress } from './progress-client';

/** On the catalogue, for a returning learner: where they pick up the course (the lesson reopens on its last slide seen). */
export function ContinueCard({ course }: { course: CourseLesson[] }) {
  const [choice, setChoice] = useState<ContinueChoice | null>(null);

  useEffect(() => {
    let live = true;
    void fetchProgress().then((progress) => {
      if (live) setChoice(lessonToContinue(course, progress));
    });
    return () => {
      live = false;
    };
  }, [course]);

  if (!choice) return null;
  if (choice.kind === 'done') {
    return (
      <p className="mt-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100" data-testid="continue-card" data-kind="done">
        You have finished every lesson of the course. Any of them stays open to practise again.
      </p>
    );
  }
  const { lesson, solved } = choice;
  return (
    <Link
      href={`/lessons/${lesson.id}`}
      className="mt-6 flex items-center gap-4 rounded-lg border border-sky-300 bg-sky-50 p-4 hover:border-sky-500 dark:border-sky-800 dark:bg-sky-950"
      data-testid="continue-card"
      data-kind={choice.kind}
    >
      <span className="flex-1">
        <span className="block text-xs font-semibold uppercase tracking-wide text-sky-800 dark:text-sky-200">{choice.kind === 'continue' ? 'Continue where you left off' : 'Next in the course'}</span>
        <span className="block text-lg font-semibold">{lesson.title}</span>
        {lesson.exerciseIds.length > 0 && (
          <span className="block text-sm text-slate-700 dark:text-slate-300">
            {solved} of {lesson.exerciseIds.length} exercises solved
          </span>
        )}
      </span>
      <span aria-hidden className="text-2xl text-sky-800 dark:text-sky-200">
        →
      </span>
    </Link>
  );
}
