'use client';

import { runtimeLine, runtimeParts, type Tone } from './runtime-status';
import type { RuntimeView } from './use-runtime';

const DOT: Record<Tone, string> = {
  ok: 'bg-emerald-500',
  busy: 'bg-amber-400 animate-pulse',
  bad: 'bg-rose-500',
  off: 'bg-slate-300 dark:bg-slate-600',
};

/** One compact line: "Registry mirror: ready · Warm sandboxes: 3 of 30 waiting · Presenting: Dockerfiles slide 4". */
export function RuntimeStatus({ view, lessonTitle }: { view: RuntimeView; lessonTitle: (id: string) => string | undefined }) {
  if (view.state === 'loading') return <p className="mt-1 h-5 text-sm" aria-hidden />;
  if (view.state === 'unavailable') {
    return (
      <p className="mt-1 text-sm text-slate-500 dark:text-slate-400" data-testid="runtime-status" data-state="unavailable" title={view.error}>
        Sandbox services: status unavailable
      </p>
    );
  }
  const parts = runtimeParts(view.runtime, lessonTitle);
  return (
    <p className="mt-1 flex flex-wrap items-center gap-x-1.5 gap-y-0.5 text-sm text-slate-500 dark:text-slate-400" data-testid="runtime-status" data-state="ok" aria-label={runtimeLine(view.runtime, lessonTitle)}>
      {parts.map((part, i) => (
        <span key={part.id} className="flex items-center gap-1.5" title={part.detail} data-part={part.id} data-tone={part.tone}>
          {i > 0 && (
            <span className="mr-0.5 text-slate-300 dark:text-slate-600" aria-hidden>
              ·
            </span>
          )}
          <span className={`h-1.5 w-1.5 rounded-full ${DOT[part.tone]}`} aria-hidden />
          {part.label}: <span className={`font-medium ${part.tone === 'bad' ? 'text-rose-700 dark:text-rose-400' : 'text-slate-700 dark:text-slate-300'}`}>{part.value}</span>
        </span>
      ))}
    </p>
  );
}
