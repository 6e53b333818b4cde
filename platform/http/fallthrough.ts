import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NotFoundHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Logger } from '../../lib/logging/logger';
import type { AppContext, AppEnv, AppRouter } from './common/context';
import { isInstructorApi } from './middleware/instructor-auth';
import { sendError } from './common/responses';

/** Next.js's request handler (or a stand-in in tests): it answers on the raw Node response. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** The methods the router has a route for at this path (for 405's Allow). */
function allowedMethods(app: AppRouter, path: string): string[] {
  return METHODS.filter((method) => app.router.match(method, path)[0].some(([[, route]]) => route.method === method));
}

/**
 * What no route answered. Under /api/: 405 (with Allow) when the path has a
 * route for another method, else 404, both as ErrorBody. Anything else is a
 * page or a build asset: Next.js answers it on the raw Node request and
 * response, which the router has not touched (hono's node-server reads a
 * body only when a route asks for it).
 */
export function fallThrough(app: AppRouter, pages: PageHandler, log: Logger): NotFoundHandler<AppEnv> {
  return async (c: AppContext) => {
    const { path, method } = c.req;
    if (path.startsWith('/api/') || isInstructorApi(path.toLowerCase())) {
      const allowed = allowedMethods(app, path);
      if (allowed.length > 0) return sendError(c, 405, `use ${allowed.join(' or ')} for ${path}`, { allow: allowed.join(', ') });
      return sendError(c, 404, `no ${isInstructorApi(path.toLowerCase()) ? 'instructor API' : 'API'} at ${method} ${path}`);
    }
    const { incoming, outgoing } = c.env;
    try {
      await pages(incoming, outgoing);
    } catch (error) {
      // Next.js answers its own errors; this is for one that escaped it.
      log.error(`page ${method} ${path}: ${(error as Error).stack ?? String(error)}`);
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n');
      else outgoing.destroy();
    }
    return RESPONSE_ALREADY_SENT;
  };
}
