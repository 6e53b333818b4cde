'use client';

import { useRef, useState, type KeyboardEvent } from 'react';
import { MAIN_SHELL, type ShellEntry } from '../../protocol/control';
import { TerminalPane, type ShellControl, type ShellEvents } from './TerminalPane';

const ONLY_MAIN: ShellEntry[] = [{ shell: MAIN_SHELL, exited: false }];

const tabId = (shell: number) => `terminal-tab-${shell}`;
const PANEL_ID = 'terminal-tab-panel';

/**
 * Terminal tabs over one sandbox: "Terminal 1" is the sandbox's own shell,
 * "+" opens another (a login shell in the same sandbox, server side), ✕ or
 * Delete closes one. The visible tab alone is connected: switching tabs
 * closes one socket and opens the other, which replays what that shell
 * printed meanwhile (as a reload does). So a browser tab costs one terminal
 * socket whatever its tabs, typing can only ever reach the visible shell,
 * and the slides' Run buttons go to it (only its pane listens). A reload
 * opens on Terminal 1; the other tabs are listed and reattach when picked.
 *
 * Every browser tab of the learner hears the sandbox's list of shells: they
 * all show the same tabs, each browser tab showing one of them at a time.
 */
export function TerminalTabs({ profile }: { profile: string }) {
  const [shells, setShells] = useState<ShellEntry[]>(ONLY_MAIN);
  const [max, setMax] = useState<number | null>(null);
  const [active, setActiveState] = useState<number>(MAIN_SHELL);
  /** A tab the learner just opened or picked gets the keyboard; the page's first terminal does not take it. */
  const [focusPane, setFocusPane] = useState(false);
  const [opening, setOpening] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const control = useRef<ShellControl | null>(null);
  const tabRefs = useRef(new Map<number, HTMLDivElement>());

  const setActive = (shell: number, focus: boolean) => {
    setActiveState(shell);
    setFocusPane(focus);
  };

  // Made afresh each render: the pane always calls the latest (it keeps them in a ref, and does not reconnect for them).
  const shellEvents: ShellEvents = {
    // The main shell's hello starts afresh (after a Reset the sandbox has its own shell only); a list follows it when
    // there are more. An extra shell's hello is always followed by the list.
    hello: () => {
      if (active === MAIN_SHELL) setShells(ONLY_MAIN);
    },
    shells: (list, limit) => {
      setShells(list);
      setMax(limit);
      setActiveState((current) => (list.some((s) => s.shell === current) ? current : MAIN_SHELL));
    },
    shellOpened: (shell) => {
      setOpening(false);
      setRefusal(null);
      setShells((list) => (list.some((s) => s.shell === shell) ? list : [...list, { shell, exited: false }]));
      setActive(shell, true);
    },
    control: (pane, available) => {
      if (available) control.current = pane;
      else if (control.current === pane) control.current = null;
    },
    shellRefused: (message) => {
      setOpening(false);
      setRefusal(message);
    },
    // The shell this tab showed was closed (here or in another browser tab), or went with an earlier sandbox.
    shellGone: () => {
      setShells((list) => list.filter((s) => s.shell === MAIN_SHELL || s.shell !== active));
      setActive(MAIN_SHELL, false);
    },
  };

  const openShell = () => {
    setRefusal(null);
    setOpening(true);
    if (control.current) control.current.openShell();
    else shellEvents.shellRefused?.('The terminal is not connected yet; try again in a moment.');
  };

  const closeShell = (shell: number) => {
    if (shell === MAIN_SHELL) return;
    // Sent over the socket that is open now; if it shows this shell, the server closes it after.
    control.current?.closeShell(shell);
    setShells((list) => list.filter((s) => s.shell !== shell));
    setRefusal(null);
    if (active === shell) setActive(MAIN_SHELL, true);
  };

  /** Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern); Delete closes an extra one. */
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>, shell: number) => {
    const at = shells.findIndex((s) => s.shell === shell);
    const target =
      event.key === 'ArrowRight' ? shells[(at + 1) % shells.length] : event.key === 'ArrowLeft' ? shells[(at - 1 + shells.length) % shells.length] : event.key === 'Home' ? shells[0] : event.key === 'End' ? shells.at(-1) : undefined;
    if (target) {
      event.preventDefault();
      setActive(target.shell, false);
      tabRefs.current.get(target.shell)?.focus();
    } else if (event.key === 'Delete' && shell !== MAIN_SHELL) {
      event.preventDefault();
      closeShell(shell);
      tabRefs.current.get(MAIN_SHELL)?.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setActive(shell, true);
    }
  };

  const full = max !== null && shells.length >= max;
  const activeEntry = shells.find((s) => s.shell === active);
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-1 rounded-t-lg bg-slate-900 px-1 pt-1 text-xs">
        <div role="tablist" aria-label="Terminals" className="flex min-w-0 items-center gap-1 overflow-x-auto" data-testid="terminal-tabs">
          {shells.map(({ shell, exited }) => {
            const selected = shell === active;
            const label = `Terminal ${shell}`;
            return (
              <div
                key={shell}
                ref={(element) => {
                  if (element) tabRefs.current.set(shell, element);
                  else tabRefs.current.delete(shell);
                }}
                role="tab"
                id={tabId(shell)}
                aria-selected={selected}
                aria-controls={PANEL_ID}
                aria-keyshortcuts={shell === MAIN_SHELL ? undefined : 'Delete'}
                tabIndex={selected ? 0 : -1}
                title={shell === MAIN_SHELL ? 'The sandbox’s own terminal' : `Another shell in the same sandbox; Delete or ✕ closes it${exited ? ' (it has exited)' : ''}`}
                data-shell={shell}
                data-exited={exited}
                className={`flex shrink-0 cursor-pointer select-none items-center gap-1.5 rounded-t border border-b-0 px-2.5 py-1 ${
                  selected ? 'border-slate-600 bg-[#0b1220] text-slate-100' : 'border-transparent text-slate-300 hover:bg-slate-800 hover:text-slate-100'
                }`}
                onClick={() => setActive(shell, true)}
                onKeyDown={(event) => onTabKey(event, shell)}
              >
                <span className={exited ? 'line-through' : undefined}>{label}</span>
                {exited && <span className="sr-only"> (exited)</span>}
                {shell !== MAIN_SHELL && (
                  // Not a button of its own (a tab holds no controls): the mouse's way to what Delete does on the tab.
                  <span
                    aria-hidden="true"
                    data-testid={`close-terminal-${shell}`}
                    className="rounded px-1 text-slate-300 hover:bg-slate-700 hover:text-slate-100"
                    onClick={(event) => {
                      event.stopPropagation();
                      closeShell(shell);
                    }}
                  >
                    ✕
                  </span>
                )}
              </div>
            );
          })}
        </div>
        <button
          type="button"
          className="mb-1 shrink-0 rounded border border-slate-600 px-2 py-0.5 text-slate-200 hover:bg-slate-800 disabled:cursor-not-allowed disabled:opacity-50"
          aria-label="Open another terminal in this sandbox"
          title={full ? `At most ${max} terminals at once; close one first` : 'Open another terminal in this sandbox'}
          disabled={opening || full}
          onClick={openShell}
          data-testid="new-terminal"
        >
          +
        </button>
        {refusal && (
          <span role="status" className="mb-1 truncate text-amber-200" data-testid="terminal-tabs-refusal">
            {refusal}
          </span>
        )}
      </div>
      <div role="tabpanel" id={PANEL_ID} aria-labelledby={tabId(active)} className="relative min-h-0 flex-1">
        {activeEntry?.exited && (
          <div role="status" className="absolute inset-x-0 bottom-0 z-10 flex items-center justify-center gap-3 bg-slate-800/95 px-3 py-1.5 text-sm text-slate-100" data-testid="terminal-exited">
            The shell in Terminal {active} has exited; what it printed stays readable here.
            <button type="button" className="rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-700" onClick={() => closeShell(active)}>
              Close Terminal {active}
            </button>
          </div>
        )}
        <TerminalPane key={active} profile={profile} shell={active} autoFocus={focusPane} shellEvents={shellEvents} />
      </div>
    </div>
  );
}
