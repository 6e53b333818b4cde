'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { fetchProgress, PROGRESS_CHANGED_EVENT } from '../progress/progress-client';

/** Under a lesson's last slide: how much of it is solved, and the way on (the next lesson in the course, or back to the catalogue). */
export function LessonEnd({ lessonId, title, exerciseIds, next }: { lessonId: string; title: string; exerciseIds: string[]; next: { id: string; title: string } | null }) {
  const [solved, setSolved] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    const look = () =>
      void fetchProgress().then((progress) => {
        if (live) setSolved(exerciseIds.filter((id) => progress[lessonId]?.exercises[id]?.passed).length);
      });
    look();
    // A Check on this very slide changes the count: look again when one passes.
    window.addEventListener(PROGRESS_CHANGED_EVENT, look);
    return () => {
      live = false;
      window.removeEventListener(PROGRESS_CHANGED_EVENT, look);
    };
  }, [lessonId, exerciseIds]);

  const all = solved !== null && solved === exerciseIds.length;
  return (
    <section className="mx-3 mb-3 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-50" aria-label="End of the lesson" data-testid="lesson-end">
      <p className="font-medium">
        {all ? `You finished ${title}.` : `This is the end of ${title}.`}
        {exerciseIds.length > 0 && solved !== null && (
          <span className="ml-1 font-normal" data-testid="lesson-end-solved">
            {solved} of {exerciseIds.length} exercises solved{all ? '.' : '; the others stay open on their slides.'}
          </span>
        )}
      </p>
      <p className="mt-2">
        {next ? (
          <Link href={`/lessons/${next.id}`} className="font-medium text-sky-800 underline dark:text-sky-200" data-testid="next-lesson">
            Next lesson: {next.title} →
          </Link>
        ) : (
          <Link href="/" className="font-medium text-sky-800 underline dark:text-sky-200" data-testid="next-lesson">
            That was the last lesson: back to the course →
          </Link>
        )}
      </p>
    </section>
  );
}
