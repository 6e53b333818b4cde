'use client';

import { useEffect, useRef, useState } from 'react';
import type { CheckResponse } from '../../protocol/http/check';
import type { DeckExercise } from '../../protocol/http/deck';
import { fetchProgress, recordHint, requestCheck, requestSolution } from '../progress/progress-client';
import { SolutionReveal } from './SolutionReveal';
import { groupFailures } from './verdict-groups';

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

type PanelState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'verdict'; verdict: CheckResponse }
  | { kind: 'error'; message: string };

/**
 * An exercise under its slide: Check asks the server to grade the learner's
 * sandbox (the verdict is the server's), hints are revealed one at a time
 * and the solution sits behind its own button; the server records both.
 */
export function ExercisePanel({ lessonId, exercise }: { lessonId: string; exercise: DeckExercise }) {
  const [state, setState] = useState<PanelState>({ kind: 'idle' });
  const [passedBefore, setPassedBefore] = useState(false);
  const [hintsShown, setHintsShown] = useState(0);
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    void fetchProgress().then((p) => {
      if (live && p[lessonId]?.exercises[exercise.id]?.passed) setPassedBefore(true);
    });
    return () => {
      live = false;
    };
  }, [lessonId, exercise.id]);

  const check = async () => {
    setState({ kind: 'checking' });
    const result = await requestCheck(lessonId, exercise.id);
    if ('error' in result) setState({ kind: 'error', message: result.error });
    else {
      setState({ kind: 'verdict', verdict: result });
      if (result.everPassed) setPassedBefore(true);
    }
  };

  const verdict = state.kind === 'verdict' ? state.verdict : null;
  // A verdict lands under the task, which may be scrolled out of view: bring it in.
  useEffect(() => {
    if (verdict) resultRef.current?.scrollIntoView({ block: 'nearest' });
  }, [verdict]);
  const solved = passedBefore || verdict?.everPassed;
  return (
    <section className="mt-3 rounded-lg border border-sky-300 bg-sky-50 p-4 text-sm dark:border-sky-800 dark:bg-sky-950/40" aria-label={`Exercise: ${exercise.title}`} data-testid="exercise" data-exercise={exercise.id}>
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-medium">{exercise.title}</span>
        {solved && (
          <span className="rounded-full bg-emerald-700 px-2 py-0.5 text-xs font-semibold text-white" data-testid="exercise-solved">
            ✓ Solved
          </span>
        )}
        <button
          type="button"
          onClick={() => void check()}
          disabled={state.kind === 'checking'}
          className="ml-auto rounded-md bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
          title="Ask the server to look at your sandbox (Alt+C)"
          data-testid="check-button"
        >
          {state.kind === 'checking' ? 'Checking…' : 'Check'}
        </button>
      </div>
      <div aria-live="polite" data-testid="check-result" ref={resultRef}>
        {verdict && (
          <div className={`mt-3 ${verdict.passed ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}>
            <p className="font-medium">
              {verdict.passed ? `Passed (attempt ${verdict.attempt}).` : `Not yet (attempt ${verdict.attempt}):`}
              {!verdict.passed && verdict.checks.length > 1 && (
                <span className="ml-2 font-normal text-slate-700 dark:text-slate-300" data-testid="checks-met">
                  {verdict.checks.filter((c) => c.passed).length} of {verdict.checks.length} met
                </span>
              )}
            </p>
            {!verdict.passed && verdict.checks.some((c) => c.passed && c.expects) && (
              // Partial progress is progress: what already holds is shown as held, before what does not.
              <ul className="mt-1 pl-1 text-emerald-800 dark:text-emerald-300" aria-label="Met already" data-testid="passed-checks">
                {verdict.checks
                  .filter((c) => c.passed && c.expects)
                  .map((c, i) => (
                    <li key={i} data-testid="passed-check">
                      <span aria-hidden>✓ </span>
                      {c.expects}
                    </li>
                  ))}
              </ul>
            )}
            {verdict.engine && (
              <p className="mt-1 rounded-md border border-amber-500 bg-amber-50 p-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200" role="alert" data-testid="engine-problem">
                {verdict.engine}
              </p>
            )}
            {!verdict.passed && verdict.engine && (
              // What each check found is the engine's absence, said once above; their hints would mislead.
              <ul className="mt-1 max-h-[45vh] list-disc overflow-y-auto pl-5" data-testid="failed-checks">
                {verdict.checks
                  .filter((c) => !c.passed)
                  .map((c, i) => (
                    <li key={i} data-testid="failed-check">
                      {c.fail ?? c.message}
                    </li>
                  ))}
              </ul>
            )}
            {!verdict.passed && !verdict.engine && (
              <ul className="mt-1 max-h-[45vh] list-disc overflow-y-auto pl-5" data-testid="failed-checks">
                {groupFailures(verdict.checks).map((view, i) =>
                  view.kind === 'shared' ? (
                    <li key={i} data-testid="failed-check">
                      {capitalize(view.found)}, so these are not met yet:
                      <ul className="mt-1 list-[circle] pl-5">
                        {view.checks.map((c, j) => (
                          <li key={j}>{c.fail}</li>
                        ))}
                      </ul>
                    </li>
                  ) : (
                    <li key={i} data-testid="failed-check">
                      {view.check.details ? view.check.fail : view.check.message}
                      {view.check.details && (
                        <ul className="mt-1 list-[circle] pl-5 font-mono text-xs" data-testid="check-details">
                          {view.check.details.map((d, j) => (
                            <li key={j}>{d}</li>
                          ))}
                        </ul>
                      )}
                      {view.check.hint && (
                        <p className="mt-1 text-slate-700 dark:text-slate-300" data-testid="check-hint">
                          <span className="font-medium">Hint:</span> {view.check.hint}
                        </p>
                      )}
                    </li>
                  ),
                )}
              </ul>
            )}
          </div>
        )}
        {state.kind === 'error' && <p className="mt-3 text-rose-700 dark:text-rose-400">{state.message}</p>}
      </div>
      {exercise.hintsHtml.length > 0 && (
        <div className="mt-3">
          {exercise.hintsHtml.slice(0, hintsShown).map((hint, i) => (
            <p key={i} className="hint mt-1 rounded bg-white/70 px-2 py-1 dark:bg-slate-900/60" data-testid="hint">
              <span className="font-medium">Hint {i + 1}:</span> <span dangerouslySetInnerHTML={{ __html: hint }} />
            </p>
          ))}
          {hintsShown < exercise.hintsHtml.length && (
            <button
              type="button"
              className="mt-2 text-sky-700 underline dark:text-sky-400"
              data-testid="show-hint"
              onClick={() => {
                recordHint(lessonId, exercise.id, hintsShown + 1);
                setHintsShown(hintsShown + 1);
              }}
            >
              Show a hint ({hintsShown + 1} of {exercise.hintsHtml.length})
            </button>
          )}
        </div>
      )}
      <SolutionReveal load={() => requestSolution(lessonId, exercise.id)} />
    </section>
  );
}
