import { createMiddleware } from 'hono/factory';
import { isAllowedOrigin } from '../../../lib/web-guards/origin';
import type { AppEnv } from '../common/context';
import { HttpError } from '../common/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: a request that changes anything must come from a page of this site
 * (its Origin names the Host it was sent to: lib/web-guards/origin.ts, the
 * same check the terminal WebSocket upgrade makes). Not hono's `csrf`: that
 * one only checks requests a form could send (form and text content types)
 * and answers in plain text; here every state-changing request needs the
 * Origin, a JSON one included, and the refusal is an ErrorBody like any other.
 */
export const sameOrigin = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method) && !isAllowedOrigin(c.env.incoming)) throw new HttpError(403, 'cross-origin request refused');
  await next();
});
