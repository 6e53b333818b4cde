import type { Exercise } from '../../../lib/lesson-format/schema';
import { lessons } from '../../../lib/lesson-format/lesson-library';
import { instantiateExercise, valuesFor } from '../../../lib/lesson-format/lesson-values';
import { renderMarkdown } from '../../../lib/lesson-format/render';
import type { Store } from '../../../lib/store';
import { RateLimiter } from '../../../lib/web-guards/rate-limiter';
import {
  CheckResponseSchema,
  HintRequestSchema,
  HintResponseSchema,
  LessonValuesResponseSchema,
  PositionRequestSchema,
  ProgressResponseSchema,
  SolutionResponseSchema,
  type CheckResponse,
} from '../../../protocol/http';
import type { Verdict } from '../../../sandbox-server/src/grading/grader';
import { EngineUnavailableError, SandboxNotFoundError } from '../../../sandbox-server/src/engine/errors';
import type { ClassEvents } from '../../classroom/class-events';
import type { AppRouter } from '../common/context';
import { HttpError } from '../common/errors';
import { machineOf } from '../../../protocol/environment';
import type { MachineSandboxes } from '../../../sandbox-server/src/grading/grader';
import { limitBody, readJson } from '../middleware/body-limit';
import { noContent, sendJson } from '../common/responses';

/** How the check route reaches a learner's sandbox (platform.ts wires it to the sandbox service and the grader). */
export interface Grading {
  /** The learner's sandbox for an environment (one machine of it), or undefined when they have none. */
  sandboxIdOf(learnerId: string, environment: string): string | undefined;
  /** Grades on the sandbox of each check's machine (machine 1 unless the check names another). */
  grade(sandboxes: MachineSandboxes, exercise: Exercise): Promise<Verdict>;
}

const LESSON = ':lessonId{[a-z0-9-]{1,64}}';
const EXERCISE = ':exerciseId{[a-z0-9-]{1,64}}';

/**
 * The JSON API the lesson pages use: grading and progress. The learner is the
 * one the learner-identity middleware took from the signed cookie; the
 * browser can ask for a check but never report a result.
 */
