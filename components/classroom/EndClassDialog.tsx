'use client';

import { useState } from 'react';
import { buttonStyles, Dialog, DialogActions, FormError } from '../ui/Dialog';
import { sentence } from './action-outcomes';
import type { EndedClass } from '../../protocol/http/classroom';
import { endClass } from './instructor-client';

/** The grades' download links, as the end of a class and the dashboard's toolbar offer them. */
export function ExportLinks({ urls, className = '' }: { urls: EndedClass['exports']; className?: string }) {
  const link =
    'inline-flex items-center gap-1 rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800';
  return (
    <span className={`inline-flex items-center gap-2 ${className}`}>
      <a href={urls.csv} download className={link} data-testid="export-csv">
        <span aria-hidden>↓</span> CSV
      </a>
      <a href={urls.json} download className={link} data-testid="export-json">
        <span aria-hidden>↓</span> JSON
      </a>
    </span>
  );
}

/**
 * Ending a class early: asks first (it removes every sandbox of the class),
 * then says what happened and offers the grades.
 */
export function EndClassDialog({ classId, name, onClose, onEnded }: { classId: string; name: string; onClose: () => void; onEnded: (ended: EndedClass) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState<EndedClass | null>(null);

  async function end() {
    setBusy(true);
    setError(null);
    const result = await endClass(classId);
    setBusy(false);
    if (!result.ok) return setError(sentence(result.error));
    setEnded(result.value);
    onEnded(result.value);
  }

  if (ended) {
    return (
      <Dialog title="Class ended" onClose={onClose} testId="end-class-dialog">
        <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="end-class-result">
          {ended.removedSandboxes === 0 ? 'No sandbox was running.' : `Removed ${ended.removedSandboxes} ${ended.removedSandboxes === 1 ? 'sandbox' : 'sandboxes'}.`} Learners were told, and keep their
          progress. The grades:
        </p>
        <ExportLinks urls={ended.exports} className="mt-3" />
        <DialogActions>
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Close
          </button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog title={`End “${name}” now?`} onClose={onClose} testId="end-class-dialog">
      <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
        <li>
          Removes <strong>every sandbox of this class</strong>: terminals close and what learners built in them is gone.
        </li>
        <li>Exports the grades (CSV and JSON) to download.</li>
        <li>The join code stops working. Learners keep their progress.</li>
      </ul>
      {error && <FormError>{error}</FormError>}
      <DialogActions>
        <button type="button" className={buttonStyles.secondary} onClick={onClose} data-autofocus>
          Keep it running
        </button>
        <button type="button" className={buttonStyles.danger} onClick={() => void end()} disabled={busy}>
          {busy ? 'Ending…' : 'End class'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
