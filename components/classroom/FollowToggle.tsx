'use client';

/**
 * In the header while the instructor presents: a switch to follow their
 * slides. It never takes focus by itself (a click on it does, as any button).
 */
export function FollowToggle({ on, slide, onChange }: { on: boolean; slide: number; onChange: (on: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      onClick={() => onChange(!on)}
      title={on ? 'Your slides follow the instructor’s. Click to stop.' : 'Show the slide the instructor presents, as they move'}
      className={`flex items-center gap-2 rounded-full border py-0.5 pl-1.5 pr-2.5 text-sm transition-colors ${
        on
          ? 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-950/60 dark:text-sky-100'
          : 'border-slate-300 text-slate-600 hover:bg-slate-50 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-800'
      }`}
      data-testid="follow-toggle"
    >
      <span className={`relative inline-flex h-4 w-7 shrink-0 rounded-full transition-colors ${on ? 'bg-sky-600' : 'bg-slate-300 dark:bg-slate-600'}`} aria-hidden>
        <span className={`absolute top-0.5 h-3 w-3 rounded-full bg-white shadow transition-all ${on ? 'left-3.5' : 'left-0.5'}`} />
      </span>
      <span className="whitespace-nowrap">
        Follow<span className="hidden sm:inline"> the instructor</span>
      </span>
      <span className="hidden items-center gap-1 whitespace-nowrap text-xs text-slate-500 md:flex dark:text-slate-400">
        <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-rose-500" aria-hidden />
        slide {slide + 1}
      </span>
    </button>
  );
}
