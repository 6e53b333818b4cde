import type { ClientAddresses } from '../../../lib/web-guards/client-address';
import { JoinRequestSchema, JoinResponseSchema, type LearnerEvent } from '../../../protocol/http';
import type { ClassRuntime } from '../../classroom/class-runtime';
import type { Classroom } from '../../classroom/class-services';
import { JoinLimits, type JoinRefusal } from '../../classroom/join-limits';
import type { AppRouter } from '../common/context';
import { HttpError } from '../common/errors';
import { limitBody, readJson } from '../middleware/body-limit';
import { noContent, sendJson } from '../common/responses';
import { serveEventStream } from '../common/sse';

/** Comment line sent this often so proxies and browsers keep a learner's idle stream open. */
const KEEPALIVE_MS = 25_000;
/** The learner page's EventSource reconnects this long after its stream drops. */
const RETRY_MS = 3000;

const tooMany = (refusal: JoinRefusal): HttpError => new HttpError(429, refusal.message, { 'retry-after': String(refusal.retryAfter) });

/**
 * The learner's side of classes: joining with a code (rate-limited per
 * address and per browser: join-limits.ts, the join link's page included),
 * and the live events of the class they are in.
 */
export function addClassRoutes(app: AppRouter, deps: { classroom: Classroom; clients: ClientAddresses; runtime?: ClassRuntime }): void {
  const { classroom, clients } = deps;
  const limits = new JoinLimits();

  // The join link an instructor shares: its page (Next.js renders the form) counts as an attempt to join.
  app.get('/join/:code', async (c, next) => {
    const refusal = limits.attempt(clients.of(c.env.incoming), c.var.learnerId);
    if (!refusal) return next();
    const { status, headers, message } = tooMany(refusal);
    return c.body(`${message[0]!.toUpperCase()}${message.slice(1)}.\n`, status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  });

  app.post(
    '/api/classes/join',
    async (c, next) => {
      const refusal = limits.attempt(clients.of(c.env.incoming), c.var.learnerId);
      if (refusal) throw tooMany(refusal);
      await next();
    },
    limitBody('join'),
    async (c) => {
      const learnerId = c.var.learnerId;
      const body = await readJson(c, JoinRequestSchema);
      const result = classroom.store.classes.join({ code: body.code, learnerId, displayName: body.displayName });
      if (!result.ok) {
        limits.failed(clients.of(c.env.incoming), learnerId);
        if (result.reason === 'ended') throw new HttpError(410, `the class with code ${body.code} has ended`);
        throw new HttpError(404, `no open class has the code ${body.code}; check it with your instructor`);
      }
      classroom.events.publishJoined({ classId: result.class.id, learnerId, resumed: result.resumed, at: Date.now() });
      return sendJson(c, JoinResponseSchema, { classId: result.class.id, name: result.class.name, displayName: result.member.displayName, resumed: result.resumed });
    },
  );

  // The learner's live classroom events; 204 (the browser stops asking) when they are in no open class.
  app.get('/api/classes/events', (c) => {
    const runtime = deps.runtime;
    if (!runtime) return noContent(c);
    return serveEventStream<LearnerEvent>(c, { retryMs: RETRY_MS, keepaliveMs: KEEPALIVE_MS }, (connection, sink) => runtime.serveLearner(connection, sink, c.var.learnerId));
  });
}
