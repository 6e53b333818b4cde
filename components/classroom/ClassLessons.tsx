'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { LessonProgressBadge } from '../progress/LessonProgressBadge';
import type { LessonProgress } from '../../protocol/http/progress';
import { fetchProgress } from '../progress/progress-client';

export interface ClassLesson {
  id: string;
  title: string;
  summary: string;
  minutes: number;
  level: string;
  exercises: { id: string; title: string }[];
}

/**
 * The class's lessons in order with this learner's progress (the same
 * /api/progress the catalogue uses), and where to go next: the first lesson
 * with an unsolved exercise.
 */
export function ClassLessons({ lessons }: { lessons: ClassLesson[] }) {
  const [progress, setProgress] = useState<Record<string, LessonProgress> | null>(null);

  useEffect(() => {
    let live = true;
    void fetchProgress().then((p) => live && setProgress(p));
    return () => {
      live = false;
    };
  }, []);

  const solved = (lesson: ClassLesson, exerciseId: string): boolean => Boolean(progress?.[lesson.id]?.exercises[exerciseId]?.passed);
  const next = progress ? lessons.find((l) => l.exercises.some((e) => !solved(l, e.id))) : undefined;
  const allDone = progress !== null && lessons.length > 0 && !next && lessons.some((l) => l.exercises.length > 0);
  const nextExercise = next?.exercises.find((e) => !solved(next, e.id));

  return (
    <>
      {next && nextExercise && (
        <div className="mt-6 flex flex-wrap items-center gap-4 rounded-xl border border-sky-200 bg-sky-50 p-5 dark:border-sky-900 dark:bg-sky-950/40" data-testid="up-next">
          <div className="min-w-0 flex-1">
            <div className="text-xs font-semibold uppercase tracking-wide text-sky-700 dark:text-sky-400">{progress?.[next.id] ? 'Continue' : 'Start here'}</div>
            <div className="mt-0.5 truncate text-lg font-semibold">
              Lesson {lessons.indexOf(next) + 1} · {next.title}
            </div>
            <div className="text-sm text-slate-600 dark:text-slate-300">Next exercise: {nextExercise.title}</div>
          </div>
          <Link href={`/lessons/${next.id}`} className="rounded-md bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800">
            {progress?.[next.id] ? 'Continue' : 'Start'} →
          </Link>
        </div>
      )}
      {allDone && (
        <div className="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 p-5 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-100" data-testid="all-done">
          <div className="text-lg font-semibold">✓ Every exercise of this class is solved</div>
          <div className="text-sm">Well done. Explore the rest of the course while the others finish.</div>
        </div>
      )}
      <ol className="mt-6 space-y-3" data-testid="class-lessons">
        {lessons.map((lesson, i) => (
          <li key={lesson.id}>
            <Link
              href={`/lessons/${lesson.id}`}
              className="flex gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm transition hover:border-sky-400 hover:shadow dark:border-slate-700 dark:bg-slate-900"
              data-testid="class-lesson"
              data-lesson={lesson.id}
            >
              <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm font-semibold tabular-nums text-slate-600 dark:bg-slate-800 dark:text-slate-300">{i + 1}</span>
              <span className="min-w-0 flex-1">
                <span className="flex items-start gap-3">
                  <span className="min-w-0 flex-1">
                    <span className="block text-lg font-semibold leading-snug">{lesson.title}</span>
                    <span className="block text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                      {lesson.level} · {lesson.minutes} min
                    </span>
                  </span>
                  <span className="shrink-0 pt-1">
                    <LessonProgressBadge lessonId={lesson.id} exerciseIds={lesson.exercises.map((e) => e.id)} />
                  </span>
                </span>
                <span className="mt-2 block text-sm text-slate-600 dark:text-slate-300">{lesson.summary}</span>
                {lesson.exercises.length > 0 && (
                  <span className="mt-3 flex flex-wrap gap-1.5">
                    {lesson.exercises.map((e) => {
                      const done = solved(lesson, e.id);
                      const tried = Boolean(progress?.[lesson.id]?.exercises[e.id]);
                      return (
                        <span
                          key={e.id}
                          className={`rounded-full px-2 py-0.5 text-xs ${
                            done
                              ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
                              : tried
                                ? 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200'
                                : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300'
                          }`}
                          data-testid="exercise-chip"
                          data-state={done ? 'passed' : tried ? 'tried' : 'untried'}
                        >
                          {done ? '✓' : tried ? '…' : '○'} {e.title}
                        </span>
                      );
                    })}
                  </span>
                )}
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </>
  );
}
