import type { InstructorAccess } from '../../classroom/instructor-auth';
import type { AppRouter } from '../common/context';
import { hasInstructorCookie } from '../middleware/instructor-auth';

/** GET /healthz: not a browser's body (load balancers and operators read it), so it has no protocol schema. */
export interface HealthBody {
  /** False (with HTTP 503) while the Docker engine does not answer: pages still load, terminals cannot open. */
  ok: boolean;
  /** Sandboxes running now: told to an instructor only. */
  sandboxes?: number;
  /** The Docker engine: told to an instructor only. */
  engine?: 'ok' | 'away';
}

/**
 * Anyone may ask whether it is up; how busy it is only an instructor may know.
 * Registered before the learner middleware: a health probe gets no cookie.
 */
export function addHealthRoute(app: AppRouter, deps: { access: InstructorAccess; sandboxCount(): number; engineState(): 'ok' | 'away' }): void {
  app.get('/healthz', (c) => {
    const engine = deps.engineState();
    const ok = engine === 'ok';
    const body: HealthBody = hasInstructorCookie(c, deps.access) ? { ok, sandboxes: deps.sandboxCount(), engine } : { ok };
    return c.body(JSON.stringify(body), ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  });
}
