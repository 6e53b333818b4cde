import type { InstructorAccess } from '../../classroom/instructor-auth';
import type { AppRouter } from '../common/context';
import { hasInstructorCookie } from '../middleware/instructor-auth';

/** GET /healthz: not a browser's body (load balancers and operators read it), so it has no protocol schema. */
export interface HealthBody {
  ok: true;
  /** Sandboxes running now: told to an instructor only. */
  sandboxes?: number;
}

/**
 * Anyone may ask whether it is up; how busy it is only an instructor may know.
 * Registered before the learner middleware: a health probe gets no cookie.
 */
export function addHealthRoute(app: AppRouter, deps: { access: InstructorAccess; sandboxCount(): number }): void {
  app.get('/healthz', (c) => {
    const body: HealthBody = hasInstructorCookie(c, deps.access) ? { ok: true, sandboxes: deps.sandboxCount() } : { ok: true };
    return c.body(JSON.stringify(body), 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  });
}
