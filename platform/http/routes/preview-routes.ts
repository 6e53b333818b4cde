import { CLASS_ID } from '../../../lib/store/classes';
import { RateLimiter } from '../../../lib/web-guards/rate-limiter';
import { PortsResponseSchema, PreviewPortSchema, type PortsResponse } from '../../../protocol/http';
import { parseEnvironment } from '../../../protocol/environment';
import { SandboxNotFoundError } from '../../../sandbox-server/src/engine/errors';
import type { Classroom } from '../../classroom/class-services';
import type { AppContext, AppRouter } from '../common/context';
import { HttpError } from '../common/errors';
import { redirect, sendJson } from '../common/responses';

/** What the preview routes need of the sandboxes and the preview proxy (platform.ts wires both). */
export interface PreviewDoor {
  sandboxIdOf(learnerId: string, profile: string): string | undefined;
  listeningPorts(sandboxId: string): Promise<number[]>;
  /** Whether a browser that reached the platform at this host can be shown previews. */
  offeredAt(platformHost: string): boolean;
  /** The URL that opens the preview (a ticket inside), or null when previews are not offered at this host. */
  entryUrl(target: { sandboxId: string; learnerId: string; profile: string; port: number }, platformHost: string): string | null;
}

/** Without ?env=: the bare profile, which the session manager reads as "the learner's most recently used environment". */
const PROFILE = 'dind';
const PORT = ':port{[0-9]{1,5}}';
const LEARNER = '/api/instructor/classes/:classId/learners/:learnerId{[A-Za-z0-9_-]{1,64}}';
const UNAVAILABLE =
  'This server shows web previews only to browsers on its own machine (at http://*.preview.localhost). Ask its operator to set DRYDOCK_PREVIEW_ORIGIN to a wildcard domain that points at it.';

/**
 * Opening a web preview (platform/preview/): which ports listen in a
 * sandbox, and the door to one of them. The door is a redirect to the
 * preview's own origin with a one-minute ticket; whoever the platform lets
 * through here (the learner for their own sandbox; an instructor for a
 * learner of their class) is who may look.
 */
export function addPreviewRoutes(app: AppRouter, deps: { door: PreviewDoor; classroom: Classroom }): void {
  const { door, classroom } = deps;
  // Listing reads two /proc files on the host; opening signs a ticket. Cheap, but not free for a flood.
  const asks = new RateLimiter(30, 2);

  const take = (key: string) => {
    const wait = asks.take(key);
    if (wait > 0) throw new HttpError(429, `too many preview requests; try again in ${wait} s`, { 'retry-after': String(wait) });
  };

  const portOf = (c: AppContext): number => {
    const parsed = PreviewPortSchema.safeParse(Number(c.req.param('port')));
    if (!parsed.success) throw new HttpError(400, 'a port is a number from 1 to 65535');
    return parsed.data;
  };

  /** ?env= names the lesson's environment; without it, the learner's most recently used one. */
  const environmentOf = (c: AppContext): string => {
    const asked = c.req.query('env');
    if (asked === undefined) return PROFILE;
    if (!parseEnvironment(asked)) throw new HttpError(400, 'env must name an environment, e.g. dind:networking');
    return asked;
  };

  const ports = async (c: AppContext, learnerId: string): Promise<Response> => {
    const sandboxId = door.sandboxIdOf(learnerId, environmentOf(c));
    const unavailable = door.offeredAt(c.req.header('host') ?? '') ? undefined : UNAVAILABLE;
    let body: PortsResponse = { sandbox: false, ports: [], unavailable };
    if (sandboxId) {
      try {
        body = { sandbox: true, ports: await door.listeningPorts(sandboxId), unavailable };
      } catch (error) {
        if (!(error instanceof SandboxNotFoundError)) throw error;
      }
    }
    return sendJson(c, PortsResponseSchema, body);
  };

  const open = (c: AppContext, learnerId: string, port: number): Response => {
    const environment = environmentOf(c);
    const sandboxId = door.sandboxIdOf(learnerId, environment);
    if (!sandboxId) throw new HttpError(409, 'there is no sandbox to preview yet: open a lesson, and its terminal starts one');
    const url = door.entryUrl({ sandboxId, learnerId, profile: environment, port }, c.req.header('host') ?? '');
    if (!url) throw new HttpError(503, UNAVAILABLE);
    return redirect(c, url, 303, { 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
  };

  /** The class and learner the route names, for an instructor (404 for an unknown class or a learner not in it). */
  const classLearner = (c: AppContext): string => {
    const classId = c.req.param('classId') ?? '';
    const learnerId = c.req.param('learnerId') ?? '';
    if (!CLASS_ID.test(classId) || !classroom.store.classes.get(classId)) throw new HttpError(404, `no class "${classId.slice(0, 40)}"`);
    if (!classroom.store.classes.member(classId, learnerId)) throw new HttpError(404, 'this learner is not in the class');
    return learnerId;
  };

  app.get('/api/sandbox/ports', async (c) => {
    take(c.var.learnerId);
    return ports(c, c.var.learnerId);
  });

  app.get(`/preview/${PORT}`, (c) => {
    take(c.var.learnerId);
    return open(c, c.var.learnerId, portOf(c));
  });

  app.get(`${LEARNER}/ports`, async (c) => {
    take('instructor');
    return ports(c, classLearner(c));
  });

  app.get(`${LEARNER}/preview/${PORT}`, (c) => {
    take('instructor');
    return open(c, classLearner(c), portOf(c));
  });
}
