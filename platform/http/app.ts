/**
 * The platform's HTTP layer: one router, with each concern in one place.
 *
 * Why hono, mounted in the custom Node server (and not Next.js route handlers):
 * the platform is one port for pages, JSON API, Server-Sent Events and the
 * terminal WebSocket, and its guards must run before Next.js sees a request
 * (the instructor guard redirects /instructor pages, the join link's page is
 * rate-limited, the learner cookie is set on pages too). Next.js middleware
 * and route handlers run inside Next's bundle, apart from the Store, the
 * sandbox service and the class runtime that this process holds, and cannot
 * guard the WebSocket upgrade at all. hono is a small router with the
 * middleware we would otherwise hand-write (body limits, cookies, SSE
 * framing), typed route parameters, and an adapter (@hono/node-server) that
 * gives handlers the raw Node request and response: what no route answers
 * goes to Next.js on those, untouched. The WebSocket upgrade stays on the
 * Node server (platform.ts), beside this.
 *
 * Order, for every request (the site guard runs before the router, in
 * nodeListener: it decides whether a Host is answered at all, and its
 * headers must cover Next's responses too):
 *   1. site guard   Host allow-list, security headers, CSP nonce (lib/web-guards/site-guard.ts)
 *   2. /healthz     before any cookie is set
 *   3. learner      the signed learner cookie (middleware/learner-identity.ts)
 *   4. instructor   cookie → 401 for /api/instructor, sign-in redirect for /instructor pages (middleware/instructor-auth.ts)
 *   5. same origin  for every state-changing /api request (middleware/same-origin.ts; sign-in and out apply it per route)
 *   6. routes       each with its body limit (middleware/body-limit.ts)
 *   7. otherwise    405/404 under /api, else Next.js (fallthrough.ts)
 * Routes match the one normalized path (common/context.ts), the path the guards judge.
 * Errors from any of them: handleErrors (common/errors.ts). SSE: common/sse.ts.
 * Kept hand-written, with why: the site guard (it must patch Node's response so
 * Next's pages carry its headers too, which no hono middleware reaches) and the
 * same-origin check (hono's csrf checks form content types only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from '../../lib/logging/logger';
import type { Store } from '../../lib/store';
import type { ClientAddresses } from '../../lib/web-guards/client-address';
import type { createSiteGuard } from '../../lib/web-guards/site-guard';
import { DisposableStore, type IDisposable } from '../../lib/lifecycle/disposable';
import type { ClassRuntime } from '../classroom/class-runtime';
import type { Classroom } from '../classroom/class-services';
import type { InstructorAccess } from '../classroom/instructor-auth';
import { newRouter, type AppRouter } from './common/context';
import { DashboardStreams } from './routes/dashboard-stream';
import { handleErrors } from './common/errors';
import { fallThrough, type PageHandler } from './fallthrough';
import { instructorAuth } from './middleware/instructor-auth';
import { learnerIdentity } from './middleware/learner-identity';
import { sameOrigin } from './middleware/same-origin';
import { addClassActionRoutes } from './routes/class-action-routes';
import { addClassRoutes } from './routes/class-routes';
import { addHealthRoute } from './routes/health';
import { addInstructorRoutes } from './routes/instructor-routes';
import { addLessonRoutes, type Grading } from './routes/lesson-routes';
import { lessonValuesKey } from '../../lib/lesson-format/lesson-values';
import { addPreviewRoutes, type PreviewDoor } from './routes/preview-routes';
import { addSandboxFileRoutes, type SandboxFiles } from './routes/sandbox-file-routes';
import { addSignInRoutes } from './routes/sign-in-routes';

export type { PageHandler } from './fallthrough';
export type { Grading } from './routes/lesson-routes';
export type { PreviewDoor } from './routes/preview-routes';
export type { SandboxFiles } from './routes/sandbox-file-routes';

export interface HttpAppDeps {
  /** The server secret that signs learner cookies. */
  cookieSecret: Buffer;
  store: Store;
  /** The platform's one ClientAddresses (DRYDOCK_TRUSTED_PROXIES). */
  clients: ClientAddresses;
  log: Logger;
  classroom: Classroom;
  access: InstructorAccess;
  /** The sandboxes of classes; without it class actions answer 503 and learners get no class events. */
  runtime?: ClassRuntime;
  /** Checking exercises; without it there are no lesson routes (tests of the classroom alone). */
  grading?: Grading;
  /** The editor's view of a learner's own sandbox files; without it there are no /api/sandbox routes. */
  sandboxFiles?: SandboxFiles;
  /** Sandboxes running now, for an instructor's /healthz. */
  sandboxCount?(): number;
  /** Whether the Docker engine answers, for /healthz. */
  engineState?(): 'ok' | 'away';
  /** Opening web previews of sandboxes; without it there are no preview routes. */
  preview?: PreviewDoor;
  /** Whatever no route answers: Next.js. */
  pages: PageHandler;
}

/** The router and what it holds: the dashboards' streams and the sign-in gate, released by dispose(). */
export interface HttpApp extends IDisposable {
  router: AppRouter;
  /** Open instructor dashboard streams. */
  dashboards: DashboardStreams;
}

export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const { classroom, access, clients, log, runtime } = deps;
  const router = newRouter();
  const owned = new DisposableStore();
  const dashboards = owned.add(new DashboardStreams(classroom));

  addHealthRoute(router, { access, sandboxCount: deps.sandboxCount ?? (() => 0), engineState: deps.engineState ?? (() => 'ok') });
  router.use(learnerIdentity({ cookieSecret: deps.cookieSecret, store: deps.store, clients }));
  router.use(instructorAuth(access));
  router.use('/api/*', sameOrigin);

  owned.add(addSignInRoutes(router, { access, clients, log }));
  addInstructorRoutes(router, { classroom, dashboards, runtime, log });
  addClassActionRoutes(router, { classroom, runtime });
  addClassRoutes(router, { classroom, clients, runtime });
  if (deps.grading) addLessonRoutes(router, { store: deps.store, grading: deps.grading, classEvents: classroom.events, valuesKey: lessonValuesKey(deps.cookieSecret) });
  if (deps.preview) addPreviewRoutes(router, { door: deps.preview, classroom });
  if (deps.sandboxFiles) addSandboxFileRoutes(router, deps.sandboxFiles);

  router.notFound(fallThrough(router, deps.pages, log));
  router.onError(handleErrors(log));
  return { router, dashboards, dispose: () => owned.dispose() };
}

/**
 * The Node request listener: the site guard first (it may answer alone: a
 * Host not on the allow-list), then the router. hono's node-server is told
 * not to replace the global Request and Response: Next.js runs in this
 * process and uses them.
 */
export function nodeListener(router: AppRouter, options: { guard?: ReturnType<typeof createSiteGuard>; log: Logger }): (req: IncomingMessage, res: ServerResponse) => void {
  const route = getRequestListener(router.fetch, {
    overrideGlobalObjects: false,
    errorHandler: (error) => {
      options.log.error(`HTTP: ${(error as Error).stack ?? String(error)}`);
      return new Response(JSON.stringify({ error: 'internal error; the server log has the details' }), { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' } });
    },
  });
  return (req, res) => {
    if (options.guard && !options.guard.request(req, res)) return;
    route(req, res).catch((error: unknown) => {
      options.log.error(`HTTP ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}
