import Link from 'next/link';
import type { ReactNode } from 'react';
import { isInstructorRequest } from '@/platform/pages/instructor-page';

export const dynamic = 'force-dynamic';

/** The instructor area's bar under the site header: where you are, signing out, and a warning when sandboxes run in the capability tier. */
export default async function InstructorLayout({ children }: { children: ReactNode }) {
  const signedIn = await isInstructorRequest();
  return (
    <>
      <div className="border-b border-slate-200 bg-slate-900 text-slate-100 dark:border-slate-800">
        <div className="mx-auto flex w-full max-w-[110rem] items-center gap-4 px-4 py-1.5 text-sm">
          <span className="rounded bg-amber-400 px-1.5 py-px text-xs font-bold uppercase tracking-wide text-slate-900">Instructor</span>
          {signedIn && (
            <>
              <Link href="/instructor" className="text-slate-300 hover:text-white">
                Classes
              </Link>
              <form method="post" action="/instructor/logout" className="ml-auto">
                <button type="submit" className="text-slate-300 hover:text-white">
                  Sign out
                </button>
              </form>
            </>
          )}
        </div>
      </div>
      {signedIn && process.env.DRYDOCK_ISOLATION === 'capability' && (
        <div role="alert" data-testid="capability-tier" className="border-b border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
          <p className="mx-auto w-full max-w-[110rem] px-4 py-2 text-sm">
            <strong>Capability tier.</strong> This server runs sandboxes with <code>DRYDOCK_ISOLATION=capability</code>: a learner’s root holds most host
            capabilities and can reach this machine. Use it only for a trusted room on a machine of its own; unset the variable and start Drydock as root for
            the hardened tier.
          </p>
        </div>
      )}
      {children}
    </>
  );
}
