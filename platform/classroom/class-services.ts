import { z } from 'zod';
import { readEnvSettings } from '../../lib/config/env-settings';
import type { Store } from '../../lib/store';
import { isClassOpen } from '../../lib/store/classes';
import type { ClassGrid, ClassroomSettings, ClassSummary } from '../../protocol/http';
import type { ClassEvents } from './class-events';
import { classGridSnapshot, DEFAULT_CLASSROOM_SETTINGS, outlineOf, type ConnectionState, type LessonOutline } from './class-grid';
import { lessons } from '../../lib/lesson-format/lesson-library';

/**
 * What the classroom pages and routes share: the store, the event bus, the
 * sandbox side's connection state, and the grid snapshot built from them.
 *
 * The custom server (platform.ts) creates it and publishes it on globalThis,
 * because Next.js bundles the pages separately: a module-level singleton
 * would be a different copy in the page bundle, but the process is the same.
 */
export interface Classroom {
  store: Store;
  events: ClassEvents;
  settings: ClassroomSettings;
  lesson(id: string): LessonOutline | null;
  connection(learnerId: string): ConnectionState;
  grid(classId: string, now?: number): ClassGrid | null;
  /** Every class, newest first, with whether it is open and how many joined. */
  summaries(now?: number): ClassSummary[];
}

/** Headers through which the custom server tells pages who is asking. Never trusted from the client (platform.ts drops them). */
export const PAGE_LEARNER_HEADER = 'x-drydock-learner'; // = LEARNER_HEADER in platform.ts (not imported: that module pulls in Next's server)
export const PAGE_INSTRUCTOR_HEADER = 'x-drydock-instructor';

const Settings = z.object({
  DRYDOCK_CLASS_STUCK_FAILURES: z.coerce.number().int().min(1).max(100).default(DEFAULT_CLASSROOM_SETTINGS.stuckAfterFailures),
  DRYDOCK_CLASS_IDLE_MINUTES: z.coerce.number().min(0.1).max(24 * 60).default(DEFAULT_CLASSROOM_SETTINGS.idleAfterMinutes),
});

/** DRYDOCK_CLASS_STUCK_FAILURES (3) and DRYDOCK_CLASS_IDLE_MINUTES (5); a bad value stops the start with its name. */
export function classroomSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): ClassroomSettings {
  const settings = readEnvSettings(Settings, env);
  return { stuckAfterFailures: settings.DRYDOCK_CLASS_STUCK_FAILURES, idleAfterMinutes: settings.DRYDOCK_CLASS_IDLE_MINUTES };
}

export function createClassroom(deps: { store: Store; events: ClassEvents; connection(learnerId: string): ConnectionState; settings: ClassroomSettings }): Classroom {
  const lesson = (id: string): LessonOutline | null => outlineOf(lessons().get(id));
  const classroom: Classroom = {
    store: deps.store,
    events: deps.events,
    settings: deps.settings,
    lesson,
    connection: deps.connection,
    grid: (classId, now) => classGridSnapshot({ classes: deps.store.classes, lesson, connection: deps.connection, settings: deps.settings }, classId, now),
    summaries: (now = Date.now()) =>
      deps.store.classes.list().map((c) => ({ ...c, open: isClassOpen(c, now), members: deps.store.classes.members(c.id).length })),
  };
  return classroom;
}

const KEY = Symbol.for('drydock.classroom');
type WithClassroom = typeof globalThis & { [KEY]?: Classroom };

export function publishClassroom(classroom: Classroom | undefined): void {
  (globalThis as WithClassroom)[KEY] = classroom;
}

/** The running platform's classroom; pages call this. Throws when the pages run without the custom server (e.g. `next dev` alone). */
export function classroom(): Classroom {
  const found = (globalThis as WithClassroom)[KEY];
  if (!found) throw new Error('classroom pages need the Drydock server (npm start), not `next` alone');
  return found;
}
