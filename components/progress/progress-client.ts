import { CheckResponseSchema, HintResponseSchema, SolutionResponseSchema, type CheckResponse, type HintRequest } from '../../protocol/http/check';
import { ProgressResponseSchema, type LessonProgress, type PositionRequest } from '../../protocol/http/progress';
import { fetchJson, fetchNoContent, jsonBody } from '../http/fetch-json';

/** Dispatched on window when this page changed the learner's progress (a Check was graded). */
export const PROGRESS_CHANGED_EVENT = 'drydock:progress';

/** One fetch of /api/progress per page load, shared by every component that shows progress. */
let progressPromise: Promise<Record<string, LessonProgress>> | null = null;

/** The learner's progress by lesson id; empty when it cannot be read (the pages work without it). */
export function fetchProgress(): Promise<Record<string, LessonProgress>> {
  progressPromise ??= fetchJson('/api/progress', ProgressResponseSchema).then((result) => (result.ok ? result.value.lessons : {}));
  return progressPromise;
}

/** The server's verdict, or what went wrong in the server's own words. */
export async function requestCheck(lessonId: string, exerciseId: string): Promise<CheckResponse | { error: string }> {
  const result = await fetchJson(`/api/lessons/${lessonId}/exercises/${exerciseId}/check`, CheckResponseSchema, { method: 'POST' });
  if (!result.ok && result.reason === 'no-answer') return { error: 'The server did not answer; check your connection and try again.' };
  progressPromise = null; // progress may have changed
  if (result.ok) window.dispatchEvent(new Event(PROGRESS_CHANGED_EVENT));
  return result.ok ? result.value : { error: result.error };
}

/** The exercise's solution and the lesson's explanation of it (the server records that this learner asked), or what went wrong. */
export async function requestSolution(lessonId: string, exerciseId: string): Promise<{ solution: string; explanationHtml?: string } | { error: string }> {
  const result = await fetchJson(`/api/lessons/${lessonId}/exercises/${exerciseId}/solution`, SolutionResponseSchema, { method: 'POST' });
  if (!result.ok) return { error: result.reason === 'no-answer' ? 'The server did not answer; check your connection and try again.' : result.error };
  return { solution: result.value.solution, explanationHtml: result.value.explanationHtml };
}

/**
 * Tells the server the learner opened hint number `hint` (1-based), for the
 * instructor's grid and the grades. The hint shows either way: a recording
 * that fails costs the learner nothing, so the answer is not waited for.
 */
export function recordHint(lessonId: string, exerciseId: string, hint: number): void {
  void fetchJson(`/api/lessons/${lessonId}/exercises/${exerciseId}/hints`, HintResponseSchema, jsonBody('POST', { hint } satisfies HintRequest));
}

export function savePosition(lessonId: string, slide: number): void {
  progressPromise = null; // the last slide seen is part of it
  void fetchNoContent(`/api/lessons/${lessonId}/position`, { ...jsonBody('PUT', { slide } satisfies PositionRequest), keepalive: true });
}
