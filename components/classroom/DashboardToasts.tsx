'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

export type ToastTone = 'ok' | 'warn' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  detail?: string;
}

export type Notify = (toast: Omit<Toast, 'id'>) => void;

/** How long an outcome stays; errors a little longer, to be read. */
const SHOWN_MS: Record<ToastTone, number> = { ok: 4_000, warn: 7_000, error: 9_000 };

/** The dashboard's short-lived outcome notes ("Sandbox reset", "Sent", or the server's error). */
export function useToasts(): { toasts: Toast[]; notify: Notify; dismiss: (id: number) => void } {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>((toast) => {
    const id = nextId.current++;
    setToasts((all) => [...all, { ...toast, id }].slice(-4));
  }, []);
  return { toasts, notify, dismiss };
}

const LOOK: Record<ToastTone, { bar: string; icon: string }> = {
  ok: { bar: 'bg-emerald-500', icon: '✓' },
  warn: { bar: 'bg-amber-500', icon: '!' },
  error: { bar: 'bg-rose-500', icon: '×' },
};
const ICON: Record<ToastTone, string> = {
  ok: 'bg-emerald-100 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300',
  warn: 'bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300',
  error: 'bg-rose-100 text-rose-700 dark:bg-rose-950 dark:text-rose-300',
};

function ToastCard({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), SHOWN_MS[toast.tone]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.tone, onDismiss]);
  return (
    <li
      className="pointer-events-auto relative flex items-start gap-3 overflow-hidden rounded-lg border border-slate-200 bg-white py-2.5 pl-4 pr-3 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
      data-testid="toast"
      data-tone={toast.tone}
    >
      <span className={`absolute inset-y-0 left-0 w-1 ${LOOK[toast.tone].bar}`} aria-hidden />
      <span className={`mt-px flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${ICON[toast.tone]}`} aria-hidden>
        {LOOK[toast.tone].icon}
      </span>
      <span className="min-w-0 flex-1">
        <span className="block font-medium" data-testid="toast-title">
          {toast.title}
        </span>
        {toast.detail && <span className="block break-words text-slate-500 dark:text-slate-400">{toast.detail}</span>}
      </span>
      <button type="button" className="rounded px-1 text-slate-500 dark:text-slate-400 hover:text-slate-700 dark:hover:text-slate-200" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ✕
      </button>
    </li>
  );
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <ol className="pointer-events-none fixed bottom-4 right-4 z-[60] flex w-[22rem] max-w-[calc(100vw-2rem)] flex-col gap-2" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} onDismiss={onDismiss} />
      ))}
    </ol>
  );
}
