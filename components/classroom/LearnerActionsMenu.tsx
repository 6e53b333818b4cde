'use client';

import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { LEARNER_ACTIONS, type LearnerActionContext, type OnLearnerAction } from './learner-actions';

/**
 * The "⋯" menu at the end of a learner's row; a choice goes to `onAction`.
 * With `disabledReason` (the class ended) every action is listed, disabled, with the reason.
 */
export function LearnerActionsMenu({ context, onAction, disabledReason }: { context: LearnerActionContext; onAction: OnLearnerAction; disabledReason?: string }) {
  // Where the menu opens, in viewport coordinates. It is drawn in a portal on <body>: inside the grid, the
  // scrolling box would clip it and the sticky name cells of the rows below would cover it.
  const [at, setAt] = useState<{ top: number; right: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const open = at !== null;

  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent) {
        if (event.key === 'Escape') setAt(null);
        return;
      }
      const target = event.target as Node;
      // The button toggles by itself; a press inside the menu is a choice, not a dismissal.
      if (event.type === 'mousedown' && (menu.current?.contains(target) || button.current?.contains(target))) return;
      setAt(null);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    window.addEventListener('resize', close);
    window.addEventListener('scroll', close, true);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
      window.removeEventListener('resize', close);
      window.removeEventListener('scroll', close, true);
    };
  }, [open]);

  return (
    <>
      <button
        ref={button}
        type="button"
        className="rounded px-2 py-0.5 text-lg leading-none text-slate-500 dark:text-slate-400 hover:bg-slate-100 hover:text-slate-900 dark:hover:bg-slate-800 dark:hover:text-slate-100"
        aria-label={`Actions for ${context.displayName}`}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="learner-actions"
        onClick={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          setAt(open ? null : { top: rect.bottom + 4, right: window.innerWidth - rect.right });
        }}
      >
        ⋯
      </button>
      {at &&
        createPortal(
          <div
            ref={menu}
            role="menu"
            style={{ top: at.top, right: at.right }}
            className="fixed z-30 w-60 overflow-hidden rounded-md border border-slate-200 bg-white py-1 text-left shadow-lg dark:border-slate-700 dark:bg-slate-900"
          >
            <div className="truncate border-b border-slate-100 px-3 pb-1.5 pt-1 text-xs font-medium text-slate-500 dark:text-slate-400 dark:border-slate-800">{context.displayName}</div>
            {LEARNER_ACTIONS.map((action) => (
              <button
                key={action.id}
                type="button"
                role="menuitem"
                disabled={Boolean(disabledReason)}
                data-action={action.id}
                className={`block w-full px-3 py-1.5 text-left hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50 disabled:hover:bg-transparent dark:hover:bg-slate-800 ${
                  action.id === 'reset' ? 'text-rose-700 dark:text-rose-400' : ''
                }`}
                onClick={() => {
                  if (action.confirm && !window.confirm(action.confirm)) return;
                  setAt(null);
                  onAction(action.id, context);
                }}
              >
                <span className="block text-sm font-medium">{action.label}</span>
                <span className="block text-xs text-slate-500 dark:text-slate-400">{disabledReason ? `${action.description} · ${disabledReason}` : action.description}</span>
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}
