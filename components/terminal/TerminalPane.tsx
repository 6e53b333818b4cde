'use client';

import { useEffect, useRef, useState } from 'react';
import { ENGINE_SIGNAL_OSC, INNER_ENGINE_START_COMMAND, parseEngineSignal, type EngineSignal } from '../../protocol/sandbox-engine-signal';
import { TerminalConnection, type ConnectionState } from './terminal-connection';
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

/** Delay between Ctrl-C and the command, so the shell has printed its new prompt. */
const AFTER_INTERRUPT_MS = 150;

/**
 * The learner's terminal: xterm.js bound to a TerminalConnection. xterm is
 * loaded in the effect because it needs the DOM; everything created here is
 * disposed when the component unmounts.
 */
export function TerminalPane({ profile }: { profile: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const connectionRef = useRef<TerminalConnection | null>(null);
  const [status, setStatus] = useState<{ state: ConnectionState; message: string }>({ state: 'connecting', message: 'Loading terminal…' });
  const [sandboxId, setSandboxId] = useState<string | null>(null);
  /** What the learner typed while the engine starts, held until it is ready ('' when nothing is held). */
  const [held, setHeld] = useState('');
  /** What the sandbox last said of its own Docker engine (an OSC at each prompt); null until it has said anything. */
  const [engine, setEngine] = useState<EngineSignal | null>(null);
  const termRef = useRef<{ options: { screenReaderMode?: boolean } } | null>(null);
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
      const engineSignal = term.parser.registerOscHandler(ENGINE_SIGNAL_OSC, (payload) => {
        const signal = parseEngineSignal(payload);
        if (signal) setEngine(signal);
        return true; // never shown, whatever it held
      });
      // xterm's screen reader mode mirrors the screen into an accessible DOM tree; off by default (it costs speed).
      const wantsScreenReader = readScreenReaderChoice();
      term.options.screenReaderMode = wantsScreenReader;
      setScreenReader(wantsScreenReader);

      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const connection = new TerminalConnection(`${scheme}://${window.location.host}/ws/terminal?profile=${encodeURIComponent(profile)}`, {
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
          // Another sandbox (Reset) says afresh how its engine is; the same one's replay says it again.
          setSandboxId(hello.sandboxId);
          setEngine(null);
        },
        held: setHeld,
      });
      connectionRef.current = connection;

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
        connection.dispose();
        connectionRef.current = null;
        termRef.current = null;
        term.dispose();
      };
    })();

    return () => {
      cancelled = true;
      cleanup?.();
    };
  }, [profile]);

  // Connected, but the learner's own dockerd is not running: the header must not say "ready" in green.
  const engineStopped = status.state === 'ready' && engine === 'down';
  const canRetry = status.state === 'error' || status.state === 'expired' || status.state === 'refused';
  // Waiting in line or refused: said over the terminal, in full, where the learner looks (the status line truncates).
  const notice = status.state === 'queued' || status.state === 'refused';
  return (
    <section className="flex h-full min-h-0 flex-col overflow-hidden rounded-lg border border-slate-700 bg-[#0b1220]" aria-label="Sandbox terminal">
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
        {sandboxId && <span className="ml-auto font-mono text-slate-500" title="Your sandbox">sandbox {sandboxId}</span>}
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
        {status.state === 'queued' ? null : canRetry ? (
          <button type="button" className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-800" onClick={() => window.location.reload()}>
            Reconnect
          </button>
        ) : (
          <button
            type="button"
            className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-800"
            title="Throw this sandbox away and start a fresh one"
            onClick={() => {
              if (window.confirm('Reset your sandbox? Everything in it (files, images, containers) is lost.')) connectionRef.current?.reset();
            }}
          >
            Reset
          </button>
        )}
      </div>
      <div className="relative min-h-0 flex-1">
        <div ref={hostRef} className="h-full p-1.5" data-testid="terminal" />
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
