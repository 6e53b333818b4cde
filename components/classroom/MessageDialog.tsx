'use client';

import { useState } from 'react';
import { buttonStyles, Dialog, DialogActions, fieldStyle, FormError } from '../ui/Dialog';
import { sentence, sentToast } from './action-outcomes';
import type { Notify } from './DashboardToasts';
import { MESSAGE_MAX } from '../../protocol/http/instructor';
import { sendMessage } from './instructor-client';

/** A note to one learner (`to`), or to the whole class (`to` null); it shows in their lesson as a notice. */
export function MessageDialog({ classId, to, onClose, notify }: { classId: string; to: { learnerId: string; displayName: string } | null; onClose: () => void; notify: Notify }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trimmed = text.trim();

  async function submit() {
    if (!trimmed || busy) return;
    setBusy(true);
    setError(null);
    const result = await sendMessage(classId, trimmed, to?.learnerId);
    if (!result.ok) {
      setError(sentence(result.error));
      setBusy(false);
      return;
    }
    notify(sentToast(result.value, to));
    onClose();
  }

  return (
    <Dialog
      title={to ? `Message ${to.displayName}` : 'Message everyone'}
      description={to ? 'Only they see it, in a notice on their page.' : 'Every learner of the class sees it, in a notice on their page.'}
      onClose={onClose}
      testId="message-dialog"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="sr-only" htmlFor="message-text">
          Message
        </label>
        <textarea
          id="message-text"
          className={`${fieldStyle} min-h-28 w-full resize-y`}
          value={text}
          maxLength={MESSAGE_MAX}
          rows={4}
          placeholder={to ? 'e.g. Look at the port mapping in your docker run' : 'e.g. Five more minutes on this exercise, then we go through it together'}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
          data-autofocus
        />
        <div className="mt-1 flex text-xs text-slate-500 dark:text-slate-400">
          <span>Ctrl+Enter sends</span>
          <span className={`ml-auto tabular-nums ${text.length >= MESSAGE_MAX ? 'text-amber-700 dark:text-amber-400' : ''}`}>
            {text.length} / {MESSAGE_MAX}
          </span>
        </div>
        {error && <FormError>{error}</FormError>}
        <DialogActions>
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonStyles.primary} disabled={busy || !trimmed}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
