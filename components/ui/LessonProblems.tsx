import type { LessonProblem } from '../../protocol/http/deck';

/** The page a broken lesson gets instead of its slides; every other page keeps working. */
export function LessonProblems({ id, problems }: { id: string; problems: LessonProblem[] }) {
  console.error(`lesson ${id} has problems:\n${problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
  return (
    <main className="mx-auto max-w-3xl px-4 py-8" data-testid="lesson-error">
      <h1 className="text-2xl font-semibold text-rose-700">This lesson cannot be shown</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-300">Its file has errors. An author can fix them with the list below (also printed by the server).</p>
      <ul className="mt-4 space-y-1 font-mono text-sm">
        {problems.map((p, i) => (
          <li key={i}>
            {p.file}:{p.line}: {p.message}
          </li>
        ))}
      </ul>
    </main>
  );
}
