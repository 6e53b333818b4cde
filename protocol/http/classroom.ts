import { z } from '../zod';
import { CountSchema, EpochMsSchema, LessonIdSchema, SlideIndexSchema } from './common';

/**
 * The classroom's shared shapes: classes, the instructor's live grid
 * (GET /api/instructor/classes/:id and the `grid` events of …/:id/events),
 * a class's runtime (GET …/:id/runtime) and its end (POST …/:id/end),
 * joining (POST /api/classes/join) and the learner's events (GET /api/classes/events).
 */

/**
 * Join codes are read aloud and copied from a projector: six characters from
 * an alphabet without 0/O and 1/I (32 symbols, about a billion codes).
 */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 6;
const JOIN_CODE = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

/** What a learner typed, as a code: upper case, without spaces or dashes ("k7p-m2q" → "K7PM2Q"). */
export function normalizeJoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export function isJoinCode(code: string): boolean {
  return JOIN_CODE.test(code);
}

/** Class ids appear in URLs (/class/<id>); random, so a class cannot be found by counting. */
export const CLASS_ID = /^[2-9a-hjkmnp-z]{12}$/;
export const ClassIdSchema = z.string().regex(CLASS_ID, 'not a class id');

/** The slide the instructor presents, which followers' pages move to. */
export const FollowPositionSchema = z.object({ lessonId: LessonIdSchema, slide: SlideIndexSchema });
export type FollowPosition = z.infer<typeof FollowPositionSchema>;

/** A class as the store keeps it. */
export const ClassRecordSchema = z.object({
  id: ClassIdSchema,
  name: z.string(),
  joinCode: z.string(),
  /** In teaching order. */
  lessonIds: z.array(z.string()),
  createdAt: EpochMsSchema,
  endsAt: EpochMsSchema,
  /** Set when the instructor ends the class early; null otherwise. */
  endedAt: EpochMsSchema.nullable(),
  expectedLearners: CountSchema,
});
export type ClassRecord = z.infer<typeof ClassRecordSchema>;

// ---- The instructor's live grid: learners × the class's exercises ----

export const ClassroomSettingsSchema = z.object({
  /** A learner is stuck after failing one exercise this many times without a pass. */
  stuckAfterFailures: CountSchema,
  /** A connected learner with no input, check or join for this long is idle. */
  idleAfterMinutes: z.number().positive(),
});
export type ClassroomSettings = z.infer<typeof ClassroomSettingsSchema>;

export const GridColumnSchema = z.object({ lessonId: z.string(), exerciseId: z.string(), title: z.string() });
export type GridColumn = z.infer<typeof GridColumnSchema>;

/** One learner on one exercise. attempts 0: not tried; passedAt set: passed; otherwise failed `attempts` times. Hints and the solution may be opened before any attempt. */
export const GridCellSchema = z.object({
  attempts: CountSchema,
  passedAt: EpochMsSchema.nullable(),
  lastAttemptAt: EpochMsSchema.nullable(),
  /** How many of the exercise's hints the learner opened. */
  hintsUsed: CountSchema,
  /** When the learner first looked at the solution, or null (a pass after it still counts, marked). */
  solutionShownAt: EpochMsSchema.nullable(),
});
export type GridCell = z.infer<typeof GridCellSchema>;

export const LearnerStatusSchema = z.enum(['offline', 'idle', 'active']);
export type LearnerStatus = z.infer<typeof LearnerStatusSchema>;

export const GridRowSchema = z.object({
  learnerId: z.string(),
  displayName: z.string(),
  joinedAt: EpochMsSchema,
  /** Open terminal WebSockets, over all of the learner's sandboxes. */
  sockets: CountSchema,
  /** Last keystroke into any of their terminals since the server started, or null. */
  lastInputAt: EpochMsSchema.nullable(),
  /** Latest of: joining, terminal input, a check on one of the class's exercises. */
  lastActivityAt: EpochMsSchema,
  status: LearnerStatusSchema,
  /** Exercises failed at least `stuckAfterFailures` times and never passed. */
  stuck: z.array(z.object({ lessonId: z.string(), exerciseId: z.string(), failures: CountSchema })),
  solved: CountSchema,
  /** Aligned with ClassGrid.columns. */
  cells: z.array(GridCellSchema),
});
export type GridRow = z.infer<typeof GridRowSchema>;

/** The whole grid of one class: the dashboard's first render and every update of its stream. */
export const ClassGridSchema = z.object({
  class: ClassRecordSchema.extend({ open: z.boolean() }),
  /** The class's lessons that load, in teaching order, with how many columns each spans. */
  lessons: z.array(z.object({ id: z.string(), title: z.string(), exerciseCount: CountSchema })),
  /** Lessons of the class that no longer load (deleted or broken since the class was made). */
  missingLessons: z.array(z.string()),
  columns: z.array(GridColumnSchema),
  rows: z.array(GridRowSchema),
  settings: ClassroomSettingsSchema,
  generatedAt: EpochMsSchema,
});
export type ClassGrid = z.infer<typeof ClassGridSchema>;

