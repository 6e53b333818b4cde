import { z } from 'zod';
import type { IDisposable } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import type { ClientAddresses } from '../../../lib/web-guards/client-address';
import { FairGate, type FairGateOptions } from '../../../lib/web-guards/fair-gate';
import { clearInstructorCookieHeader, INSTRUCTOR_SIGN_IN_PATH, INSTRUCTOR_SIGN_OUT_PATH, instructorCookieHeader, type InstructorAccess } from '../../classroom/instructor-auth';
import type { AppRouter } from '../common/context';
import { limitBody } from '../middleware/body-limit';
import { sameOrigin } from '../middleware/same-origin';
import { redirect } from '../common/responses';

const SignInForm = z.object({ secret: z.string().min(1).max(512), next: z.string().max(512).optional() });

/** Where to go after signing in: only instructor pages of this site (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/instructor(\/[A-Za-z0-9/_-]*)?$/.test(next) && next !== INSTRUCTOR_SIGN_IN_PATH ? next : '/instructor';
}

/**
 * Sign-in attempts, and why these numbers. The defence against guessing is
 * the secret: ≥ 80 bits (checked at start for an operator-set one; 100 for a
 * generated one, instructor-auth.ts), so no rate of guessing matters. What
 * the gate bounds is CPU: scrypt costs about 70 ms of a core and 16 MiB
 * (measured on the 2-core machine), so one verification runs at a time in
 * all, whoever asks, served round-robin between client addresses: one
 * address flooding (or many) cannot starve the instructor's. Each address
 * may start 5 at once, then one every 2 s, which only delays that address's
 * own attempts. There is no lock-out, per address or global: an attempt with
 * the right secret succeeds once its turn comes. Only an address's extra
 * attempts while 4 of its own wait, and attempts that waited 20 s, are told
 * to try again.
 */
export const SIGN_IN_GATE: FairGateOptions = { concurrency: 1, burst: 5, perSecond: 0.5, maxWaitingPerKey: 4, maxWaitMs: 20_000, maxKeys: 5_000 };

/**
 * Signing in (the form posts the secret; the cookie is set on the redirect) and out. Both same-origin only.
 * Returns the sign-in gate, which holds timers while attempts wait: the app disposes it.
 */
export function addSignInRoutes(app: AppRouter, deps: { access: InstructorAccess; clients: ClientAddresses; log: Logger }): IDisposable {
  const { access, clients } = deps;
  const signInGate = new FairGate(SIGN_IN_GATE);

  app.post(INSTRUCTOR_SIGN_IN_PATH, sameOrigin, limitBody('signIn'), async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const parsed = SignInForm.safeParse({ secret: form.get('secret') ?? '', next: form.get('next') ?? undefined });
    const next = safeNext(parsed.success ? parsed.data.next : undefined);
    const back = (error: 'wrong' | 'slow') => redirect(c, `${INSTRUCTOR_SIGN_IN_PATH}?error=${error}&next=${encodeURIComponent(next)}`);
    if (!parsed.success) return back('wrong');
    const client = clients.of(c.env.incoming);
    const verdict = await signInGate.run(client, () => access.checkSecret(parsed.data.secret));
    if (!verdict.ok) return back('slow');
    if (!verdict.value) {
      deps.log.warn(`instructor sign-in refused from ${client}`);
      return back('wrong');
    }
    return redirect(c, next, 303, { 'set-cookie': instructorCookieHeader(access.signCookie(), clients.isHttps(c.env.incoming)) });
  });

  app.post(INSTRUCTOR_SIGN_OUT_PATH, sameOrigin, (c) =>
    redirect(c, INSTRUCTOR_SIGN_IN_PATH, 303, { 'set-cookie': clearInstructorCookieHeader(clients.isHttps(c.env.incoming)) }),
  );
  return signInGate;
}
