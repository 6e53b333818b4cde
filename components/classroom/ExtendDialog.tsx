'use client';

import { useState } from 'react';
import { buttonStyles, Dialog, DialogActions, fieldStyle, FormError } from '../ui/Dialog';
import { clock } from './dashboard-model';
import { sentence } from './action-outcomes';
import { EXTEND_MINUTES } from '../../protocol/http/instructor';
import { extendSandbox, parseMinutes } from './instructor-client';
import type { Notify } from './DashboardToasts';
import type { LearnerActionContext } from './learner-actions';

const PRESETS = [15, 30, 60] as const;

/** "Extend time": how many more minutes for one learner's sandbox. */
export function ExtendDialog({ context, onClose, notify }: { context: LearnerActionContext; onClose: () => void; notify: Notify }) {
  const [input, setInput] = useState(String(EXTEND_MINUTES.default));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const minutes = parseMinutes(input);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (minutes === null) return;
    setBusy(true);
    setError(null);
    const result = await extendSandbox(context.classId, context.learnerId, minutes);
    if (!result.ok) {
      setError(sentence(result.error));
      setBusy(false);
      return;
    }
    notify({ tone: 'ok', title: `Extended to ${clock(result.value)}`, detail: `${context.displayName}’s sandbox, ${minutes} more minutes` });
    onClose();
  }

  return (
    <Dialog title={`Extend ${context.displayName}’s time`} description="Their sandbox stays up this much longer than it would now." onClose={onClose} testId="extend-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <label className="block text-sm font-medium" htmlFor="extend-minutes">
          More minutes
        </label>
        <div className="mt-1 flex items-center gap-2">
          <input
            id="extend-minutes"
            className={`${fieldStyle} w-28 tabular-nums`}
            type="number"
            inputMode="numeric"
            min={EXTEND_MINUTES.min}
            max={EXTEND_MINUTES.max}
            step={5}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            data-autofocus
            aria-describedby="extend-range"
          />
          {PRESETS.map((preset) => (
            <button
              key={preset}
              type="button"
              className={`rounded-md border px-2.5 py-1.5 text-sm tabular-nums ${
                minutes === preset ? 'border-sky-500 bg-sky-50 text-sky-800 dark:bg-sky-950 dark:text-sky-200' : 'border-slate-300 hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800'
              }`}
              onClick={() => setInput(String(preset))}
            >
              {preset}
            </button>
          ))}
        </div>
        <p id="extend-range" className={`mt-1 text-xs ${minutes === null ? 'text-rose-700 dark:text-rose-400' : 'text-slate-500 dark:text-slate-400'}`}>
          Whole minutes, {EXTEND_MINUTES.min} to {EXTEND_MINUTES.max}.
        </p>
        {error && <FormError>{error}</FormError>}
        <DialogActions>
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonStyles.primary} disabled={busy || minutes === null}>
            {busy ? 'Extending…' : 'Extend'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
