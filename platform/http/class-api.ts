import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ClientAddresses } from '../../lib/web-guards/client-address';
import type { Logger } from '../../lib/logging/logger';
import { isAllowedOrigin } from '../../lib/web-guards/origin';
import { isJoinCode, normalizeJoinCode } from '../../lib/store/classes';
import { HttpError, sendError, normalizedPath, readJsonAs, sendJson } from './http-helpers';
import type { ClassRuntime } from '../classroom/class-runtime';
import type { Classroom } from '../classroom/class-services';
import { JoinLimits, type JoinRefusal } from '../classroom/join-limits';

export const JoinBody = z
  .object({
    code: z
      .string()
      .max(32, 'a join code is 6 characters')
      .transform(normalizeJoinCode)
      .refine(isJoinCode, 'a join code is 6 letters and digits (no 0, 1, I or O), like K7PM2Q'),
    displayName: z
      .string()
      .trim()
      .min(1, 'enter the name your instructor will see')
      .max(40, 'a name has at most 40 characters')
      // Shown in the instructor's grid: no control characters, no invisible-only names.
      .refine((s) => !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(s), 'a name cannot contain control or invisible characters'),
  })
  .strict();

export interface JoinResponse {
  classId: string;
  name: string;
  displayName: string;
  /** True when this browser had joined before (nothing was duplicated; only the name may have changed). */
  resumed: boolean;
}

/** The join link an instructor shares; its page is rate-limited like joining itself. */
const JOIN_LINK_PATH = /^\/join\/[^/]+$/i;

const tooMany = (refusal: JoinRefusal): HttpError => new HttpError(429, refusal.message, { 'retry-after': String(refusal.retryAfter) });

/** Learner side of classes: joining with a code (rate-limited: join-limits.ts). The learner is the one the platform identified from the signed cookie. */
export function createClassApi(deps: { classroom: Classroom; clients: ClientAddresses; runtime?: ClassRuntime; log: Logger }) {
  const { classroom } = deps;
  const limits = new JoinLimits();

  async function join(req: IncomingMessage, res: ServerResponse, learnerId: string): Promise<void> {
    const address = deps.clients.of(req);
    const refusal = limits.attempt(address, learnerId);
    if (refusal) throw tooMany(refusal);
    const body = await readJsonAs(req, JoinBody, 1024);
    const result = classroom.store.classes.join({ code: body.code, learnerId, displayName: body.displayName });
    if (!result.ok) {
      limits.failed(address, learnerId);
      if (result.reason === 'ended') throw new HttpError(410, `the class with code ${body.code} has ended`);
      throw new HttpError(404, `no open class has the code ${body.code}; check it with your instructor`);
    }
    classroom.events.publishJoined({ classId: result.class.id, learnerId, resumed: result.resumed, at: Date.now() });
    const response: JoinResponse = { classId: result.class.id, name: result.class.name, displayName: result.member.displayName, resumed: result.resumed };
    sendJson(res, 200, response);
  }

  /** Returns false when the request is not for this API. */
  async function handle(req: IncomingMessage, res: ServerResponse, learnerId: string): Promise<boolean> {
    const path = normalizedPath(req.url);
    if (path === '/api/classes/events' && req.method === 'GET') {
      // The learner's live classroom events; 204 (the browser stops asking) when they are in no open class.
      if (!deps.runtime?.serveLearner(req, res, learnerId)) res.writeHead(204).end();
      return true;
    }
    if (JOIN_LINK_PATH.test(path) && (req.method === 'GET' || req.method === 'HEAD')) {
      const refusal = limits.attempt(deps.clients.of(req), learnerId);
      if (!refusal) return false; // Next.js renders the form
      const { status, headers, message } = tooMany(refusal);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(`${message[0]!.toUpperCase()}${message.slice(1)}.\n`);
      return true;
    }
    if (path !== '/api/classes/join') return false;
    try {
      if (req.method !== 'POST') throw new HttpError(405, 'join with POST', { allow: 'POST' });
      if (!isAllowedOrigin(req)) throw new HttpError(403, 'cross-origin request refused');
      await join(req, res, learnerId);
    } catch (error) {
      sendError(res, error, deps.log, `POST ${path}`);
    }
    return true;
  }

  return { handle };
}
