'use client';

import { useEffect, useMemo, type MouseEvent } from 'react';
import { fetchProgress, savePosition } from '../progress/progress-client';
import { runInTerminal } from '../terminal/run-command';
import { openInEditor } from '../editor/editor-events';
import type { DeckSlide } from '../../protocol/http/deck';
import { ExercisePanel } from './ExercisePanel';
import { fillSlide, slidesNameValues, useLearnerValues } from './learner-values';
import { LessonEnd } from './LessonEnd';
import { isTypingTarget, slideForKey, useSlideHash } from './use-slide-hash';

/** Runs the Nth ▶ Run block of the visible slide (Alt+1 … Alt+9). */
function runNthBlock(n: number): boolean {
  const button = document.querySelectorAll<HTMLButtonElement>('[data-testid=slide] button[data-action=run]')[n - 1];
  button?.click();
  return Boolean(button);
}

/** The lesson around the slides: its title, and the next lesson in the course (null after the last). */
export interface DeckLesson {
  title: string;
  next: { id: string; title: string } | null;
}

export function Deck({ lessonId, slides: lessonSlides, lesson }: { lessonId: string; slides: DeckSlide[]; lesson?: DeckLesson }) {
  // Values drawn per learner (`${{ port }}` in the lesson): the slides as this learner must do them.
  const values = useLearnerValues(lessonId, useMemo(() => slidesNameValues(lessonSlides), [lessonSlides]));
  const slides = useMemo(() => lessonSlides.map((s) => fillSlide(s, values ?? {})), [lessonSlides, values]);
  const count = slides.length;
  const { current, hasHash, go } = useSlideHash(count);

  // Remember the slide (debounced). Only once the URL names one: a fresh open shows slide 1
  // until the resume below has looked up where the learner was, and must not overwrite it.
  useEffect(() => {
    if (!hasHash) return;
    const timer = setTimeout(() => savePosition(lessonId, current), 400);
    return () => clearTimeout(timer);
  }, [hasHash, current, lessonId]);

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
      const target = slideForKey(event.key, current, count);
      if (target === null) return;
      go(target);
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, count, go]);

  const onClick = (event: MouseEvent<HTMLElement>) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (button?.dataset.action === 'open-file' && button.dataset.path) {
      openInEditor(button.dataset.path);
      return;
    }
    // A web preview link on a port drawn per learner has no address until the learner's values are in.
    const preview = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-preview-value]');
    if (preview && !preview.dataset.previewPort) event.preventDefault();
    const block = button?.closest('.code-block');
    const code = block?.querySelector('code')?.textContent;
    if (!button || code == null) return;
    if (block?.querySelector('.learner-value:not([data-filled])')) {
      // Never the value's name in place of the learner's own value: that command would do something else.
      const label = button.textContent;
      button.textContent = 'Loading your values…';
      setTimeout(() => (button.textContent = label), 1500);
      return;
    }
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
      {/*
        The slide and its exercise panel scroll together: a verdict and its hints add to the column instead of
        squeezing the task above them (on a 1280×720 laptop they left it 120 px), and on a phone nothing in the
        column has a fixed height for the terminal below to cover.
      */}
      <div className="flex min-h-0 flex-1 flex-col overflow-y-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900" data-testid="slide-scroller">
        <article
          className="slide flex-1 p-6"
          aria-live="polite"
          aria-label={`Slide ${current + 1} of ${count}: ${slide?.title ?? ''}`}
          data-testid="slide"
          data-slide={current + 1}
          onClick={onClick}
          dangerouslySetInnerHTML={{ __html: slide?.html ?? '' }}
        />
        {slide?.exercise && (
          <div data-testid="slide-panel" className="px-3 pb-3">
            <ExercisePanel key={slide.exercise.id} lessonId={lessonId} exercise={slide.exercise} />
          </div>
        )}
        {lesson && current === count - 1 && (
          <LessonEnd lessonId={lessonId} title={lesson.title} exerciseIds={slides.flatMap((s) => (s.exercise ? [s.exercise.id] : []))} next={lesson.next} />
        )}
      </div>
      <nav className="mt-3 flex items-center gap-3 text-sm" aria-label="Slides">
        {/* The visible words are the accessible name (the arrows are decoration), so speech input can say them. */}
        <button type="button" className="deck-button" onClick={() => go(current - 1)} disabled={current === 0} data-testid="prev-slide">
          <span aria-hidden>←</span> Previous slide
        </button>
        <div className="h-1.5 flex-1 overflow-hidden rounded bg-slate-200 dark:bg-slate-700" aria-hidden>
          <div className="h-full bg-sky-500 transition-all" style={{ width: `${((current + 1) / Math.max(count, 1)) * 100}%` }} />
        </div>
        <span className="tabular-nums text-slate-500 dark:text-slate-400" data-testid="slide-counter">
          {current + 1} / {count}
        </span>
        <button type="button" className="deck-button" onClick={() => go(current + 1)} disabled={current === count - 1} data-testid="next-slide">
          Next slide <span aria-hidden>→</span>
        </button>
      </nav>
    </section>
  );
}
