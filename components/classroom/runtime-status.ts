import type { ClassRuntimeStatus } from '../../protocol/http/classroom';

/**
 * GET /api/instructor/classes/:id/runtime (ClassRuntimeStatusSchema) said in one line:
 * "Registry mirror: ready · Warm sandboxes: 3 of 30 waiting · Presenting: dockerfiles slide 4".
 * Pure, so it is tested without a browser.
 */

export type Tone = 'ok' | 'busy' | 'bad' | 'off';

export interface RuntimePart {
  id: 'registry' | 'warm' | 'presenting';
  label: string;
  value: string;
  tone: Tone;
  /** The longer story, for a tooltip (e.g. why the mirror failed). */
  detail?: string;
}

/** The status line's parts, in order; `lessonTitle` names a lesson id when it can. */
export function runtimeParts(runtime: ClassRuntimeStatus, lessonTitle: (id: string) => string | undefined = () => undefined): RuntimePart[] {
  const { registry, warm, follow } = runtime;
  const registryTone: Tone = registry.state === 'ready' ? 'ok' : registry.state === 'starting' ? 'busy' : registry.state === 'failed' ? 'bad' : 'off';
  const warmTone: Tone = warm.state === 'ready' ? 'ok' : warm.state === 'filling' ? 'busy' : warm.state === 'failed' ? 'bad' : 'off';
  const warmValue = warm.state === 'off' ? 'off' : warm.state === 'failed' ? `failed (${warm.waiting} of ${warm.target} waiting)` : `${warm.waiting} of ${warm.target} waiting`;
  return [
    { id: 'registry', label: 'Registry mirror', value: registry.state, tone: registryTone, ...(registry.message ? { detail: registry.message } : {}) },
    {
      id: 'warm',
      label: 'Warm sandboxes',
      value: warmValue,
      tone: warmTone,
      detail: 'Sandboxes started ahead for this class, so a learner’s first terminal opens at once',
    },
    {
      id: 'presenting',
      label: 'Presenting',
      value: follow ? `${lessonTitle(follow.lessonId) ?? follow.lessonId} slide ${follow.slide + 1}` : 'no',
      tone: follow ? 'ok' : 'off',
    },
  ];
}

/** The whole line as text (what a screen reader or a test reads). */
export function runtimeLine(runtime: ClassRuntimeStatus, lessonTitle?: (id: string) => string | undefined): string {
  return runtimeParts(runtime, lessonTitle)
    .map((p) => `${p.label}: ${p.value}`)
    .join(' · ');
}
