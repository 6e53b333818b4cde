'use client';

import { useCallback, useSyncExternalStore } from 'react';

/** Fired after a deck rewrites the hash itself (history.replaceState fires no hashchange). */
const DECK_NAVIGATED = 'drydock:deck-navigated';

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener(DECK_NAVIGATED, onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(DECK_NAVIGATED, onChange);
  };
}

/** `#3` is slide 3 (1-based); anything else is slide 1. */
export function slideFromHash(hash: string, count: number): number {
  const n = Number.parseInt(hash.replace(/^#/, ''), 10);
  return Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : 0;
}

/**
 * Puts slide `index` (0-based) in the URL and tells every deck on the page.
 * replaceState, not location.hash: slide changes make no history entries,
 * and Next.js keeps its router state on the entry (a fragment navigation
 * would replace it with null).
 */
export function showSlide(index: number): void {
  window.history.replaceState(null, '', `#${index + 1}`);
  window.dispatchEvent(new Event(DECK_NAVIGATED));
}

/**
 * The current slide lives in the URL hash, so links, reloads and the back
 * button agree with what is shown. Returns the 0-based slide, whether the URL
 * names one at all, and a `go` that clamps and updates the URL.
 */
export function useSlideHash(count: number): { current: number; hasHash: boolean; go: (index: number) => void } {
  const hash = useSyncExternalStore(subscribeToHash, () => window.location.hash, () => '');
  const go = useCallback(
    (index: number) => {
      showSlide(Math.max(0, Math.min(count - 1, index)));
    },
    [count],
  );
  return { current: slideFromHash(hash, count), hasHash: hash !== '', go };
}

/** Keys typed into the terminal or a form field are theirs, not the deck's. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return Boolean(target.closest('.xterm, input, textarea, select, [contenteditable="true"]'));
}

/** The deck's navigation keys; returns the slide to go to, or null when the key is not one of them. */
export function slideForKey(key: string, current: number, count: number): number | null {
  if (key === 'ArrowRight' || key === 'PageDown') return current + 1;
  if (key === 'ArrowLeft' || key === 'PageUp') return current - 1;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
