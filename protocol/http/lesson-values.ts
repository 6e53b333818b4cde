import { z } from '../zod';

/**
 * GET /api/lessons/:lessonId/values: the learner's own values of a lesson
 * (lessons/README.md, "Values drawn per learner"), name → text, which the
 * deck puts where the slides say `${{ name }}`. Empty for a lesson without values.
 */
export const LessonValuesResponseSchema = z.object({
  lessonId: z.string(),
  values: z.record(z.string(), z.string()),
});
export type LessonValuesResponse = z.infer<typeof LessonValuesResponseSchema>;
