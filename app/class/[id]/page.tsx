import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ClassLessons, type ClassLesson } from '@/components/classroom/ClassLessons';
import { ClassTime } from '@/components/classroom/ClassTime';
import { lessons as lessonLibrary } from '@/lib/lesson-format/lesson-library';
import { learnerClass } from '@/platform/pages/learner-classes';
import { isClassOpen } from '@/lib/store/classes';

export const metadata: Metadata = { title: 'Your class' };
export const dynamic = 'force-dynamic';

/** A learner's home in a class: its lessons in order, their progress, and what to do next. Members only. */
export default async function ClassPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const found = await learnerClass(id);
  if (!found) notFound();
  const { record, member } = found;

  if (!member) {
    return (
      <main className="mx-auto max-w-md px-4 py-16 text-center">
        <h1 className="text-2xl font-semibold">You are not in this class</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-300">Join it with the code your instructor gives you (from this browser: your progress is kept per browser).</p>
        <Link href="/join" className="mt-6 inline-block rounded-md bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800">
          Join a class
        </Link>
      </main>
    );
  }

  const lessons: ClassLesson[] = record.lessonIds.flatMap((lessonId) => {
    const entry = lessonLibrary().get(lessonId);
    if (!entry?.ok) return [];
    const { manifest, slides } = entry.lesson;
    return [
      {
        id: lessonId,
        title: manifest.title,
        summary: manifest.summary,
        minutes: manifest.minutes,
        level: manifest.level,
        exercises: slides.flatMap((s) => (s.exercise ? [{ id: s.exercise.id, title: s.exercise.title }] : [])),
      },
    ];
  });
  const open = isClassOpen(record);

  return (
    <main className="mx-auto w-full max-w-3xl px-4 py-8" data-testid="class-page">
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <div className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Class</div>
          <h1 className="mt-0.5 text-3xl font-semibold tracking-tight" data-testid="class-name">
            {record.name}
          </h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            You are in as <span className="font-medium text-slate-900 dark:text-slate-100" data-testid="member-name">{member.displayName}</span>
            {open && (
              <>
                {' '}
                ·{' '}
                <Link href={`/join/${record.joinCode}`} className="text-sky-700 underline dark:text-sky-400">
                  change name
                </Link>
              </>
            )}
          </p>
        </div>
        <div className={`rounded-lg border px-3 py-2 text-sm ${open ? 'border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900' : 'border-slate-300 bg-slate-100 dark:border-slate-700 dark:bg-slate-800'}`}>
          {open ? <ClassTime endsAt={record.endsAt} /> : 'This class has ended; your progress is kept.'}
        </div>
      </div>
      <ClassLessons lessons={lessons} />
      <p className="mt-8 text-center text-sm text-slate-500 dark:text-slate-400">
        Each lesson opens beside a terminal into your own sandbox. Your instructor sees which exercises you have solved and when you last typed, and can open a read-only view of your terminal to help you; while they do, your terminal says so.
      </p>
    </main>
  );
}
