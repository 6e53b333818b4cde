'use client';

import { useEffect, useState } from 'react';
import { fetchProgress } from './progress-client';

/** "2 / 3 solved" on a catalogue card, from this learner's progress (the page itself is static). */
export function LessonProgressBadge({ lessonId, exerciseIds }: { lessonId: string; exerciseIds: string[] }) {
  const [solved, setSolved] = useState<number | null>(null);
  const [started, setStarted] = useState(false);

  useEffect(() => {
    let live = true;
    void fetchProgress().then((progress) => {
      if (!live) return;
      const lesson = progress[lessonId];
      setSolved(exerciseIds.filter((id) => lesson?.exercises[id]?.passed).length);
      setStarted(Boolean(lesson));
    });
    return () => {
      live = false;
    };
  }, [lessonId, exerciseIds]);

  if (solved === null || exerciseIds.length === 0) return null;
  const done = solved === exerciseIds.length;
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${done ? 'bg-emerald-700 text-white' : started ? 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-100' : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300'}`}
      data-testid={`progress-${lessonId}`}
    >
      {done ? '✓ ' : ''}
      {solved} / {exerciseIds.length} solved
    </span>
  );
}
