'use client';

import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import { MAIN_SHELL } from '../../protocol/control';
import { ENGINE_SIGNAL_OSC, INNER_ENGINE_START_COMMAND, parseEngineSignal, type EngineSignal } from '../../protocol/sandbox-engine-signal';
import { TerminalConnection, type ConnectionEvents, type ConnectionState } from './terminal-connection';
import { TerminalKeys } from './terminal-keys';
import { TerminalMenu } from './TerminalMenu';
import { timeLeft } from './time-left';
import { RUN_IN_TERMINAL_EVENT, commandKeystrokes, type RunInTerminalDetail } from './run-command';
import '@xterm/xterm/css/xterm.css';

const STATE_STYLE: Record<ConnectionState, string> = {
  connecting: 'bg-amber-400',
  queued: 'bg-sky-400',
  starting: 'bg-amber-400',
  reconnecting: 'bg-amber-400',
  restarting: 'bg-amber-400',
  ready: 'bg-emerald-400',
  expired: 'bg-slate-400',
  refused: 'bg-rose-500',
  error: 'bg-rose-500',
};

const SCREEN_READER_KEY = 'drydock-screen-reader';

function readScreenReaderChoice(): boolean {
  try {
    return localStorage.getItem(SCREEN_READER_KEY) === 'on';
  } catch {
    return false;
  }
}

