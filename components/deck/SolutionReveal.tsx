'use client';

import { useEffect, useRef, useState } from 'react';

/** What the server gave: the solution script, and the lesson's explanation of it (rendered Markdown) when it has one. */
export interface LoadedSolution {
  solution: string;
  explanationHtml?: string;
}

type RevealState =
  | { kind: 'closed' }
  | { kind: 'confirming' }
  | { kind: 'loading' }
  | { kind: 'shown'; solution: LoadedSolution }
  | { kind: 'error'; message: string };

/** What the learner is told before the solution is fetched (the server records the first look). */
export const SOLUTION_NOTICE = 'Seeing the solution is recorded; your instructor will see it.';

/**
 * The exercise's solution behind its own button, after the hints: a confirm
 * step that says the look is recorded, then the script as a code block with
 * Copy. `load` asks the server (which records the look); nothing is fetched
 * before the learner confirms.
 */
export function SolutionReveal({ load }: { load: () => Promise<LoadedSolution | { error: string }> }) {
  const [state, setState] = useState<RevealState>({ kind: 'closed' });
  const [copied, setCopied] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  // The confirm step takes the focus, so a keyboard user lands on the choice it asks for.
  useEffect(() => {
    if (state.kind === 'confirming') confirmRef.current?.focus();
  }, [state.kind]);

  const reveal = async () => {
    setState({ kind: 'loading' });
    const result = await load();
    setState('error' in result ? { kind: 'error', message: result.error } : { kind: 'shown', solution: result });
  };

  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };

  if (state.kind === 'shown') {
    const { solution, explanationHtml } = state.solution;
    return (
      <div className="mt-3 rounded-md border border-amber-400 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950/40" data-testid="solution">
        <div className="flex items-center gap-2">
          <p className="font-medium text-amber-900 dark:text-amber-200">Solution</p>
          <span className="text-xs text-amber-800 dark:text-amber-300">(your instructor sees that you looked)</span>
          <button
            type="button"
            onClick={() => copy(solution)}
            className="ml-auto rounded border border-slate-400 bg-white px-2 py-0.5 text-xs font-medium text-slate-800 hover:bg-slate-100 dark:border-slate-500 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
            data-testid="copy-solution"
          >
            {copied ? 'Copied ✓' : 'Copy'}
          </button>
        </div>
        <pre tabIndex={0} className="mt-2 overflow-x-auto rounded bg-[#0b1220] p-3 font-mono text-xs leading-5 text-slate-100" data-testid="solution-code">
          <code>{solution.replace(/\n$/, '')}</code>
        </pre>
        {explanationHtml && (
          <div
            className="mt-2 text-slate-800 dark:text-slate-200 [&_code]:rounded [&_code]:bg-white/80 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.9em] dark:[&_code]:bg-slate-800 [&_p]:my-1"
            data-testid="solution-explanation"
            dangerouslySetInnerHTML={{ __html: explanationHtml }}
          />
        )}
      </div>
    );
  }

  if (state.kind === 'confirming') {
    return (
      <div className="mt-3 rounded-md border border-amber-400 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950/40" role="alertdialog" aria-label="Show the solution?" data-testid="solution-confirm">
        <p className="text-amber-900 dark:text-amber-100">{SOLUTION_NOTICE}</p>
        <p className="mt-1 text-slate-700 dark:text-slate-300">A pass after seeing it still counts, marked as such. The hints may be enough.</p>
        <div className="mt-2 flex gap-2">
          <button
            ref={confirmRef}
            type="button"
            onClick={() => void reveal()}
            className="rounded-md bg-amber-700 px-3 py-1 font-medium text-white hover:bg-amber-800"
            data-testid="confirm-solution"
          >
            Show the solution
          </button>
          <button
            type="button"
            onClick={() => setState({ kind: 'closed' })}
            className="rounded-md border border-slate-400 px-3 py-1 font-medium text-slate-800 hover:bg-white dark:border-slate-500 dark:text-slate-100 dark:hover:bg-slate-800"
          >
            Not yet
          </button>
        </div>
      </div>
    );
  }

  return (
    <p className="mt-3">
      <button
        type="button"
        className="text-slate-700 underline disabled:opacity-60 dark:text-slate-300"
        data-testid="show-solution"
        disabled={state.kind === 'loading'}
        onClick={() => setState({ kind: 'confirming' })}
      >
        {state.kind === 'loading' ? 'Fetching the solution…' : 'Show solution'}
      </button>
      {state.kind === 'error' && (
        <span className="ml-2 text-rose-700 dark:text-rose-400" role="alert">
          {state.message}
        </span>
      )}
    </p>
  );
}
