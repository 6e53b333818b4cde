import Link from 'next/link';
import { ContinueCard } from '@/components/progress/ContinueCard';
import { LessonProgressBadge } from '@/components/progress/LessonProgressBadge';
import { lessons as lessonLibrary } from '@/lib/lesson-format/lesson-library';

export default function CataloguePage() {
  const lessons = lessonLibrary().inCourseOrder();
  return (
    <main className="mx-auto w-full max-w-5xl px-4 py-8">
      <h1 className="text-3xl font-semibold tracking-tight">Learn Docker by doing</h1>
      <p className="mt-2 max-w-2xl text-slate-600 dark:text-slate-300">
        Each lesson opens beside a real terminal into your own sandbox, with its own Docker engine inside. Nothing to install; break anything you like.
      </p>
      <ContinueCard
        course={lessons.flatMap((entry) =>
          entry.ok
            ? [{ id: entry.id, title: entry.lesson.manifest.title, exerciseIds: entry.lesson.slides.flatMap((s) => (s.exercise ? [s.exercise.id] : [])), slides: entry.lesson.slides.length }]
            : [],
        )}
      />
      <ol className="mt-8 grid gap-4 sm:grid-cols-2">
        {lessons.map((entry, i) => (
          <li key={entry.id}>
            <Link
              href={`/lessons/${entry.id}`}
              className="block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm transition hover:border-sky-400 hover:shadow dark:border-slate-700 dark:bg-slate-900"
            >
              {entry.ok ? (
                <>
                  <div className="flex items-center gap-2 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
                    <span>
                      Lesson {i + 1} · {entry.lesson.manifest.level} · {entry.lesson.manifest.minutes} min
                    </span>
                    <span className="ml-auto normal-case tracking-normal">
                      <LessonProgressBadge lessonId={entry.id} exerciseIds={entry.lesson.slides.flatMap((s) => (s.exercise ? [s.exercise.id] : []))} />
                    </span>
                  </div>
                  <h2 className="mt-1 text-lg font-semibold">{entry.lesson.manifest.title}</h2>
                  <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{entry.lesson.manifest.summary}</p>
                </>
              ) : (
                <>
                  <h2 className="text-lg font-semibold text-rose-700">{entry.id}</h2>
                  <p className="mt-2 text-sm text-rose-700">This lesson has errors and cannot be shown yet.</p>
                </>
              )}
            </Link>
          </li>
        ))}
      </ol>
      {lessons.length === 0 && <p className="mt-8 text-slate-500 dark:text-slate-400">No lessons found in lessons/.</p>}
    </main>
  );
}
