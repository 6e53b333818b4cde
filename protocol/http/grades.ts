import { z } from '../zod';
import { CountSchema } from './common';

/**
 * GET /api/instructor/classes/:id/export?format=json → a class's grades as a
 * downloaded file (the same file the end of a class writes to the data
 * folder). The browser only downloads it; the schema is its contract for
 * whoever reads it, and the server's tests check the file against it.
 */

/** One member's standing on one exercise of the class (every exercise of its lessons, tried or not); times in ISO 8601 (UTC). */
export const ClassGradeSchema = z.object({
  learnerId: z.string(),
  displayName: z.string(),
  lessonId: z.string(),
  exerciseId: z.string(),
  passed: z.boolean(),
  attempts: CountSchema,
  firstPassedAt: z.iso.datetime().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  /** When the learner first looked at the exercise's solution; absent from files written before solutions were recorded. */
  solutionShownAt: z.iso.datetime().nullable().optional(),
  /** How many of the exercise's hints the learner opened; absent from files written before hints were recorded. */
  hintsUsed: CountSchema.optional(),
  /** Whether the learner looked at the solution (solutionShownAt set). */
  solutionShown: z.boolean().optional(),
  /** Passed, and the first pass came after the first look at the solution (the pass counts; it is marked). */
  passedAfterSolution: z.boolean().optional(),
});
export type ClassGrade = z.infer<typeof ClassGradeSchema>;

export const ClassGradesFileSchema = z.object({
  class: z.object({ id: z.string(), name: z.string() }),
  exportedAt: z.iso.datetime(),
  grades: z.array(ClassGradeSchema),
});
export type ClassGradesFile = z.infer<typeof ClassGradesFileSchema>;
