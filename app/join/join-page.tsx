import Link from 'next/link';
import { JoinForm } from '@/components/classroom/JoinForm';
import { learnerOpenClasses } from '@/platform/pages/learner-classes';

/** /join and /join/<CODE>: the form, and the classes this browser is already in (to go back to them). */
export async function JoinPage({ code }: { code: string }) {
  const mine = await learnerOpenClasses();
  const current = mine.find((m) => m.record.joinCode === code);
  const lastName = current?.member?.displayName ?? mine[0]?.member?.displayName ?? '';

  return (
    <main className="flex flex-1 justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-700 dark:bg-slate-900">
          <h1 className="text-2xl font-semibold tracking-tight">Join a class</h1>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
            {current
              ? `You are in “${current.record.name}” already. Join again to change your name, or go straight to the class below.`
              : 'Enter the code your instructor shows, and the name they will see next to your progress.'}
          </p>
          <div className="mt-6">
            <JoinForm initialCode={code} initialName={lastName} />
          </div>
        </div>
        {mine.length > 0 && (
          <div className="mt-6" data-testid="my-classes">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Your classes</h2>
            <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-700 dark:bg-slate-900">
              {mine.map(({ record, member }) => (
                <li key={record.id}>
                  <Link href={`/class/${record.id}`} className="flex items-center gap-3 px-4 py-3 hover:bg-slate-50 dark:hover:bg-slate-800/50">
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium">{record.name}</span>
                      <span className="block text-xs text-slate-500 dark:text-slate-400">as {member?.displayName}</span>
                    </span>
                    <span className="text-sm text-sky-700 dark:text-sky-400">Continue →</span>
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </main>
  );
}