function storeScreenReaderChoice(on: boolean): void {
  try {
    localStorage.setItem(SCREEN_READER_KEY, on ? 'on' : 'off');
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

/** States in which nothing typed reaches a shell: the terminal says so over itself and takes no input. */
const DEAD_STATES: ReadonlySet<ConnectionState> = new Set(['expired', 'error']);
const OFFLINE_STATES: ReadonlySet<ConnectionState> = new Set(['reconnecting', 'restarting', 'expired', 'error', 'refused', 'queued']);

/** Delay between Ctrl-C and the command, so the shell has printed its new prompt. */
const AFTER_INTERRUPT_MS = 150;

/** What the terminal tabs hear from the pane's socket about the sandbox's shells (TerminalTabs). */
export type ShellEvents = Pick<ConnectionEvents, 'shells' | 'shellOpened' | 'shellRefused' | 'shellGone'> & {
  /** A hello: the sandbox this pane shows (after a Reset, another one, with its own shell only). */
  hello?(sandboxId: string): void;
  /** The pane's way to open and close shells: available once it is connected, unavailable once the pane is gone. */
  control?(control: ShellControl, available: boolean): void;
};

/** What the terminal tabs ask of the sandbox through the pane's socket. */
export interface ShellControl {
  openShell(): void;
  closeShell(shell: number): void;
}

export interface TerminalPaneProps {
  profile: string;
  /** Which of the sandbox's shells this pane shows. default MAIN_SHELL (the sandbox's own terminal) */
  shell?: number;
  /** Focus the terminal once it is open (a tab the learner just opened or picked). */
  autoFocus?: boolean;
  shellEvents?: ShellEvents;
}

/**
 * The learner's terminal: xterm.js bound to a TerminalConnection. xterm is
 * loaded in the effect because it needs the DOM; everything created here is
 * disposed when the component unmounts.
 */
export function TerminalPane({ profile, shell = MAIN_SHELL, autoFocus = false, shellEvents }: TerminalPaneProps) {
  // Read by the connection's callbacks: the latest handlers, without reconnecting when they change.
  const shellEventsRef = useRef(shellEvents);
  useEffect(() => {
    shellEventsRef.current = shellEvents;
  }, [shellEvents]);
  const hostRef = useRef<HTMLDivElement>(null);
  const connectionRef = useRef<TerminalConnection | null>(null);
  const [status, setStatus] = useState<{ state: ConnectionState; message: string }>({ state: 'connecting', message: 'Loading terminal…' });
  const [sandboxId, setSandboxId] = useState<string | null>(null);
  /** What the learner typed while the engine starts, held until it is ready ('' when nothing is held). */
  const [held, setHeld] = useState('');
  /** What the sandbox last said of its own Docker engine (an OSC at each prompt); null until it has said anything. */
  const [engine, setEngine] = useState<EngineSignal | null>(null);
  /** When the sandbox ends (epoch ms): from the hello, moved by an extension. */
  const [expiresAt, setExpiresAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  /** Read-only viewers of this terminal now (an instructor's shadow view): the learner is told. */
  const [watchers, setWatchers] = useState(0);
  const termRef = useRef<{
    options: { screenReaderMode?: boolean; disableStdin?: boolean; cursorBlink?: boolean };
    hasSelection(): boolean;
    getSelection(): string;
    selectAll(): void;
    clear(): void;
    paste(text: string): void;
    focus(): void;
  } | null>(null);
  /** Where the right-click menu is open (relative to the terminal's box), or null. */
  const [menuAt, setMenuAt] = useState<{ x: number; y: number; selection: boolean } | null>(null);
  const closeMenu = useCallback(() => {
    setMenuAt(null);
    termRef.current?.focus();
  }, []);
  /** The terminal has keyboard focus: the way out is shown. */
  const [focused, setFocused] = useState(false);
  const [screenReader, setScreenReader] = useState(false);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let cleanup: (() => void) | undefined;
    let cancelled = false;

    void (async () => {
      const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-fit'),
        import('@xterm/addon-web-links'),
      ]);
      if (cancelled) return;
      const term = new Terminal({
        cursorBlink: true,
        fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
        fontSize: 14,
        scrollback: 5000,
        theme: { background: '#0b1220', foreground: '#e2e8f0', cursor: '#38bdf8', selectionBackground: '#334155' },
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.loadAddon(new WebLinksAddon());
      term.open(host);
      termRef.current = term;
      const keys = new TerminalKeys(() => term.hasSelection());
      term.attachCustomKeyEventHandler((event) => {
        const route = keys.route(event);
        if (route === 'copy') {
          void navigator.clipboard?.writeText(term.getSelection());
          term.clearSelection();
          event.preventDefault();
        }
        return route === 'terminal';
      });
      const textarea = term.textarea;
      textarea?.setAttribute('aria-describedby', 'terminal-keys-help');
      const onFocus = () => setFocused(true);
      const onBlur = () => setFocused(false);
      textarea?.addEventListener('focus', onFocus);
      textarea?.addEventListener('blur', onBlur);
      const engineSignal = term.parser.registerOscHandler(ENGINE_SIGNAL_OSC, (payload) => {
        const signal = parseEngineSignal(payload);
        if (signal) setEngine(signal);
        return true; // never shown, whatever it held
      });
      // xterm's screen reader mode mirrors the screen into an accessible DOM tree; off by default (it costs speed).
      const wantsScreenReader = readScreenReaderChoice();
      term.options.screenReaderMode = wantsScreenReader;
      setScreenReader(wantsScreenReader);

      /** The sandbox whose output the screen shows. */
      let shownSandbox: string | null = null;
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const shellQuery = shell === MAIN_SHELL ? '' : `&shell=${shell}`;
      const connection = new TerminalConnection(`${scheme}://${window.location.host}/ws/terminal?profile=${encodeURIComponent(profile)}${shellQuery}`, {
        output: (data, done) => term.write(data, done),
        replayStarting: () => term.reset(),
        state: (state, message) => {
          setStatus({ state, message });
          // In line means no sandbox (a learner who has one is never queued): what the screen shows is of one that is gone.
          if (state === 'queued') {
            setSandboxId(null);
            setEngine(null);
            term.reset();
          }
        },
        hello: (hello) => {
          // Another sandbox (after Reset): the old one's output must not stay on screen as if it were this one's.
          if (shownSandbox !== null && shownSandbox !== hello.sandboxId && hello.replayBytes === 0) term.reset();
          shownSandbox = hello.sandboxId;
          // It says afresh how its engine is; the same one's replay says it again.
          setSandboxId(hello.sandboxId);
          setEngine(null);
          setExpiresAt(hello.expiresAt);
          setNow(Date.now());
          shellEventsRef.current?.hello?.(hello.sandboxId);
        },
        expires: setExpiresAt,
        held: setHeld,
        watched: setWatchers,
        shells: (shells, max) => shellEventsRef.current?.shells?.(shells, max),
        shellOpened: (opened) => shellEventsRef.current?.shellOpened?.(opened),
        shellRefused: (message) => shellEventsRef.current?.shellRefused?.(message),
        shellGone: (reason) => shellEventsRef.current?.shellGone?.(reason),
      });
      connectionRef.current = connection;
      const control: ShellControl = { openShell: () => connection.openShell(), closeShell: (n) => connection.closeShell(n) };
      shellEventsRef.current?.control?.(control, true);

      const subscriptions = [
        term.onData((data) => connection.send(data)),
        term.onBinary((data) => connection.send(Uint8Array.from(data, (c) => c.charCodeAt(0)))),
        term.onResize(({ cols, rows }) => connection.resize({ cols, rows })),
      ];
      const resizeObserver = new ResizeObserver(() => {
        if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit();
      });
      resizeObserver.observe(host);
      fit.fit();
      connection.resize({ cols: term.cols, rows: term.rows });
      connection.connect();
      if (autoFocus) term.focus();

      let pendingRun: ReturnType<typeof setTimeout> | undefined;
      const onRun = (event: Event) => {
        const { command, interrupt } = (event as CustomEvent<RunInTerminalDetail>).detail;
        const type = () => connection.send(commandKeystrokes(command));
        if (interrupt) {
          connection.send('\x03');
          pendingRun = setTimeout(type, AFTER_INTERRUPT_MS);
        } else {
          type();
        }
        term.focus();
      };
      window.addEventListener(RUN_IN_TERMINAL_EVENT, onRun);

      cleanup = () => {
        window.removeEventListener(RUN_IN_TERMINAL_EVENT, onRun);
        clearTimeout(pendingRun);
        resizeObserver.disconnect();
        for (const s of subscriptions) s.dispose();
        engineSignal.dispose();
        textarea?.removeEventListener('focus', onFocus);
        textarea?.removeEventListener('blur', onBlur);
        connection.dispose();
        connectionRef.current = null;
        shellEventsRef.current?.control?.(control, false);
        termRef.current = null;
        term.dispose();
      };
    })();

    return () => {
      cancelled = true;
      cleanup?.();
    };
    // autoFocus is read once, when the pane opens its terminal.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profile, shell]);

  // Connected, but the learner's own dockerd is not running: the header must not say "ready" in green.
  const engineStopped = status.state === 'ready' && engine === 'down';
  const openMenu = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    event.preventDefault();
    // Kept inside the terminal's box (the menu is about 200 × 140 px).
    const x = Math.max(0, Math.min(event.clientX - box.left, box.width - 200));
    const y = Math.max(0, Math.min(event.clientY - box.top, box.height - 140));
    setMenuAt({ x, y, selection: termRef.current?.hasSelection() ?? false });
  };

  // Nothing typed now reaches a shell: no input, no blinking cursor (a terminal that looks alive while typing is lost is worse).
  const offline = OFFLINE_STATES.has(status.state);
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.options.disableStdin = offline;
    term.options.cursorBlink = !offline;
  }, [offline]);
  const dead = DEAD_STATES.has(status.state);
  const canRetry = status.state === 'error' || status.state === 'expired' || status.state === 'refused';
  // Waiting in line or refused: said over the terminal, in full, where the learner looks (the status line truncates).
  const notice = status.state === 'queued' || status.state === 'refused';
  return (
    <section className="flex h-full min-h-0 flex-col overflow-hidden rounded-lg border border-slate-700 bg-[#0b1220]" aria-label={shell === MAIN_SHELL ? 'Sandbox terminal' : `Sandbox terminal ${shell}`}>
      <div className="flex items-center gap-3 border-b border-slate-700 px-3 py-1.5 text-xs text-slate-300">
        <span className={`inline-block h-2.5 w-2.5 rounded-full ${engineStopped ? 'bg-amber-400' : STATE_STYLE[status.state]}`} aria-hidden />
        <span
          data-testid="terminal-status"
          data-state={engineStopped ? 'engine-stopped' : status.state}
          className="truncate"
          role={engineStopped ? 'status' : undefined}
          title={engineStopped ? `Start it again with: ${INNER_ENGINE_START_COMMAND}  (or press Reset for a fresh sandbox)` : undefined}
        >
          {engineStopped
            ? 'Docker engine stopped: start it with dockerd, or Reset'
            : status.state === 'queued'
              ? 'Waiting for a place'
              : status.state === 'refused'
                ? 'Not opened: a limit of this site'
                : status.message}
        </span>
        {held && (
          <span data-testid="held-input" role="status" className="truncate rounded bg-amber-950 px-1.5 font-mono text-amber-200" title="Sent to your shell as soon as the engine is ready">
            queued: {held}
          </span>
        )}
        {expiresAt !== null && sandboxId && !offline && <TimeLeftBadge expiresAt={expiresAt} now={now} />}
        {watchers > 0 && (
          <span data-testid="watched" role="status" className="shrink-0 rounded bg-violet-900 px-1.5 text-violet-100" title="Your instructor's read-only view of this terminal: they see what it shows, and cannot type">
            Your instructor is watching this terminal
          </span>
        )}
        {sandboxId && <span className="ml-auto font-mono text-slate-400" title="Your sandbox">sandbox {sandboxId}</span>}
        <button
          type="button"
          className={`${sandboxId ? '' : 'ml-auto '}rounded border px-2 py-0.5 ${screenReader ? 'border-sky-400 text-sky-300' : 'border-slate-600'} hover:bg-slate-800`}
          aria-pressed={screenReader}
          title="Make the terminal readable by a screen reader"
          onClick={() => {
            const next = !screenReader;
            if (termRef.current) termRef.current.options.screenReaderMode = next;
            storeScreenReaderChoice(next);
            setScreenReader(next);
          }}
        >
          Screen reader
        </button>
        {status.state === 'queued' || dead ? null : canRetry ? (
          <button type="button" className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-800" onClick={() => window.location.reload()}>
            Reconnect
          </button>
        ) : (
          <button
            type="button"
            className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-800"
            title="Throw this sandbox away and start a fresh one"
            onClick={() => {
              if (!window.confirm('Reset your sandbox? Everything in it (files, images, containers) is lost.')) return;
              connectionRef.current?.reset();
              setSandboxId(null); // the new one's id comes with its hello
            }}
          >
            Reset
          </button>
        )}
      </div>
      <div className="relative min-h-0 flex-1">
        <div ref={hostRef} className={`h-full p-1.5 ${offline ? 'opacity-40' : ''}`} data-testid="terminal" data-offline={offline} onContextMenu={openMenu} />
        {menuAt && (
          <TerminalMenu
            at={menuAt}
            onClose={closeMenu}
            actions={[
              { label: 'Copy', keys: 'Ctrl+Shift+C', disabled: !menuAt.selection, run: () => void navigator.clipboard?.writeText(termRef.current?.getSelection() ?? '') },
              {
                label: 'Paste',
                keys: 'Ctrl+Shift+V',
                disabled: offline,
                run: () => void navigator.clipboard?.readText().then((text) => termRef.current?.paste(text), () => undefined),
              },
              { label: 'Select all', run: () => termRef.current?.selectAll() },
              { label: 'Clear the screen', run: () => termRef.current?.clear() },
            ]}
          />
        )}
        <p id="terminal-keys-help" className={focused ? 'pointer-events-none absolute bottom-1 right-2 rounded bg-slate-800/90 px-2 py-0.5 text-xs text-slate-200' : 'sr-only'} data-testid="terminal-keys-help">
          Esc then Tab leaves the terminal · Ctrl+Shift+C / V or right-click to copy and paste · Alt+1…9 runs a block, Alt+C checks
        </p>
        {(status.state === 'reconnecting' || status.state === 'restarting') && (
          <p role="status" className="absolute inset-x-0 top-0 bg-amber-900/90 px-3 py-1 text-center text-sm text-amber-100" data-testid="terminal-offline">
            {status.message} What you type now is not sent.
          </p>
        )}
        {dead && (
          <div className="absolute inset-0 flex flex-col items-center justify-center gap-4 bg-[#0b1220]/90 p-6" data-testid="terminal-dead" data-state={status.state}>
            <p role="alert" className="max-w-md text-center text-base leading-relaxed text-slate-100">
              {status.message}
            </p>
            <button type="button" className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800" onClick={() => window.location.reload()}>
              Reconnect
            </button>
          </div>
        )}
        {notice && (
          <div className="absolute inset-0 flex items-center justify-center bg-[#0b1220]/90 p-6" data-testid="terminal-notice" data-state={status.state}>
            <p role={status.state === 'refused' ? 'alert' : 'status'} className="max-w-md text-center text-base leading-relaxed text-slate-100">
              {status.message}
            </p>
          </div>
        )}
      </div>
    </section>
  );
}

/** How long the sandbox has left; a warning (said to screen readers too) in its last minutes. */
function TimeLeftBadge({ expiresAt, now }: { expiresAt: number; now: number }) {
  const left = timeLeft(expiresAt, now);
  const ends = new Date(expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return left.warn ? (
    <span data-testid="time-left" data-warn="true" role="status" className="shrink-0 rounded bg-amber-900 px-1.5 text-amber-100" title={`This sandbox and everything in it are removed at ${ends}`}>
      Sandbox ends in {left.text.replace(' left', '')}: save what you need
    </span>
  ) : (
    <span data-testid="time-left" data-warn="false" className="shrink-0 text-slate-400" title={`This sandbox and everything in it are removed at ${ends}`}>
      {left.text}
    </span>
  );
}
