'use client';

import { useRef, useSyncExternalStore, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

const STORAGE_KEY = 'drydock-split';
/** The slides' share of the width: default, bounds, and one arrow key's step. */
const DEFAULT_SHARE = 0.45;
const MIN_SHARE = 0.25;
const MAX_SHARE = 0.75;
const STEP = 0.05;

const clamp = (share: number): number => Math.min(MAX_SHARE, Math.max(MIN_SHARE, share));

/**
 * The share lives in localStorage (remembered in this browser); the server
 * renders the default, and the page takes the stored one once it runs. A
 * share chosen here is kept for this page even where storage is disabled.
 */
const listeners = new Set<() => void>();
let chosen: number | null = null;
function readShare(): number {
  if (chosen !== null) return chosen;
  try {
    const stored = Number(localStorage.getItem(STORAGE_KEY));
    return stored > 0 ? clamp(stored) : DEFAULT_SHARE;
  } catch {
    return DEFAULT_SHARE;
  }
}
function chooseShare(next: number): void {
  chosen = clamp(next);
  try {
    localStorage.setItem(STORAGE_KEY, chosen.toFixed(3));
  } catch {
    // storage disabled: kept for this page only
  }
  for (const listener of listeners) listener();
}
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The lesson page's two panes side by side (768 px and wider: a tablet holds both), with a
 * splitter between them: drag it, or focus it and use ← / → (Home/End for
 * the bounds). The share is remembered in this browser. Narrower screens
 * stack the panes and show no splitter.
 */
export function SplitView({ left, right }: { left: ReactNode; right: ReactNode }) {
  const share = useSyncExternalStore(subscribe, readShare, () => DEFAULT_SHARE);
  const root = useRef<HTMLElement>(null);
  const dragging = useRef(false);
  const choose = chooseShare;

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const box = root.current?.getBoundingClientRect();
    if (!dragging.current || !box || box.width === 0) return;
    choose((event.clientX - box.left) / box.width);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = { ArrowLeft: share - STEP, ArrowRight: share + STEP, Home: MIN_SHARE, End: MAX_SHARE }[event.key];
    if (next === undefined) return;
    choose(next);
    event.preventDefault();
  };

  return (
    <main
      ref={root}
      className="grid min-h-0 flex-1 grid-cols-1 gap-3 p-3 md:h-[calc(100vh-41px)] md:grid-cols-[minmax(0,var(--split-left))_0.5rem_minmax(0,1fr)] md:gap-1"
      style={{ ['--split-left' as string]: `${(share * 100).toFixed(1)}%` }}
      data-testid="split-view"
    >
      {left}
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the slides and the terminal"
        aria-valuemin={MIN_SHARE * 100}
        aria-valuemax={MAX_SHARE * 100}
        aria-valuenow={Math.round(share * 100)}
        tabIndex={0}
        className="hidden cursor-col-resize touch-none rounded bg-slate-200 hover:bg-sky-400 focus:bg-sky-500 focus:outline-none dark:bg-slate-700 md:block"
        data-testid="splitter"
        onPointerDown={(event) => {
          dragging.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
        }}
        onPointerMove={onPointerMove}
        onPointerUp={() => (dragging.current = false)}
        onPointerCancel={() => (dragging.current = false)}
        onKeyDown={onKeyDown}
      />
      {right}
    </main>
  );
}
