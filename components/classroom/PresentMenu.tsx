'use client';

import { useEffect, useRef, useState } from 'react';

export const presentHref = (lessonId: string, classId: string) => `/lessons/${lessonId}/present?class=${classId}`;

const trigger =
  'inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800';

/**
 * "Present": a lesson's slides in a new window, opened with `?class=` so
 * learners who follow the instructor see the same slide. One lesson: a
 * link; more: a menu of them.
 */
export function PresentMenu({ classId, lessons }: { classId: string; lessons: { id: string; title: string }[] }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const only = lessons.length === 1 ? lessons[0] : undefined;
  if (lessons.length === 0) return null;
  if (only) {
    return (
      <a href={presentHref(only.id, classId)} target="_blank" rel="noopener" className={trigger} title={`Present “${only.title}”; learners who follow see your slide`} data-testid="present-link" data-lesson={only.id}>
        <span aria-hidden>▶</span> Present
      </a>
    );
  }
  return (
    <div ref={box} className="relative">
      <button type="button" className={trigger} aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="present-menu">
        <span aria-hidden>▶</span> Present <span aria-hidden className="text-slate-500 dark:text-slate-400">▾</span>
      </button>
      {open && (
        <div role="menu" className="absolute left-0 top-full z-30 mt-1 w-72 overflow-hidden rounded-md border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
          <div className="px-3 pb-1 pt-0.5 text-xs text-slate-500 dark:text-slate-400">Opens the slides in a new window; followers see your slide.</div>
          {lessons.map((lesson, i) => (
            <a
              key={lesson.id}
              role="menuitem"
              href={presentHref(lesson.id, classId)}
              target="_blank"
              rel="noopener"
              className="flex items-center gap-2 px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
              onClick={() => setOpen(false)}
              data-testid="present-link"
              data-lesson={lesson.id}
            >
              <span className="w-4 text-right text-xs tabular-nums text-slate-500 dark:text-slate-400">{i + 1}</span>
              <span className="min-w-0 flex-1 truncate">{lesson.title}</span>
            </a>
          ))}
        </div>
      )}
    </div>
  );
}
