import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { gradeExercise } from '../../sandbox-server/src/grading/grader';
import type { SandboxService } from '../../sandbox-server/src/sandbox-service';
import { EngineUnavailableError, SandboxNotFoundError } from '../../sandbox-server/src/engine/errors';
import type { Logger } from '../../lib/logging/logger';
import { isAllowedOrigin } from '../../lib/web-guards/origin';
import type { Store } from '../../lib/store';
import type { ClassEvents } from '../classroom/class-events';
import { lessons } from '../../lib/lesson-format/lesson-library';
import { HttpError, sendError, readJsonAs, sendJson } from './http-helpers';
import { RateLimiter } from '../../lib/web-guards/rate-limiter';

/** What the browser is told about a verdict: messages, never the check scripts or the evidence. */
export interface CheckResponse {
  exerciseId: string;
  passed: boolean;
  /** True if any attempt so far passed (a pass is never taken away). */
  everPassed: boolean;
  attempt: number;
  /** A failing check's `details` are its separate findings (a Dockerfile's broken rules, line by line); `hint` is the check's own hint. */
  checks: { passed: boolean; message: string; fail?: string; found?: string; details?: string[]; hint?: string }[];
  durationMs: number;
}

const CHECK_PATH = /^\/api\/lessons\/([a-z0-9-]{1,64})\/exercises\/([a-z0-9-]{1,64})\/check$/;
const POSITION_PATH = /^\/api\/lessons\/([a-z0-9-]{1,64})\/position$/;
const PositionBody = z.object({ slide: z.number().int().min(0).max(10_000) }).strict();
const MAX_BODY_BYTES = 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) res.writeHead(204, { 'cache-control': 'no-store', ...headers }).end();
  else sendJson(res, status, body, headers);
}

/**
 * The JSON API used by the pages: grading and progress. The learner is the
 * one the platform server identified from the signed cookie; the browser can
 * ask for a check but never report a result.
 */
export function createApi(deps: { store: Store; sandboxes: SandboxService; log: Logger; classEvents?: ClassEvents }) {
  // A check is cheap (tens of ms) but runs processes in a sandbox: 5 at once, then one per 2 s.
  const checkLimiter = new RateLimiter(5, 0.5);

  async function check(learnerId: string, lessonId: string, exerciseId: string): Promise<CheckResponse> {
    const entry = lessons().get(lessonId);
    if (!entry) throw new HttpError(404, `no lesson "${lessonId}"`);
    if (!entry.ok) throw new HttpError(409, `lesson "${lessonId}" has errors and cannot be graded`);
    const exercise = entry.lesson.slides.find((s) => s.exercise?.id === exerciseId)?.exercise;
    if (!exercise) throw new HttpError(404, `lesson "${lessonId}" has no exercise "${exerciseId}"`);
    const wait = checkLimiter.take(learnerId);
    if (wait > 0) throw new HttpError(429, `too many checks; try again in ${wait} s`, { 'retry-after': String(wait) });
    const sandboxId = deps.sandboxes.manager.sandboxIdOf(learnerId, entry.lesson.manifest.profile);
    if (!sandboxId) throw new HttpError(409, 'you have no sandbox yet: open the terminal and do the exercise there first');

    let verdict;
    try {
      verdict = await gradeExercise(deps.sandboxes.driver, sandboxId, exercise);
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
      evidence: { sandbox: sandboxId.slice(0, 12), checks: verdict.checks },
      durationMs: verdict.durationMs,
    });
    // Instructor dashboards of this learner's classes update from this (after the attempt is stored).
    deps.classEvents?.publishAttempt({ learnerId, lessonId, exerciseId, passed: verdict.passed, attempt: recorded.attempt, at: Date.now() });
    return {
      exerciseId,
      passed: verdict.passed,
      everPassed: recorded.everPassed,
      attempt: recorded.attempt,
      checks: verdict.checks.map((c) => ({ passed: c.passed, message: c.message, fail: c.fail, found: c.found, details: c.details, hint: c.hint })),
      durationMs: verdict.durationMs,
    };
  }

  /** Returns false when the request is not for the API. */
  async function handle(req: IncomingMessage, res: ServerResponse, learnerId: string): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/api/')) return false;
    try {
      if (req.method !== 'GET' && !isAllowedOrigin(req)) throw new HttpError(403, 'cross-origin request refused');
      let m: RegExpExecArray | null;
      if (path === '/api/progress' && req.method === 'GET') {
        send(res, 200, { lessons: deps.store.progress.forLearner(learnerId) });
      } else if ((m = CHECK_PATH.exec(path)) && req.method === 'POST') {
        send(res, 200, await check(learnerId, m[1]!, m[2]!));
      } else if ((m = POSITION_PATH.exec(path)) && req.method === 'PUT') {
        const body = await readJsonAs(req, PositionBody, MAX_BODY_BYTES);
        if (!lessons().get(m[1]!)) throw new HttpError(404, `no lesson "${m[1]}"`);
        deps.store.progress.setPosition(learnerId, m[1]!, body.slide);
        send(res, 204, null);
      } else {
        throw new HttpError(404, `no API at ${req.method} ${path}`);
      }
    } catch (error) {
      sendError(res, error, deps.log, `API ${req.method} ${path}`);
    }
    return true;
  }

  return { handle };
}
