import { z } from 'zod';

const LESSON_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The manifest at the top of every lesson.md (YAML front matter). Unknown keys are errors. */
export const LessonManifestSchema = z
  .object({
    id: z.string().regex(LESSON_ID, 'must be lowercase letters, digits and dashes'),
    title: z.string().min(1).max(80),
    summary: z.string().min(1).max(400),
    level: z.enum(['beginner', 'intermediate', 'advanced']),
    minutes: z.number().int().min(1).max(600),
    profile: z.enum(['dind']).default('dind'),
    images: z.array(z.string().min(1)).default([]),
    prerequisites: z.array(z.string().regex(LESSON_ID)).default([]),
  })
  .strict();
export type LessonManifest = z.infer<typeof LessonManifestSchema>;

/** How a code block may be used from the deck. */
export type CodeMode = 'run' | 'copy' | 'display';

export interface CodeBlock {
  lang: string;
  mode: CodeMode;
  /** Send Ctrl-C before typing the command (something may be running in the foreground). */
  interrupt: boolean;
  code: string;
  /** 1-based line of the opening fence in lesson.md. */
  line: number;
}

export interface Slide {
  /** 0-based position in the deck. */
  index: number;
  title: string;
  /** Markdown shown to learners. */
  body: string;
  /** Speaker notes (after a `???` line), Markdown; empty when none. */
  notes: string;
  codeBlocks: CodeBlock[];
  /** 1-based line where the slide starts in lesson.md. */
  line: number;
}

export interface Lesson {
  manifest: LessonManifest;
  slides: Slide[];
  /** Path of lesson.md relative to the project. */
  file: string;
}

/** A problem in a lesson file, with where it is. */
export interface LessonProblem {
  file: string;
  line: number;
  message: string;
}
