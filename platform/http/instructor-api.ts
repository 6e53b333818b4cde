import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ClientAddresses } from '../../lib/web-guards/client-address';
import type { Logger } from '../../lib/logging/logger';
import { isAllowedOrigin } from '../../lib/web-guards/origin';
import { readCookie } from '../../lib/identity/learner-identity';
import { CLASS_ID } from '../../lib/store/classes';
import { HttpError, sendError, normalizedPath, readBody, readJsonAs, redirect, sendJson } from './http-helpers';
import { PAGE_INSTRUCTOR_HEADER, type Classroom } from '../classroom/class-services';
import { createGridStreams } from './class-stream';
import type { ClassRuntime } from '../classroom/class-runtime';
import { clearInstructorCookieHeader, INSTRUCTOR_COOKIE, instructorCookieHeader, type InstructorAccess } from '../classroom/instructor-auth';
import { FairGate, type FairGateOptions } from '../../lib/web-guards/fair-gate';

export const INSTRUCTOR_LOGIN_PATH = '/instructor/login';

export const NewClassBody = z
  .object({
    name: z.string().trim().min(1, 'give the class a name').max(80, 'a class name has at most 80 characters'),
    lessonIds: z
      .array(z.string().regex(/^[a-z0-9-]{1,64}$/, 'not a lesson id'))
      .min(1, 'choose at least one lesson')
      .max(100, 'at most 100 lessons')
      .refine((ids) => new Set(ids).size === ids.length, 'a lesson is listed twice'),
    durationMinutes: z.number().int('whole minutes').min(5, 'a class lasts at least 5 minutes').max(24 * 60, 'a class lasts at most 24 hours (1440 minutes)'),
    expectedLearners: z.number().int('a whole number of learners').min(1, 'at least 1 learner').max(500, 'at most 500 learners'),
  })
  .strict();

const LoginForm = z.object({ secret: z.string().min(1).max(512), next: z.string().max(512).optional() });

const CLASS_PATH = /^\/api\/instructor\/classes\/([^/]+)(\/events)?$/;
/** /api/instructor/classes/:id/<action> and /api/instructor/classes/:id/learners/:learner/<action> */
const CLASS_ACTION_PATH = /^\/api\/instructor\/classes\/([^/]+)\/(runtime|export|end|follow|messages)$/;
const LEARNER_ACTION_PATH = /^\/api\/instructor\/classes\/([^/]+)\/learners\/([A-Za-z0-9_-]{1,64})\/(reset|extend)$/;

const ExtendBody = z.object({ minutes: z.number().int('whole minutes').min(5, 'at least 5 minutes').max(240, 'at most 240 minutes') }).strict();
const MessageBody = z
  .object({
    text: z.string().trim().min(1, 'write a message').max(500, 'a message has at most 500 characters'),
    learnerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a learner id').optional(),
  })
  .strict();
const FollowBody = z.object({ lessonId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'not a lesson id'), slide: z.number().int().min(0).max(10_000) }).strict();

/** Where to go after signing in: only instructor pages of this site (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/instructor(\/[A-Za-z0-9/_-]*)?$/.test(next) && next !== INSTRUCTOR_LOGIN_PATH ? next : '/instructor';
}

/**
 * Sign-in attempts, and why these numbers. The defence against guessing is
 * the secret: ≥ 80 bits (checked at start for an operator-set one; 100 for a
 * generated one, instructor-auth.ts), so no rate of guessing matters. What
 * the gate bounds is CPU: scrypt costs about 70 ms of a core and 16 MiB
 * (measured on the 2-core machine), so one verification runs at a time in
 * all, whoever asks, served round-robin between client addresses: one
 * address flooding (or many) cannot starve the instructor's. Each address
 * may start 5 at once, then one every 2 s, which only delays that address's
 * own attempts. There is no lock-out, per address or global: an attempt with
 * the right secret succeeds once its turn comes. Only an address's extra
 * attempts while 4 of its own wait, and attempts that waited 20 s, are told
 * to try again.
 */
