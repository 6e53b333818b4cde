import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import { PAGE_INSTRUCTOR_HEADER } from '../../classroom/class-services';
import { INSTRUCTOR_COOKIE, INSTRUCTOR_SIGN_IN_PATH, INSTRUCTOR_SIGN_OUT_PATH, type InstructorAccess } from '../../classroom/instructor-auth';
import type { AppContext, AppEnv } from '../common/context';
import { HttpError } from '../common/errors';
import { redirect } from '../common/responses';

export const isInstructorPage = (path: string): boolean => path === '/instructor' || path.startsWith('/instructor/');
export const isInstructorApi = (path: string): boolean => path === '/api/instructor' || path.startsWith('/api/instructor/');

/** Whether the request carries a valid instructor cookie (for the few routes that only say more to an instructor). */
export function hasInstructorCookie(c: AppContext, access: InstructorAccess): boolean {
  return access.verifyCookie(getCookie(c, INSTRUCTOR_COOKIE));
}

/**
 * Instructor access, in one place. Every /instructor page and /api/instructor
 * route is refused here without a valid instructor cookie (pages: redirect to
 * sign-in; API: 401) before any route or Next.js sees the request; pages
 * check the header this sets as a second line (platform/pages/instructor-page.ts).
 * Judged on the lower-cased route path: /Instructor must not slip past the
 * guard into a page route.
 */
export function instructorAuth(access: InstructorAccess) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.env.incoming;
    delete incoming.headers[PAGE_INSTRUCTOR_HEADER];
    const signedIn = hasInstructorCookie(c, access);
    if (signedIn) incoming.headers[PAGE_INSTRUCTOR_HEADER] = '1';
    c.set('instructor', signedIn);
    const path = c.req.path;
    const lower = path.toLowerCase();
    if (isInstructorApi(lower)) {
      if (!signedIn) throw new HttpError(401, 'instructor sign-in required');
    } else if (isInstructorPage(lower) && !signedIn) {
      // The sign-in page and form, and signing out, are for the signed-out too.
      const open = lower === INSTRUCTOR_SIGN_IN_PATH || (lower === INSTRUCTOR_SIGN_OUT_PATH && c.req.method === 'POST');
      if (!open) {
        if (c.req.method === 'GET' || c.req.method === 'HEAD') return redirect(c, `${INSTRUCTOR_SIGN_IN_PATH}?next=${encodeURIComponent(path)}`, 302);
        throw new HttpError(401, 'instructor sign-in required');
      }
    }
    await next();
  });
}
