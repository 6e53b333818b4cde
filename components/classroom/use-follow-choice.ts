'use client';

import { useCallback, useSyncExternalStore } from 'react';

const KEY = 'drydock-follow-instructor';
/** localStorage fires 'storage' only in the other tabs; this tells this tab's own components. */
const CHANGED = 'drydock:follow-choice';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

/** The choice when localStorage is disabled: kept for this page only. */
let inMemory = false;

function read(): boolean {
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return inMemory;
  }
}

/** Whether this learner follows the instructor's slides: remembered in this browser, shared by its tabs; off until chosen. */
export function useFollowChoice(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(subscribe, read, () => false);
  const set = useCallback((next: boolean) => {
    inMemory = next;
    try {
      localStorage.setItem(KEY, next ? 'on' : 'off');
    } catch {
      // storage disabled: read() falls back to inMemory
    }
    window.dispatchEvent(new Event(CHANGED));
  }, []);
  return [on, set];
}