export const SIGN_IN_GATE: FairGateOptions = { concurrency: 1, burst: 5, perSecond: 0.5, maxWaitingPerKey: 4, maxWaitMs: 20_000, maxKeys: 5_000 };
const isInstructorPage = (p: string): boolean => p === '/instructor' || p.startsWith('/instructor/');
const isInstructorApi = (p: string): boolean => p === '/api/instructor' || p.startsWith('/api/instructor/');

/**
 * Instructor sign-in and everything behind it. Every /instructor page and
 * /api/instructor route is refused here without a valid instructor cookie
 * (pages: redirect to sign-in; API: 401 JSON) before Next.js or any handler
 * sees the request; pages check the header this sets as a second line.
 */
export function createInstructorRoutes(deps: {
  classroom: Classroom;
  access: InstructorAccess;
  /** Who is asking (DRYDOCK_TRUSTED_PROXIES), for sign-in's fair share and the cookie's Secure flag. */
  clients: ClientAddresses;
  runtime?: ClassRuntime;
  log: Logger;
}) {
  const { classroom, access, clients } = deps;
  const streams = createGridStreams(classroom);
  const signInGate = new FairGate(SIGN_IN_GATE);
  const isSecure = (req: IncomingMessage): boolean => clients.isHttps(req);

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedOrigin(req)) throw new HttpError(403, 'cross-origin request refused');
    const form = new URLSearchParams(await readBody(req, 2048));
    const parsed = LoginForm.safeParse({ secret: form.get('secret') ?? '', next: form.get('next') ?? undefined });
    const next = safeNext(parsed.success ? parsed.data.next : undefined);
    const back = (error: string) => redirect(res, `${INSTRUCTOR_LOGIN_PATH}?error=${error}&next=${encodeURIComponent(next)}`);
    if (!parsed.success) return back('wrong');
    const client = clients.of(req);
    const verdict = await signInGate.run(client, () => access.checkSecret(parsed.data.secret));
    if (!verdict.ok) return back('slow');
    if (!verdict.value) {
      deps.log.warn(`instructor sign-in refused from ${client}`);
      return back('wrong');
    }
    redirect(res, next, { 'set-cookie': instructorCookieHeader(access.signCookie(), isSecure(req)) });
  }

  async function createClass(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonAs(req, NewClassBody);
    for (const id of body.lessonIds) {
      if (!classroom.lesson(id)) throw new HttpError(400, `lessonIds: there is no lesson "${id}" (or it has errors)`);
    }
    const created = classroom.store.classes.create(body);
    deps.log.info(`class "${created.name}" created: code ${created.joinCode}, ${created.lessonIds.length} lessons`);
    deps.runtime?.prepare(created);
    sendJson(res, 201, { class: created });
  }

  /** Live help and the class's lifecycle: an action on the class, or on one learner of it. */
  async function classAction(req: IncomingMessage, res: ServerResponse, classId: string, action: string, learnerId?: string): Promise<void> {
    const runtime = deps.runtime;
    if (!runtime) throw new HttpError(503, 'this server runs no sandboxes for classes');
    const record = CLASS_ID.test(classId) ? classroom.store.classes.get(classId) : null;
    if (!record) throw new HttpError(404, `no class "${classId.slice(0, 40)}"`);
    if (learnerId && !classroom.store.classes.member(classId, learnerId)) throw new HttpError(404, 'this learner is not in the class');
    const want = (method: string): void => {
      if (req.method !== method) throw new HttpError(405, `use ${method} for ${action}`, { allow: method });
    };
    switch (action) {
      case 'runtime':
        want('GET');
        return sendJson(res, 200, runtime.status(classId));
      case 'export': {
        want('GET');
        const format = new URL(req.url ?? '/', 'http://localhost').searchParams.get('format') ?? 'csv';
        if (format !== 'csv' && format !== 'json') throw new HttpError(400, 'format is csv or json');
        const file = runtime.export(classId, format);
        if (!file) throw new HttpError(404, 'no such class');
        res.writeHead(200, {
          'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="${file.filename}"`,
          'cache-control': 'no-store',
        });
        res.end(file.body);
        return;
      }
      case 'end':
        want('POST');
        return sendJson(res, 200, await runtime.end(classId));
      case 'follow':
        if (req.method === 'DELETE') {
          runtime.follow(classId, null);
        } else {
          want('PUT');
          const position = await readJsonAs(req, FollowBody, 512);
          if (!record.lessonIds.includes(position.lessonId)) throw new HttpError(400, `lesson ${position.lessonId} is not part of this class`);
          runtime.follow(classId, position);
        }
        res.writeHead(204).end();
        return;
      case 'messages': {
        want('POST');
        const body = await readJsonAs(req, MessageBody, 2048);
        if (body.learnerId && !classroom.store.classes.member(classId, body.learnerId)) throw new HttpError(404, 'this learner is not in the class');
        return sendJson(res, 200, { delivered: runtime.message(classId, body.text, body.learnerId) });
      }
      case 'reset':
        want('POST');
        await runtime.reset(classId, learnerId!);
        return sendJson(res, 200, { ok: true });
      case 'extend': {
        want('POST');
        const { minutes } = await readJsonAs(req, ExtendBody, 256);
        const expiresAt = await runtime.extend(classId, learnerId!, minutes);
        if (!expiresAt) throw new HttpError(404, 'this learner has no sandbox (it starts when they open a lesson)');
        return sendJson(res, 200, { expiresAt });
      }
      default:
        throw new HttpError(404, `no action ${action}`);
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && !isAllowedOrigin(req)) throw new HttpError(403, 'cross-origin request refused');
    let m: RegExpExecArray | null;
    if (path === '/api/instructor/session' && req.method === 'GET') {
      sendJson(res, 200, { instructor: true });
    } else if (path === '/api/instructor/classes' && req.method === 'GET') {
      sendJson(res, 200, { classes: classroom.summaries() });
    } else if (path === '/api/instructor/classes' && req.method === 'POST') {
      await createClass(req, res);
    } else if ((m = LEARNER_ACTION_PATH.exec(path))) {
      await classAction(req, res, m[1]!, m[3]!, m[2]!);
    } else if ((m = CLASS_ACTION_PATH.exec(path))) {
      await classAction(req, res, m[1]!, m[2]!);
    } else if ((m = CLASS_PATH.exec(path)) && req.method === 'GET') {
      const grid = CLASS_ID.test(m[1]!) ? classroom.grid(m[1]!) : null;
      if (!grid) throw new HttpError(404, `no class "${m[1]!.slice(0, 40)}"`);
      if (m[2]) streams.serve(req, res, grid);
      else sendJson(res, 200, grid);
    } else {
      throw new HttpError(404, `no instructor API at ${req.method} ${path}`);
    }
  }

  /** Returns false when the request is not an instructor route (another handler, or Next.js, takes it). */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = normalizedPath(req.url);
    // Case-insensitive: /Instructor must not slip past the guard into a page route.
    const lower = path.toLowerCase();
    delete req.headers[PAGE_INSTRUCTOR_HEADER];
    const signedIn = access.verifyCookie(readCookie(req.headers.cookie, INSTRUCTOR_COOKIE));
    if (signedIn) req.headers[PAGE_INSTRUCTOR_HEADER] = '1';
    if (!isInstructorPage(lower) && !isInstructorApi(lower)) return false;
    try {
      if (lower === INSTRUCTOR_LOGIN_PATH && req.method === 'POST') {
        await login(req, res);
      } else if (lower === '/instructor/logout' && req.method === 'POST') {
        if (!isAllowedOrigin(req)) throw new HttpError(403, 'cross-origin request refused');
        redirect(res, INSTRUCTOR_LOGIN_PATH, { 'set-cookie': clearInstructorCookieHeader(isSecure(req)) });
      } else if (isInstructorApi(lower)) {
        if (!signedIn) throw new HttpError(401, 'instructor sign-in required');
        await api(req, res, path);
      } else if (lower === INSTRUCTOR_LOGIN_PATH || signedIn) {
        return false; // the sign-in page, or a signed-in instructor's page: Next.js renders it
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        redirect(res, `${INSTRUCTOR_LOGIN_PATH}?next=${encodeURIComponent(path)}`, {}, 302);
      } else {
        throw new HttpError(401, 'instructor sign-in required');
      }
    } catch (error) {
      sendError(res, error, deps.log, `instructor ${req.method} ${path}`);
    }
    return true;
  }

  return { handle, streams, close: () => streams.closeAll() };
}
