import { z } from '../zod';

/**
 * What lesson pages (server components) pass to the browser's deck, presenter
 * and problem list as props: rendered HTML, titles and hints. Checks and
 * solutions stay on the server; an exercise travels as its title and hints.
 */

export const DeckExerciseSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Rendered server-side from the lesson's Markdown. */
  hintsHtml: z.array(z.string()),
});
export type DeckExercise = z.infer<typeof DeckExerciseSchema>;

export const DeckSlideSchema = z.object({
  /** 0-based. */
  index: z.number().int().nonnegative(),
  title: z.string(),
  html: z.string(),
  /** The speaker notes, rendered; empty unless the page shows notes. */
  notesHtml: z.string(),
  exercise: DeckExerciseSchema.optional(),
});
export type DeckSlide = z.infer<typeof DeckSlideSchema>;

/** One problem of a lesson that cannot be shown (the lesson lint's and parser's findings). */
export const LessonProblemSchema = z.object({ file: z.string(), line: z.number().int(), message: z.string() });
export type LessonProblem = z.infer<typeof LessonProblemSchema>;
