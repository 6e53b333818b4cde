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

const EXERCISE_ID = LESSON_ID;

/**
 * One check of an exercise. A shell check is a script run in the learner's
 * sandbox by the grader (never stored there): exit status 0 passes; on
 * failure the learner sees `fail`, and the script's last line of output if
 * it printed one, so a check can say what it found.
 */
export const ShellCheckSchema = z
  .object({
    shell: z.string().min(1, 'a shell check needs a script'),
    fail: z.string().min(1, 'say what the learner should see when this check fails'),
  })
  .strict();
export type ShellCheck = z.infer<typeof ShellCheckSchema>;

const PORT_MAPPING = /^\d{1,5}:\d{1,5}(\/(tcp|udp))?$/;

/** What a learner's container must look like, judged on the inner engine's inspect JSON. */
export const ContainerAssertionSchema = z
  .object({
    container: z.string().min(1),
    running: z.boolean().optional(),
    /** The image it was created from, as the learner named it (busybox ≡ busybox:latest). */
    image: z.string().min(1).optional(),
    /** Host port → container port, e.g. "9090:80". */
    publishes: z.array(z.string().regex(PORT_MAPPING, 'write HOST:CONTAINER, e.g. "9090:80"')).optional(),
    mounts: z.array(z.object({ source: z.string().min(1).optional(), target: z.string().min(1), readOnly: z.boolean().optional() }).strict()).optional(),
    networks: z.array(z.string().min(1)).optional(),
    exitCode: z.number().int().optional(),
  })
  .strict();

/** What a learner's image must be, judged on the inner engine's image inspect and history. */
export const ImageAssertionSchema = z
  .object({
    image: z.string().min(1),
    /** The configured USER is set and is neither root nor uid 0. */
    nonRootUser: z.literal(true).optional(),
    healthcheck: z.literal(true).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    maxSizeMB: z.number().positive().optional(),
    /** Its filesystem is only what the final stage copied (no base image layers shared with busybox). */
    maxLayers: z.number().int().positive().optional(),
  })
  .strict();

export const ResourceAssertionSchema = z.union([
  z.object({ volume: z.string().min(1), exists: z.boolean() }).strict(),
  z.object({ network: z.string().min(1), exists: z.boolean() }).strict(),
]);

/**
 * A Docker-state check: declarative assertions evaluated by the server on
 * JSON it fetches itself from the sandbox's inner engine, not through any
 * program inside the sandbox.
 */
export const DockerCheckSchema = z
  .object({
    docker: z.union([ContainerAssertionSchema, ImageAssertionSchema, ResourceAssertionSchema]),
    fail: z.string().min(1, 'say what the learner should see when this check fails'),
  })
  .strict();
export type DockerCheck = z.infer<typeof DockerCheckSchema>;

export const CheckSchema = z.union([ShellCheckSchema, DockerCheckSchema]);
export type Check = z.infer<typeof CheckSchema>;

/** An auto-graded exercise: a fenced ```exercise block of YAML inside a slide. */
export const ExerciseSchema = z
  .object({
    id: z.string().regex(EXERCISE_ID, 'must be lowercase letters, digits and dashes'),
    title: z.string().min(1).max(100),
    checks: z.array(CheckSchema).min(1, 'an exercise needs at least one check'),
    /** A shell script that solves the exercise in a fresh sandbox (content CI runs it). */
    solution: z.string().min(1, 'every exercise ships a reference solution'),
    /** Revealed one at a time, in order. */
    hints: z.array(z.string().min(1)).default([]),
    /** Per check. */
    timeoutSeconds: z.number().int().min(1).max(120).default(20),
  })
  .strict();
export type Exercise = z.infer<typeof ExerciseSchema> & {
  /** 1-based line of the ```exercise fence in lesson.md. */
  line: number;
};

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
  /** At most one exercise per slide; its block is not part of `body`. */
  exercise?: Exercise;
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
