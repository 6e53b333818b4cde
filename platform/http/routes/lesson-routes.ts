import type { Exercise } from '../../../lib/lesson-format/schema';
import { lessons } from '../../../lib/lesson-format/lesson-library';
import type { Store } from '../../../lib/store';
import { RateLimiter } from '../../../lib/web-guards/rate-limiter';
import { CheckResponseSchema, PositionRequestSchema, ProgressResponseSchema, SolutionResponseSchema, type CheckResponse } from '../../../protocol/http';
import type { Verdict } from '../../../sandbox-server/src/grading/grader';
import { EngineUnavailableError, SandboxNotFoundError } from '../../../sandbox-server/src/engine/errors';
import type { ClassEvents } from '../../classroom/class-events';
import type { AppRouter } from '../common/context';
import { HttpError } from '../common/errors';
import { limitBody, readJson } from '../middleware/body-limit';
import { noContent, sendJson } from '../common/responses';

/** How the check route reaches a learner's sandbox (platform.ts wires it to the sandbox service and the grader). */
export interface Grading {
  /** The learner's sandbox for a profile, or undefined when they have none. */
  sandboxIdOf(learnerId: string, profile: string): string | undefined;
  grade(sandboxId: string, exercise: Exercise): Promise<Verdict>;
}

const LESSON = ':lessonId{[a-z0-9-]{1,64}}';
const EXERCISE = ':exerciseId{[a-z0-9-]{1,64}}';

/**
 * The JSON API the lesson pages use: grading and progress. The learner is the
 * one the learner-identity middleware took from the signed cookie; the
 * browser can ask for a check but never report a result.
 */
export function addLessonRoutes(app: AppRouter, deps: { store: Store; grading: Grading; classEvents?: ClassEvents }): void {
  // A check is cheap (tens of ms) but runs processes in a sandbox: 5 at once, then one per 2 s.
  const checkLimiter = new RateLimiter(5, 0.5);

  function findExercise(lessonId: string, exerciseId: string): { exercise: Exercise; profile: string } {
    const entry = lessons().get(lessonId);
    if (!entry) throw new HttpError(404, `no lesson "${lessonId}"`);
    if (!entry.ok) throw new HttpError(409, `lesson "${lessonId}" has errors and cannot be used until they are fixed`);
    const exercise = entry.lesson.slides.find((s) => s.exercise?.id === exerciseId)?.exercise;
    if (!exercise) throw new HttpError(404, `lesson "${lessonId}" has no exercise "${exerciseId}"`);
    return { exercise, profile: entry.lesson.manifest.profile };
  }

  async function check(learnerId: string, lessonId: string, exerciseId: string): Promise<CheckResponse> {
    const { exercise, profile } = findExercise(lessonId, exerciseId);
    const wait = checkLimiter.take(learnerId);
    if (wait > 0) throw new HttpError(429, `too many checks; try again in ${wait} s`, { 'retry-after': String(wait) });
    const sandboxId = deps.grading.sandboxIdOf(learnerId, profile);
    if (!sandboxId) throw new HttpError(409, 'you have no sandbox yet: open the terminal and do the exercise there first');

    let verdict: Verdict;
    try {
      verdict = await deps.grading.grade(sandboxId, exercise);
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

  // The solution is behind its own button, and asking for it is recorded (the grades say who looked, and when).
  app.post(`/api/lessons/${LESSON}/exercises/${EXERCISE}/solution`, (c) => {
    const lessonId = c.req.param('lessonId');
    const exerciseId = c.req.param('exerciseId');
    const { exercise } = findExercise(lessonId, exerciseId);
    const shownAt = deps.store.progress.showSolution(c.var.learnerId, lessonId, exerciseId);
    return sendJson(c, SolutionResponseSchema, { exerciseId, solution: exercise.solution, shownAt });
  });

  app.put(`/api/lessons/${LESSON}/position`, limitBody('position'), async (c) => {
    const lessonId = c.req.param('lessonId');
    const body = await readJson(c, PositionRequestSchema);
    if (!lessons().get(lessonId)) throw new HttpError(404, `no lesson "${lessonId}"`);
    deps.store.progress.setPosition(c.var.learnerId, lessonId, body.slide);
    return noContent(c);
  });
}
