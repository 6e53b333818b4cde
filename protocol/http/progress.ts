import { z } from '../zod';
import { CountSchema, EpochMsSchema, SlideIndexSchema } from './common';

/** GET /api/progress (the learner's own progress) and PUT /api/lessons/:lessonId/position (where they left a lesson). */

/** A learner's standing on one exercise they attempted. */
export const ExerciseProgressSchema = z.object({
  attempts: CountSchema,
  /** True once any attempt passed (a later failing check does not take it away). */
  passed: z.boolean(),
  firstPassedAt: EpochMsSchema.nullable(),
  lastAttemptAt: EpochMsSchema,
});
export type ExerciseProgress = z.infer<typeof ExerciseProgressSchema>;

export const LessonProgressSchema = z.object({
  /** By exercise id; only exercises the learner attempted. */
  exercises: z.record(z.string(), ExerciseProgressSchema),
  /** 0-based slide the learner was last on, if known. */
  lastSlide: SlideIndexSchema.nullable(),
});
export type LessonProgress = z.infer<typeof LessonProgressSchema>;

/** GET /api/progress → 200: every lesson the learner did something in, by lesson id. */
export const ProgressResponseSchema = z.object({ lessons: z.record(z.string(), LessonProgressSchema) });
export type ProgressResponse = z.infer<typeof ProgressResponseSchema>;

/** PUT /api/lessons/:lessonId/position (answered 204). */
export const PositionRequestSchema = z.object({ slide: SlideIndexSchema }).strict();
export type PositionRequest = z.infer<typeof PositionRequestSchema>;
