'use client';

import { useEffect, useRef, type KeyboardEvent } from 'react';

export interface TerminalMenuAction {
  label: string;
  /** The key that does the same from inside the terminal, shown beside it. */
  keys?: string;
  disabled?: boolean;
  run(): void;
}

/**
 * The terminal's right-click menu: Copy, Paste, Select all, Clear. A menu in
 * the ARIA sense: focus goes to its first item, ↑/↓ move, Enter runs, Esc or a
 * click elsewhere closes it and focus goes back to the terminal.
 */
export function TerminalMenu({ at, actions, onClose }: { at: { x: number; y: number }; actions: TerminalMenuAction[]; onClose(): void }) {
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('[role=menuitem]:not(:disabled)')?.focus();
    const away = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]:not(:disabled)') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  };

  return (
    <div
      ref={menu}
      role="menu"
      aria-label="Terminal"
      className="absolute z-20 min-w-48 rounded-md border border-slate-600 bg-slate-800 py-1 text-sm text-slate-100 shadow-lg"
      style={{ left: at.x, top: at.y }}
      onKeyDown={onKeyDown}
      data-testid="terminal-menu"
    >
      {actions.map((action) => (
        <button
          key={action.label}
          type="button"
          role="menuitem"
          disabled={action.disabled}
          className="flex w-full items-center gap-4 px-3 py-1 text-left hover:bg-slate-700 focus:bg-slate-700 focus:outline-none disabled:text-slate-400"
          onClick={() => {
            onClose();
            action.run();
          }}
        >
          <span className="flex-1">{action.label}</span>
          {action.keys && <span className="text-xs text-slate-300">{action.keys}</span>}
        </button>
      ))}
    </div>
  );
}
