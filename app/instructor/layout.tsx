import Link from 'next/link';
import type { ReactNode } from 'react';
import { isInstructorRequest } from '@/lib/server/instructor-page';

export const dynamic = 'force-dynamic';

/** The instructor area's bar under the site header: where you are, and signing out. */
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
      {children}
    </>
  );
}
