'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import { CLASS_ID } from '../../protocol/http/classroom';
import type { FollowRequest } from '../../protocol/http/instructor';
import { fetchNoContent, jsonBody } from '../http/fetch-json';

/** Slide changes closer together than this are sent once (holding → on a keyboard, a quick double step). */
export const FOLLOW_DEBOUNCE_MS = 150;

export type BroadcastState = { state: 'off' } | { state: 'sending' | 'live'; classId: string } | { state: 'failed'; classId: string; error: string };

const noSubscribe = () => () => {};

/** `?class=<id>` of the presenter's URL, or null. Read in the browser: the presenter pages are static. */
export function classFromSearch(search: string): string | null {
  const id = new URLSearchParams(search).get('class');
  return id && CLASS_ID.test(id) ? id : null;
}

const followUrl = (classId: string) => `/api/instructor/classes/${classId}/follow`;

/**
 * Tells a class which slide the instructor shows (PUT …/follow) when the
 * presenter was opened from the class dashboard (`?class=<id>`): once on
 * load, then after every slide change (debounced), and that the presenting
 * stopped (DELETE) when the window goes away. keepalive lets the DELETE out
 * of a closing page. Without `?class` it does nothing.
 */
export function useFollowBroadcast(lessonId: string, slide: number, enabled: boolean): BroadcastState {
  const search = useSyncExternalStore(noSubscribe, () => window.location.search, () => '');
  const classId = enabled ? classFromSearch(search) : null;
  const [result, setResult] = useState<{ key: string; state: 'live' } | { key: string; state: 'failed'; error: string } | null>(null);
  // Bumped when the page comes back from the back/forward cache, to send the slide again.
  const [generation, setGeneration] = useState(0);
  const key = `${classId}/${lessonId}/${slide}/${generation}`;

  useEffect(() => {
    if (!classId) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      void fetchNoContent(followUrl(classId), { ...jsonBody('PUT', { lessonId, slide } satisfies FollowRequest), signal: controller.signal }).then((sent) => {
        if (sent.ok) setResult({ key, state: 'live' });
        else if (sent.reason === 'refused') setResult({ key, state: 'failed', error: sent.error });
        else if (!controller.signal.aborted) setResult({ key, state: 'failed', error: 'the server did not answer' });
      });
    }, FOLLOW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [classId, lessonId, slide, key, generation]);

  useEffect(() => {
    if (!classId) return;
    const stop = () => void fetchNoContent(followUrl(classId), { method: 'DELETE', keepalive: true });
    // Back from the back/forward cache: the DELETE of pagehide went out; present again.
    const resume = (event: PageTransitionEvent) => {
      if (event.persisted) setGeneration((g) => g + 1);
    };
    window.addEventListener('pagehide', stop);
    window.addEventListener('pageshow', resume);
    return () => {
      window.removeEventListener('pagehide', stop);
      window.removeEventListener('pageshow', resume);
      stop();
    };
  }, [classId]);

  if (!classId) return { state: 'off' };
  // A result is for the slide it was sent for; a newer slide is "sending" until its own answer.
  if (result?.key !== key) return { state: 'sending', classId };
  return result.state === 'live' ? { state: 'live', classId } : { state: 'failed', classId, error: result.error };
}
