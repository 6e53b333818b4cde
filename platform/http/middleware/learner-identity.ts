import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import { LEARNER_COOKIE, learnerCookieHeader, newLearnerId, signLearnerCookie, verifyLearnerCookie } from '../../../lib/identity/learner-identity';
import type { ClientAddresses } from '../../../lib/web-guards/client-address';
import { PAGE_LEARNER_HEADER } from '../../classroom/class-services';
import type { AppEnv } from '../common/context';

/**
 * Gives every browser a signed learner cookie on its first request, and tells
 * the routes (`c.var.learnerId`) and the pages (PAGE_LEARNER_HEADER on the
 * Node request, any copy the browser sent dropped first) who the learner is.
 * The cookie goes on the Node response, so a page Next.js renders carries it
 * too. Build assets (/_next/static) never set one: they are the same for
 * everyone and cached as such.
 */
export function learnerIdentity(deps: { cookieSecret: Buffer; store: { touchLearner(learnerId: string): void }; clients: ClientAddresses }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { incoming, outgoing } = c.env;
    delete incoming.headers[PAGE_LEARNER_HEADER];
    const path = c.req.path;
    let learnerId = verifyLearnerCookie(deps.cookieSecret, getCookie(c, LEARNER_COOKIE));
    if (!learnerId) {
      learnerId = newLearnerId();
      if (path.startsWith('/_next/static/')) {
        // Throwaway: no page or route sees it.
        c.set('learnerId', learnerId);
        return next();
      }
      outgoing.setHeader('set-cookie', learnerCookieHeader(signLearnerCookie(deps.cookieSecret, learnerId), deps.clients.isHttps(incoming)));
    }
    incoming.headers[PAGE_LEARNER_HEADER] = learnerId;
    // Page loads only, not every asset request.
    if (!path.startsWith('/_next/')) deps.store.touchLearner(learnerId);
    c.set('learnerId', learnerId);
    await next();
  });
}
