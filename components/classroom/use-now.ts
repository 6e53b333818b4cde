'use client';

import { useSyncExternalStore } from 'react';

interface Clock {
  subscribe(onChange: () => void): () => void;
  read(): number;
}

/** One ticking clock per interval, shared by every component that asks for it. */
const clocks = new Map<number, Clock>();

function clockEvery(everyMs: number): Clock {
  let clock = clocks.get(everyMs);
  if (clock) return clock;
  let now = Date.now();
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  clock = {
    subscribe(onChange) {
      listeners.add(onChange);
      now = Date.now(); // React reads again after subscribing: the first client render is current
      timer ??= setInterval(() => {
        now = Date.now();
        for (const listener of listeners) listener();
      }, everyMs);
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    read: () => now,
  };
  clocks.set(everyMs, clock);
  return clock;
}

/**
 * The current time, ticking every `everyMs`, or null while rendering on the
 * server and hydrating: times are shown in the browser's time zone and
 * relative to its clock, which the server cannot know (no hydration mismatch).
 */
export function useNow(everyMs = 10_000): number | null {
  const clock = clockEvery(everyMs);
  return useSyncExternalStore(clock.subscribe, clock.read, () => null);
}
