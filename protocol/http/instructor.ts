import { z } from '../zod';
import { CountSchema, EpochMsSchema, LearnerIdSchema, LessonIdSchema } from './common';
import { ClassRecordSchema, FollowPositionSchema } from './classroom';

/**
 * The instructor API (/api/instructor/…, behind the instructor cookie):
 * the class list, creating a class, and the live-help actions on a class or
 * one learner of it. The grid, runtime and end bodies are in classroom.ts.
 */

/** GET /api/instructor/session → 200 (a 401 ErrorBody when signed out). */
export const InstructorSessionResponseSchema = z.object({ instructor: z.literal(true) });
export type InstructorSessionResponse = z.infer<typeof InstructorSessionResponseSchema>;

/** A class in the instructor's list: its record, whether it is open and how many joined. */
export const ClassSummarySchema = ClassRecordSchema.extend({ open: z.boolean(), members: CountSchema });
export type ClassSummary = z.infer<typeof ClassSummarySchema>;

/** GET /api/instructor/classes → 200, newest first. */
export const ClassListResponseSchema = z.object({ classes: z.array(ClassSummarySchema) });
export type ClassListResponse = z.infer<typeof ClassListResponseSchema>;

/** The bounds of a new class, for the form's inputs and the schema's checks alike. */
export const CLASS_DURATION_MINUTES = { min: 5, max: 24 * 60 } as const;
export const EXPECTED_LEARNERS = { min: 1, max: 500 } as const;
export const CLASS_NAME_MAX = 80;

/** POST /api/instructor/classes. */
export const NewClassRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'give the class a name').max(CLASS_NAME_MAX, `a class name has at most ${CLASS_NAME_MAX} characters`),
    lessonIds: z
      .array(LessonIdSchema)
      .min(1, 'choose at least one lesson')
      .max(100, 'at most 100 lessons')
      .refine((ids) => new Set(ids).size === ids.length, 'a lesson is listed twice'),
    durationMinutes: z
      .number()
      .int('whole minutes')
      .min(CLASS_DURATION_MINUTES.min, `a class lasts at least ${CLASS_DURATION_MINUTES.min} minutes`)
      .max(CLASS_DURATION_MINUTES.max, 'a class lasts at most 24 hours (1440 minutes)'),
    expectedLearners: z
      .number()
      .int('a whole number of learners')
      .min(EXPECTED_LEARNERS.min, `at least ${EXPECTED_LEARNERS.min} learner`)
      .max(EXPECTED_LEARNERS.max, `at most ${EXPECTED_LEARNERS.max} learners`),
  })
  .strict();
export type NewClassRequest = z.infer<typeof NewClassRequestSchema>;

/** POST /api/instructor/classes → 201: the class as stored (its id, join code, end time). */
export const NewClassResponseSchema = z.object({ class: ClassRecordSchema });
export type NewClassResponse = z.infer<typeof NewClassResponseSchema>;

/** How much longer a sandbox may be given at once; `default` is what the dialog offers first. */
export const EXTEND_MINUTES = { min: 5, max: 240, default: 30 } as const;

/** POST /api/instructor/classes/:id/learners/:learnerId/extend. */
export const ExtendRequestSchema = z
  .object({
    minutes: z
      .number()
      .int('whole minutes')
      .min(EXTEND_MINUTES.min, `at least ${EXTEND_MINUTES.min} minutes`)
      .max(EXTEND_MINUTES.max, `at most ${EXTEND_MINUTES.max} minutes`),
  })
  .strict();
export type ExtendRequest = z.infer<typeof ExtendRequestSchema>;

/** POST …/learners/:learnerId/extend → 200: the sandbox's new expiry. */
export const ExtendResponseSchema = z.object({ expiresAt: EpochMsSchema });
export type ExtendResponse = z.infer<typeof ExtendResponseSchema>;

/** POST …/learners/:learnerId/reset → 200 (the learner's page is told over their event stream). */
export const ResetResponseSchema = z.object({ ok: z.literal(true) });
export type ResetResponse = z.infer<typeof ResetResponseSchema>;

/** The longest message an instructor can send (after trimming). */
export const MESSAGE_MAX = 500;

/** POST /api/instructor/classes/:id/messages: to one learner of the class, or (without learnerId) to all. */
export const MessageRequestSchema = z
  .object({
    text: z.string().trim().min(1, 'write a message').max(MESSAGE_MAX, `a message has at most ${MESSAGE_MAX} characters`),
    learnerId: LearnerIdSchema.optional(),
  })
  .strict();
export type MessageRequest = z.infer<typeof MessageRequestSchema>;

/** POST …/messages → 200: how many learners had a page open to see it. */
export const MessageResponseSchema = z.object({ delivered: CountSchema });
export type MessageResponse = z.infer<typeof MessageResponseSchema>;

/** PUT /api/instructor/classes/:id/follow (204; DELETE stops presenting): the presenter's slide. */
export const FollowRequestSchema = FollowPositionSchema.strict();
export type FollowRequest = z.infer<typeof FollowRequestSchema>;
