/**
 * GET /api/instructor/classes/:id/runtime, read and said in one line:
 * "Registry mirror: ready · Warm sandboxes: 3 of 30 waiting · Presenting: dockerfiles slide 4".
 * Pure, so it is tested without a browser.
 */

export type RegistryState = 'off' | 'starting' | 'ready' | 'failed';
export type WarmState = 'off' | 'filling' | 'ready' | 'failed';

export interface ClassRuntime {
  registry: { state: RegistryState; message?: string };
  warm: { state: WarmState; target: number; waiting: number };
  follow: { lessonId: string; slide: number } | null;
}

const REGISTRY_STATES: readonly string[] = ['off', 'starting', 'ready', 'failed'];
const WARM_STATES: readonly string[] = ['off', 'filling', 'ready', 'failed'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The runtime body, or null when it is not one (an older server, a proxy's error page). */
export function parseRuntime(body: unknown): ClassRuntime | null {
  if (!isRecord(body) || !isRecord(body.registry) || !isRecord(body.warm)) return null;
  const { registry, warm, follow } = body;
  if (typeof registry.state !== 'string' || !REGISTRY_STATES.includes(registry.state)) return null;
  if (typeof warm.state !== 'string' || !WARM_STATES.includes(warm.state) || !isCount(warm.target) || !isCount(warm.waiting)) return null;
  let presenting: ClassRuntime['follow'] = null;
  if (follow != null) {
    if (!isRecord(follow) || typeof follow.lessonId !== 'string' || !isCount(follow.slide)) return null;
    presenting = { lessonId: follow.lessonId, slide: follow.slide };
  }
  return {
    registry: { state: registry.state as RegistryState, ...(typeof registry.message === 'string' ? { message: registry.message } : {}) },
    warm: { state: warm.state as WarmState, target: warm.target, waiting: warm.waiting },
    follow: presenting,
  };
}

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
export function runtimeParts(runtime: ClassRuntime, lessonTitle: (id: string) => string | undefined = () => undefined): RuntimePart[] {
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
export function runtimeLine(runtime: ClassRuntime, lessonTitle?: (id: string) => string | undefined): string {
  return runtimeParts(runtime, lessonTitle)
    .map((p) => `${p.label}: ${p.value}`)
    .join(' · ');
}
