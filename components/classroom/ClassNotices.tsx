'use client';

import Link from 'next/link';
import { useCallback, useEffect, type ReactNode } from 'react';
import type { Notice } from './channel-model';
import { clock } from './dashboard-model';

/** Sandbox notes go by themselves; messages and "class ended" stay until dismissed. */
const SANDBOX_NOTE_MS = 12_000;

/** The bar on a notice's left edge, by whom it is for or what it is about. */
const ACCENT: Record<string, string> = {
  you: 'bg-sky-500',
  all: 'bg-indigo-400',
  sandbox: 'bg-emerald-500',
  ended: 'bg-amber-500',
};

function NoticeCard({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  useEffect(() => {
    if (notice.kind !== 'sandbox') return;
    const timer = setTimeout(onDismiss, SANDBOX_NOTE_MS);
    return () => clearTimeout(timer);
  }, [notice.kind, onDismiss]);

  const accent = ACCENT[notice.kind === 'message' ? notice.to : notice.kind];
  let title: string;
  let body: ReactNode;
  let badge: string | null = null;
  switch (notice.kind) {
    case 'message':
      title = 'Your instructor';
      badge = notice.to === 'you' ? 'to you' : 'to everyone';
      body = <p className="whitespace-pre-wrap break-words">{notice.text}</p>;
      break;
    case 'sandbox':
      title = notice.action === 'reset' ? 'Your sandbox was reset' : 'Your sandbox has more time';
      body =
        notice.action === 'reset' ? (
          <p>Your instructor gave you a fresh sandbox; the terminal reconnects to it. Files and containers from before are gone.</p>
        ) : (
          <p>Your instructor extended your sandbox{notice.expiresAt ? ` until ${clock(notice.expiresAt)}` : ''}.</p>
        );
      break;
    case 'ended':
      title = 'Class ended';
      body = (
        <p>
          {notice.className ? `“${notice.className}” is over. ` : 'Your class is over. '}Your progress is kept
          {notice.classId && (
            <>
              {' '}
              on the{' '}
              <Link href={`/class/${notice.classId}`} className="text-sky-700 underline dark:text-sky-400">
                class page
              </Link>
            </>
          )}
          .
        </p>
      );
      break;
  }

  return (
    <li
      className="pointer-events-auto relative overflow-hidden rounded-lg border border-slate-200 bg-white py-3 pl-5 pr-4 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
      data-testid="class-notice"
      data-kind={notice.kind}
      data-to={notice.kind === 'message' ? notice.to : undefined}
    >
      <span className={`absolute inset-y-0 left-0 w-1 ${accent}`} aria-hidden />
      <div className="flex items-center gap-2">
        <span className="font-semibold">{title}</span>
        {badge && (
          <span
            className={`rounded px-1.5 py-px text-[11px] font-medium ${notice.kind === 'message' && notice.to === 'you' ? 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200' : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300'}`}
          >
            {badge}
          </span>
        )}
        <span className="ml-auto text-xs tabular-nums text-slate-500 dark:text-slate-400">{clock(notice.at)}</span>
        {/* No autofocus anywhere here: a notice must not take the keyboard away from the terminal. */}
        <button
          type="button"
          onClick={onDismiss}
          className="-mr-1 rounded px-1.5 text-slate-500 dark:text-slate-400 hover:bg-slate-100 hover:text-slate-700 dark:hover:bg-slate-800 dark:hover:text-slate-200"
          aria-label="Dismiss"
          title="Dismiss"
        >
          ✕
        </button>
      </div>
      <div className="mt-1 text-slate-700 dark:text-slate-300" data-testid="class-notice-body">
        {body}
      </div>
    </li>
  );
}

/** Instructor messages and class news, stacked at the bottom right; read out politely by screen readers. */
export function ClassNotices({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: number) => void }) {
  return (
    <ol
      className="pointer-events-none fixed bottom-4 right-4 z-40 flex w-[24rem] max-w-[calc(100vw-2rem)] flex-col gap-2"
      aria-live="polite"
      aria-label="Notices from your class"
      data-testid="class-notices"
    >
      {notices.map((notice) => (
        <DismissibleNotice key={notice.id} notice={notice} onDismiss={onDismiss} />
      ))}
    </ol>
  );
}

/** Binds the id, so a card's auto-dismiss timer is not restarted by every render of the stack (onDismiss is stable). */
function DismissibleNotice({ notice, onDismiss }: { notice: Notice; onDismiss: (id: number) => void }) {
  const { id } = notice;
  const dismiss = useCallback(() => onDismiss(id), [onDismiss, id]);
  return <NoticeCard notice={notice} onDismiss={dismiss} />;
}
