'use client';

import { useEffect, useState } from 'react';
import { runtimeUrl } from './instructor-client';
import { parseRuntime, type ClassRuntime } from './runtime-status';

export const RUNTIME_POLL_MS = 5_000;

export type RuntimeView = { state: 'loading' } | { state: 'ok'; runtime: ClassRuntime } | { state: 'unavailable'; error: string };

/** The class's runtime (registry mirror, warm pool, who presents), read every 5 s while `active`. */
export function useRuntime(classId: string, active: boolean): RuntimeView {
  const [view, setView] = useState<RuntimeView>({ state: 'loading' });

  useEffect(() => {
    if (!active) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let next: RuntimeView;
      try {
        const response = await fetch(runtimeUrl(classId), { cache: 'no-store' });
        const runtime = response.ok ? parseRuntime(await response.json()) : null;
        next = runtime ? { state: 'ok', runtime } : { state: 'unavailable', error: response.ok ? 'unexpected answer' : `the server answered ${response.status}` };
      } catch {
        next = { state: 'unavailable', error: 'the server did not answer' };
      }
      if (!live) return;
      setView(next);
      // The next read is timed from this answer, so a slow server is never asked twice at once.
      timer = setTimeout(() => void poll(), RUNTIME_POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [classId, active]);

  return view;
}