export function addLessonRoutes(app: AppRouter, deps: { store: Store; grading: Grading; classEvents?: ClassEvents; valuesKey: Buffer }): void {
  // A check is cheap (tens of ms) but runs processes in a sandbox: 5 at once, then one per 2 s.
  const checkLimiter = new RateLimiter(5, 0.5);
  // Opening hints and the solution writes a row each time: a few at once (three hints in a row), then one a second.
  const helpLimiter = new RateLimiter(6, 1);
  const takeHelp = (learnerId: string): void => {
    const wait = helpLimiter.take(learnerId);
    if (wait > 0) throw new HttpError(429, `too many requests; try again in ${wait} s`, { 'retry-after': String(wait) });
  };

  function findLesson(lessonId: string) {
    const entry = lessons().get(lessonId);
    if (!entry) throw new HttpError(404, `no lesson "${lessonId}"`);
    if (!entry.ok) throw new HttpError(409, `lesson "${lessonId}" has errors and cannot be used until they are fixed`);
    return entry.lesson;
  }

  /** This learner's values of a lesson (derived, never stored: lib/lesson-format/lesson-values.ts). */
  const valuesOf = (learnerId: string, lessonId: string) => valuesFor(findLesson(lessonId).manifest.values, learnerId, lessonId, deps.valuesKey);

  /** The exercise as this learner must do it: with their own values in its checks and solution. */
  function findExercise(lessonId: string, exerciseId: string, learnerId: string): { exercise: Exercise; profile: string } {
    const lesson = findLesson(lessonId);
    const exercise = lesson.slides.find((s) => s.exercise?.id === exerciseId)?.exercise;
    if (!exercise) throw new HttpError(404, `lesson "${lessonId}" has no exercise "${exerciseId}"`);
    // The lesson's environment (a fresh one of its own, or the one it continues): where the learner did the work.
    return { exercise: instantiateExercise(exercise, valuesOf(learnerId, lessonId)), profile: lessons().environmentOf(lessonId)?.environment ?? lesson.manifest.profile };
  }

  async function check(learnerId: string, lessonId: string, exerciseId: string): Promise<CheckResponse> {
    const { exercise, profile } = findExercise(lessonId, exerciseId, learnerId);
    const wait = checkLimiter.take(learnerId);
    if (wait > 0) throw new HttpError(429, `too many checks; try again in ${wait} s`, { 'retry-after': String(wait) });
    const sandboxId = deps.grading.sandboxIdOf(learnerId, profile);
    if (!sandboxId) throw new HttpError(409, 'you have no sandbox yet: open the terminal and do the exercise there first');
    const machines = (machine: number) => (machine === 1 ? sandboxId : deps.grading.sandboxIdOf(learnerId, machineOf(profile, machine)));

    let verdict: Verdict;
    try {
      verdict = await deps.grading.grade(machines, exercise);
    } catch (error) {
      if (error instanceof SandboxNotFoundError) throw new HttpError(409, 'your sandbox is gone; reload the page for a fresh one');
      if (error instanceof EngineUnavailableError) throw new HttpError(503, 'the Docker engine is not answering; tell your instructor');
      throw error;
    }
    const recorded = deps.store.progress.recordAttempt({
      learnerId,
      lessonId,
      exerciseId,
      passed: verdict.passed,
      evidence: { sandbox: sandboxId.slice(0, 12), checks: verdict.checks, engine: verdict.engine },
      durationMs: verdict.durationMs,
    });
    // Instructor dashboards of this learner's classes update from this (after the attempt is stored).
    deps.classEvents?.publishAttempt({ learnerId, lessonId, exerciseId, passed: verdict.passed, attempt: recorded.attempt, at: Date.now() });
    return {
      exerciseId,
      passed: verdict.passed,
      everPassed: recorded.everPassed,
      attempt: recorded.attempt,
      checks: verdict.checks.map((c) => ({ passed: c.passed, message: c.message, fail: c.fail, expects: c.expects, found: c.found, details: c.details, hint: c.hint })),
      engine: verdict.engine,
      durationMs: verdict.durationMs,
    };
  }

  app.get('/api/progress', (c) => sendJson(c, ProgressResponseSchema, { lessons: deps.store.progress.forLearner(c.var.learnerId) }));

  app.post(`/api/lessons/${LESSON}/exercises/${EXERCISE}/check`, async (c) =>
    sendJson(c, CheckResponseSchema, await check(c.var.learnerId, c.req.param('lessonId'), c.req.param('exerciseId'))),
  );

  // The solution is behind its own button, and asking for it is recorded (the grades and the instructor's grid say who looked, and when).
  app.post(`/api/lessons/${LESSON}/exercises/${EXERCISE}/solution`, (c) => {
    const learnerId = c.var.learnerId;
    const lessonId = c.req.param('lessonId');
    const exerciseId = c.req.param('exerciseId');
    const { exercise } = findExercise(lessonId, exerciseId, learnerId);
    takeHelp(learnerId);
    const shownAt = deps.store.progress.showSolution(learnerId, lessonId, exerciseId);
    deps.classEvents?.publishHelp({ learnerId, lessonId, exerciseId, kind: 'solution', at: Date.now() });
    return sendJson(c, SolutionResponseSchema, {
      exerciseId,
      solution: exercise.solution,
      ...(exercise.explanation ? { explanationHtml: renderMarkdown(exercise.explanation) } : {}),
      shownAt,
    });
  });

  // The page holds the hints' text (they are no secret); opening one is recorded so the instructor sees who needed help.
  app.post(`/api/lessons/${LESSON}/exercises/${EXERCISE}/hints`, limitBody('hint'), async (c) => {
    const learnerId = c.var.learnerId;
    const lessonId = c.req.param('lessonId');
    const exerciseId = c.req.param('exerciseId');
    const { exercise } = findExercise(lessonId, exerciseId, learnerId);
    const { hint } = await readJson(c, HintRequestSchema);
    if (hint > exercise.hints.length) throw new HttpError(400, `exercise "${exerciseId}" has ${exercise.hints.length} hint${exercise.hints.length === 1 ? '' : 's'}, not ${hint}`);
    takeHelp(learnerId);
    const hintsUsed = deps.store.progress.revealHint(learnerId, lessonId, exerciseId, hint);
    deps.classEvents?.publishHelp({ learnerId, lessonId, exerciseId, kind: 'hint', at: Date.now() });
    return sendJson(c, HintResponseSchema, { exerciseId, hintsUsed });
  });

  // The learner's own values, for the deck to show where the slides say ${{ name }}.
  app.get(`/api/lessons/${LESSON}/values`, (c) => {
    const lessonId = c.req.param('lessonId');
    return sendJson(c, LessonValuesResponseSchema, { lessonId, values: valuesOf(c.var.learnerId, lessonId) });
  });

  app.put(`/api/lessons/${LESSON}/position`, limitBody('position'), async (c) => {
    const lessonId = c.req.param('lessonId');
    const body = await readJson(c, PositionRequestSchema);
    if (!lessons().get(lessonId)) throw new HttpError(404, `no lesson "${lessonId}"`);
    deps.store.progress.setPosition(c.var.learnerId, lessonId, body.slide);
    return noContent(c);
  });
}
