import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { isInstructorRequest } from '@/platform/pages/instructor-page';

export const metadata: Metadata = { title: 'Instructor sign-in' };
export const dynamic = 'force-dynamic';

const ERRORS: Record<string, string> = {
  wrong: 'That is not the instructor secret. Check it and try again.',
  slow: 'Too many attempts. Wait a few seconds, then try again.',
};

/** A plain form (works without JavaScript): the custom server checks the secret and sets the cookie (instructor-api.ts). */
export default async function InstructorLoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = typeof params.next === 'string' ? params.next : '/instructor';
  if (await isInstructorRequest()) redirect(next.startsWith('/instructor') ? next : '/instructor');
  const error = typeof params.error === 'string' ? ERRORS[params.error] : undefined;

  return (
    <main className="flex flex-1 items-start justify-center px-4 py-16">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-700 dark:bg-slate-900">
        <h1 className="text-2xl font-semibold tracking-tight">Instructor sign-in</h1>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          Enter the instructor secret. The server printed it in its console at its first start; an operator can also set one with{' '}
          <code className="rounded bg-slate-100 px-1 py-0.5 text-[0.85em] dark:bg-slate-800">DRYDOCK_INSTRUCTOR_SECRET</code>.
        </p>
        {error && (
          <p role="alert" className="mt-4 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200" data-testid="login-error">
            {error}
          </p>
        )}
        <form method="post" action="/instructor/login" className="mt-6 space-y-4">
          <input type="hidden" name="next" value={next} />
          <label className="block">
            <span className="text-sm font-medium">Secret</span>
            <input
              type="password"
              name="secret"
              required
              autoFocus
              autoComplete="current-password"
              spellCheck={false}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono tracking-wider focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-950"
              data-testid="secret-input"
            />
          </label>
          <button type="submit" className="w-full rounded-md bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 focus:outline-none focus:ring-2 focus:ring-sky-500/50">
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
