'use client';

import { useEffect, useId, useRef, useState } from 'react';
import type { LearnerEnvironmentEntry, LearnerEnvironments } from '../../protocol/http/environments';
import { buttonStyles, Dialog, FormError } from '../ui/Dialog';
import { sentence } from './action-outcomes';
import { firstMachineOf } from '../../protocol/environment';
import { deleteQuestion, duration, environmentLabel, stateText } from './environments-model';
import { deleteEnvironment, environmentExportUrl, listEnvironments } from './instructor-client';
import type { LearnerActionContext } from './learner-actions';
import { useNow } from './use-now';

type Listing = { state: 'loading' } | { state: 'loaded'; value: LearnerEnvironments } | { state: 'failed'; error: string };

const linkButton =
  'inline-flex items-center gap-1 rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800';
const deleteButton =
  'rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-rose-700 hover:border-rose-300 hover:bg-rose-50 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-600 dark:bg-slate-900 dark:text-rose-300 dark:hover:border-rose-800 dark:hover:bg-rose-950/60';

/**
 * "Environments…": one learner's environments (a sandbox per lesson, running
 * or parked), each with its /root to download and a Delete that asks first,
 * here in the dialog. The list is read again after a deletion and on Refresh.
 */
export function EnvironmentsDialog({ context, onClose }: { context: LearnerActionContext; onClose: () => void }) {
  const { classId, learnerId, displayName } = context;
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  /** Bumped to read the list again: each value is one listing asked for. */
  const [asked, setAsked] = useState(0);
  /** The environment whose deletion is being confirmed. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  /** What the last action did, for screen readers and for the eye ("Deleted networking."). */
  const [status, setStatus] = useState('');
  const closeButton = useRef<HTMLButtonElement>(null);
  const refreshButton = useRef<HTMLButtonElement>(null);
  const now = useNow(10_000);

  useEffect(() => {
    let current = true;
    void listEnvironments(classId, learnerId).then((result) => {
      if (current) setListing(result.ok ? { state: 'loaded', value: result.value } : { state: 'failed', error: sentence(result.error) });
    });
    return () => {
      current = false;
    };
  }, [classId, learnerId, asked]);

  const reload = () => {
    setConfirming(null);
    setListing({ state: 'loading' });
    setAsked((n) => n + 1);
  };

  const all = listing.state === 'loaded' ? listing.value.environments.map((e) => e.environment) : [];

  async function confirmDelete(environment: string) {
    setDeleting(true);
    setDeleteError(null);
    const result = await deleteEnvironment(classId, learnerId, environment);
    setDeleting(false);
    if (!result.ok) return setDeleteError(sentence(result.error));
    setConfirming(null);
    setStatus(`Deleted ${environmentLabel(environment, all)}.`);
    // The row and its buttons go: focus goes to Close rather than to the page behind the dialog.
    closeButton.current?.focus();
    reload();
  }

  return (
    <Dialog
      title={`${displayName}’s environments`}
      description="Each lesson runs in an environment of its own. One left idle is parked (stopped, its files kept) and comes back when the learner returns."
      onClose={onClose}
      testId="environments-dialog"
      width="max-w-2xl"
    >
      <div className="text-sm">
        <Body
          listing={listing}
          now={now}
          all={all}
          confirming={confirming}
          exportUrl={(environment) => environmentExportUrl(classId, learnerId, environment)}
          onDelete={(environment) => {
            setDeleteError(null);
            setStatus('');
            setConfirming(environment);
          }}
          onRetry={() => {
            // Try again goes with the error it stands in: focus moves to Refresh, not to the page behind.
            refreshButton.current?.focus();
            reload();
          }}
        />
        {confirming && listing.state === 'loaded' && (
          <ConfirmDelete
            question={deleteQuestion(confirming, all)}
            busy={deleting}
            error={deleteError}
            onCancel={() => {
              const environment = confirming;
              setConfirming(null);
              setDeleteError(null);
              document.querySelector<HTMLElement>(`[data-testid=environment-delete][data-environment="${CSS.escape(environment)}"]`)?.focus();
            }}
            onConfirm={() => void confirmDelete(confirming)}
          />
        )}
        <p role="status" className={status ? 'mt-3 text-slate-700 dark:text-slate-300' : ''} data-testid="environments-status">
          {status}
        </p>
      </div>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Export downloads the environment’s <code>/root</code> as a .tar.gz.
          {listing.state === 'loaded' && ` Parked environments are kept ${duration(listing.value.keepMs)}.`}
        </p>
        <div className="ml-auto flex gap-2">
          <button
            ref={refreshButton}
            type="button"
            className={buttonStyles.secondary}
            onClick={() => {
              setStatus('');
              reload();
            }}
          >
            Refresh
          </button>
          <button ref={closeButton} type="button" className={buttonStyles.secondary} onClick={onClose} data-autofocus>
            Close
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function Body({
  listing,
  now,
  all,
  confirming,
  exportUrl,
  onDelete,
  onRetry,
}: {
  listing: Listing;
  now: number | null;
  all: string[];
  confirming: string | null;
  exportUrl(environment: string): string;
  onDelete(environment: string): void;
  onRetry(): void;
}) {
  if (listing.state === 'loading') {
    return (
      <p className="py-3 text-slate-600 dark:text-slate-300" data-testid="environments-loading">
        Looking for environments…
      </p>
    );
  }
  if (listing.state === 'failed') {
    return (
      <div data-testid="environments-error">
        <FormError>Could not list the environments: {listing.error}</FormError>
        <button type="button" className={`${buttonStyles.secondary} mt-2`} onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  const { environments, keepMs } = listing.value;
  if (environments.length === 0) {
    return (
      <p className="rounded-md border border-dashed border-slate-300 px-3 py-4 text-center text-slate-600 dark:border-slate-600 dark:text-slate-300" data-testid="environments-empty">
        No environments: they start when the learner opens a lesson.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200 dark:border-slate-700">
      <table className="w-full text-left" data-testid="environments-table">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Environment
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              State
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {environments.map((entry) => (
            <EnvironmentRow
              key={entry.environment}
              entry={entry}
              label={environmentLabel(entry.environment, all)}
              keepMs={keepMs}
              now={now}
              confirming={confirming === entry.environment}
              goes={confirming !== null && firstMachineOf(confirming) === firstMachineOf(entry.environment)}
              exportUrl={exportUrl(entry.environment)}
              onDelete={() => onDelete(entry.environment)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EnvironmentRow({
  entry,
  label,
  keepMs,
  now,
  confirming,
  goes,
  exportUrl,
  onDelete,
}: {
  entry: LearnerEnvironmentEntry;
  label: string;
  keepMs: number;
  now: number | null;
  /** Its Delete asked the question being confirmed. */
  confirming: boolean;
  /** It goes if the deletion being confirmed happens (every machine of a lab goes with any one). */
  goes: boolean;
  exportUrl: string;
  onDelete(): void;
}) {
  const text = now === null ? null : stateText(entry, keepMs, now);
  const running = entry.state === 'running';
  return (
    <tr
      className={`border-t border-slate-200 dark:border-slate-700 ${goes ? 'bg-rose-50 dark:bg-rose-950/40' : ''}`}
      data-testid="environment-row"
      data-environment={entry.environment}
      data-state={entry.state}
      data-goes={goes || undefined}
    >
      <th scope="row" className="px-3 py-2 align-top font-normal">
        <span className="block font-medium text-slate-900 dark:text-slate-100">{label}</span>
        <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{entry.environment}</span>
      </th>
      <td className="px-3 py-2 align-top">
        <span className="flex items-center gap-1.5 font-medium" data-testid="environment-state">
          <span className={`h-2 w-2 shrink-0 rounded-full ${running ? 'bg-emerald-500' : 'bg-slate-400 dark:bg-slate-500'}`} aria-hidden />
          {running ? 'Running' : 'Parked'}
        </span>
        {text && (
          <span className="block text-xs text-slate-600 dark:text-slate-400" data-testid="environment-since">
            <time dateTime={new Date(entry.since).toISOString()} title={new Date(entry.since).toLocaleString()}>
              {text.since}
            </time>
            {text.removal && text.removedAt !== undefined && (
              <>
                {' · '}
                <time dateTime={new Date(text.removedAt).toISOString()} title={new Date(text.removedAt).toLocaleString()}>
                  {text.removal}
                </time>
              </>
            )}
          </span>
        )}
      </td>
      <td className="px-3 py-2 text-right align-top">
        <span className="inline-flex items-center gap-2">
          <a href={exportUrl} download className={linkButton} aria-label={`Export ${label}: its /root as .tar.gz`} data-testid="environment-export">
            <span aria-hidden>↓</span> Export
          </a>
          <button type="button" className={deleteButton} onClick={onDelete} aria-label={`Delete ${label}`} aria-expanded={confirming} data-testid="environment-delete" data-environment={entry.environment}>
            Delete
          </button>
        </span>
      </td>
    </tr>
  );
}

/** The confirm step, inside the dialog: focus starts on "Keep it", and Esc backs out of the step (not the dialog). */
function ConfirmDelete({ question, busy, error, onCancel, onConfirm }: { question: string; busy: boolean; error: string | null; onCancel(): void; onConfirm(): void }) {
  const keep = useRef<HTMLButtonElement>(null);
  const questionId = useId();
  const cancel = useRef(onCancel);
  useEffect(() => {
    cancel.current = onCancel;
  }, [onCancel]);

  useEffect(() => {
    keep.current?.focus();
    // On window, in the capture phase: before the dialog's own Esc (on document), which would close the whole dialog.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      cancel.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  return (
    <div role="group" aria-labelledby={questionId} className="mt-3 rounded-md border border-rose-200 bg-rose-50 p-3 dark:border-rose-900 dark:bg-rose-950/40" data-testid="environment-confirm">
      <p id={questionId} className="text-rose-900 dark:text-rose-100">
        {question}
      </p>
      {error && <FormError>{error}</FormError>}
      <div className="mt-3 flex justify-end gap-2">
        <button ref={keep} type="button" className={buttonStyles.secondary} onClick={onCancel}>
          Keep it
        </button>
        <button type="button" className={buttonStyles.danger} onClick={onConfirm} disabled={busy} data-testid="environment-confirm-delete">
          {busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </div>
  );
}
