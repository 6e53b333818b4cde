'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeckSlide } from '../../protocol/http/deck';
import { openPresenterChannel } from './presenter-channel';
import { useFollowBroadcast, type BroadcastState } from './use-follow-broadcast';
import { isTypingTarget, slideForKey, useSlideHash } from './use-slide-hash';

/**
 * Slides for a room (`/lessons/<id>/present`) and the speaker's view
 * (`…/notes`): the same deck, kept on the same slide across both windows.
 * Keys: ← → PageUp PageDown Home End; F full screen; N opens the notes window.
 */
export function Presenter({ lessonId, title, slides, mode }: { lessonId: string; title: string; slides: DeckSlide[]; mode: 'slides' | 'notes' }) {
  const count = slides.length;
  const { current, go } = useSlideHash(count);
  const channel = useRef<ReturnType<typeof openPresenterChannel> | null>(null);
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(startedAt);

  const root = useRef<HTMLElement>(null);
  // Opened from a class dashboard (?class=…): the class's followers see this window's slide.
  const broadcast = useFollowBroadcast(lessonId, current, mode === 'slides');

  useEffect(() => {
    channel.current = openPresenterChannel(lessonId, (slide) => go(slide));
    // Marks the page as live (keys and the channel work from now on); tests wait for it.
    root.current?.setAttribute('data-ready', 'true');
    return () => channel.current?.close();
  }, [lessonId, go]);

  /**
   * A slide change made in this window, told to the other one. Changes that
   * arrive from the channel are not re-announced: echoing them (or announcing
   * the slide a page shows while it hydrates) makes the windows chase each other.
   */
  const navigate = useCallback(
    (index: number) => {
      const next = Math.max(0, Math.min(count - 1, index));
      go(next);
      channel.current?.announce(next);
    },
    [count, go],
  );

  useEffect(() => {
    if (mode !== 'notes') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [mode]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isTypingTarget(event.target)) return;
      const target = event.key === ' ' ? current + 1 : slideForKey(event.key, current, count);
      if (target !== null) navigate(target);
      else if (event.key === 'f') void (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen());
      else if (event.key === 'n') window.open(`/lessons/${lessonId}/notes#${current + 1}`, `drydock-notes-${lessonId}`, 'width=1000,height=700');
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, count, navigate, lessonId]);

  const slide = slides[current];
  if (mode === 'slides') {
    return (
      <main ref={root} className="flex min-h-0 flex-1 flex-col bg-white dark:bg-slate-950" data-testid="presenter">
        <h1 className="sr-only">{title}</h1>
        <article
          className="slide slide-present mx-auto w-full max-w-5xl flex-1 overflow-y-auto px-10 py-10"
          data-testid="slide"
          data-slide={current + 1}
          dangerouslySetInnerHTML={{ __html: slide?.html ?? '' }}
        />
        <footer className="flex items-center gap-4 px-6 py-2 text-sm text-slate-500 dark:text-slate-400">
          <span>{title}</span>
          <BroadcastBadge broadcast={broadcast} />
          <span className="ml-auto">F full screen · N speaker notes</span>
          <span className="tabular-nums" data-testid="slide-counter">
            {current + 1} / {count}
          </span>
        </footer>
      </main>
    );
  }

  const elapsed = Math.floor((now - startedAt) / 1000);
  const next = slides[current + 1];
  return (
    <main ref={root} className="grid min-h-0 flex-1 grid-cols-1 gap-4 p-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]" data-testid="notes-view">
        <h1 className="sr-only">Speaker notes: {title}</h1>
      <section>
        <div className="mb-2 flex items-baseline gap-3 text-sm text-slate-500 dark:text-slate-400">
          <span className="tabular-nums" data-testid="slide-counter">
            Slide {current + 1} / {count}
          </span>
          <span className="ml-auto font-mono tabular-nums" title="Time since this window opened">
            {String(Math.floor(elapsed / 60)).padStart(2, '0')}:{String(elapsed % 60).padStart(2, '0')}
          </span>
        </div>
        <article className="slide max-h-[60vh] overflow-y-auto rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-700" data-slide={current + 1} dangerouslySetInnerHTML={{ __html: slide?.html ?? '' }} />
        <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">Next: {next ? next.title : '— end of the deck —'}</p>
      </section>
      <section className="slide overflow-y-auto text-lg" data-testid="speaker-notes">
        <h2>Speaker notes</h2>
        {slide?.notesHtml ? <div dangerouslySetInnerHTML={{ __html: slide.notesHtml }} /> : <p className="text-slate-500 dark:text-slate-400">No notes for this slide.</p>}
      </section>
    </main>
  );
}

/** In the presenter's footer: whether the class sees this slide. Nothing without ?class. */
function BroadcastBadge({ broadcast }: { broadcast: BroadcastState }) {
  if (broadcast.state === 'off') return null;
  const failed = broadcast.state === 'failed';
  return (
    <span
      className={`flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${failed ? 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'}`}
      data-testid="follow-broadcast"
      data-state={broadcast.state}
      title={failed ? broadcast.error : 'Learners who follow the instructor see this slide'}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${failed ? 'bg-rose-500' : broadcast.state === 'live' ? 'bg-emerald-500' : 'bg-amber-400'}`} aria-hidden />
      {failed ? `Class not updated: ${broadcast.error}` : 'Live to the class'}
    </span>
  );
}
