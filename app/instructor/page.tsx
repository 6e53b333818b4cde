import type { Metadata } from 'next';
import Link from 'next/link';
import { ClassTime } from '@/components/classroom/ClassTime';
import { CreateClassForm, type CourseLesson } from '@/components/classroom/CreateClassForm';
import { lessons as lessonLibrary } from '@/lib/lesson-format/lesson-library';
import { classSummaries } from '@/platform/pages/instructor-classes';
import { requireInstructor } from '@/platform/pages/instructor-page';

export const metadata: Metadata = { title: 'Classes' };
export const dynamic = 'force-dynamic';

export default async function InstructorHome() {
  await requireInstructor('/instructor');
  const classes = classSummaries();
  const lessons: CourseLesson[] = lessonLibrary().inCourseOrder().flatMap((entry) =>
    entry.ok
      ? [
          {
            id: entry.id,
            title: entry.lesson.manifest.title,
            level: entry.lesson.manifest.level,
            minutes: entry.lesson.manifest.minutes,
            exercises: entry.lesson.slides.filter((s) => s.exercise).length,
          },
        ]
      : [],
  );
  const open = classes.filter((c) => c.open);
  const past = classes.filter((c) => !c.open);

  return (
    <main className="mx-auto grid w-full max-w-6xl gap-8 px-4 py-8 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <section>
        <h1 className="text-3xl font-semibold tracking-tight">Classes</h1>
        <p className="mt-2 max-w-2xl text-slate-600 dark:text-slate-300">
          A class is a set of lessons for a group, for a while. Learners join with its code; its dashboard shows every learner’s progress live.
        </p>
        <h2 className="mt-8 text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">In session</h2>
        {open.length === 0 ? (
          <p className="mt-2 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-slate-500 dark:text-slate-400 dark:border-slate-700">No class in session. Create one with the form.</p>
        ) : (
          <ul className="mt-2 space-y-3" data-testid="open-classes">
            {open.map((c) => (
              <li key={c.id}>
                <Link
                  href={`/instructor/classes/${c.id}`}
                  className="flex items-center gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm transition hover:border-sky-400 hover:shadow dark:border-slate-700 dark:bg-slate-900"
                >
                  <div className="min-w-0 flex-1">
                    <div className="truncate text-lg font-semibold">{c.name}</div>
                    <div className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">
                      {c.lessonIds.length} {c.lessonIds.length === 1 ? 'lesson' : 'lessons'} · {c.members} / {c.expectedLearners} joined · <ClassTime endsAt={c.endsAt} />
                    </div>
                  </div>
                  <div className="text-right">
                    <div className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">Code</div>
                    <div className="font-mono text-xl font-semibold tracking-[0.2em]">{c.joinCode}</div>
                  </div>
                  <span aria-hidden className="text-slate-500 dark:text-slate-400">
                    →
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {past.length > 0 && (
          <>
            <h2 className="mt-8 text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Earlier</h2>
            <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-700 dark:bg-slate-900">
              {past.map((c) => (
                <li key={c.id}>
                  <Link href={`/instructor/classes/${c.id}`} className="flex items-center gap-3 px-4 py-2.5 text-sm hover:bg-slate-50 dark:hover:bg-slate-800/50">
                    <span className="min-w-0 flex-1 truncate font-medium">{c.name}</span>
                    <span className="text-slate-500 dark:text-slate-400">
                      {c.members} joined · {c.lessonIds.length} {c.lessonIds.length === 1 ? 'lesson' : 'lessons'}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <aside>
        <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm lg:sticky lg:top-4 dark:border-slate-700 dark:bg-slate-900">
          <h2 className="text-lg font-semibold">New class</h2>
          <div className="mt-4">
            <CreateClassForm lessons={lessons} />
          </div>
        </div>
      </aside>
    </main>
  );
}