/** The dashboard's Server-Sent Events (GET /api/instructor/classes/:id/events): a whole snapshot each time. */
export const DashboardEventSchema = z.discriminatedUnion('event', [z.object({ event: z.literal('grid'), data: ClassGridSchema })]);
export type DashboardEvent = z.infer<typeof DashboardEventSchema>;

// ---- A class's machinery, and its end ----

export const RegistryStateSchema = z.enum(['off', 'starting', 'ready', 'failed']);
export type RegistryState = z.infer<typeof RegistryStateSchema>;
export const WarmStateSchema = z.enum(['off', 'filling', 'ready', 'failed']);
export type WarmState = z.infer<typeof WarmStateSchema>;

/** GET /api/instructor/classes/:id/runtime → 200: what the dashboard shows about a class's registry mirror, warm pool and presenter. */
export const ClassRuntimeStatusSchema = z.object({
  /** `message`: what the mirror holds, or why it failed. */
  registry: z.object({ state: RegistryStateSchema, message: z.string().optional() }),
  warm: z.object({ state: WarmStateSchema, target: CountSchema, waiting: CountSchema }),
  follow: FollowPositionSchema.nullable(),
});
export type ClassRuntimeStatus = z.infer<typeof ClassRuntimeStatusSchema>;

export const ExportFormatSchema = z.enum(['csv', 'json']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** POST /api/instructor/classes/:id/end → 200: how many sandboxes went, and where the grades are (GET …/export?format=). */
export const EndedClassSchema = z.object({
  removedSandboxes: CountSchema,
  exports: z.object({ csv: z.string(), json: z.string() }),
});
export type EndedClass = z.infer<typeof EndedClassSchema>;

// ---- The learner's side: joining, and the class's events ----

/** The longest display name a learner can join under (after trimming). */
export const DISPLAY_NAME_MAX = 40;

/** POST /api/classes/join (the learner is the one of the signed cookie). */
export const JoinRequestSchema = z
  .object({
    code: z
      .string()
      .max(32, 'a join code is 6 characters')
      .transform(normalizeJoinCode)
      .refine(isJoinCode, 'a join code is 6 letters and digits (no 0, 1, I or O), like K7PM2Q'),
    displayName: z
      .string()
      .trim()
      .min(1, 'enter the name your instructor will see')
      .max(DISPLAY_NAME_MAX, `a name has at most ${DISPLAY_NAME_MAX} characters`)
      // Shown in the instructor's grid: no control characters, no invisible-only names.
      .refine((s) => !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(s), 'a name cannot contain control or invisible characters'),
  })
  .strict();
/** What the browser sends (the code as typed); the server reads z.output (the code normalized). */
export type JoinRequest = z.input<typeof JoinRequestSchema>;

/** POST /api/classes/join → 200. */
export const JoinResponseSchema = z.object({
  classId: ClassIdSchema,
  name: z.string(),
  displayName: z.string(),
  /** True when this browser had joined before (nothing was duplicated; only the name may have changed). */
  resumed: z.boolean(),
});
export type JoinResponse = z.infer<typeof JoinResponseSchema>;

/**
 * What a learner's page hears from the classroom: the Server-Sent Events of
 * GET /api/classes/events (204 when the learner is in no open class), each an
 * event name and its JSON data. The first is always `class`.
 */
export const LearnerEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('class'),
    data: z.object({ classId: ClassIdSchema, name: z.string(), endsAt: EpochMsSchema, presenting: FollowPositionSchema.nullable() }),
  }),
  z.object({ event: z.literal('message'), data: z.object({ text: z.string(), at: EpochMsSchema, to: z.enum(['all', 'you']) }) }),
  /** The slide to follow; null: the instructor stopped presenting. */
  z.object({ event: z.literal('follow'), data: FollowPositionSchema.nullable() }),
  z.object({ event: z.literal('sandbox'), data: z.object({ action: z.enum(['reset', 'extended']), expiresAt: EpochMsSchema.optional() }) }),
  z.object({ event: z.literal('ended'), data: z.object({}) }),
]);
export type LearnerEvent = z.infer<typeof LearnerEventSchema>;
export type LearnerEventName = LearnerEvent['event'];
/** Every event name of the learner's stream (what a client listens for). */
export const LEARNER_EVENT_NAMES: readonly LearnerEventName[] = LearnerEventSchema.options.map((option) => option.shape.event.value);
