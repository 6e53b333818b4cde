'use client';

import { useEffect, useState } from 'react';
import { ClassRuntimeStatusSchema, type ClassRuntimeStatus } from '../../protocol/http/classroom';
import { fetchJson, type ApiFailure } from '../http/fetch-json';
import { runtimeUrl } from './instructor-client';

export const RUNTIME_POLL_MS = 5_000;

export type RuntimeView = { state: 'loading' } | { state: 'ok'; runtime: ClassRuntimeStatus } | { state: 'unavailable'; error: string };

/** The class's runtime (registry mirror, warm pool, who presents), read every 5 s while `active`. */
export function useRuntime(classId: string, active: boolean): RuntimeView {
  const [view, setView] = useState<RuntimeView>({ state: 'loading' });

  useEffect(() => {
    if (!active) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const result = await fetchJson(runtimeUrl(classId), ClassRuntimeStatusSchema);
      if (!live) return;
      setView(result.ok ? { state: 'ok', runtime: result.value } : { state: 'unavailable', error: unavailableReason(result) });
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

/** The status line's tooltip when the runtime cannot be shown. */
function unavailableReason(failure: ApiFailure): string {
  if (failure.reason === 'no-answer') return 'the server did not answer';
  if (failure.reason === 'refused') return `the server answered ${failure.status}`;
  return failure.error;
}
