import { z } from '../zod';
import { CountSchema } from './common';

/**
 * POST /api/lessons/:lessonId/exercises/:exerciseId/check → 200 with the
 * verdict (no request body; a refusal is an ErrorBody, error.ts). What the
 * browser is told about a verdict: messages, never the check scripts or the evidence.
 */

/** One check of the exercise, as the learner sees it. */
export const VerdictCheckSchema = z.object({
  passed: z.boolean(),
  /** The check's `fail` text (plus what it found), or "ok". */
  message: z.string(),
  /** The check's `fail` text (what was expected), when it failed. */
  fail: z.string().optional(),
  /** What the check requires, passed or not (a passed one is shown as met). Absent from older servers. */
  expects: z.string().optional(),
  /** What the check found, when it failed and said so. */
  found: z.string().optional(),
  /** A failing check's separate findings (a Dockerfile's broken rules, line by line). */
  details: z.array(z.string()).optional(),
  /** The check's own hint, given only when it fails. */
  hint: z.string().optional(),
});
export type VerdictCheck = z.infer<typeof VerdictCheckSchema>;

export const CheckResponseSchema = z.object({
  exerciseId: z.string(),
  passed: z.boolean(),
  /** True if any attempt so far passed (a pass is never taken away). */
  everPassed: z.boolean(),
  /** 1 for the first attempt. */
  attempt: CountSchema.min(1),
  checks: z.array(VerdictCheckSchema),
  /** Set when a check failed and the sandbox's Docker engine does not answer: what was found, and how to start it again. */
  engine: z.string().optional(),
  durationMs: z.number().nonnegative(),
});
export type CheckResponse = z.infer<typeof CheckResponseSchema>;

/**
 * POST /api/lessons/:lessonId/exercises/:exerciseId/solution → 200: the
 * exercise's reference solution, shown when the learner asks for it. The
 * first time is recorded, and class grade exports carry it.
 */
export const SolutionResponseSchema = z.object({
  exerciseId: z.string(),
  /** Shell commands that solve the exercise in a fresh sandbox (content CI runs them). */
  solution: z.string(),
  /** The lesson's word on why the solution works (rendered Markdown), when it gives one. */
  explanationHtml: z.string().optional(),
  /** When this learner first looked (epoch ms). */
  shownAt: z.number().int(),
});
export type SolutionResponse = z.infer<typeof SolutionResponseSchema>;

/**
 * POST /api/lessons/:lessonId/exercises/:exerciseId/hints: the learner opened
 * hint number `hint` (1-based; hints open in order, so it is also how many
 * they have seen). The server keeps the highest, and the instructor's grid and
 * the grade exports show it.
 */
export const HintRequestSchema = z.object({ hint: z.number().int().min(1).max(100) }).strict();
export type HintRequest = z.infer<typeof HintRequestSchema>;

/** → 200: how many of the exercise's hints this learner has opened, all told. */
export const HintResponseSchema = z.object({ exerciseId: z.string(), hintsUsed: z.number().int().nonnegative() });
export type HintResponse = z.infer<typeof HintResponseSchema>;

/**
 * A pass counts however it came, but one first reached after looking at the
 * solution is marked as such (in the grades and on the instructor's grid).
 */
export function passedAfterSolution(firstPassedAt: number | null, solutionShownAt: number | null): boolean {
  return firstPassedAt !== null && solutionShownAt !== null && firstPassedAt >= solutionShownAt;
}
