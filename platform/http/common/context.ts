import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';

/**
 * What every route and middleware of the platform's router sees: the raw
 * Node request and response (hono's node-server bindings; Next.js and the
 * site guard need them), and what the middleware established about the
 * caller before any route runs.
 */
export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    /** The learner of the signed cookie (a new one was issued if there was none): middleware/learner-identity.ts. */
    learnerId: string;
    /** Whether the request carries a valid instructor cookie: middleware/instructor-auth.ts. */
    instructor: boolean;
  };
}

export type AppContext = Context<AppEnv>;
export type AppRouter = Hono<AppEnv>;

/**
 * The path routes are matched against, and that every guard judges: decoded,
 * repeated slashes collapsed, no trailing slash. One parse for the whole
 * request, so `/%69nstructor` or `//api/instructor/classes` cannot be one
 * path to a guard and another to a route.
 */
export function routePath(url: string): string {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const raw = (start < 0 ? '/' : url.slice(start)).split(/[?#]/, 1)[0]!;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // malformed escapes: judge the raw path
  }
  return decoded.replace(/\/{2,}/g, '/').replace(/\/+$/, '') || '/';
}

export function newRouter(): AppRouter {
  return new Hono<AppEnv>({ getPath: (request) => routePath(request.url) });
}
