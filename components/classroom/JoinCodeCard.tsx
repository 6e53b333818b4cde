'use client';

import { useState, useSyncExternalStore } from 'react';

const noSubscribe = () => () => {};

/** The class's join code, large enough to read from the back of the room, with the join link to copy. */
export function JoinCodeCard({ code, open }: { code: string; open: boolean }) {
  // The page's origin is only known in the browser (behind a proxy the server may not know it).
  const origin = useSyncExternalStore(noSubscribe, () => window.location.origin, () => '');
  const link = `${origin}/join/${code}`;
  const [copied, setCopied] = useState(false);

  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-700 dark:bg-slate-900" data-testid="join-code-card">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{open ? 'Join code' : 'Join code (class over)'}</div>
      <div className={`mt-0.5 font-mono text-3xl font-semibold tracking-[0.25em] ${open ? '' : 'text-slate-500 dark:text-slate-400 line-through'}`} data-testid="join-code">
        {code}
      </div>
      <div className="mt-1 flex items-center gap-2 text-sm">
        <span className="truncate text-slate-500 dark:text-slate-400" title={link}>
          {origin ? link.replace(/^https?:\/\//, '') : `/join/${code}`}
        </span>
        <button
          type="button"
          className="shrink-0 rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(link)
              .then(() => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              })
              .catch(() => undefined);
          }}
        >
          {copied ? 'Copied ✓' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}
