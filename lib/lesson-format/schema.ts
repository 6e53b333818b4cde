import { z } from 'zod';
import { MAX_MACHINES } from '../../protocol/environment';

const LESSON_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * How one value drawn per learner is made (lib/lesson-format/lesson-values.ts):
 * a port in a range, one of some words, a pronounceable word of N letters, N hex digits.
 */
export const ValueGeneratorSchema = z.union([
  z
    .object({ port: z.tuple([z.number().int().min(1), z.number().int().max(65_535)]).refine(([from, to]) => from <= to, 'write [from, to] with from ≤ to') })
    .strict(),
  z.object({ pick: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, dashes and underscores')).min(2, 'pick from at least two') }).strict(),
  z.object({ word: z.number().int().min(3).max(16) }).strict(),
  z.object({ hex: z.number().int().min(4).max(32) }).strict(),
]);
export type ValueGenerator = z.infer<typeof ValueGeneratorSchema>;

/** The manifest at the top of every lesson.md (YAML front matter). Unknown keys are errors. */
export const LessonManifestSchema = z
  .object({
    id: z.string().regex(LESSON_ID, 'must be lowercase letters, digits and dashes'),
    title: z.string().min(1).max(80),
    summary: z.string().min(1).max(400),
    level: z.enum(['beginner', 'intermediate', 'advanced']),
    minutes: z.number().int().min(1).max(600),
    profile: z.enum(['dind']).default('dind'),
    /**
     * Which sandbox the lesson runs in: `fresh` (default) gives the lesson an
     * environment of its own, named after it; `{ continues: <lesson> }` carries
     * on in that lesson's environment (its files, images and history).
     */
    environment: z
      .union([z.literal('fresh'), z.object({ continues: z.string().regex(LESSON_ID, 'name a lesson id') }).strict()])
      .default('fresh'),
    /** Machines in the lesson's environment, each with its own Docker engine, on one private network (a Swarm lab); 1 unless asked. */
    machines: z.number().int().min(1).max(MAX_MACHINES).default(1),
    images: z.array(z.string().min(1)).default([]),
    prerequisites: z.array(z.string().regex(LESSON_ID)).default([]),
    /** Values drawn per learner, used as `${{ name }}` in slides and exercises (lessons/README.md). */
    values: z
      .record(z.string(), ValueGeneratorSchema)
      .superRefine((values, ctx) => {
        for (const name of Object.keys(values)) {
          if (!LESSON_ID.test(name) || name.length > 32) ctx.addIssue({ code: 'custom', path: [name], message: 'value names are lowercase letters, digits and dashes (32 at most)' });
        }
      })
      .default({}),
  })
  .strict();
export type LessonManifest = z.infer<typeof LessonManifestSchema>;

const EXERCISE_ID = LESSON_ID;

const FAIL = z.string().min(1, 'say what the learner should see when this check fails');
/** In a multi-machine lesson: which machine the check reads (node1 is 1, the default). */
const MACHINE = z.number().int().min(1).max(MAX_MACHINES).optional();
/** Shown only when this check fails: hints keyed to the part that is wrong. */
const HINT = z.string().min(1).optional();

/**
 * One check of an exercise. A shell check is a script run in the learner's
 * sandbox by the grader (never stored there): exit status 0 passes; on
 * failure the learner sees `fail`, and the script's last line of output if
 * it printed one, so a check can say what it found.
 */
export const ShellCheckSchema = z
  .object({
    shell: z.string().min(1, 'a shell check needs a script'),
    fail: FAIL,
    hint: HINT,
    machine: MACHINE,
  })
  .strict();
export type ShellCheck = z.infer<typeof ShellCheckSchema>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** os/arch[/variant], as Docker writes platforms. */
const PLATFORM = z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'write os/arch[/variant], e.g. linux/arm64');

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
    /** The main process was killed for using more memory than its limit. */
    oomKilled: z.boolean().optional(),
    /** From the HEALTHCHECK: healthy, unhealthy or starting. */
    health: z.enum(['healthy', 'unhealthy', 'starting']).optional(),
    /** --memory, in MiB (exactly). */
    memoryMB: z.number().positive().optional(),
    /** --cpus (exactly, e.g. 0.5). */
    cpus: z.number().positive().optional(),
    /** --pids-limit (exactly). */
    pidsLimit: z.number().int().positive().optional(),
    /** --read-only */
    readOnlyRootfs: z.boolean().optional(),
    /** --tmpfs mount points, e.g. [/tmp]. */
    tmpfs: z.array(z.string().regex(/^\//, 'an absolute path')).optional(),
    /** --user exactly as given, e.g. "1000" or "1000:1000". */
    user: z.string().min(1).optional(),
    /** Runs as a user that is neither root nor uid 0 (from --user, or the image's USER). */
    nonRootUser: z.literal(true).optional(),
    /** --network as given: bridge, host, none, container:<name>, or a network name. */
    networkMode: z.string().min(1).optional(),
    /** -P: every EXPOSEd port published on a random host port. */
    publishAll: z.boolean().optional(),
    /** Capabilities dropped (--cap-drop), e.g. [ALL] or [NET_RAW]. */
    capDrop: z.array(z.string().regex(/^[A-Z_]+$/, 'capability names in capitals, e.g. NET_RAW or ALL')).optional(),
    /** --security-opt values that must be present, e.g. [no-new-privileges]. */
    securityOpt: z.array(z.string().min(1)).optional(),
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
    maxLayers: z.number().int().positive().optional(),
    /**
     * Built FROM scratch: no layer holds a base operating system (a shell,
     * busybox, os-release…), read from the image the inner engine exports.
     */
    fromScratch: z.literal(true).optional(),
    /**
     * Regular expressions no step of the image's history may match, e.g.
     * "go build|gcc": the build stage's steps must not be in the final image.
     */
    historyExcludes: z.array(z.string().min(1).refine(isRegExp, 'must be a valid regular expression')).optional(),
    /** os/arch[/variant] the image is for, e.g. linux/arm64. */
    platform: PLATFORM.optional(),
    /** Ports the image EXPOSEs, e.g. ["8080/tcp"] ("8080" means tcp). */
    exposes: z.array(z.string().regex(/^\d{1,5}(\/(tcp|udp))?$/, 'write PORT or PORT/tcp, e.g. 8080')).optional(),
  })
  .strict();

/** A file inside a volume, read from where the inner engine says the volume lives. */
const VolumeFileSchema = z
  .object({
    path: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the volume, without a leading / or ..'),
    contains: z.string().min(1).optional(),
    equals: z.string().optional(),
  })
  .strict();

/** An image in a registry, asked through the inner engine (`docker buildx imagetools inspect` territory). */
export const ManifestAssertionSchema = z
  .object({
    manifest: z.string().min(1),
    /** The manifest list must name each of these, e.g. linux/amd64, linux/arm64. Without: the tag (or digest) only has to exist in the registry. */
    platforms: z.array(PLATFORM).min(1).optional(),
  })
  .strict();

export const ResourceAssertionSchema = z.union([
  z.object({ volume: z.string().min(1), exists: z.boolean().default(true), file: VolumeFileSchema.optional() }).strict(),
  z.object({ network: z.string().min(1), exists: z.boolean() }).strict(),
]);

/**
 * A Docker-state check: declarative assertions evaluated by the server on
 * JSON it fetches itself from the sandbox's inner engine, not through any
 * program inside the sandbox.
 */
export const DockerCheckSchema = z
  .object({
    docker: z.union([ContainerAssertionSchema, ImageAssertionSchema, ResourceAssertionSchema, ManifestAssertionSchema]),
    fail: FAIL,
    hint: HINT,
    machine: MACHINE,
  })
  .strict();
export type DockerCheck = z.infer<typeof DockerCheckSchema>;

export const DOCKERFILE_RULES = ['multiStage', 'pinnedBaseTag', 'nonRootUser', 'noRemoteAdd', 'execFormCmd'] as const;
export type DockerfileRule = (typeof DOCKERFILE_RULES)[number];

/**
 * A Dockerfile check: rules applied to a Dockerfile the learner wrote, read
 * from the sandbox's filesystem by the server (through the Docker API, not a
 * program in the sandbox). Every broken rule is reported with its line.
 */
export const DockerfileCheckSchema = z
  .object({
    dockerfile: z
      .object({
        /** Absolute path inside the sandbox, e.g. /root/web/Dockerfile. */
        path: z.string().regex(/^\/[^\0]*$/, 'an absolute path inside the sandbox'),
        rules: z.array(z.enum(DOCKERFILE_RULES)).min(1),
      })
      .strict(),
    fail: FAIL,
    hint: HINT,
    machine: MACHINE,
  })
  .strict();
export type DockerfileCheck = z.infer<typeof DockerfileCheckSchema>;

export const CheckSchema = z.union([ShellCheckSchema, DockerCheckSchema, DockerfileCheckSchema]);
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
    /** Markdown shown with the solution when the learner asks for it: why it works. Never sent before that. */
    explanation: z.string().min(1).optional(),
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

/**
 * What content CI expects of a `run` block (sandbox-server/test/content/lesson-run-blocks.ts);
 * learners never see it (the block renders like any `sh run`):
 * - `runs`: every command succeeds and prints no error (the default);
 * - `fails` (```` ```sh run fails ````): the block shows an error on purpose, so it must exit non-zero or print one;
 * - `foreground` (```` ```sh run foreground ````): it runs until the learner presses Ctrl-C (`docker logs -f`, `top`); CI stops it after a few seconds;
 * - `skip` (```` ```sh run skip-ci ````): CI cannot run it (on another machine's tab); the slide's prose says why;
 * - `self-check` (```` ```sh run self-check ````): on an exercise's slide, the learner's way to check their own
 *   answer (`curl localhost:PORT`): CI runs it after the reference solution, where it must succeed.
 */
export type CiExpectation = 'runs' | 'fails' | 'foreground' | 'skip' | 'self-check';

export interface CodeBlock {
  lang: string;
  mode: CodeMode;
  /** Send Ctrl-C before typing the command (something may be running in the foreground). */
  interrupt: boolean;
  /** What content CI expects when it runs the block ('runs' for any block that is not a `run` block). */
  ci: CiExpectation;
  code: string;
  /** 1-based line of the opening fence in lesson.md. */
  line: number;
  /**
   * A `copy` block right after a link to the editor (`[Open it](editor:/root/demo/compose.yaml)`) is that
   * file's content: the learner pastes it there and saves. Content CI writes it there the same way.
   */
  file?: string;
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
