'use client';

import { useCallback, useEffect, useSyncExternalStore, type MouseEvent } from 'react';
import { fetchProgress, savePosition } from '../progress/progress-client';
import { runInTerminal } from '../terminal/run-command';
import { ExercisePanel, type DeckExercise } from './ExercisePanel';

export interface DeckSlide {
  index: number;
  title: string;
  html: string;
  exercise?: DeckExercise;
}

/** Runs the Nth ▶ Run block of the visible slide (Alt+1 … Alt+9). */
function runNthBlock(n: number): boolean {
  const button = document.querySelectorAll<HTMLButtonElement>('[data-testid=slide] button[data-action=run]')[n - 1];
  button?.click();
  return Boolean(button);
}

/** `#3` in the URL is slide 3 (1-based), so a link or a reload lands on the same slide. */
function slideFromHash(hash: string, count: number): number {
  const n = Number.parseInt(hash.replace(/^#/, ''), 10);
  return Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : 0;
}

/** Fired after the deck rewrites the hash itself (history.replaceState fires no hashchange). */
const DECK_NAVIGATED = 'drydock:deck-navigated';

/** The URL hash is the deck's only state: the back button, links and reloads all agree with it. */
function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener(DECK_NAVIGATED, onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(DECK_NAVIGATED, onChange);
  };
}

/** Keys typed into the terminal or a form field are theirs, not the deck's. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return Boolean(target.closest('.xterm, input, textarea, select, [contenteditable="true"]'));
}

export function Deck({ lessonId, slides }: { lessonId: string; slides: DeckSlide[] }) {
  const count = slides.length;
  const hash = useSyncExternalStore(subscribeToHash, () => window.location.hash, () => '');
  const current = slideFromHash(hash, count);

  const go = useCallback(
    (index: number) => {
      const next = Math.max(0, Math.min(count - 1, index));
      window.history.replaceState(null, '', `#${next + 1}`);
      window.dispatchEvent(new Event(DECK_NAVIGATED));
    },
    [count],
  );

  // Remember the slide (debounced). Only once the URL names one: a fresh open shows slide 1
  // until the resume below has looked up where the learner was, and must not overwrite it.
  useEffect(() => {
    if (!hash) return;
    const timer = setTimeout(() => savePosition(lessonId, current), 400);
    return () => clearTimeout(timer);
  }, [hash, current, lessonId]);

  // Opened without a slide in the URL: resume where this learner left the lesson.
  useEffect(() => {
    if (window.location.hash) return;
    let live = true;
    void fetchProgress().then((progress) => {
      const last = progress[lessonId]?.lastSlide;
      if (live && last != null && last > 0 && !window.location.hash) go(last);
    });
    return () => {
      live = false;
    };
  }, [lessonId, go]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Alt+digit runs a block and Alt+C checks the exercise, even from inside the terminal.
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
        if (digit && runNthBlock(Number(digit))) event.preventDefault();
        if (event.code === 'KeyC') {
          document.querySelector<HTMLButtonElement>('[data-testid=slide-panel] [data-testid=check-button]')?.click();
          event.preventDefault();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || isTypingTarget(event.target)) return;
      if (['ArrowRight', 'PageDown'].includes(event.key)) go(current + 1);
      else if (['ArrowLeft', 'PageUp'].includes(event.key)) go(current - 1);
      else if (event.key === 'Home') go(0);
      else if (event.key === 'End') go(count - 1);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, count, go]);

  const onClick = (event: MouseEvent<HTMLElement>) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    const code = button?.closest('.code-block')?.querySelector('code')?.textContent;
    if (!button || code == null) return;
    if (button.dataset.action === 'run') {
      runInTerminal({ command: code, interrupt: button.dataset.interrupt === 'true' });
    } else if (button.dataset.action === 'copy') {
      void navigator.clipboard?.writeText(code).then(() => {
        button.textContent = 'Copied';
        setTimeout(() => (button.textContent = 'Copy'), 1200);
      });
    }
  };

  const slide = slides[current];
  return (
    <section className="flex h-full min-h-0 flex-col" aria-roledescription="slide deck">
      <article
        className="slide min-h-0 flex-1 overflow-y-auto rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-900"
        aria-live="polite"
        aria-label={`Slide ${current + 1} of ${count}: ${slide?.title ?? ''}`}
        data-testid="slide"
        data-slide={current + 1}
        onClick={onClick}
        dangerouslySetInnerHTML={{ __html: slide?.html ?? '' }}
      />
      {slide?.exercise && (
        <div data-testid="slide-panel">
          <ExercisePanel key={slide.exercise.id} lessonId={lessonId} exercise={slide.exercise} />
        </div>
      )}
      <nav className="mt-3 flex items-center gap-3 text-sm" aria-label="Slides">
        <button type="button" className="deck-button" onClick={() => go(current - 1)} disabled={current === 0} aria-label="Previous slide">
          ← Prev
        </button>
        <div className="h-1.5 flex-1 overflow-hidden rounded bg-slate-200 dark:bg-slate-700" aria-hidden>
          <div className="h-full bg-sky-500 transition-all" style={{ width: `${((current + 1) / Math.max(count, 1)) * 100}%` }} />
        </div>
        <span className="tabular-nums text-slate-500" data-testid="slide-counter">
          {current + 1} / {count}
        </span>
        <button type="button" className="deck-button" onClick={() => go(current + 1)} disabled={current === count - 1} aria-label="Next slide">
          Next →
        </button>
      </nav>
    </section>
  );
}
