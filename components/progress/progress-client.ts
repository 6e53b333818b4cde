import type { LessonProgress } from '../../lib/store/progress';
import type { CheckResponse } from '../../platform/http/lesson-api';

export type { CheckResponse, LessonProgress };

/** One fetch of /api/progress per page load, shared by every component that shows progress. */
let progressPromise: Promise<Record<string, LessonProgress>> | null = null;

export function fetchProgress(): Promise<Record<string, LessonProgress>> {
  progressPromise ??= fetch('/api/progress', { cache: 'no-store' })
    .then((r) => (r.ok ? (r.json() as Promise<{ lessons: Record<string, LessonProgress> }>) : { lessons: {} }))
    .then((body) => body.lessons)
    .catch(() => ({}));
  return progressPromise;
}

export async function requestCheck(lessonId: string, exerciseId: string): Promise<CheckResponse | { error: string }> {
  try {
    const response = await fetch(`/api/lessons/${lessonId}/exercises/${exerciseId}/check`, { method: 'POST' });
    const body = (await response.json()) as CheckResponse | { error: string };
    progressPromise = null; // progress changed
    return body;
  } catch {
    return { error: 'The server did not answer; check your connection and try again.' };
  }
}

export function savePosition(lessonId: string, slide: number): void {
  void fetch(`/api/lessons/${lessonId}/position`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slide }),
    keepalive: true,
  }).catch(() => undefined);
}
